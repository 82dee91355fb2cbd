using ErasWeb.Configuration;
using ErasWeb.Data;
using Microsoft.Extensions.Options;

namespace ErasWeb.Storage;

/// <summary>
/// At start-up, deletes uploads that no unfinished work refers to: leftovers of uploads cut off midway or of work
/// finished just before a crash. In the uploads folder only entries older than this process are touched, so an
/// upload arriving meanwhile is never deleted. On PostgreSQL the uploads themselves are in the database, swept of
/// those older than an hour that nothing names, and the folder is this process's own scratch space: whatever an
/// earlier run left in it goes, as a job fetches its upload afresh.
/// </summary>
public sealed class StrayUploadCleanup(IServiceScopeFactory scopes, IEnumerable<QueuedWork> kinds, StorageModule storage, IOptions<ErasOptions> options,
    ILogger<StrayUploadCleanup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        var inUse = new HashSet<string>();
        foreach (var kind in kinds) inUse.UnionWith((await kind.Unfinished(db, ct)).Select(w => w.Upload).OfType<string>());

        await scope.ServiceProvider.GetRequiredService<WaitingUploads>().DeleteStraysAsync(inUse, DateTime.UtcNow.AddHours(-1), ct);
        var uploads = options.Value.UploadsDir;
        if (!Directory.Exists(uploads)) return;
        var started = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var kept = storage.SharedByProcesses ? [] : inUse;
        foreach (var entry in Directory.EnumerateFileSystemEntries(uploads)
            .Where(e => !kept.Contains(Path.GetFileName(e)) && Directory.GetLastWriteTimeUtc(e) < started))
        {
            try
            {
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
            }
            catch (IOException e) { logger.LogWarning(e, "Could not delete the stray upload {Entry}", entry); }
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
