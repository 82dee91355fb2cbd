using ErasWeb.Configuration;
using ErasWeb.Data;
using Microsoft.Extensions.Options;

namespace ErasWeb.Storage;

/// <summary>
/// At start-up, deletes uploads (files, a night's folders) that no unfinished work refers to: leftovers of
/// uploads cut off midway or of work finished just before a crash. Only entries older than this process
/// are touched, so an upload arriving meanwhile is never deleted; with other processes sharing the
/// database (and so the uploads folder), only entries older than an hour.
/// </summary>
public sealed class StrayUploadCleanup(IServiceScopeFactory scopes, IEnumerable<QueuedWork> kinds, StorageModule storage, IOptions<ErasOptions> options,
    ILogger<StrayUploadCleanup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var uploads = options.Value.UploadsDir;
        if (!Directory.Exists(uploads)) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        var inUse = new HashSet<string>();
        foreach (var kind in kinds) inUse.UnionWith((await kind.Unfinished(db, ct)).Select(w => w.Upload).OfType<string>());

        var started = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
        if (storage.SharedByProcesses) started = new[] { started, DateTime.UtcNow.AddHours(-1) }.Min();
        foreach (var entry in Directory.EnumerateFileSystemEntries(uploads)
            .Where(e => !inUse.Contains(Path.GetFileName(e)) && Directory.GetLastWriteTimeUtc(e) < started))
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
