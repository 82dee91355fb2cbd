using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>The backbone and the era head together: images in, eras and Grad-CAM maps out, one backbone run per batch.</summary>
public sealed class EraClassifier(Backbone backbone, EraHead head, BackboneSpec spec) : IEraModel
{
    public Backbone Backbone => backbone;
    public EraHead Head => head;
    public string Version => Card.ModelVersion;

    public IReadOnlyList<string> Labels => head.Labels;

    public ModelCard Card { get; } = DescribeBuiltIn(head, spec);

    static ModelCard DescribeBuiltIn(EraHead head, BackboneSpec spec)
    {
        var photos = head.File.Provenance?.Photos ?? [];
        var support = head.Labels.ToDictionary(l => l, l => photos.Count(p => p.Class == l));
        var kinds = photos.Select(p => p.Kind).Distinct().Order(StringComparer.Ordinal).ToList();
        var byKind = head.Labels.ToDictionary(l => l, l => (IReadOnlyDictionary<string, int>)kinds.ToDictionary(k => k, k => photos.Count(p => p.Class == l && p.Kind == k)));
        return new ModelCard($"{spec.Name}@{spec.Sha256[..8]}+head@{head.Version}", "built-in", head.Labels, "grad-cam",
            "confidence below the head's threshold", spec.Name, spec.Sha256, head.Version, head.File.Provenance?.TrainedAt,
            support, byKind, head.File.Provenance?.CrossValidation);
    }

    public IReadOnlyList<EraPrediction> Classify(IReadOnlyList<SKBitmap> images)
    {
        using var output = Run(images);
        var predictions = new EraPrediction[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var map = output.FeatureMap(i);
            var probabilities = EraHead.Softmax(head.Logits(EraHead.Pool(map, output.ChannelCount)));
            int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities);
            var cam = GradCam.Compute(map, head.ClassWeights(best), output.MapSize);
            predictions[i] = new EraPrediction(head.Labels, probabilities, best, new Heatmap(cam, output.MapSize, output.MapSize, ExplanationKind.GradCam),
                ModelInput.CenterCrop(images[i].Width, images[i].Height));
        }
        return predictions;
    }

    /// <summary>The backbone alone, on preprocessed images; dispose the output.</summary>
    public BackboneOutput Run(IReadOnlyList<SKBitmap> images)
    {
        var input = ModelInput.RentBatch(images);
        try { return backbone.Run(input, images.Count); }
        finally { System.Buffers.ArrayPool<float>.Shared.Return(input); }
    }

    public void Dispose() => backbone.Dispose();
}
