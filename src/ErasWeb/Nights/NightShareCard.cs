using System.Globalization;
using ErasWeb.Media;
using ErasWeb.Shows;
using SkiaSharp;

namespace ErasWeb.Nights;

/// <summary>
/// The picture a shared link to a night unfurls as (1200x630): the show's city and date, and the whole
/// show's set strip with the sets the night has photos of in their era's colours, the others grey, as
/// the night's page draws it. No photo: a night's photos may each be deleted on their own, and its
/// words and colours say what the night was.
/// </summary>
public static class NightShareCard
{
    const float Margin = 60;

    /// <param name="night">A night that has been read (its show and sets known).</param>
    public static byte[] Draw(NightResponse night)
    {
        using var card = new ShareCanvas(ShareCanvas.Colour(EraPalette.Site.Background));
        float width = ShareCanvas.Width - 2 * Margin;
        SKColor words = ShareCanvas.Colour(EraPalette.Site.Text), muted = ShareCanvas.Colour(EraPalette.Site.Muted), line = ShareCanvas.Colour(EraPalette.Site.Line);
        card.DrawText("ErasWeb", Margin, 96, 36, ShareCanvas.Colour(EraPalette.Site.Accent), width, bold: true);

        var show = night.Show;
        card.DrawText(show?.City ?? "A night at the Eras Tour", Margin, 236, 96, words, width, bold: true);
        var about = show is null ? [] : new List<string> { show.Date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture), show.Venue };
        about.Add(night.Tour is null ? "Eras Tour" : $"{night.Tour} setlist");
        card.DrawText(string.Join(" · ", about), Margin, 312, 40, muted, width);

        // The whole show's order, one equal slot a set, as on the night's page.
        var sets = night.Sets ?? [];
        var order = Tours.OrderOf(night.Tour);
        var slots = order.Select(slot =>
            sets.Any(s => s.Era == slot.Era && s.Set == slot.Set)
                ? ((string?)slot.Era, ShareCanvas.Colour(EraPalette.Of(slot.Era).Fill), ShareCanvas.Colour(EraPalette.Of(slot.Era).Ink))
                : (slot.Era, line, muted)).ToList();
        card.DrawStrip(slots, SKRect.Create(Margin, 390, width, 120), gap: 8, labelSize: 22);
        var photos = night.PhotoCount == 1 ? "1 photo" : $"{night.PhotoCount} photos";
        card.DrawText($"{(sets.Count == 1 ? "1 set" : $"{sets.Count} sets")} · {photos}", Margin, 576, 34, muted, width);
        return card.Jpeg();
    }
}
