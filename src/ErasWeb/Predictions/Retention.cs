using ErasWeb.Configuration;
using ErasWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Predictions;

/// <summary>
/// With ERAS_RETENTION_DAYS set, deletes predictions older than that (pictures, frames, timeline,
/// votes and feedback go with them by cascade, and the video jobs that made them) at start-up and
/// then once a day. A timer of its own rather than a Hangfire job, which would take a video worker.
/// </summary>
public sealed class Retention(IServiceScopeFactory scopes, IOptions<ErasOptions> options, TimeProvider time, ILogger<Retention> logger) : BackgroundService
{
    /// <summary>Small transactions, so an upload waiting to write never waits long.</summary>
    public const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (options.Value.RetentionDays <= 0) return;
        using var daily = new PeriodicTimer(TimeSpan.FromDays(1), time);
        do
        {
            try
            {
                int removed = await RemoveExpiredAsync(ct);
                if (removed > 0) logger.LogInformation("Retention removed {Count} predictions older than {Days} days", removed, options.Value.RetentionDays);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Retention could not remove old predictions; it tries again tomorrow");
            }
        }
        while (await daily.WaitForNextTickAsync(ct));
    }

    /// <summary>Deletes what is older than the retention period, a batch per transaction; returns how many predictions went.</summary>
    public async Task<int> RemoveExpiredAsync(CancellationToken ct, int batchSize = BatchSize)
    {
        if (options.Value.RetentionDays <= 0) return 0;
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays);
        int removed = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
            var ids = await db.Predictions.EveryRow().Where(p => p.CreatedAtUtc < cutoff)
                .OrderBy(p => p.Id).Select(p => p.Id).Take(batchSize).ToListAsync(ct);
            if (ids.Count == 0) break;
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                await db.VideoJobs.Where(j => j.PredictionId != null && ids.Contains(j.PredictionId.Value)).ExecuteDeleteAsync(ct);
                await db.Predictions.EveryRow().Where(p => ids.Contains(p.Id)).ExecuteDeleteAsync(ct);
                await transaction.CommitAsync(ct);
            }
            removed += ids.Count;
        }

        // Failed jobs made no prediction; their rows (and error text) expire with the rest, as do finished nights (their photos'
        // predictions are as old and went above). Unfinished jobs and nights are never touched.
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
            await db.VideoJobs.Where(j => j.PredictionId == null && (j.Status == WorkStatus.Failed || j.Status == WorkStatus.Succeeded) && j.CreatedAtUtc < cutoff).ExecuteDeleteAsync(ct);
            await db.Nights.EveryRow().Where(n => (n.Status == WorkStatus.Failed || n.Status == WorkStatus.Succeeded) && n.CreatedAtUtc < cutoff).ExecuteDeleteAsync(ct);
        }
        return removed;
    }
}
