using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>
/// Finds the stage in a picture taken from the stands: the largest bright area against a dark
/// surround, once lights smaller than a few cells (wristbands, phone screens, flashes) are erased
/// by a morphological opening of a coarse brightness grid. Null when nothing stands out (an empty
/// or dark scene) or when the bright area already fills most of the picture (a close-up).
/// </summary>
public static class StageFinder
{
    /// <summary>Changes whenever the search does, so features cached for found regions are not reused.</summary>
    public const string Version = "stage4";

    /// <summary>Cells along the picture's long side.</summary>
    const int Cells = 64;
    /// <summary>How much brighter (of 255) the brightest opened cell must be than the median one.</summary>
    const int MinContrast = 25;
    /// <summary>Cells count as stage from this share of the way from the median brightness to the brightest, so a dim part of a stage still counts.</summary>
    const float Threshold = 0.25f;
    /// <summary>A region covering more of the picture than this is the picture itself: the whole view sees it already.</summary>
    public const float MostOfPicture = 0.2f;
    /// <summary>The region is never narrower or shorter than this share of the picture's short side.</summary>
    const float SmallestSide = 0.25f;

    public static SKRect? Find(SKBitmap image)
    {
        if (image.ColorType is not (SKColorType.Rgba8888 or SKColorType.Bgra8888) || image.Width < 16 || image.Height < 16) return null;
        float cell = (float)Math.Max(image.Width, image.Height) / Cells;
        int columns = Math.Max(3, (int)MathF.Round(image.Width / cell)), rows = Math.Max(3, (int)MathF.Round(image.Height / cell));
        // Sampling steps never wider than a cell, so no cell of a very long, thin picture goes unsampled.
        int step = Math.Max(1, Math.Min((int)(cell / 4), Math.Min(image.Width / columns, image.Height / rows)));
        var grid = Brightness(image, columns, rows, step);
        var opened = Dilate(Erode(grid, columns, rows), columns, rows);

        var sorted = opened.Order().ToArray();
        int background = sorted[sorted.Length / 2], peak = sorted[^1];
        if (peak - background < MinContrast) return null;
        int threshold = background + (int)((peak - background) * Threshold);

        var (left, top, right, bottom) = BrightestArea(opened, columns, rows, threshold, background);
        // Back to pixels, with a small margin.
        float x0 = left * image.Width / (float)columns, x1 = (right + 1) * image.Width / (float)columns;
        float y0 = top * image.Height / (float)rows, y1 = (bottom + 1) * image.Height / (float)rows;
        float padX = 0.04f * (x1 - x0), padY = 0.04f * (y1 - y0);
        float smallest = SmallestSide * Math.Min(image.Width, image.Height);
        var region = Widen(new SKRect(x0 - padX, y0 - padY, x1 + padX, y1 + padY), smallest, smallest, image.Width, image.Height);
        return region.Width * region.Height > MostOfPicture * image.Width * image.Height ? null : region;
    }

    /// <summary>Each cell's mean of the brightest channel, 0..255, from every <paramref name="step"/>-th pixel each way: a cell's mean needs no more, and every photo pays for this.</summary>
    static int[] Brightness(SKBitmap image, int columns, int rows, int step)
    {
        var sums = new long[columns * rows];
        var counts = new int[columns * rows];
        var pixels = image.GetPixelSpan();
        int width = image.Width, height = image.Height, stride = image.RowBytes;
        var columnOf = new int[width];
        for (int x = 0; x < width; x++) columnOf[x] = Math.Min(columns - 1, x * columns / width);
        for (int y = 0; y < height; y += step)
        {
            int row = Math.Min(rows - 1, y * rows / height) * columns;
            var line = pixels.Slice(y * stride, width * 4);
            for (int x = 0, p = 0; x < width; x += step, p += 4 * step)
            {
                int i = row + columnOf[x];
                sums[i] += Math.Max(line[p], Math.Max(line[p + 1], line[p + 2]));
                counts[i]++;
            }
        }
        var grid = new int[columns * rows];
        for (int i = 0; i < grid.Length; i++) grid[i] = counts[i] == 0 ? 0 : (int)(sums[i] / counts[i]);
        return grid;
    }

    static int[] Erode(int[] grid, int columns, int rows) => Neighbourhood(grid, columns, rows, Math.Min);
    static int[] Dilate(int[] grid, int columns, int rows) => Neighbourhood(grid, columns, rows, Math.Max);

    /// <summary>Each cell combined with its 3x3 neighbours (those inside the grid).</summary>
    static int[] Neighbourhood(int[] grid, int columns, int rows, Func<int, int, int> combine)
    {
        var result = new int[grid.Length];
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < columns; x++)
            {
                int value = grid[y * columns + x];
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if (nx >= 0 && ny >= 0 && nx < columns && ny < rows) value = combine(value, grid[ny * columns + nx]);
                    }
                result[y * columns + x] = value;
            }
        return result;
    }

    /// <summary>The bounding cells of the connected area over the threshold that holds the most light above the background.</summary>
    static (int Left, int Top, int Right, int Bottom) BrightestArea(int[] grid, int columns, int rows, int threshold, int background)
    {
        var label = new int[grid.Length];
        var best = (Light: -1L, Box: (0, 0, 0, 0));
        var stack = new Stack<int>();
        int next = 0;
        for (int start = 0; start < grid.Length; start++)
        {
            if (grid[start] < threshold || label[start] != 0) continue;
            label[start] = ++next;
            stack.Push(start);
            long light = 0;
            int left = columns, top = rows, right = -1, bottom = -1;
            while (stack.Count > 0)
            {
                int i = stack.Pop(), x = i % columns, y = i / columns;
                light += grid[i] - background;
                (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy, n = ny * columns + nx;
                        if (nx < 0 || ny < 0 || nx >= columns || ny >= rows || label[n] != 0 || grid[n] < threshold) continue;
                        label[n] = next;
                        stack.Push(n);
                    }
            }
            if (light > best.Light) best = (light, (left, top, right, bottom));
        }
        return best.Box;
    }

    /// <summary>The rectangle grown about its centre to at least <paramref name="minWidth"/> x <paramref name="minHeight"/>, then kept inside the picture.</summary>
    static SKRect Widen(SKRect r, float minWidth, float minHeight, int width, int height)
    {
        float w = Math.Min(Math.Max(r.Width, minWidth), width), h = Math.Min(Math.Max(r.Height, minHeight), height);
        float left = Math.Clamp(r.MidX - w / 2, 0, width - w), top = Math.Clamp(r.MidY - h / 2, 0, height - h);
        return new SKRect(left, top, left + w, top + h);
    }
}
