using ErasWeb.Classification;
using ErasWeb.Media;
using SkiaSharp;

namespace ErasWeb.Predictions;

/// <summary>Everything the CPU does for one photo: the prediction and the three pictures stored with it.</summary>
public sealed record AnalyzedImage(EraPrediction Prediction, int Width, int Height, SniffResult Sniff, byte[] Display, byte[] Thumbnail, byte[] GradCam);

public static class ImagePipeline
{
    public const int ThumbnailLongSide = 256;

    public static AnalyzedImage Analyze(byte[] bytes, SniffResult sniff, IEraModel classifier, long maxPixels)
    {
        using var decoded = ImageDecoder.Decode(bytes, sniff, maxPixels);
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

    /// <summary>Refuses, with a reason a person can act on, anything that is not an image we decode.</summary>
    public static SniffResult SniffImage(byte[] bytes)
    {
        if (bytes.Length == 0) throw MediaRejectedException.Empty();
        var sniff = FileSniffer.SniffContent(bytes);
        if (sniff.IsImage) return sniff;
        const string accepted = "Use a photo in JPEG, PNG, WebP, GIF or BMP format.";
        throw MediaRejectedException.Unsupported(sniff.Format switch
        {
            MediaFormat.Heif => "HEIC/HEIF photos are not supported. Export the photo as JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible) and upload that.",
            MediaFormat.Svg => $"SVG drawings are not supported. {accepted}",
            MediaFormat.Text => $"The file is text, not an image, whatever its name says. {accepted}",
            _ when sniff.IsVideo => $"The file is a {sniff.Name} video; videos are classified through POST /predict or the upload page, not here. {accepted}",
            MediaFormat.Unknown => $"The file is not in an image format ErasWeb reads. {accepted}",
            _ => $"{sniff.Name} images are not supported. {accepted}",
        });
    }
}
