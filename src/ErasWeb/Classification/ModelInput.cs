using System.Buffers;
using ErasWeb.Media;
using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>
/// How a model wants its input: the size, NCHW or NHWC, RGB or BGR, and each channel's value as
/// pixel (0..255) * <see cref="Scale"/> + <see cref="Shift"/> (indexed by the tensor's channel).
/// </summary>
public sealed record InputFormat(int Width, int Height, bool ChannelsFirst, bool Bgr, float[] Scale, float[] Shift)
{
    public int Length => 3 * Width * Height;

    /// <summary>The backbone's, as its model card gives it: 224x224 NCHW RGB, scaled to 0..1 and normalised with the ImageNet mean and std.</summary>
    public static readonly InputFormat ImageNet = new(ModelInput.Size, ModelInput.Size, ChannelsFirst: true, Bgr: false,
        [1 / (255f * 0.229f), 1 / (255f * 0.224f), 1 / (255f * 0.225f)], [-0.485f / 0.229f, -0.456f / 0.224f, -0.406f / 0.225f]);
}

/// <summary>
/// Turns pictures into model input. A view's region of the upright image is resampled straight to
/// the input size (area-averaging when shrinking, so no detail aliases) and written in the model's
/// <see cref="InputFormat"/>; the built-in backbone's is <see cref="InputFormat.ImageNet"/>.
/// </summary>
public static class ModelInput
{
    public const int Size = Backbone.InputSize;
    /// <summary>The model card's resize before its centre crop: what a frame's short side is scaled to lose nothing the model sees.</summary>
    public const int ResizeShortSide = 256;
    public const int Length = 3 * Size * Size;
    /// <summary>About how many floats (128 KB) of resampled rows <see cref="Write(SKBitmap, SKRect, InputFormat, bool, Span{float})"/> holds at once.</summary>
    const int StripFloats = 32 * 1024;

    /// <summary>Every image through every view, image-major (image 0's views first), in a pooled buffer.</summary>
    public static float[] RentBatch(IReadOnlyList<SKBitmap> images, IReadOnlyList<View> views)
    {
        var input = ArrayPool<float>.Shared.Rent(images.Count * views.Count * Length);
        for (int i = 0; i < images.Count; i++)
            for (int v = 0; v < views.Count; v++)
            {
                var destination = input.AsSpan((i * views.Count + v) * Length, Length);
                // The mirror image of the square just written needs no second resample.
                if (v > 0 && views[v].Mirror != views[v - 1].Mirror && views[v].Region(images[i]) == views[v - 1].Region(images[i]))
                    Mirror(input.AsSpan((i * views.Count + v - 1) * Length, Length), destination);
                else
                    Write(images[i], views[v], destination);
            }
        return input;
    }

    /// <summary>Regions of images (a zoomed view's), each stretched to the input as the whole view is, in a pooled buffer.</summary>
    public static float[] RentRegions(IReadOnlyList<(SKBitmap Image, SKRect Region)> regions)
    {
        var input = ArrayPool<float>.Shared.Rent(regions.Count * Length);
        for (int j = 0; j < regions.Count; j++)
            Write(regions[j].Image, regions[j].Region, InputFormat.ImageNet, false, input.AsSpan(j * Length, Length));
        return input;
    }

    /// <summary>
    /// A region smaller than width x height (or in a pixel format the area resampler does not read)
    /// drawn bilinearly at that size; null when the area-averaging (antialiased) resize can shrink it as it is.
    /// </summary>
    static SKBitmap? Enlarged(SKBitmap upright, SKRect region, int width, int height)
    {
        if (region.Width >= width && region.Height >= height && upright.ColorType is SKColorType.Rgba8888 or SKColorType.Bgra8888)
            return null;
        var enlarged = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(enlarged))
        using (var image = SKImage.FromBitmap(upright))
            canvas.DrawImage(image, region, new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear));
        return enlarged;
    }

    static void Mirror(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (int row = 0; row < 3 * Size; row++)
        {
            source.Slice(row * Size, Size).CopyTo(destination.Slice(row * Size, Size));
            destination.Slice(row * Size, Size).Reverse();
        }
    }

    /// <summary>The view of the image as the built-in backbone's input, mirrored if the view says so.</summary>
    public static void Write(SKBitmap upright, View view, Span<float> destination) =>
        Write(upright, view.Region(upright), InputFormat.ImageNet, view.Mirror, destination);

    /// <summary>
    /// A region of the image resampled to the format's size and written in its layout, channel
    /// order and scaling, optionally mirrored left-right. A region smaller than the input (a small
    /// photo) is enlarged bilinearly.
    /// </summary>
    public static void Write(SKBitmap image, SKRect region, InputFormat format, bool mirror, Span<float> destination)
    {
        int width = format.Width, height = format.Height, plane = width * height;
        using var enlarged = Enlarged(image, region, width, height);
        var (source, area) = enlarged is null ? (image, region) : (enlarged, new SKRect(0, 0, width, height));
        // A strip of rows at a time, so the buffer stays small whatever the format's size.
        int stripRows = Math.Clamp(StripFloats / (3 * width), 1, height);
        var rgb = ArrayPool<float>.Shared.Rent(3 * width * stripRows);
        try
        {
            for (int top = 0; top < height; top += stripRows)
            {
                int bottom = Math.Min(height, top + stripRows);
                AreaResampler.Resample(source, area, width, height, top, bottom, rgb);
                for (int c = 0; c < 3; c++)
                {
                    int channel = format.Bgr ? 2 - c : c;
                    float scale = format.Scale[c], shift = format.Shift[c];
                    // One output row at a time: where its values go (a plane's row, or every third value) and whether it runs backwards.
                    int step = format.ChannelsFirst ? 1 : 3;
                    for (int y = top; y < bottom; y++)
                    {
                        var row = format.ChannelsFirst ? destination.Slice(c * plane + y * width, width) : destination.Slice(3 * y * width + c, 3 * width - 2);
                        int from = 3 * (y - top) * width + channel;
                        if (mirror)
                            for (int x = 0; x < width; x++) row[step * (width - 1 - x)] = rgb[from + 3 * x] * scale + shift;
                        else
                            for (int x = 0; x < width; x++) row[step * x] = rgb[from + 3 * x] * scale + shift;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rgb);
        }
    }
}
