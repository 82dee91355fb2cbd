using ErasWeb.Classification;
using ErasWeb.Cli;
using ErasWeb.Configuration;
using ErasWeb.Media;

namespace ErasWeb.Training;

/// <summary>Labelled photos with their features through every view a recipe needs, read from the feature cache where possible.</summary>
public static class TrainingSet
{
    public static async Task<IReadOnlyList<TrainingExample>> LoadAsync(IReadOnlyList<string> sources, TrainingSettings settings, ErasOptions options, TextWriter log, CancellationToken ct)
    {
        var photos = LabelledPhotos.Load(sources).Where(p => settings.Kinds.Count == 0 || settings.Kinds.Contains(p.Kind)).ToList();
        if (photos.Count == 0)
            throw new InvalidDataException($"No photos found in {string.Join(", ", sources.Select(s => $"'{s}'"))}{(settings.Kinds.Count > 0 ? $" of kinds {string.Join(", ", settings.Kinds)}" : "")}.");

        var spec = BackboneSpec.MobileNetV2Int8;
        var prepared = await new BackboneProvisioner(spec, options.BackboneSource, options.DataDirFullPath, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).PrepareAsync(ct);
        using var backbone = new Backbone(prepared, spec, Environment.ProcessorCount);
        var views = settings.ViewsForTraining.Concat(settings.ViewsForPrediction).Distinct().ToList();
        var extractor = new FeatureExtractor(backbone, spec, new PixelLimits(options.MaxImagePixels, options.MaxFullDecodePixels), Path.Combine(options.DataDirFullPath, "features"));
        var progress = new ConsoleProgress(log, "Extracting features", photos.Count);
        var features = extractor.Extract(photos, views, settings.CutoutScenes, progress.Report,
            (file, why) => progress.WriteLine($"skipped {file}: {why}"));
        progress.Done();

        return photos.Zip(features).Where(p => p.Second is not null).Select(p =>
        {
            var (photo, f) = (p.First, p.Second!);
            float[][] Of(float[][] rendition, IReadOnlyList<View> wanted) => wanted.Select(v => rendition[views.IndexOf(v)]).ToArray();
            // A cut-out trains through its generated stage scenes as well as on black.
            var training = Of(f.Views, settings.ViewsForTraining).Concat(f.Scenes.SelectMany(scene => Of(scene, settings.ViewsForTraining))).ToArray();
            return new TrainingExample(photo, f.Sha256, training, Of(f.Views, settings.ViewsForPrediction));
        }).ToList();
    }
}
