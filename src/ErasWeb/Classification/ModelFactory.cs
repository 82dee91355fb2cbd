using ErasWeb.Configuration;

namespace ErasWeb.Classification;

/// <summary>Builds the model the options name: the built-in backbone with its era head, or an ONNX classifier described by a manifest.</summary>
public static class ModelFactory
{
    public static async Task<IEraModel> LoadAsync(ErasOptions options, ILogger logger, CancellationToken ct)
    {
        if (options.ModelManifest.Length > 0) return Manifest.ManifestModel.Load(options.ModelManifest, options.InferenceThreads);
        var spec = BackboneSpec.MobileNetV2Int8;
        var head = EraHead.Load(options.HeadPath);
        if (head.FeatureCount != spec.FeatureChannels || head.File.BackboneSha256 != spec.Sha256)
            throw new InvalidDataException($"The era head {options.HeadPath} was trained on another backbone ({head.File.Backbone}, sha256 {head.File.BackboneSha256}); retrain it with the train command.");
        var prepared = await new BackboneProvisioner(spec, options.BackboneSource, options.DataDirFullPath, logger).PrepareAsync(ct);
        return new EraClassifier(new Backbone(prepared, spec, options.InferenceThreads), head, spec);
    }
}
