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
    /// <summary>A new opaque RGBA bitmap of the given size from a region of the source (which must not be smaller).</summary>
    public static SKBitmap Resize(SKBitmap source, SKRect region, int width, int height)
    {
        var rgb = ArrayPool<float>.Shared.Rent(width * height * 3);
        try
        {
            Resample(source, region, width, height, rgb);
            var result = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
            var pixels = result.GetPixelSpan();
            for (int i = 0, n = width * height; i < n; i++)
            {
                pixels[4 * i] = (byte)(rgb[3 * i] + 0.5f);
                pixels[4 * i + 1] = (byte)(rgb[3 * i + 1] + 0.5f);
                pixels[4 * i + 2] = (byte)(rgb[3 * i + 2] + 0.5f);
                pixels[4 * i + 3] = 255;
            }
            result.NotifyPixelsChanged();
            return result;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rgb);
        }
    }

    /// <summary>Writes width x height interleaved RGB values (0..255) of the region into <paramref name="rgb"/>.</summary>
    public static void Resample(SKBitmap source, SKRect region, int width, int height, Span<float> rgb)
    {
        if (source.ColorType is not (SKColorType.Rgba8888 or SKColorType.Bgra8888))
            throw new ArgumentException($"Unsupported pixel format {source.ColorType}.", nameof(source));
        var pixels = source.GetPixelSpan();
        int stride = source.RowBytes;
        int red = source.ColorType == SKColorType.Bgra8888 ? 2 : 0, blue = 2 - red;
        var columns = Coverage.Of(region.Left, region.Width, width, source.Width);
        var rows = Coverage.Of(region.Top, region.Height, height, source.Height);

        // Horizontal pass over every source row the region touches.
        int firstRow = rows.First[0], rowCount = rows.First[height - 1] + rows.Count[height - 1] - firstRow;
        int rowLength = width * 3;
        var horizontal = ArrayPool<float>.Shared.Rent(rowCount * rowLength);
        try
        {
            for (int r = 0; r < rowCount; r++)
            {
                var line = pixels.Slice((firstRow + r) * stride, source.Width * 4);
                var output = horizontal.AsSpan(r * rowLength, rowLength);
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
            for (int y = 0; y < height; y++)
            {
                var target = rgb.Slice(y * rowLength, rowLength);
                target.Clear();
                for (int k = 0; k < rows.Count[y]; k++)
                {
                    var line = horizontal.AsSpan((rows.First[y] - firstRow + k) * rowLength, rowLength);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(line, rows.Weights[rows.Offset[y] + k], target, target);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(horizontal);
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
