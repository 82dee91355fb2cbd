using ErasWeb.Localisation;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ErasWeb.Classification;

/// <summary>
/// Holds the process's model once it is loaded; until then the app serves but is not ready. A newly
/// promoted era head replaces it while the app runs: each request reads <see cref="Model"/> once
/// and finishes on the head it started with.
/// </summary>
public sealed class ModelHost : IDisposable
{
    readonly TaskCompletionSource<IEraModel> loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    volatile IEraModel? model;

    /// <summary>
    /// The model answering now, once the first one is loaded: work that cannot go on without it
    /// awaits this instead of polling.
    /// </summary>
    public async Task<IEraModel> ActiveAsync(CancellationToken ct)
    {
        await loaded.Task.WaitAsync(ct);
        return model!;
    }
    public IEraModel? Model => model;
    public bool IsReady => Model is not null;

    /// <summary>
    /// Turns to use the CPU for an analysis. Analyses are CPU-bound and a large PNG decodes to
    /// hundreds of megabytes, so no more run at once than there are cores; photo requests and video
    /// jobs' batches take turns here instead of thrashing.
    /// </summary>
    public SemaphoreSlim Analyses { get; } = new(Environment.ProcessorCount);

    /// <summary>Makes <paramref name="next"/> the model every new request uses. The one it replaces shares its backbone, so it is left to finish, not disposed.</summary>
    public void Publish(IEraModel next)
    {
        model = next;
        loaded.TrySetResult(next);
    }

    public void Dispose() => Model?.Dispose();
}

/// <summary>Work that needs the model, asked for before it has loaded.</summary>
public sealed class ModelNotReadyException() : Exception(Texts.Say("ModelLoading"));

public sealed class ModelReadyCheck(ModelHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(host.IsReady
            ? HealthCheckResult.Healthy($"Model {host.Model!.Version} loaded.")
            : HealthCheckResult.Unhealthy("The model is still loading."));
}
