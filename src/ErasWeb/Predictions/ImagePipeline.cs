using ErasWeb.Classification;
using ErasWeb.Media;
using SkiaSharp;

namespace ErasWeb.Predictions;

/// <summary>Everything the CPU does for one photo: the prediction and the three pictures stored with it.</summary>
public sealed record AnalyzedImage(EraPrediction Prediction, int Width, int Height, SniffResult Sniff, byte[] Display, byte[] Thumbnail, byte[] GradCam);

public static class ImagePipeline
{
    public const int ThumbnailLongSide = 256;

    public static AnalyzedImage Analyze(ReadOnlySpan<byte> bytes, SniffResult sniff, IEraModel classifier, PixelLimits limits)
    {
        using var decoded = ImageDecoder.Decode(bytes, sniff, limits, classifier.PreferredShortSide);
        var prediction = classifier.Classify(decoded.Upright);
        SKBitmap? display = null, thumbnail = null;
        try
        {
            display = ImageEncoder.FitWithin(decoded.Upright, ImageDecoder.DisplayLongSide);
            thumbnail = ImageEncoder.FitWithin(display, ThumbnailLongSide);
            float scale = (float)display.Width / decoded.Upright.Width;
            var crop = new SKRect(prediction.Crop.Left * scale, prediction.Crop.Top * scale, prediction.Crop.Right * scale, prediction.Crop.Bottom * scale);
            using var overlay = GradCamOverlay.Render(display, prediction.Heatmap, crop);
            return new AnalyzedImage(prediction, decoded.Width, decoded.Height, sniff,
                ImageEncoder.Jpeg(display), ImageEncoder.Jpeg(thumbnail, 80), ImageEncoder.Jpeg(overlay));
        }
        finally
        {
            if (thumbnail != display) thumbnail?.Dispose();
            if (display != decoded.Upright) display?.Dispose();
        }
    }
}
