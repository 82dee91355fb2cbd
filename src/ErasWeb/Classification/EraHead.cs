namespace ErasWeb.Classification;

/// <summary>Average pool -> linear (one row per era) -> softmax, over the backbone's feature map.</summary>
public sealed class EraHead
{
    readonly float[] weights; // classes x features, row-major
    readonly float[] bias;

    public EraHead(HeadFile file, string version)
    {
        if (file.Format != HeadFile.CurrentFormat)
            throw new InvalidDataException($"Unknown head format '{file.Format}'; expected '{HeadFile.CurrentFormat}'.");
        if (file.Labels.Count == 0 || file.Weights.Length != file.Labels.Count || file.Bias.Length != file.Labels.Count)
            throw new InvalidDataException("The head's labels, weight rows and biases do not match in number.");
        FeatureCount = file.Weights[0].Length;
        if (file.Weights.Any(row => row.Length != FeatureCount))
            throw new InvalidDataException("The head's weight rows differ in length.");
        File = file;
        Version = version;
        weights = file.Weights.SelectMany(row => row).ToArray();
        bias = file.Bias.ToArray();
    }

    public HeadFile File { get; }
    /// <summary>The JSON it was read from, whose hash is its <see cref="Version"/>; null for a head made in code.</summary>
    public byte[]? Json { get; private init; }
    /// <summary>The first 12 hex digits of the head file's sha256: changes whenever the head does.</summary>
    public string Version { get; }
    public IReadOnlyList<string> Labels => File.Labels;
    public int FeatureCount { get; }

    public static EraHead Load(string path) => Parse(System.IO.File.ReadAllBytes(path), $"file '{path}'");

    /// <summary>A head from its JSON (a file's, or a promoted version's kept in the database); its version is that JSON's hash.</summary>
    public static EraHead Parse(byte[] json, string where)
    {
        try { return new EraHead(HeadFile.Read(json), Media.ContentHash.Sha256Hex(json)[..12]) { Json = json }; }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"The era head {where} is not valid: {e.Message}", e);
        }
    }

    public ReadOnlySpan<float> ClassWeights(int classIndex) => weights.AsSpan(classIndex * FeatureCount, FeatureCount);

    public static float[] Pool(ReadOnlySpan<float> featureMap, int channels)
    {
        int plane = featureMap.Length / channels;
        var pooled = new float[channels];
        for (int k = 0; k < channels; k++)
        {
            float sum = 0;
            foreach (var v in featureMap.Slice(k * plane, plane)) sum += v;
            pooled[k] = sum / plane;
        }
        return pooled;
    }

    public float[] Logits(ReadOnlySpan<float> pooled)
    {
        var logits = new float[Labels.Count];
        for (int c = 0; c < logits.Length; c++)
            logits[c] = bias[c] + System.Numerics.Tensors.TensorPrimitives.Dot(ClassWeights(c), pooled);
        return logits;
    }

    /// <summary>
    /// Probabilities from logits, the largest subtracted first: TensorPrimitives.SoftMax does not,
    /// and answers NaN once a logit passes about 88 (an ONNX classifier's raw logits can).
    /// </summary>
    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var result = new float[logits.Length];
        float max = System.Numerics.Tensors.TensorPrimitives.Max(logits);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += result[i] = MathF.Exp(logits[i] - max);
        for (int i = 0; i < logits.Length; i++) result[i] = (float)(result[i] / sum);
        return result;
    }
}
