using ErasWeb.Classification;
using ErasWeb.Cli;
using ErasWeb.Configuration;
using ErasWeb.Media;
using SkiaSharp;

namespace ErasWeb.Training;

/// <summary>Labelled photos with their features through every view a recipe needs, read from the feature cache where possible.</summary>
public static class TrainingSet
{
    public static async Task<IReadOnlyList<TrainingExample>> LoadAsync(IReadOnlyList<string> sources, TrainingSettings settings, ErasOptions options, TextWriter log, CancellationToken ct)
    {
        var photos = LabelledPhotos.Load(sources, settings.Kinds);

        using var backbone = await OpenBackboneAsync(options, ct);
        var views = settings.ViewsForTraining.Concat(settings.ViewsForPrediction).Distinct().ToList();
        var extractor = Extractor(backbone, options);
        var progress = new ConsoleProgress(log, "Extracting features", photos.Count);
        var features = extractor.Extract(photos, views, settings.CutoutScenes, progress.Report,
            (file, why) => progress.WriteLine($"skipped {file}: {why}"), settings.StadiumScenes);
        progress.Done();

        return photos.Zip(features).Where(p => p.Second is not null).Select(p =>
        {
            var (photo, f) = (p.First, p.Second!);
            float[][] Of(float[][] rendition, IReadOnlyList<View> wanted) => wanted.Select(v => rendition[views.IndexOf(v)]).ToArray();
            // A cut-out trains through its generated stage scenes as well as on black; a stage photo also as a small stage zoomed in on.
            var training = Of(f.Views, settings.ViewsForTraining).Concat(f.Scenes.SelectMany(scene => Of(scene, settings.ViewsForTraining))).Concat(f.Stadium).ToArray();
            return new TrainingExample(photo, f.Sha256, training, Of(f.Views, settings.ViewsForPrediction));
        }).ToList();
    }

    /// <summary>What the head sees at prediction (the prediction views' features averaged) of pictures that are not labelled photos.</summary>
    public static async Task<IReadOnlyList<float[]>> PredictionFeaturesAsync(IEnumerable<SKBitmap> pictures, TrainingSettings settings, ErasOptions options, CancellationToken ct)
    {
        using var backbone = await OpenBackboneAsync(options, ct);
        var extractor = Extractor(backbone, options);
        return pictures.Select(picture =>
        {
            ct.ThrowIfCancellationRequested();
            return TrainingExample.Average(extractor.Extract(picture, settings.ViewsForPrediction));
        }).ToList();
    }

    public static async Task<Backbone> OpenBackboneAsync(ErasOptions options, CancellationToken ct)
    {
        var prepared = await new BackboneProvisioner(Spec, options.BackboneSource, options.DataDirFullPath, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).PrepareAsync(ct);
        return new Backbone(prepared, Spec, Environment.ProcessorCount);
    }

    public static FeatureExtractor Extractor(Backbone backbone, ErasOptions options) =>
        new(backbone, Spec, new PixelLimits(options.MaxImagePixels, options.MaxFullDecodePixels), Path.Combine(options.DataDirFullPath, "features"));

    static readonly BackboneSpec Spec = BackboneSpec.MobileNetV2Int8;
}
