using System.Buffers;
using ErasWeb.Media;
using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>
/// The backbone's preprocessing, as its model card gives it: resize the short side to 256,
/// centre-crop 224, scale to 0..1, normalise per channel with the ImageNet mean and std, NCHW RGB.
/// Resize and crop are one resampling step: the crop's source rectangle is drawn at 224x224.
/// </summary>
public static class ModelInput
{
    public const int Size = Backbone.InputSize;
    public const int ResizeShortSide = 256;
    public const int Length = 3 * Size * Size;
    static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>The part of an image of this size that the model sees.</summary>
    public static SKRect CenterCrop(int width, int height) => View.Center.Region(width, height);

    /// <summary>A batch of images as one NCHW tensor, in a pooled buffer (return it to ArrayPool&lt;float&gt;.Shared).</summary>
    public static float[] RentBatch(IReadOnlyList<SKBitmap> images) => RentBatch(images, [View.Center]);

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

    /// <summary>
    /// A region of the image as width x height interleaved RGB values (0..255): shrunk with an
    /// area-averaging (antialiased) resize, or enlarged bilinearly when it is smaller than that.
    /// </summary>
    public static void Sample(SKBitmap upright, SKRect region, int width, int height, Span<float> rgb)
    {
        if (region.Width >= width && region.Height >= height && upright.ColorType is SKColorType.Rgba8888 or SKColorType.Bgra8888)
        {
            AreaResampler.Resample(upright, region, width, height, rgb);
            return;
        }
        using var enlarged = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(enlarged))
        using (var image = SKImage.FromBitmap(upright))
            canvas.DrawImage(image, region, new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear));
        AreaResampler.Resample(enlarged, new SKRect(0, 0, width, height), width, height, rgb);
    }

    static void Mirror(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (int row = 0; row < 3 * Size; row++)
        {
            source.Slice(row * Size, Size).CopyTo(destination.Slice(row * Size, Size));
            destination.Slice(row * Size, Size).Reverse();
        }
    }

    public static void Write(SKBitmap upright, Span<float> destination) => Write(upright, View.Center, destination);

    /// <summary>
    /// Shrinks the view's square straight to 224x224 with an area-averaging (antialiased) resize,
    /// then normalises into NCHW, mirrored if the view says so. A square smaller than 224 (a small
    /// photo) is enlarged bilinearly.
    /// </summary>
    public static void Write(SKBitmap upright, View view, Span<float> destination)
    {
        var crop = view.Region(upright);
        var rgb = ArrayPool<float>.Shared.Rent(3 * Size * Size);
        try
        {
            Sample(upright, crop, Size, Size, rgb);

            const int plane = Size * Size;
            for (int c = 0; c < 3; c++)
            {
                float scale = 1 / (255f * Std[c]), shift = -Mean[c] / Std[c];
                var channel = destination.Slice(c * plane, plane);
                if (!view.Mirror)
                    for (int i = 0; i < plane; i++) channel[i] = rgb[3 * i + c] * scale + shift;
                else
                    for (int y = 0; y < Size; y++)
                        for (int x = 0; x < Size; x++)
                            channel[y * Size + x] = rgb[3 * (y * Size + Size - 1 - x) + c] * scale + shift;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rgb);
        }
    }
}
