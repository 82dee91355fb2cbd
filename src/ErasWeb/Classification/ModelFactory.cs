using System.Collections.Concurrent;
using ErasWeb.Configuration;

namespace ErasWeb.Classification;

/// <summary>
/// Builds the model the options name: the built-in backbone with its era head, or an ONNX classifier
/// described by a manifest. It opens each backbone (by source and threads) once, shares it with every
/// model it builds on it, and closes it when disposed: the app has one factory, so the backbone lives as
/// long as the app; a process running many apps (the tests) can hand them one factory and one backbone.
/// </summary>
public sealed class ModelFactory : IDisposable
{
    readonly ConcurrentDictionary<(string Source, int Threads), Lazy<Task<Backbone>>> backbones = new();

    public async Task<IEraModel> LoadAsync(ErasOptions options, ILogger logger, CancellationToken ct)
    {
        if (options.ModelManifest.Length > 0) return Manifest.ManifestModel.Load(options.ModelManifest, options.InferenceThreads);
        var spec = BackboneSpec.MobileNetV2Int8;
        var head = EraHead.Load(options.HeadPath);
        if (head.FeatureCount != spec.FeatureChannels || head.File.BackboneSha256 != spec.Sha256)
            throw new InvalidDataException($"The era head {options.HeadPath} was trained on another backbone ({head.File.Backbone}, sha256 {head.File.BackboneSha256}); retrain it with the train command.");
        return new EraClassifier(await BackboneAsync(spec, options, logger, ct), head, spec);
    }

    async Task<Backbone> BackboneAsync(BackboneSpec spec, ErasOptions options, ILogger logger, CancellationToken ct)
    {
        var key = (options.BackboneSource, options.InferenceThreads);
        // Opened for whoever asks while it opens, so one caller giving up does not end the others' wait.
        var opening = backbones.GetOrAdd(key, _ => new Lazy<Task<Backbone>>(async () =>
        {
            var prepared = await new BackboneProvisioner(spec, options.BackboneSource, options.DataDirFullPath, logger).PrepareAsync(CancellationToken.None);
            return new Backbone(prepared, spec, options.InferenceThreads);
        }));
        try { return await opening.Value.WaitAsync(ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch
        {
            backbones.TryRemove(new(key, opening)); // a source that failed is tried afresh next time
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var opening in backbones.Values)
            if (opening.IsValueCreated && opening.Value.IsCompletedSuccessfully) opening.Value.Result.Dispose();
        backbones.Clear();
    }
}
