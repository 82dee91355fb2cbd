using ErasWeb.Configuration;
using ErasWeb.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Videos;

/// <summary>
/// At start-up, queues again every job that was accepted but not finished (on SQLite the job queue
/// does not outlive the process; on PostgreSQL it does, and this step is skipped), and deletes upload
/// files no unfinished job refers to: leftovers of uploads cut off mid-way or of jobs finished just
/// before a crash. Only files older than this process are touched, so an upload arriving meanwhile is
/// never deleted; with other processes sharing the uploads folder, only files older than an hour.
/// </summary>
public sealed class VideoJobRecovery(IServiceScopeFactory scopes, IBackgroundJobClient queue, IOptions<ErasOptions> options, ILogger<VideoJobRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        var unfinished = await db.VideoJobs.AsNoTracking()
            .Where(j => j.Status == VideoJobStatus.Queued || j.Status == VideoJobStatus.Running)
            .OrderBy(j => j.Id).Select(j => new { j.Id, j.UploadFile }).ToListAsync(ct);

        var inUse = unfinished.Select(j => j.UploadFile).OfType<string>().ToHashSet();
        var started = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
        if (options.Value.UsesPostgres) started = new[] { started, DateTime.UtcNow.AddHours(-1) }.Min();
        if (Directory.Exists(options.Value.UploadsDir))
            foreach (var file in Directory.EnumerateFiles(options.Value.UploadsDir)
                .Where(f => !inUse.Contains(Path.GetFileName(f)) && File.GetLastWriteTimeUtc(f) < started))
            {
                try { File.Delete(file); }
                catch (IOException e) { logger.LogWarning(e, "Could not delete the stray upload {File}", file); }
            }

        if (options.Value.UsesPostgres) return;
        foreach (var job in unfinished) VideoJobService.Enqueue(queue, job.Id);
        if (unfinished.Count > 0) logger.LogInformation("Resuming {Count} unfinished video jobs", unfinished.Count);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
