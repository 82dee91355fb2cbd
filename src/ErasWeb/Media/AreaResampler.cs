using System.Buffers;
using SkiaSharp;

namespace ErasWeb.Media;

/// <summary>
/// Shrinks an image by averaging the source pixels under each output pixel, weighted by how much
/// of each they cover: an antialiased downscale in two separable passes. On this machine class it
/// costs about a third of Skia's mipmapped drawing, which builds the whole mip chain on every draw.
/// </summary>
public static class AreaResampler
{
    /// <summary>
    /// About how many floats (256 KB) a pass holds at once. Working in bands of rows keeps every
    /// buffer this small: whole-image buffers of tens of megabytes, once pooled, stayed resident per thread.
    /// </summary>
    const int BandFloats = 64 * 1024;

    /// <summary>A new opaque RGBA bitmap of the given size from a region of the source (which must not be smaller).</summary>
    public static SKBitmap Resize(SKBitmap source, SKRect region, int width, int height)
    {
        CheckFormat(source);
        var columns = Coverage.Of(region.Left, region.Width, width, source.Width);
        var rows = Coverage.Of(region.Top, region.Height, height, source.Height);
        int rowLength = width * 3, stripRows = Math.Clamp(BandFloats / rowLength, 1, height);
        var rgb = ArrayPool<float>.Shared.Rent(stripRows * rowLength);
        var result = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        try
        {
            var pixels = result.GetPixelSpan();
            for (int from = 0; from < height; from += stripRows)
            {
                int to = Math.Min(height, from + stripRows);
                ResampleRows(source, columns, rows, width, from, to, rgb);
                var strip = pixels.Slice(from * width * 4, (to - from) * width * 4);
                for (int i = 0, n = (to - from) * width; i < n; i++)
                {
                    strip[4 * i] = (byte)(rgb[3 * i] + 0.5f);
                    strip[4 * i + 1] = (byte)(rgb[3 * i + 1] + 0.5f);
                    strip[4 * i + 2] = (byte)(rgb[3 * i + 2] + 0.5f);
                    strip[4 * i + 3] = 255;
                }
            }
            result.NotifyPixelsChanged();
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rgb);
        }
    }

    /// <summary>Writes width x height interleaved RGB values (0..255) of the region into <paramref name="rgb"/>.</summary>
    public static void Resample(SKBitmap source, SKRect region, int width, int height, Span<float> rgb) =>
        Resample(source, region, width, height, 0, height, rgb);

    /// <summary>Writes output rows <paramref name="from"/> to <paramref name="to"/> (exclusive) of <see cref="Resample(SKBitmap, SKRect, int, int, Span{float})"/> into <paramref name="rgb"/>.</summary>
    public static void Resample(SKBitmap source, SKRect region, int width, int height, int from, int to, Span<float> rgb)
    {
        CheckFormat(source);
        var columns = Coverage.Of(region.Left, region.Width, width, source.Width);
        var rows = Coverage.Of(region.Top, region.Height, height, source.Height);
        ResampleRows(source, columns, rows, width, from, to, rgb);
    }

    static void CheckFormat(SKBitmap source)
    {
        if (source.ColorType is not (SKColorType.Rgba8888 or SKColorType.Bgra8888))
            throw new ArgumentException($"Unsupported pixel format {source.ColorType}.", nameof(source));
    }

    /// <summary>
    /// Output rows [from, to) into <paramref name="rgb"/>, a band at a time: the horizontal pass over
    /// the source rows the band's output rows cover, then the vertical pass over those. A source row
    /// two bands share is passed twice, to the same values, so the result does not depend on the bands.
    /// </summary>
    static void ResampleRows(SKBitmap source, Coverage columns, Coverage rows, int width, int from, int to, Span<float> rgb)
    {
        var pixels = source.GetPixelSpan();
        int stride = source.RowBytes;
        int red = source.ColorType == SKColorType.Bgra8888 ? 2 : 0, blue = 2 - red;
        int rowLength = width * 3, tallest = 0;
        for (int y = from; y < to; y++) tallest = Math.Max(tallest, rows.Count[y]);
        // Room for at least one output row's source rows, however much a region is shrunk.
        var band = ArrayPool<float>.Shared.Rent(Math.Max(BandFloats, tallest * rowLength));
        try
        {
            for (int first = from, last; first < to; first = last)
            {
                int top = rows.First[first];
                for (last = first + 1; last < to && (rows.First[last] + rows.Count[last] - top) * rowLength <= band.Length; last++) { }
                int bottom = rows.First[last - 1] + rows.Count[last - 1];

                // Horizontal pass over the band's source rows.
                for (int r = top; r < bottom; r++)
                {
                    var line = pixels.Slice(r * stride, source.Width * 4);
                    var output = band.AsSpan((r - top) * rowLength, rowLength);
                    for (int x = 0; x < width; x++)
                    {
                        float sr = 0, sg = 0, sb = 0;
                        int p = columns.First[x] * 4, w = columns.Offset[x];
                        for (int k = 0; k < columns.Count[x]; k++, p += 4)
                        {
                            float weight = columns.Weights[w + k];
                            sr += weight * line[p + red];
                            sg += weight * line[p + 1];
                            sb += weight * line[p + blue];
                        }
                        output[3 * x] = sr;
                        output[3 * x + 1] = sg;
                        output[3 * x + 2] = sb;
                    }
                }

                // Vertical pass: each output row is a weighted sum of whole horizontal rows.
                for (int y = first; y < last; y++)
                {
                    var target = rgb.Slice((y - from) * rowLength, rowLength);
                    target.Clear();
                    for (int k = 0; k < rows.Count[y]; k++)
                    {
                        var line = band.AsSpan((rows.First[y] - top + k) * rowLength, rowLength);
                        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(line, rows.Weights[rows.Offset[y] + k], target, target);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(band);
        }
    }

    /// <summary>For each output pixel, the run of source pixels it covers and how much of each (weights sum to 1).</summary>
    sealed record Coverage(int[] First, int[] Count, int[] Offset, float[] Weights)
    {
        public static Coverage Of(float start, float length, int outputs, int limit)
        {
            float step = length / outputs;
            var first = new int[outputs];
            var count = new int[outputs];
            var offset = new int[outputs];
            var weights = new List<float>(outputs * ((int)step + 2));
            for (int i = 0; i < outputs; i++)
            {
                float a = start + i * step, b = a + step;
                int from = Math.Clamp((int)MathF.Floor(a), 0, limit - 1), to = Math.Clamp((int)MathF.Ceiling(b), from + 1, limit);
                first[i] = from;
                count[i] = to - from;
                offset[i] = weights.Count;
                for (int j = from; j < to; j++)
                    weights.Add(Math.Max(0, Math.Min(b, j + 1) - Math.Max(a, j)) / step);
            }
            return new Coverage(first, count, offset, weights.ToArray());
        }
    }
}
