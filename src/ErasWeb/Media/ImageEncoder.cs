using SkiaSharp;

namespace ErasWeb.Media;

public static class ImageEncoder
{
    public const string JpegContentType = "image/jpeg";
    static readonly SKSamplingOptions Smooth = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>A copy no longer than <paramref name="longSide"/> on either side (the same bitmap if it already fits).</summary>
    public static SKBitmap FitWithin(SKBitmap source, int longSide)
    {
        int max = Math.Max(source.Width, source.Height);
        if (max <= longSide) return source;
        double scale = (double)longSide / max;
        var size = new SKSizeI(Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)));
        return source.Resize(new SKImageInfo(size.Width, size.Height, source.ColorType, source.AlphaType), Smooth);
    }

    public static byte[] Jpeg(SKBitmap bitmap, int quality = 85)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality)
            ?? throw new InvalidOperationException("JPEG encoding failed.");
        return data.ToArray();
    }
}
