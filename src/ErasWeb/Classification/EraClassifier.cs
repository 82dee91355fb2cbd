using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>One image's answer: era probabilities and the Grad-CAM map of the winning era over the crop the model saw.</summary>
public sealed record EraPrediction(
    IReadOnlyList<string> Labels,
    float[] Probabilities,
    int PredictedIndex,
    float[] GradCam,
    int MapSize,
    SKRect Crop)
{
    public string Era => Labels[PredictedIndex];
    public float Confidence => Probabilities[PredictedIndex];
    public Dictionary<string, float> ByEra() => Labels.Zip(Probabilities).ToDictionary(p => p.First, p => p.Second);
}

/// <summary>The backbone and the era head together: images in, eras and Grad-CAM maps out, one backbone run per batch.</summary>
public sealed class EraClassifier(Backbone backbone, EraHead head, BackboneSpec spec) : IDisposable
{
    public Backbone Backbone => backbone;
    public EraHead Head => head;
    public string ModelVersion { get; } = $"{spec.Name}@{spec.Sha256[..8]}+head@{head.Version}";

    public EraPrediction Classify(SKBitmap upright) => Classify([upright])[0];

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
            predictions[i] = new EraPrediction(head.Labels, probabilities, best, cam, output.MapSize,
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
