using System.Numerics.Tensors;

namespace ErasWeb.Classification;

/// <summary>The shape of one image's feature map: channels and spatial size, channels first (NCHW) or last (NHWC).</summary>
public readonly record struct FeatureMapShape(int Channels, int Height, int Width, bool ChannelsFirst = true)
{
    public int Positions => Height * Width;
    public int Length => Channels * Positions;
}

/// <summary>
/// Grad-CAM for a linear head over average-pooled features. The gradient of the class logit with
/// respect to A[k,i,j] is W[c,k]/(height*width) everywhere, so the channel weights are the head's
/// own weights and no backward pass is needed: map = ReLU(sum_k W[c,k] * A_k), scaled to 0..1.
/// </summary>
public static class GradCam
{
    /// <summary>
    /// Adds sum_k W[c,k] * A_k to <paramref name="map"/> (row-major, height x width); a map from a
    /// mirrored view is mirrored back first. When the logit averages the pooled features of several
    /// views of the same region, the summed maps are that logit's exact Grad-CAM.
    /// </summary>
    public static void Add(ReadOnlySpan<float> featureMap, FeatureMapShape shape, ReadOnlySpan<float> classWeights, bool mirrored, Span<float> map)
    {
        int plane = shape.Positions, width = shape.Width;
        var sums = new float[plane];
        if (shape.ChannelsFirst)
            for (int k = 0; k < shape.Channels; k++) TensorPrimitives.MultiplyAdd(featureMap.Slice(k * plane, plane), classWeights[k], sums, sums);
        else
            for (int p = 0; p < plane; p++) sums[p] = TensorPrimitives.Dot(classWeights, featureMap.Slice(p * shape.Channels, shape.Channels));
        for (int p = 0; p < plane; p++)
            map[mirrored ? p - p % width + width - 1 - p % width : p] += sums[p];
    }

    /// <summary>ReLU, then scaled to 0..1.</summary>
    public static float[] Finish(float[] map)
    {
        for (int p = 0; p < map.Length; p++) map[p] = Math.Max(0, map[p]);
        return Normalize(map);
    }

    /// <summary>Min-max scales the map to 0..1 in place and returns it; a flat map has nothing to show and becomes all zero.</summary>
    public static float[] Normalize(float[] map)
    {
        float min = map.Min(), max = map.Max();
        if (max - min < 1e-12f) return new float[map.Length];
        for (int i = 0; i < map.Length; i++) map[i] = (map[i] - min) / (max - min);
        return map;
    }
}
