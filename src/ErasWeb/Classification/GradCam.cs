namespace ErasWeb.Classification;

/// <summary>
/// Grad-CAM for a linear head over average-pooled features. The gradient of the class logit with
/// respect to A[k,i,j] is W[c,k]/(size*size) everywhere, so the channel weights are the head's own
/// weights and no backward pass is needed: map = ReLU(sum_k W[c,k] * A_k), scaled to 0..1.
/// </summary>
public static class GradCam
{
    public static float[] Compute(ReadOnlySpan<float> featureMap, ReadOnlySpan<float> classWeights, int mapSize)
    {
        int plane = mapSize * mapSize;
        var map = new float[plane];
        for (int k = 0; k < classWeights.Length; k++)
        {
            float w = classWeights[k];
            var channel = featureMap.Slice(k * plane, plane);
            for (int p = 0; p < plane; p++) map[p] += w * channel[p];
        }
        for (int p = 0; p < plane; p++) map[p] = Math.Max(0, map[p]);
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
