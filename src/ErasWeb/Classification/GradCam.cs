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
        var map = new float[mapSize * mapSize];
        Add(featureMap, classWeights, mapSize, mirrored: false, map);
        return Finish(map);
    }

    /// <summary>
    /// Adds sum_k W[c,k] * A_k to <paramref name="map"/>; a map from a mirrored view is mirrored
    /// back first. When the logit averages the pooled features of several views of the same
    /// square, the averaged maps are that logit's exact Grad-CAM.
    /// </summary>
    public static void Add(ReadOnlySpan<float> featureMap, ReadOnlySpan<float> classWeights, int mapSize, bool mirrored, Span<float> map)
    {
        int plane = mapSize * mapSize;
        for (int k = 0; k < classWeights.Length; k++)
        {
            float w = classWeights[k];
            var channel = featureMap.Slice(k * plane, plane);
            if (!mirrored)
                for (int p = 0; p < plane; p++) map[p] += w * channel[p];
            else
                for (int y = 0; y < mapSize; y++)
                    for (int x = 0; x < mapSize; x++) map[y * mapSize + x] += w * channel[y * mapSize + mapSize - 1 - x];
        }
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
