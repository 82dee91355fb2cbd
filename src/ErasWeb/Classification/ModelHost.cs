using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ErasWeb.Classification;

/// <summary>Holds the process's one classifier once it is loaded; until then the app serves but is not ready.</summary>
public sealed class ModelHost : IDisposable
{
    volatile EraClassifier? classifier;

    public EraClassifier? Classifier => classifier;
    public bool IsReady => classifier is not null;

    public void Publish(EraClassifier loaded) => classifier = loaded;

    public void Dispose() => classifier?.Dispose();
}

public sealed class ModelReadyCheck(ModelHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(host.IsReady
            ? HealthCheckResult.Healthy($"Model {host.Classifier!.ModelVersion} loaded.")
            : HealthCheckResult.Unhealthy("The model is still loading."));
}
