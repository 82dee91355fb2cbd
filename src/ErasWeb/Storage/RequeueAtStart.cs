using ErasWeb.Data;
using Hangfire;

namespace ErasWeb.Storage;

/// <summary>
/// On SQLite, where the job queue does not outlive the process, queues every unfinished row of every kind
/// of work again at start-up, oldest first. A run that was cut off midway starts again; only its latest
/// attempt stores a result.
/// </summary>
public sealed class RequeueAtStart(IServiceScopeFactory scopes, IEnumerable<QueuedWork> kinds, IBackgroundJobClient queue, ILogger<RequeueAtStart> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        foreach (var kind in kinds)
        {
            var unfinished = await kind.Unfinished(db, ct);
            foreach (var work in unfinished.OrderBy(w => w.Id)) kind.Enqueue(queue, work.Id);
            if (unfinished.Count > 0) logger.LogInformation("Resuming {Count} unfinished {Kind}", unfinished.Count, kind.Name);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
