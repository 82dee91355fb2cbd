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
    static readonly SKSamplingOptions Smooth = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>The part of an image of this size that the model sees.</summary>
    public static SKRect CenterCrop(int width, int height)
    {
        float side = Math.Min(width, height) * (float)Size / ResizeShortSide;
        float left = (width - side) / 2, top = (height - side) / 2;
        return new SKRect(left, top, left + side, top + side);
    }

    /// <summary>A batch of images as one NCHW tensor.</summary>
    public static float[] Batch(IReadOnlyList<SKBitmap> images)
    {
        var input = new float[images.Count * Length];
        for (int i = 0; i < images.Count; i++) Write(images[i], input.AsSpan(i * Length, Length));
        return input;
    }

    public static void Write(SKBitmap upright, Span<float> destination)
    {
        using var input = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(input))
        using (var image = SKImage.FromBitmap(upright))
            canvas.DrawImage(image, CenterCrop(upright.Width, upright.Height), new SKRect(0, 0, Size, Size), Smooth);

        var pixels = input.GetPixelSpan();
        const int plane = Size * Size;
        for (int i = 0; i < plane; i++)
        {
            destination[i] = (pixels[4 * i] / 255f - Mean[0]) / Std[0];
            destination[plane + i] = (pixels[4 * i + 1] / 255f - Mean[1]) / Std[1];
            destination[2 * plane + i] = (pixels[4 * i + 2] / 255f - Mean[2]) / Std[2];
        }
    }
}
