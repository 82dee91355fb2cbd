using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>
/// The part of a picture inside any uniform bars at its edges: the black bands of a letterboxed or
/// pillarboxed video frame, a phone screenshot's plain margins. Stretching a picture with its bars
/// would squeeze the part that matters; the whole view stretches this box instead.
/// </summary>
public static class ContentBounds
{
    /// <summary>Changes whenever the trimming does, so features cached for trimmed pictures are not reused.</summary>
    public const string Version = "bars1";

    /// <summary>A row or column is a bar when no channel varies along it by more than this (of 255): JPEG and video noise stay below it.</summary>
    const int Tolerance = 24;
    /// <summary>Each bar takes at most this share of its side, so a picture that is flat all over keeps its middle.</summary>
    const float MostTrimmed = 0.45f;

    public static SKRect Find(SKBitmap image)
    {
        if (image.ColorType is not (SKColorType.Rgba8888 or SKColorType.Bgra8888)) return new SKRect(0, 0, image.Width, image.Height);
        var pixels = image.GetPixelSpan();
        int width = image.Width, height = image.Height, stride = image.RowBytes;
        int maxRows = (int)(height * MostTrimmed), maxColumns = (int)(width * MostTrimmed);

        int top = 0, bottom = 0, left = 0, right = 0;
        while (top < maxRows && Uniform(pixels, top * stride, 4, width)) top++;
        while (bottom < maxRows && Uniform(pixels, (height - 1 - bottom) * stride, 4, width)) bottom++;
        while (left < maxColumns && Uniform(pixels, left * 4, stride, height)) left++;
        while (right < maxColumns && Uniform(pixels, (width - 1 - right) * 4, stride, height)) right++;
        return new SKRect(left, top, width - right, height - bottom);
    }

    /// <summary>
    /// Whether the <paramref name="count"/> pixels from <paramref name="start"/>, <paramref name="step"/> bytes apart,
    /// are all of about one colour. Most edges of a photo are not, and tell so within their first pixels.
    /// </summary>
    static bool Uniform(ReadOnlySpan<byte> pixels, int start, int step, int count)
    {
        Span<int> min = [255, 255, 255], max = [0, 0, 0];
        for (int i = 0, p = start; i < count; i++, p += step)
            for (int c = 0; c < 3; c++)
            {
                int v = pixels[p + c];
                if (v < min[c]) min[c] = v;
                if (v > max[c]) max[c] = v;
                if (max[c] - min[c] > Tolerance) return false;
            }
        return true;
    }
}
