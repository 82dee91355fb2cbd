using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>
/// Draws a heatmap (Grad-CAM or occlusion) over a photo: the map bilinearly upsampled onto the crop the model saw,
/// coloured with jet and blended at 0.4. The photo outside that crop is dimmed so nobody reads the
/// heatmap as covering what the model never looked at. Done per pixel here: Skia's raster
/// pipeline takes ten times longer for the same upsample and blend on this machine class.
/// </summary>
public static class GradCamOverlay
{
    public const float Alpha = 0.4f;
    const int AlphaWeight = (int)(Alpha * 256 + 0.5f); // of 256
    const int DimWeight = 146;                         // of 256: the outside keeps 57% of its light
    static readonly int[] JetBlend = BuildJetBlend();

    /// <param name="markCrop">Outline the crop too: a zoomed view's small region is easy to miss by its dimmed surround alone.</param>
    public static SKBitmap Render(SKBitmap photo, Heatmap heatmap, SKRect cropInPhoto, bool markCrop = false)
    {
        if (photo.ColorType != SKColorType.Rgba8888) throw new ArgumentException("The photo must be RGBA8888.", nameof(photo));
        var result = new SKBitmap(new SKImageInfo(photo.Width, photo.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        photo.GetPixelSpan().CopyTo(result.GetPixelSpan());
        Draw(result, heatmap, cropInPhoto, markCrop);
        return result;
    }

    /// <summary>As <see cref="Render"/>, over <paramref name="photo"/> itself: no second bitmap to allocate and fill, for a photo decoded only to be drawn over.</summary>
    public static void Draw(SKBitmap photo, Heatmap heatmap, SKRect cropInPhoto, bool markCrop = false)
    {
        if (photo.ColorType != SKColorType.Rgba8888) throw new ArgumentException("The photo must be RGBA8888.", nameof(photo));
        int width = photo.Width, height = photo.Height;
        var target = photo.GetPixelSpan();

        int left = Math.Clamp((int)MathF.Round(cropInPhoto.Left), 0, width), right = Math.Clamp((int)MathF.Round(cropInPhoto.Right), left, width);
        int top = Math.Clamp((int)MathF.Round(cropInPhoto.Top), 0, height), bottom = Math.Clamp((int)MathF.Round(cropInPhoto.Bottom), top, height);

        // Where each column falls on the map: the two neighbouring cells and the weight of the second.
        var (map, mapWidth, mapHeight) = (heatmap.Values, heatmap.Width, heatmap.Height);
        var (x0, x1, fx) = Sampling(left, right, cropInPhoto.Left, cropInPhoto.Width, mapWidth);
        var rowValues = new float[mapWidth];
        for (int y = 0; y < height; y++)
        {
            var row = target.Slice(y * width * 4, width * 4);
            if (y < top || y >= bottom)
            {
                Dim(row);
                continue;
            }
            Dim(row[..(left * 4)]);
            Dim(row[(right * 4)..]);

            // Interpolate between two map rows once per pixel row, then along the row per pixel.
            float v = Math.Clamp((y + 0.5f - cropInPhoto.Top) / cropInPhoto.Height * mapHeight - 0.5f, 0, mapHeight - 1);
            int r0 = (int)v, r1 = Math.Min(r0 + 1, mapHeight - 1);
            float fy = v - r0;
            for (int m = 0; m < mapWidth; m++)
                rowValues[m] = map[r0 * mapWidth + m] * (1 - fy) + map[r1 * mapWidth + m] * fy;

            for (int x = left; x < right; x++)
            {
                int i = x - left;
                float value = rowValues[x0[i]] + (rowValues[x1[i]] - rowValues[x0[i]]) * fx[i];
                int jet = (int)(Math.Clamp(value, 0, 1) * 255 + 0.5f) * 3;
                int p = x * 4;
                row[p] = (byte)((row[p] * (256 - AlphaWeight) + JetBlend[jet]) >> 8);
                row[p + 1] = (byte)((row[p + 1] * (256 - AlphaWeight) + JetBlend[jet + 1]) >> 8);
                row[p + 2] = (byte)((row[p + 2] * (256 - AlphaWeight) + JetBlend[jet + 2]) >> 8);
            }
        }
        photo.NotifyPixelsChanged();
        if (markCrop)
        {
            using var canvas = new SKCanvas(photo);
            using var outline = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Stroke, StrokeWidth = Math.Max(2, Math.Min(width, height) / 150f), IsAntialias = true };
            canvas.DrawRect(new SKRect(left, top, right, bottom), outline);
        }
    }

    static (int[] Low, int[] High, float[] Fraction) Sampling(int from, int to, float origin, float length, int mapSize)
    {
        int n = to - from;
        var low = new int[n];
        var high = new int[n];
        var fraction = new float[n];
        for (int i = 0; i < n; i++)
        {
            float u = Math.Clamp((from + i + 0.5f - origin) / length * mapSize - 0.5f, 0, mapSize - 1);
            low[i] = (int)u;
            high[i] = Math.Min(low[i] + 1, mapSize - 1);
            fraction[i] = u - low[i];
        }
        return (low, high, fraction);
    }

    static void Dim(Span<byte> pixels)
    {
        for (int i = 0; i < pixels.Length; i += 4)
        {
            pixels[i] = (byte)((pixels[i] * DimWeight) >> 8);
            pixels[i + 1] = (byte)((pixels[i + 1] * DimWeight) >> 8);
            pixels[i + 2] = (byte)((pixels[i + 2] * DimWeight) >> 8);
        }
    }

    /// <summary>The jet colour of a value in 0..1 (the classic piecewise-linear blue-cyan-yellow-red ramp).</summary>
    public static (byte R, byte G, byte B) JetColor(double v)
    {
        static byte Ramp(double x) => (byte)Math.Round(255 * Math.Clamp(x, 0, 1));
        return (Ramp(Math.Min(4 * v - 1.5, -4 * v + 4.5)),
                Ramp(Math.Min(4 * v - 0.5, -4 * v + 3.5)),
                Ramp(Math.Min(4 * v + 0.5, -4 * v + 2.5)));
    }

    /// <summary>For each of 256 map levels, the jet colour already weighted by the blend.</summary>
    static int[] BuildJetBlend()
    {
        var table = new int[256 * 3];
        for (int i = 0; i < 256; i++)
        {
            var (r, g, b) = JetColor(i / 255.0);
            (table[3 * i], table[3 * i + 1], table[3 * i + 2]) = (r * AlphaWeight, g * AlphaWeight, b * AlphaWeight);
        }
        return table;
    }
}
