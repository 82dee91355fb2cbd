using ErasWeb.Classification;
using ErasWeb.Media;
using ErasWeb.Observability;
using SkiaSharp;

namespace ErasWeb.Predictions;

/// <summary>Everything the CPU does for one photo: the prediction and the three pictures stored with it.</summary>
public sealed record AnalyzedImage(EraPrediction Prediction, int Width, int Height, SniffResult Sniff, byte[] Display, byte[] Thumbnail, byte[] GradCam);

public static class ImagePipeline
{
    public const int ThumbnailLongSide = 256;

    /// <param name="metrics">Where each step's time is recorded, if anywhere.</param>
    public static AnalyzedImage Analyze(ReadOnlySpan<byte> bytes, SniffResult sniff, IEraModel classifier, PixelLimits limits, ErasMetrics? metrics = null)
    {
        var step = System.Diagnostics.Stopwatch.StartNew();
        void Done(string stage) { metrics?.Stage(stage, step.Elapsed); step.Restart(); }

        using var decoded = ImageDecoder.Decode(bytes, sniff, limits, classifier.PreferredShortSide);
        Done("decode");
        var prediction = classifier.Classify(decoded.Upright);
        Done("inference");
        SKBitmap? display = null, thumbnail = null;
        try
        {
            display = ImageEncoder.FitWithin(decoded.Upright, ImageDecoder.DisplayLongSide);
            thumbnail = ImageEncoder.FitWithin(display, ThumbnailLongSide);
            float scale = (float)display.Width / decoded.Upright.Width;
            var crop = new SKRect(prediction.Crop.Left * scale, prediction.Crop.Top * scale, prediction.Crop.Right * scale, prediction.Crop.Bottom * scale);
            using var overlay = GradCamOverlay.Render(display, prediction.Heatmap, crop, markCrop: prediction.Zoomed);
            Done("gradcam");
            var analyzed = new AnalyzedImage(prediction, decoded.Width, decoded.Height, sniff,
                ImageEncoder.Jpeg(display), ImageEncoder.Jpeg(thumbnail, 80), ImageEncoder.Jpeg(overlay));
            Done("encode");
            return analyzed;
        }
        finally
        {
            if (thumbnail != display) thumbnail?.Dispose();
            if (display != decoded.Upright) display?.Dispose();
        }
    }
}
