using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Storage;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Retraining;

/// <summary>Starts retrainings, one at a time: when an admin asks, or by itself once enough new labels are accepted.</summary>
public sealed class RetrainScheduler(ErasDb db, StorageModule storage, IBackgroundJobClient queue, IOptions<ErasOptions> options, TimeProvider clock)
{
    /// <summary>A new run, or the one already queued or running.</summary>
    public async Task<RetrainRun> StartAsync(string trigger, CancellationToken ct)
    {
        RetrainRun run;
        await using (var turn = await storage.TakeTurnAsync(db, CrossProcessLock.RetrainStart, ct))
        {
            if (await db.RetrainRuns.AsNoTracking().Where(r => r.Status == WorkStatus.Queued || r.Status == WorkStatus.Running).OrderBy(r => r.Id).FirstOrDefaultAsync(ct) is { } busy)
                return busy;
            run = new RetrainRun { Status = WorkStatus.Queued, Trigger = trigger, CreatedAtUtc = clock.GetUtcNow().UtcDateTime };
            db.RetrainRuns.Add(run);
            await db.SaveChangesAsync(ct);
            await turn.CommitAsync(ct);
        }
        Enqueue(queue, run.Id);
        return run;
    }

    public static void Enqueue(IBackgroundJobClient queue, long runId) => queue.Enqueue<RetrainRunner>(runner => runner.RunAsync(runId, CancellationToken.None));

    /// <summary>After a label is accepted: a run, if <see cref="ErasOptions.RetrainAfter"/> labels have been accepted since the last one started.</summary>
    public async Task<RetrainRun?> AfterLabelAsync(CancellationToken ct)
    {
        var o = options.Value;
        if (o.RetrainAfter == 0 || o.BasePhotos.Length == 0) return null;
        var since = await db.RetrainRuns.MaxAsync(r => (DateTime?)r.CreatedAtUtc, ct) ?? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);
        int fresh = await db.Feedback.CountAsync(f => f.Status == FeedbackStatus.Accepted && f.ReviewedAtUtc > since, ct);
        return fresh >= o.RetrainAfter ? await StartAsync("labels", ct) : null;
    }
}
