using SkiaSharp;

namespace ErasWeb.Media;

public static class ImageEncoder
{
    public const string JpegContentType = "image/jpeg";

    /// <summary>A copy no longer than <paramref name="longSide"/> on either side (the same bitmap if it already fits).</summary>
    public static SKBitmap FitWithin(SKBitmap source, int longSide)
    {
        int max = Math.Max(source.Width, source.Height);
        if (max <= longSide) return source;
        double scale = (double)longSide / max;
        int width = Math.Max(1, (int)Math.Round(source.Width * scale)), height = Math.Max(1, (int)Math.Round(source.Height * scale));
        return AreaResampler.Resize(source, new SKRect(0, 0, source.Width, source.Height), width, height);
    }

    /// <summary>A JPEG of <paramref name="source"/> fitted within <paramref name="longSide"/>.</summary>
    public static byte[] JpegWithin(SKBitmap source, int longSide, int quality = 85)
    {
        var fitted = FitWithin(source, longSide);
        try { return Jpeg(fitted, quality); }
        finally { if (fitted != source) fitted.Dispose(); }
    }

    public static byte[] Jpeg(SKBitmap bitmap, int quality = 85) =>
        TurboJpeg.IsAvailable ? TurboJpeg.Encode(bitmap, quality) : SkiaJpeg(bitmap, quality);

    public static byte[] SkiaJpeg(SKBitmap bitmap, int quality)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality)
            ?? throw new InvalidOperationException("JPEG encoding failed.");
        return data.ToArray();
    }

    public static string JpegEncoderName => TurboJpeg.IsAvailable ? "libjpeg-turbo (TurboJPEG)" : "Skia";
}
