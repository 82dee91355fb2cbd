using System.Globalization;
using ErasWeb.Media;
using ErasWeb.Shows;
using SkiaSharp;

namespace ErasWeb.Predictions;

/// <summary>What a prediction's share image says: its era, how sure, and for a video read as a whole show its sets.</summary>
public sealed record ShareCardText(string Era, float Confidence, bool Uncertain, DecodedShow? Show);

/// <summary>
/// The picture a shared link to a photo or video result unfurls as (Open Graph, Twitter's large card):
/// the photo or key frame on the left; on the right the era's name in its colours, how sure, and a bar as the page draws it.
/// </summary>
public static class PredictionShareCard
{
    const float PhotoWidth = 690, Padding = 48;

    /// <param name="display">The stored display copy (a video's key frame).</param>
    public static byte[] Draw(byte[] display, ShareCardText text)
    {
        var colours = text.Uncertain ? EraPalette.Uncertain : EraPalette.Of(text.Era);
        SKColor fill = ShareCanvas.Colour(colours.Fill), ink = ShareCanvas.Colour(colours.Ink);
        using var card = new ShareCanvas(ShareCanvas.Colour(EraPalette.Site.Background));
        using (var photo = ImageDecoder.DecodeOwnJpeg(display, ShareCanvas.Height))
            card.DrawCover(photo, SKRect.Create(0, 0, PhotoWidth, ShareCanvas.Height));

        float left = PhotoWidth + Padding, width = ShareCanvas.Width - left - Padding;
        card.FillRect(new SKRect(PhotoWidth, 0, ShareCanvas.Width, ShareCanvas.Height), ShareCanvas.Colour(EraPalette.Site.Card));
        card.DrawText("ErasWeb", left, 96, 36, ShareCanvas.Colour(EraPalette.Site.Accent), width, bold: true);
        var words = ShareCanvas.Colour(EraPalette.Site.Text);
        var muted = ShareCanvas.Colour(EraPalette.Site.Muted);

        if (text.Show is { Sets.Count: > 0 } show)
        {
            // A whole show is its setlist, as its page says: the sets in the order seen, each in its era's colours.
            card.DrawPill(show.Tour is null ? "Whole show" : $"{show.Tour} setlist", left, 190, 56, ShareCanvas.Colour(EraPalette.Site.Accent), ShareCanvas.Colour(EraPalette.Site.AccentInk), width);
            card.DrawText(show.Sets.Count == 1 ? "1 set" : $"{show.Sets.Count} sets", left, 360, 56, words, width, bold: true);
            card.DrawStrip([.. show.Sets.Select(s => ((string?)null, ShareCanvas.Colour(EraPalette.Of(s.Era).Fill), ShareCanvas.Colour(EraPalette.Of(s.Era).Ink)))],
                SKRect.Create(left, 410, width, 64), gap: 4);
            card.DrawText($"seen most: {text.Era}", left, 540, 32, muted, width);
        }
        else if (text.Uncertain)
        {
            card.DrawPill("Not sure", left, 190, 64, fill, ink, width);
            card.DrawText($"best guess {text.Era},", left, 370, 40, words, width);
            card.DrawText($"{Percent(text.Confidence)} sure", left, 424, 40, words, width);
        }
        else
        {
            card.DrawPill(text.Era, left, 190, 64, fill, ink, width);
            card.DrawText($"{Percent(text.Confidence)} sure", left, 380, 64, words, width, bold: true);
            // How sure, drawn as the result page's bar.
            var bar = SKRect.Create(left, 420, width, 24);
            card.FillRect(bar, ShareCanvas.Colour(EraPalette.Site.Background), 12);
            card.FillRect(SKRect.Create(bar.Left, bar.Top, Math.Max(bar.Height, bar.Width * Math.Clamp(text.Confidence, 0, 1)), bar.Height), fill, 12);
        }
        card.FillRect(SKRect.Create(0, ShareCanvas.Height - 14, ShareCanvas.Width, 14), fill);
        return card.Jpeg();
    }

    /// <summary>"87%", as the pages write it.</summary>
    static string Percent(float probability) => (probability * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
