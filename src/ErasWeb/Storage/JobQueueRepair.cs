using ErasWeb.Configuration;
using ErasWeb.Data;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Storage;

/// <summary>
/// On PostgreSQL, where no start-up queues unfinished work again, gives every unfinished row of queued
/// work (<see cref="QueuedWork"/>) a place in Hangfire's queue: a row whose queueing was lost (the process died right after storing
/// it, the database blinked) or whose Hangfire job ended without finishing it (deleted in the dashboard)
/// is queued again. A duplicate at worst runs twice, and only the latest attempt stores a result.
/// </summary>
public sealed class JobQueueRepair(IServiceScopeFactory scopes, IEnumerable<QueuedWork> kinds, JobStorage jobs, StorageModule storage, IBackgroundJobClient queue,
    IOptions<ErasOptions> options, TimeProvider clock, ILogger<JobQueueRepair> logger) : BackgroundService
{
    /// <summary>A row younger than this is being queued right now by the upload that stored it.</summary>
    static readonly TimeSpan Settling = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.QueueRepairSeconds), clock);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try { await RepairAsync(ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) { logger.LogWarning(e, "Could not check the job queue; trying again later"); }
        }
    }

    public async Task<int> RepairAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        await using var turn = await storage.TakeTurnAsync(db, CrossProcessLock.VideoQueueRepair, ct);
        // Hangfire first, in the order jobs move (waiting, taken, running), then our rows: a job that moves on meanwhile is still seen.
        var queued = InHangfire(jobs.GetMonitoringApi());
        var settled = clock.GetUtcNow().UtcDateTime - Settling;
        int repaired = 0;
        foreach (var kind in kinds)
        {
            var lost = (await kind.Unfinished(db, ct)).Where(w => (w.Running || w.CreatedAtUtc < settled) && !queued.Contains((kind.Runner, w.Id))).Select(w => w.Id).ToList();
            foreach (var id in lost) kind.Enqueue(queue, id);
            if (lost.Count > 0) logger.LogWarning("Queued {Count} unfinished {Kind} again that had no place in the queue: {Ids}", lost.Count, kind.Name, string.Join(", ", lost));
            repaired += lost.Count;
        }
        await turn.CommitAsync(ct);
        return repaired;
    }

    /// <summary>Every runner and id Hangfire holds, waiting, taken, running or scheduled.</summary>
    static HashSet<(Type Runner, long Id)> InHangfire(IMonitoringApi monitoring)
    {
        const int Most = 100_000;
        var jobs = new List<Hangfire.Common.Job?>();
        foreach (var name in monitoring.Queues().Select(q => q.Name))
        {
            jobs.AddRange(monitoring.EnqueuedJobs(name, 0, Most).Select(j => j.Value?.Job));
            jobs.AddRange(monitoring.FetchedJobs(name, 0, Most).Select(j => j.Value?.Job));
        }
        jobs.AddRange(monitoring.ProcessingJobs(0, Most).Select(j => j.Value?.Job));
        jobs.AddRange(monitoring.ScheduledJobs(0, Most).Select(j => j.Value?.Job));
        return jobs.Where(j => j?.Args is [long, ..]).Select(j => (j!.Type, (long)j.Args[0])).ToHashSet();
    }
}
