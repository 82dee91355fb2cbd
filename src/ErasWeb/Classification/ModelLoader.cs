using ErasWeb.Configuration;
using ErasWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Classification;

/// <summary>
/// Loads the model after the server has started listening, so liveness answers at once and
/// readiness turns true when predictions can be served. A model that cannot be had stops the app
/// with a message that says what to fix.
/// </summary>
public sealed class ModelLoader(ModelHost host, ModelFactory models, IOptions<ErasOptions> options, IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<ModelLoader> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var classifier = await models.LoadAsync(options.Value, logger, ct);
            // A head that retraining promoted outlives restarts: it answers instead of the shipped one.
            if (classifier.Head is not null)
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await PromotedHeadAsync(scope.ServiceProvider.GetRequiredService<ErasDb>(), ct) is { } promoted)
                    classifier = classifier.WithHead(promoted);
            }
            Warm(classifier);
            host.Publish(classifier);
            logger.LogInformation("Model {Version} ready in {Elapsed} ms", classifier.Version, started.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            logger.LogCritical(e, "The model could not be loaded, so ErasWeb is stopping: {Reason}", e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    /// <summary>The active model version's head, if retraining ever promoted one; else the app runs the head file it ships with.</summary>
    static async Task<EraHead?> PromotedHeadAsync(ErasDb db, CancellationToken ct) =>
        await db.ModelVersions.AsNoTracking().Where(v => v.Status == ModelVersionStatus.Active).OrderByDescending(v => v.ActivatedAtUtc).FirstOrDefaultAsync(ct) is { } active
            ? EraHead.Parse(System.Text.Encoding.UTF8.GetBytes(active.HeadJson), $"of model version {active.Id}")
            : null;

    /// <summary>The first run allocates ONNX Runtime's buffers; do it before the first user waits for it.</summary>
    static void Warm(IEraModel classifier)
    {
        using var blank = new SkiaSharp.SKBitmap(ModelInput.Size, ModelInput.Size);
        classifier.Classify(blank);
    }
}
