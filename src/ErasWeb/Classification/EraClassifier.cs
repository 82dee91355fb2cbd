using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>The backbone and the era head together: images in, eras and Grad-CAM maps out, one backbone run per batch.</summary>
public sealed class EraClassifier(Backbone backbone, EraHead head, BackboneSpec spec) : IEraModel
{
    public Backbone Backbone => backbone;
    public EraHead Head => head;
    public string Version => Card.ModelVersion;

    public IReadOnlyList<string> Labels => head.Labels;

    readonly UncertaintyCheck? uncertainty = head.File.Uncertainty is { } rule ? new UncertaintyCheck(rule) : null;

    public ModelCard Card { get; } = DescribeBuiltIn(head, spec);

    static ModelCard DescribeBuiltIn(EraHead head, BackboneSpec spec)
    {
        var photos = head.File.Provenance?.Photos ?? [];
        var support = head.Labels.ToDictionary(l => l, l => photos.Count(p => p.Class == l));
        var kinds = photos.Select(p => p.Kind).Distinct().Order(StringComparer.Ordinal).ToList();
        var byKind = head.Labels.ToDictionary(l => l, l => (IReadOnlyDictionary<string, int>)kinds.ToDictionary(k => k, k => photos.Count(p => p.Class == l && p.Kind == k)));
        return new ModelCard($"{spec.Name}@{spec.Sha256[..8]}+head@{head.Version}", "built-in", head.Labels, ExplanationKind.GradCam.Name(),
            head.File.Uncertainty is { } rule ? new UncertaintyCheck(rule).Describe() : "never: this head has no uncertainty rule", spec.Name, spec.Sha256, head.Version, head.File.Provenance?.TrainedAt,
            support, byKind, head.File.Provenance?.CrossValidation);
    }

    /// <summary>The views whose pooled features the head averages (the head file says which).</summary>
    public IReadOnlyList<View> Views { get; } = head.File.ViewsForPrediction;

    public int PreferredShortSide => ModelInput.ResizeShortSide;

    public IReadOnlyList<EraPrediction> Classify(IReadOnlyList<SKBitmap> images, HeatmapFor heatmap = default)
    {
        using var output = Run(images);
        return Interpret(output, images, heatmap);
    }

    /// <summary>Pooled features averaged over the views -> head -> probabilities, Grad-CAM and the uncertainty check.</summary>
    public EraPrediction[] Interpret(BackboneOutput output, IReadOnlyList<SKBitmap> images, HeatmapFor heatmap = default)
    {
        var predictions = new EraPrediction[images.Count];
        int views = Views.Count, channels = output.ChannelCount, mapSize = output.MapSize;
        var pooled = new float[channels];
        for (int i = 0; i < images.Count; i++)
        {
            Array.Clear(pooled);
            for (int v = 0; v < views; v++)
                System.Numerics.Tensors.TensorPrimitives.Add(pooled, EraHead.Pool(output.FeatureMap(i * views + v), channels), pooled);
            System.Numerics.Tensors.TensorPrimitives.Divide(pooled, views, pooled);
            var probabilities = EraHead.Softmax(head.Logits(pooled));
            int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities);

            // The heatmap covers the first view's square; views of that same square (its mirror image) add to it.
            var region = Views[0].Region(images[i]);
            var map = Heatmap.None(ExplanationKind.GradCam);
            if (!heatmap.Skip)
            {
                var cam = new float[mapSize * mapSize];
                for (int v = 0; v < views; v++)
                    if (Views[v].Region(images[i]) == region)
                        GradCam.Add(output.FeatureMap(i * views + v), new FeatureMapShape(channels, mapSize, mapSize), head.ClassWeights(heatmap.Era ?? best), Views[v].Mirror, cam);
                map = new Heatmap(GradCam.Finish(cam), mapSize, mapSize, ExplanationKind.GradCam);
            }
            var (reason, unfamiliar) = uncertainty?.Judge(pooled, probabilities[best]) ?? (null, false);
            predictions[i] = new EraPrediction(head.Labels, probabilities, best, map, region, reason, unfamiliar);
        }
        return predictions;
    }

    /// <summary>The backbone alone, on every image through every prediction view (image-major); dispose the output.</summary>
    public BackboneOutput Run(IReadOnlyList<SKBitmap> images)
    {
        var input = ModelInput.RentBatch(images, Views);
        try { return backbone.Run(input, images.Count * Views.Count); }
        finally { System.Buffers.ArrayPool<float>.Shared.Return(input); }
    }

    /// <summary>The same backbone with another head: what a promoted head becomes, without loading the backbone again.</summary>
    public EraClassifier WithHead(EraHead other) => new(backbone, other, spec);

    public void Dispose() => backbone.Dispose();
}
