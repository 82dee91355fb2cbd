using ErasWeb.Configuration;
using Microsoft.Extensions.Options;

namespace ErasWeb.Classification;

/// <summary>
/// Loads the model after the server has started listening, so liveness answers at once and
/// readiness turns true when predictions can be served. A model that cannot be had stops the app
/// with a message that says what to fix.
/// </summary>
public sealed class ModelLoader(ModelHost host, IOptions<ErasOptions> options, IHostApplicationLifetime lifetime, ILogger<ModelLoader> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var o = options.Value;
            var spec = BackboneSpec.MobileNetV2Int8;
            var head = EraHead.Load(o.HeadPath);
            if (head.FeatureCount != spec.FeatureChannels || head.File.BackboneSha256 != spec.Sha256)
                throw new InvalidDataException($"The era head {o.HeadPath} was trained on another backbone ({head.File.Backbone}, sha256 {head.File.BackboneSha256}); retrain it with the train command.");
            var prepared = await new BackboneProvisioner(spec, o.BackboneSource, o.DataDirFullPath, logger).PrepareAsync(ct);
            var classifier = new EraClassifier(new Backbone(prepared, spec, o.InferenceThreads), head, spec);
            Warm(classifier);
            host.Publish(classifier);
            logger.LogInformation("Model {Version} ready in {Elapsed} ms", classifier.ModelVersion, started.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            logger.LogCritical(e, "The model could not be loaded, so ErasWeb is stopping: {Reason}", e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    /// <summary>The first run allocates ONNX Runtime's buffers; do it before the first user waits for it.</summary>
    static void Warm(EraClassifier classifier)
    {
        using var blank = new SkiaSharp.SKBitmap(ModelInput.Size, ModelInput.Size);
        classifier.Classify(blank);
    }
}
