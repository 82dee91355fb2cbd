using ErasWeb.Classification;
using ErasWeb.Data;
using ErasWeb.Media;
using ErasWeb.Observability;
using SkiaSharp;

namespace ErasWeb.Predictions;

/// <summary>
/// What the CPU does for one photo before it is answered: the prediction, the display copy stored with
/// it, and the heatmap its overlay is drawn from when first asked for.
/// </summary>
public sealed record AnalyzedImage(EraPrediction Prediction, int Width, int Height, SniffResult Sniff, byte[] Display, StoredHeatmap Heatmap);

public static class ImagePipeline
{
    public const int ThumbnailLongSide = 256;
    const int DisplayQuality = 85, ThumbnailQuality = 80;

    /// <param name="metrics">Where each step's time is recorded, if anywhere.</param>
    public static AnalyzedImage Analyze(ReadOnlySpan<byte> bytes, SniffResult sniff, IEraModel classifier, PixelLimits limits, ErasMetrics? metrics = null)
    {
        var step = System.Diagnostics.Stopwatch.StartNew();
        void Done(string stage) { metrics?.Stage(stage, step.Elapsed); step.Restart(); }

        using var decoded = ImageDecoder.Decode(bytes, sniff, limits, classifier.PreferredShortSide);
        Done("decode");
        var prediction = classifier.Classify(decoded.Upright);
        Done("inference");
        var display = ImageEncoder.FitWithin(decoded.Upright, ImageDecoder.DisplayLongSide);
        try
        {
            var analyzed = new AnalyzedImage(prediction, decoded.Width, decoded.Height, sniff, ImageEncoder.Jpeg(display, DisplayQuality),
                KeepHeatmap(prediction, decoded.Upright.Width, decoded.Upright.Height));
            Done("encode");
            return analyzed;
        }
        finally
        {
            if (display != decoded.Upright) display.Dispose();
        }
    }

    /// <summary>The heatmap with the region it covers as fractions of the picture the model read (<paramref name="width"/> x <paramref name="height"/>), so it fits the display copy too.</summary>
    public static StoredHeatmap KeepHeatmap(EraPrediction prediction, int width, int height) => new(
        prediction.Heatmap.Values, prediction.Heatmap.Width, prediction.Heatmap.Height,
        prediction.Crop.Left / width, prediction.Crop.Top / height, prediction.Crop.Right / width, prediction.Crop.Bottom / height,
        Outline: prediction.Zoomed);

    /// <summary>The thumbnail of a stored display copy: read at the smallest JPEG scale that still covers it, then resampled.</summary>
    public static byte[] Thumbnail(byte[] display, ErasMetrics? metrics = null)
    {
        var step = System.Diagnostics.Stopwatch.StartNew();
        using var decoded = ImageDecoder.DecodeOwnJpeg(display, ThumbnailLongSide);
        var thumbnail = ImageEncoder.FitWithin(decoded, ThumbnailLongSide);
        try { return ImageEncoder.Jpeg(thumbnail, ThumbnailQuality); }
        finally
        {
            if (thumbnail != decoded) thumbnail.Dispose();
            metrics?.Stage("encode", step.Elapsed);
        }
    }

    /// <summary>The heatmap blended over a stored display copy, the region it covers outlined when <see cref="StoredHeatmap.Outline"/> says so.</summary>
    public static byte[] Overlay(byte[] display, StoredHeatmap heatmap, ErasMetrics? metrics = null)
    {
        var step = System.Diagnostics.Stopwatch.StartNew();
        using var photo = ImageDecoder.DecodeOwnJpeg(display);
        var crop = new SKRect(heatmap.Left * photo.Width, heatmap.Top * photo.Height, heatmap.Right * photo.Width, heatmap.Bottom * photo.Height);
        // The kind of map (Grad-CAM or occlusion) does not change how it is drawn.
        GradCamOverlay.Draw(photo, new Heatmap(heatmap.Values, heatmap.Width, heatmap.Height, ExplanationKind.GradCam), crop, heatmap.Outline);
        metrics?.Stage("gradcam", step.Elapsed);
        step.Restart();
        var jpeg = ImageEncoder.Jpeg(photo, DisplayQuality);
        metrics?.Stage("encode", step.Elapsed);
        return jpeg;
    }
}
