using SkiaSharp;

namespace ErasWeb.Media;

/// <summary>
/// The canvas a share image is drawn on: 1200x630, the size Open Graph and Twitter's large card show
/// whole, and the few things drawn on it (text fitted to a width, a pill, a picture filling a box).
/// Text is DejaVu Sans (Debian's fonts-dejavu-core): SkiaSharp's Linux build has no fontconfig, so
/// without a font file its default typeface draws no glyphs.
/// </summary>
public sealed class ShareCanvas : IDisposable
{
    public const int Width = 1200, Height = 630;

    readonly SKBitmap bitmap = new(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
    public SKCanvas Canvas { get; }

    public ShareCanvas(SKColor background)
    {
        Canvas = new SKCanvas(bitmap);
        Canvas.Clear(background);
    }

    /// <summary>The card as a JPEG (quality 88: flat colours and text show 4:2:0 blocks less than photos do).</summary>
    public byte[] Jpeg()
    {
        Canvas.Flush();
        return ImageEncoder.Jpeg(bitmap, 88);
    }

    /// <summary>
    /// A picture filling <paramref name="box"/> (as CSS object-fit: cover), cropped about its centre across and, down a
    /// tall picture, nearer its top: a performer's face is rarely in the lower half.
    /// </summary>
    public void DrawCover(SKBitmap picture, SKRect box)
    {
        float scale = Math.Max(box.Width / picture.Width, box.Height / picture.Height);
        float w = box.Width / scale, h = box.Height / scale;
        var source = SKRect.Create((picture.Width - w) / 2, (picture.Height - h) * 0.25f, w, h);
        using var image = SKImage.FromBitmap(picture);
        using var paint = new SKPaint { IsAntialias = true };
        Canvas.DrawImage(image, source, box, new SKSamplingOptions(SKCubicResampler.Mitchell), paint);
    }

    public void FillRect(SKRect rect, SKColor colour, float radius = 0)
    {
        using var paint = new SKPaint { Color = colour, IsAntialias = true };
        if (radius > 0) Canvas.DrawRoundRect(rect, radius, radius, paint);
        else Canvas.DrawRect(rect, paint);
    }

    /// <summary>
    /// Text from <paramref name="left"/> with its baseline at <paramref name="baseline"/>, at <paramref name="size"/> or as much
    /// smaller as it takes to fit <paramref name="maxWidth"/> (down to <paramref name="minSize"/>, then cut with an ellipsis); its width drawn.
    /// </summary>
    public float DrawText(string text, float left, float baseline, float size, SKColor colour, float maxWidth, bool bold = false,
        SKTextAlign align = SKTextAlign.Left, float minSize = 18)
    {
        using var font = Font(bold, size);
        float width = font.MeasureText(text);
        if (width > maxWidth)
        {
            font.Size = Math.Max(minSize, size * maxWidth / width);
            // Glyph widths do not scale exactly with the size: a step smaller until it fits, then, at the smallest, cut.
            while (font.MeasureText(text) > maxWidth && font.Size > minSize) font.Size = Math.Max(minSize, font.Size - 1);
            while (font.MeasureText(text) > maxWidth && text.Length > 1) text = text[..^2].TrimEnd() + "…";
            width = font.MeasureText(text);
        }
        using var paint = new SKPaint { Color = colour, IsAntialias = true };
        Canvas.DrawText(text, left, baseline, align, font, paint);
        return width;
    }

    /// <summary>A pill of <paramref name="fill"/> holding <paramref name="text"/> in <paramref name="ink"/>, as the pages' badges; its box.</summary>
    public SKRect DrawPill(string text, float left, float top, float size, SKColor fill, SKColor ink, float maxWidth)
    {
        using var font = Font(bold: true, size);
        float padding = size * 0.55f;
        float textWidth = Math.Min(font.MeasureText(text), maxWidth - 2 * padding);
        var box = SKRect.Create(left, top, textWidth + 2 * padding, size * 1.45f);
        FillRect(box, fill, box.Height / 2);
        DrawText(text, left + padding, top + size * 1.08f, size, ink, maxWidth - 2 * padding, bold: true);
        return box;
    }

    /// <summary>
    /// Slots side by side across <paramref name="box"/>, each in its fill with its label (if any) in its ink, fitted to the slot:
    /// a show's sets in order, as the pages' set strip.
    /// </summary>
    public void DrawStrip(IReadOnlyList<(string? Label, SKColor Fill, SKColor Ink)> slots, SKRect box, float gap = 6, float labelSize = 22)
    {
        if (slots.Count == 0) return;
        float width = (box.Width - gap * (slots.Count - 1)) / slots.Count;
        for (int i = 0; i < slots.Count; i++)
        {
            var (label, fill, ink) = slots[i];
            var slot = SKRect.Create(box.Left + i * (width + gap), box.Top, width, box.Height);
            FillRect(slot, fill, Math.Min(10, width / 4));
            if (label is not null && width > 30)
                DrawText(label, slot.MidX, slot.MidY + labelSize * 0.36f, labelSize, ink, width - 10, bold: true, SKTextAlign.Center, minSize: 12);
        }
    }

    /// <summary>DejaVu Sans, or Skia's default typeface where the font is not installed (then without text on Linux).</summary>
    static SKFont Font(bool bold, float size) => new(bold ? Bold.Value : Regular.Value, size) { Subpixel = true, Edging = SKFontEdging.Antialias };

    static readonly string[] FontDirectories = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"];
    static readonly Lazy<SKTypeface> Regular = new(() => Load("DejaVuSans.ttf"));
    static readonly Lazy<SKTypeface> Bold = new(() => Load("DejaVuSans-Bold.ttf"));

    static SKTypeface Load(string file) =>
        FontDirectories.Select(d => Path.Combine(d, file)).FirstOrDefault(File.Exists) is { } path && SKTypeface.FromFile(path) is { } typeface ? typeface : SKTypeface.Default;

    /// <summary>Whether share images can carry their text here: false where fonts-dejavu-core is missing.</summary>
    public static bool HasFont => Regular.Value.GlyphCount > 0;

    public static SKColor Colour(string hex) => SKColor.Parse(hex);

    public void Dispose()
    {
        Canvas.Dispose();
        bitmap.Dispose();
    }
}
