using SkiaSharp;
// The app's icons: the ten eras' colours as a ring around an "E", on the site's background.
string[] eras = ["#ff9fd0", "#f3c623", "#c8102e", "#7b3fc4", "#3b3b3b", "#aebca4", "#8fd3ff", "#ece6d8", "#e7c38f", "#5566e0"];
var bold = SKTypeface.FromFile("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf");
void Icon(string path, int size, float content)
{
    using var bitmap = new SKBitmap(size, size, SKColorType.Rgba8888, SKAlphaType.Premul);
    using var canvas = new SKCanvas(bitmap);
    canvas.Clear(SKColor.Parse("#14111f"));
    float c = size / 2f, radius = size * content * 0.5f * 0.86f, stroke = size * content * 0.5f * 0.22f;
    var ring = SKRect.Create(c - radius, c - radius, 2 * radius, 2 * radius);
    for (int i = 0; i < eras.Length; i++)
    {
        using var paint = new SKPaint { Color = SKColor.Parse(eras[i]), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = stroke };
        canvas.DrawArc(ring, -90 + i * 36 + 2, 32, false, paint);
    }
    using var font = new SKFont(bold, radius * 1.25f) { Edging = SKFontEdging.Antialias };
    using var ink = new SKPaint { Color = SKColor.Parse("#e9a6ff"), IsAntialias = true };
    font.MeasureText("E", out var bounds);
    canvas.DrawText("E", c - bounds.MidX, c - bounds.MidY, SKTextAlign.Left, font, ink);
    canvas.Flush();
    using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
    File.WriteAllBytes(path, data.ToArray());
}
var dir = args[0];
Icon(Path.Combine(dir, "icon-192.png"), 192, 0.92f);
Icon(Path.Combine(dir, "icon-512.png"), 512, 0.92f);
// Maskable: everything inside the central 80% circle a launcher's mask keeps.
Icon(Path.Combine(dir, "icon-maskable-192.png"), 192, 0.72f);
Icon(Path.Combine(dir, "icon-maskable-512.png"), 512, 0.72f);
Icon(Path.Combine(dir, "apple-touch-icon.png"), 180, 0.80f);
