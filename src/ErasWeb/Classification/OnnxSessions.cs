using Microsoft.ML.OnnxRuntime;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace ErasWeb.Classification;

/// <summary>
/// How every ONNX Runtime session is opened, the built-in backbone's and a manifest's model alike: all graph
/// optimisations, <c>intraOpThreads</c> threads for one run and its operators run one after another, as requests
/// and video batches already run in parallel and a run's own parallelism would only contend with them.
/// </summary>
public static class OnnxSessions
{
    public static InferenceSession Open(string modelPath, int intraOpThreads)
    {
        using var options = Options(intraOpThreads);
        return new InferenceSession(modelPath, options);
    }

    public static InferenceSession Open(byte[] model, int intraOpThreads)
    {
        using var options = Options(intraOpThreads);
        return new InferenceSession(model, options);
    }

    static OrtSessionOptions Options(int intraOpThreads) => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        IntraOpNumThreads = intraOpThreads,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
    };
}
