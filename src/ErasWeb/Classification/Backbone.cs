using Microsoft.ML.OnnxRuntime;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace ErasWeb.Classification;

/// <summary>What one backbone run gives for a batch: ImageNet logits and the last convolution's feature map.</summary>
public sealed record BackboneOutput(int BatchSize, float[] Logits, float[] FeatureMaps, int ChannelCount, int MapSize)
{
    public int MapLength => ChannelCount * MapSize * MapSize;
    public ReadOnlySpan<float> FeatureMap(int index) => FeatureMaps.AsSpan(index * MapLength, MapLength);
    public ReadOnlySpan<float> ImageNetLogits(int index) => Logits.AsSpan(index * 1000, 1000);
}

/// <summary>The one ONNX Runtime session of the process; safe to run from many threads at once.</summary>
public sealed class Backbone : IDisposable
{
    public const int InputSize = 224;
    readonly InferenceSession session;
    readonly BackboneSpec spec;
    readonly string[] outputNames;
    readonly RunOptions runOptions = new();

    public Backbone(string preparedModelPath, BackboneSpec spec, int intraOpThreads)
    {
        this.spec = spec;
        using var options = new OrtSessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        session = new InferenceSession(preparedModelPath, options);
        outputNames = [spec.LogitsName, spec.FeatureMapName];
    }

    /// <summary>Runs a batch of preprocessed NCHW images (each 3x224x224).</summary>
    public BackboneOutput Run(float[] input, int batchSize)
    {
        long[] shape = [batchSize, 3, InputSize, InputSize];
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var outputs = session.Run(runOptions, [spec.InputName], [inputValue], outputNames);
        var logits = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var maps = outputs[1].GetTensorDataAsSpan<float>().ToArray();
        return new BackboneOutput(batchSize, logits, maps, spec.FeatureChannels, spec.FeatureSize);
    }

    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }
}
