using System.Globalization;
using System.Numerics.Tensors;

namespace ErasWeb.Classification;

/// <summary>Applies a head's <see cref="UncertaintyRule"/> to one photo's pooled features and winning probability.</summary>
public sealed class UncertaintyCheck(UncertaintyRule rule)
{
    public string? Reason(ReadOnlySpan<float> pooled, float confidence) => Judge(pooled, confidence).Reason;

    /// <summary>Why the answer is uncertain, if it is, and whether the photo is unlike the training photos (rather than only unsure between eras).</summary>
    public (string? Reason, bool Unfamiliar) Judge(ReadOnlySpan<float> pooled, float confidence)
    {
        if (Similarity(pooled) < rule.MinSimilarity) return (UncertainReasons.Unfamiliar(), true);
        return (confidence < rule.MinConfidence ? UncertainReasons.LowConfidence(confidence, rule.MinConfidence) : null, false);
    }

    /// <summary>Cosine similarity to the nearest reference vector: near 1 for photos like the training photos.</summary>
    public float Similarity(ReadOnlySpan<float> pooled)
    {
        float best = -1;
        foreach (var prototype in rule.Prototypes) best = Math.Max(best, TensorPrimitives.CosineSimilarity(pooled, prototype));
        return best;
    }

    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"uncertain when the winning era's probability is under {rule.MinConfidence:0.##} or the photo's cosine similarity to the nearest of {rule.Prototypes.Length} training prototypes is under {rule.MinSimilarity:0.##}");
}
