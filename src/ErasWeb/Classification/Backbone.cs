using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace ErasWeb.Classification;

/// <summary>
/// What one backbone run gives for a batch: ImageNet logits and the last convolution's feature map.
/// Both live in pooled buffers (a feature map is 250 KB per image), so dispose it when done.
/// </summary>
public sealed class BackboneOutput(int batchSize, int channelCount, int mapSize) : IDisposable
{
    public const int ImageNetClasses = 1000;
    internal readonly float[] Logits = ArrayPool<float>.Shared.Rent(batchSize * ImageNetClasses);
    internal readonly float[] FeatureMaps = ArrayPool<float>.Shared.Rent(batchSize * channelCount * mapSize * mapSize);

    public int BatchSize => batchSize;
    public int ChannelCount => channelCount;
    public int MapSize => mapSize;
    public int MapLength => channelCount * mapSize * mapSize;
    public ReadOnlySpan<float> FeatureMap(int index) => FeatureMaps.AsSpan(index * MapLength, MapLength);
    public ReadOnlySpan<float> ImageNetLogits(int index) => Logits.AsSpan(index * ImageNetClasses, ImageNetClasses);

    bool disposed;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        ArrayPool<float>.Shared.Return(Logits);
        ArrayPool<float>.Shared.Return(FeatureMaps);
    }
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
        session = OnnxSessions.Open(preparedModelPath, intraOpThreads);
        outputNames = [spec.LogitsName, spec.FeatureMapName];
    }

    /// <summary>Runs a batch of preprocessed NCHW images (each 3x224x224); ONNX Runtime writes straight into the output's buffers.</summary>
    public BackboneOutput Run(Memory<float> input, int batchSize)
    {
        var output = new BackboneOutput(batchSize, spec.FeatureChannels, spec.FeatureSize);
        try
        {
            var memory = OrtMemoryInfo.DefaultInstance;
            using var inputValue = OrtValue.CreateTensorValueFromMemory(memory, input[..(batchSize * 3 * InputSize * InputSize)], [batchSize, 3, InputSize, InputSize]);
            using var logits = OrtValue.CreateTensorValueFromMemory(memory, output.Logits.AsMemory(0, batchSize * BackboneOutput.ImageNetClasses), [batchSize, BackboneOutput.ImageNetClasses]);
            using var maps = OrtValue.CreateTensorValueFromMemory(memory, output.FeatureMaps.AsMemory(0, batchSize * output.MapLength), [batchSize, spec.FeatureChannels, spec.FeatureSize, spec.FeatureSize]);
            session.Run(runOptions, [spec.InputName], [inputValue], outputNames, [logits, maps]);
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }
}
