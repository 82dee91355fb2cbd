using ErasWeb.Configuration;
using ErasWeb.Data;
using Hangfire;
using Microsoft.Extensions.Options;

namespace ErasWeb.Videos;

/// <summary>
/// At start-up, queues again every video job and night that was accepted but not finished (on SQLite
/// the job queue does not outlive the process; on PostgreSQL it does, and this step is skipped), and
/// deletes uploads (files, a night's folders) nothing unfinished refers to: leftovers of uploads cut off
/// mid-way or of work finished just before a crash. Only entries older than this process are touched,
/// so an upload arriving meanwhile is never deleted; with other processes sharing the uploads folder,
/// only entries older than an hour.
/// </summary>
public sealed class JobRecovery(IServiceScopeFactory scopes, IEnumerable<QueuedWork> kinds, IBackgroundJobClient queue, IOptions<ErasOptions> options,
    ILogger<JobRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        var unfinished = new List<(QueuedWork Kind, UnfinishedWork Work)>();
        foreach (var kind in kinds) unfinished.AddRange((await kind.Unfinished(db, ct)).Select(w => (kind, w)));

        var inUse = unfinished.Select(u => u.Work.Upload).OfType<string>().ToHashSet();
        var started = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
        if (options.Value.UsesPostgres) started = new[] { started, DateTime.UtcNow.AddHours(-1) }.Min();
        if (Directory.Exists(options.Value.UploadsDir))
            foreach (var entry in Directory.EnumerateFileSystemEntries(options.Value.UploadsDir)
                .Where(e => !inUse.Contains(Path.GetFileName(e)) && Directory.GetLastWriteTimeUtc(e) < started))
            {
                try
                {
                    if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                    else File.Delete(entry);
                }
                catch (IOException e) { logger.LogWarning(e, "Could not delete the stray upload {Entry}", entry); }
            }

        if (options.Value.UsesPostgres) return;
        foreach (var (kind, work) in unfinished.OrderBy(u => u.Work.Id)) kind.Enqueue(queue, work.Id);
        foreach (var group in unfinished.GroupBy(u => u.Kind.Name))
            logger.LogInformation("Resuming {Count} unfinished {Kind}", group.Count(), group.Key);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
