using System.Globalization;
using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>
/// The backbone and the era head together: images in, eras and Grad-CAM maps out, one backbone run per batch.
/// The backbone is not its own: whoever opened it (<see cref="ModelFactory"/>) closes it.
/// </summary>
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
        // The closer look changes answers too: a stored answer made without it (or with another stage finder) is not this model's.
        var closerLook = head.File.Uncertainty is null ? "" : $"+{StageFinder.Version}";
        return new ModelCard($"{spec.Name}@{spec.Sha256[..8]}+head@{head.Version}{closerLook}", "built-in", head.Labels, ExplanationKind.GradCam.Name(),
            head.File.Uncertainty is { } rule ? new UncertaintyCheck(rule).Describe() : "never: this head has no uncertainty rule", spec.Name, spec.Sha256, head.Version, head.File.Provenance?.TrainedAt,
            support, byKind, head.File.Provenance?.CrossValidation, DescribeViews(head));
    }

    static Dictionary<string, string> DescribeViews(EraHead head)
    {
        var views = head.File.ViewsForPrediction.ToDictionary(v => v.Name, v => v.Stretch
            ? "the whole picture (inside any uniform bars at its edges) stretched to the model's 224x224 input"
            : string.Create(CultureInfo.InvariantCulture, $"a square {v.Scale:0.##} of the short side at ({v.CenterX:0.##}, {v.CenterY:0.##}){(v.Mirror ? ", mirrored" : "")}"));
        if (head.File.Uncertainty is not null)
            views[EraPrediction.ZoomedView] = "where the picture has a small stage-like region (the largest bright area against a dark surround once small lights such as wristbands are erased, " +
                string.Create(CultureInfo.InvariantCulture, $"covering under {StageFinder.MostOfPicture:0%} of the picture), that region alone at 224x224; its answer replaces the whole view's when it looks more like the training photos (higher similarity to the nearest prototype)");
        return views;
    }

    /// <summary>The views whose pooled features the head averages (the head file says which).</summary>
    public IReadOnlyList<View> Views { get; } = head.File.ViewsForPrediction;

    public int PreferredShortSide => ModelInput.ResizeShortSide;

    public IReadOnlyList<EraPrediction> Classify(IReadOnlyList<SKBitmap> images, HeatmapFor heatmap = default)
    {
        using var output = Run(images);
        var predictions = Interpret(output, images, heatmap, out var pooled);
        return LookCloser(images, predictions, pooled, heatmap);
    }

    /// <summary>Pooled features averaged over the views -> head -> probabilities, Grad-CAM and the uncertainty check.</summary>
    public EraPrediction[] Interpret(BackboneOutput output, IReadOnlyList<SKBitmap> images, HeatmapFor heatmap = default) => Interpret(output, images, heatmap, out _);

    /// <param name="pooled">Each image's pooled features, which <see cref="LookCloser"/> compares its zoomed views with.</param>
    public EraPrediction[] Interpret(BackboneOutput output, IReadOnlyList<SKBitmap> images, HeatmapFor heatmap, out float[][] pooled)
    {
        var predictions = new EraPrediction[images.Count];
        pooled = new float[images.Count][];
        int views = Views.Count, channels = output.ChannelCount;
        for (int i = 0; i < images.Count; i++)
        {
            var features = pooled[i] = new float[channels];
            for (int v = 0; v < views; v++)
                System.Numerics.Tensors.TensorPrimitives.Add(features, EraHead.Pool(output.FeatureMap(i * views + v), channels), features);
            System.Numerics.Tensors.TensorPrimitives.Divide(features, views, features);
            // The heatmap covers the first view's region; views of that same region (its mirror image) add to it.
            var region = Views[0].Region(images[i]);
            var sameRegion = Enumerable.Range(0, views).Where(v => Views[v].Region(images[i]) == region).Select(v => (i * views + v, Views[v].Mirror)).ToList();
            predictions[i] = Answer(features, output, sameRegion, region, heatmap);
        }
        return predictions;
    }

    /// <summary>
    /// Where the picture has a small stage-like region (a stage seen from the stands), the model
    /// looks again at that region alone, at its full input size, and keeps whichever view looks
    /// more like the training photos. Its own uncertainty check then applies, so a region that
    /// looks like no stage photo leaves the answer "not sure".
    /// </summary>
    public EraPrediction[] LookCloser(IReadOnlyList<SKBitmap> images, EraPrediction[] predictions, float[][] pooled, HeatmapFor heatmap = default)
    {
        if (uncertainty is null) return predictions;
        var closer = new List<(int Image, SKRect Region)>();
        for (int i = 0; i < images.Count; i++)
            if (StageFinder.Find(images[i]) is { } region) closer.Add((i, region));
        if (closer.Count == 0) return predictions;

        var input = ModelInput.RentRegions([.. closer.Select(c => (images[c.Image], c.Region))]);
        BackboneOutput output;
        try { output = backbone.Run(input, closer.Count); }
        finally { System.Buffers.ArrayPool<float>.Shared.Return(input); }
        using (output)
            for (int j = 0; j < closer.Count; j++)
            {
                var (i, region) = closer[j];
                var zoomed = EraHead.Pool(output.FeatureMap(j), output.ChannelCount);
                if (PrefersZoomed(uncertainty.Similarity(pooled[i]), uncertainty.Similarity(zoomed)))
                    predictions[i] = Answer(zoomed, output, [(j, false)], region, heatmap) with { Zoomed = true };
            }
        return predictions;
    }

    /// <summary>Whether the zoomed view's answer replaces the whole view's: it looks more like the training photos (its cosine similarity to the nearest prototype is higher).</summary>
    public static bool PrefersZoomed(float wholeSimilarity, float zoomedSimilarity) => zoomedSimilarity > wholeSimilarity;

    /// <summary>One picture's answer from its pooled features, with the Grad-CAM of the given feature maps (all of one region) unless none is asked for.</summary>
    EraPrediction Answer(float[] pooled, BackboneOutput output, IReadOnlyList<(int Index, bool Mirror)> maps, SKRect region, HeatmapFor heatmap)
    {
        var probabilities = EraHead.Softmax(head.Logits(pooled));
        int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities);
        var map = Heatmap.None(ExplanationKind.GradCam);
        if (!heatmap.Skip)
        {
            int size = output.MapSize;
            var cam = new float[size * size];
            foreach (var (index, mirror) in maps)
                GradCam.Add(output.FeatureMap(index), new FeatureMapShape(output.ChannelCount, size, size), head.ClassWeights(heatmap.Era ?? best), mirror, cam);
            map = new Heatmap(GradCam.Finish(cam), size, size, ExplanationKind.GradCam);
        }
        var (reason, unfamiliar) = uncertainty?.Judge(pooled, probabilities[best]) ?? (null, false);
        return new EraPrediction(head.Labels, probabilities, best, map, region, reason, unfamiliar);
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

    IEraModel IEraModel.WithHead(EraHead other) => WithHead(other);

    public void Dispose() { }
}
