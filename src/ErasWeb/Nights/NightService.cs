using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Storage;
using ErasWeb.Videos;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Nights;

/// <summary>An accepted night and the token that deletes it with every photo in it.</summary>
public sealed record AcceptedNight(Night Night, string DeleteToken);

/// <summary>Accepts nights as jobs, in the same queue (and within the same bounds) as videos, and waits for them.</summary>
public sealed class NightService(ErasDb db, StorageModule storage, WaitingUploads uploads, VideoJobService queue, IBackgroundJobClient jobs, [FromKeyedServices(VideoJobSignals.Nights)] VideoJobSignals signals,
    TimeProvider clock)
{
    /// <summary>
    /// Takes ownership of the received photos: they become the night's input, or are deleted.
    /// <paramref name="gallery"/> puts the night and its photos in the public gallery; otherwise they open only with the night's key.
    /// </summary>
    public async Task<AcceptedNight> AcceptAsync(ReceivedNight received, bool gallery, string? client, CancellationToken ct)
    {
        var keep = false;
        try
        {
            var deleteToken = UploaderTokens.New();
            var night = new Night
            {
                Status = WorkStatus.Queued,
                CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
                AccessKey = gallery ? null : UploaderTokens.New(),
                DeleteTokenHash = UploaderTokens.Hash(deleteToken),
                Client = client,
                UploadFolder = received.Folder,
                SizeBytes = received.StoredBytes,
                Photos = [.. received.Photos.Select(p => new NightPhoto { UploadIndex = p.Index, FileName = p.FileName, SizeBytes = p.SizeBytes, Error = p.Error })],
            };
            await uploads.KeepAsync(received.Folder, ct);
            await queue.AddToQueueAsync(received.StoredBytes, client, async () =>
            {
                db.Nights.Add(night);
                // Not cancelled with the request: once the row exists the photos belong to the night.
                await db.SaveChangesAsync(CancellationToken.None);
            }, ct);
            keep = true;
            Enqueue(jobs, night.Id);
            return new(night, deleteToken);
        }
        finally
        {
            if (!keep) await uploads.DeleteAsync(received.Folder);
        }
    }

    public static void Enqueue(IBackgroundJobClient queue, long nightId) =>
        queue.Enqueue<NightRunner>(runner => runner.RunAsync(nightId, CancellationToken.None));

    /// <summary>The night once it has finished, or as it is when <paramref name="wait"/> runs out.</summary>
    public Task<Night?> WaitAsync(long id, TimeSpan wait, CancellationToken ct) =>
        signals.WaitAsync(id, token => db.Nights.AsNoTracking().EveryRow().FirstOrDefaultAsync(n => n.Id == id, token),
            night => night.Status is WorkStatus.Succeeded or WorkStatus.Failed, wait, storage.SharedByProcesses, clock, ct);
}
