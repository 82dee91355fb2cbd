using ErasWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Classification;

/// <summary>
/// With several processes on one database, a head promoted (or rolled back to) by one of them is
/// taken up by all: every few seconds each process looks at which version is active and, when it is
/// not the head it runs, swaps it in as a promotion does.
/// </summary>
public sealed class ActiveHeadFollower(ModelHost host, IServiceScopeFactory scopes, ILogger<ActiveHeadFollower> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try { await FollowAsync(ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) { logger.LogWarning(e, "Could not check which model version is active; trying again in {Interval}", Interval); }
        }
    }

    async Task FollowAsync(CancellationToken ct)
    {
        if (host.Model is not { Head: { } running } current) return; // still loading, or a model from a manifest (no versions)
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        var active = await db.ModelVersions.AsNoTracking().Where(v => v.Status == ModelVersionStatus.Active)
            .OrderByDescending(v => v.ActivatedAtUtc).Select(v => new { v.Id, v.HeadVersion }).FirstOrDefaultAsync(ct);
        if (active is null || active.HeadVersion == running.Version) return;
        var json = await db.ModelVersions.AsNoTracking().Where(v => v.Id == active.Id).Select(v => v.HeadJson).SingleAsync(ct);
        host.Publish(current.WithHead(EraHead.Parse(System.Text.Encoding.UTF8.GetBytes(json), $"of model version {active.Id}")));
        logger.LogInformation("Model version {Id} (head {Head}), made active by another process, now answers here too", active.Id, active.HeadVersion);
    }
}
