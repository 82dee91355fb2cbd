using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>
/// Draws a Grad-CAM map over a photo: bilinear upsampling of the map onto the crop the model saw,
/// the jet colormap, and a 0.4 blend. The part of the photo outside the model's crop is dimmed so
/// nobody reads the heatmap as covering what the model never looked at.
/// </summary>
public static class GradCamOverlay
{
    public const float Alpha = 0.4f;
    static readonly SKColorFilter Jet = BuildJet();

    public static SKBitmap Render(SKBitmap photo, float[] map, int mapSize, SKRect cropInPhoto)
    {
        var result = new SKBitmap(new SKImageInfo(photo.Width, photo.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(result);
        canvas.DrawBitmap(photo, 0, 0, SKSamplingOptions.Default, null);

        canvas.Save();
        canvas.ClipRect(cropInPhoto, SKClipOperation.Difference);
        canvas.DrawColor(new SKColor(0, 0, 0, 110), SKBlendMode.SrcOver);
        canvas.Restore();

        using var heat = new SKBitmap(new SKImageInfo(mapSize, mapSize, SKColorType.Gray8, SKAlphaType.Opaque));
        var pixels = heat.GetPixelSpan();
        for (int i = 0; i < map.Length; i++) pixels[i] = (byte)Math.Clamp(MathF.Round(map[i] * 255), 0, 255);
        heat.SetImmutable();

        // Opaque first, so the colour table sees the interpolated map values themselves; then blend.
        var area = SKRectI.Ceiling(cropInPhoto);
        using var colored = new SKBitmap(new SKImageInfo(Math.Max(1, area.Width), Math.Max(1, area.Height), SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var heatCanvas = new SKCanvas(colored))
        using (var image = SKImage.FromBitmap(heat))
        using (var jet = new SKPaint { ColorFilter = Jet })
        {
            var target = new SKRect(cropInPhoto.Left - area.Left, cropInPhoto.Top - area.Top, cropInPhoto.Right - area.Left, cropInPhoto.Bottom - area.Top);
            heatCanvas.DrawImage(image, new SKRect(0, 0, mapSize, mapSize), target, new SKSamplingOptions(SKFilterMode.Linear), jet);
        }
        using var blend = new SKPaint { Color = SKColors.White.WithAlpha((byte)Math.Round(Alpha * 255)) };
        canvas.Save();
        canvas.ClipRect(cropInPhoto);
        canvas.DrawBitmap(colored, area.Left, area.Top, SKSamplingOptions.Default, blend);
        canvas.Restore();
        return result;
    }

    /// <summary>The jet colour of a value in 0..1 (the classic piecewise-linear blue-cyan-yellow-red ramp).</summary>
    public static (byte R, byte G, byte B) JetColor(double v)
    {
        static byte Ramp(double x) => (byte)Math.Round(255 * Math.Clamp(x, 0, 1));
        return (Ramp(Math.Min(4 * v - 1.5, -4 * v + 4.5)),
                Ramp(Math.Min(4 * v - 0.5, -4 * v + 3.5)),
                Ramp(Math.Min(4 * v + 0.5, -4 * v + 2.5)));
    }

    static SKColorFilter BuildJet()
    {
        byte[] a = new byte[256], r = new byte[256], g = new byte[256], b = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            a[i] = (byte)i;
            (r[i], g[i], b[i]) = JetColor(i / 255.0);
        }
        return SKColorFilter.CreateTable(a, r, g, b);
    }
}
