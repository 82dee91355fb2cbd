using System.Collections.Concurrent;
using ErasWeb.Data;
using ErasWeb.Observability;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Predictions;

/// <summary>A picture of a prediction that a photo's upload does not wait for.</summary>
public enum MadePicture { Thumbnail, Overlay, ShareCard }

/// <summary>
/// A photo's thumbnail and Grad-CAM overlay, and any prediction's share image, made from its stored
/// display copy (and heatmap) the first time anyone asks for them, then kept in its row: most API clients
/// never fetch them, so the upload's answer does not wait for them. Requests in this process for the same missing picture share one
/// making; processes that race make the same bytes, and the first to store them wins.
/// </summary>
public sealed class PicturesOnDemand(IServiceScopeFactory scopes, ErasMetrics metrics, ILogger<PicturesOnDemand> logger)
{
    readonly ConcurrentDictionary<(long Id, MadePicture Kind), Lazy<Task<byte[]?>>> making = new();

    /// <summary>
    /// The picture of prediction <paramref name="id"/> among <paramref name="visible"/> (the query that
    /// says who may see it), made now if it never was; null when there is none to see.
    /// </summary>
    public async Task<byte[]?> GetAsync(IQueryable<Prediction> visible, long id, MadePicture kind, CancellationToken ct)
    {
        var row = visible.Where(p => p.Id == id && p.Pictures != null);
        var stored = kind switch
        {
            MadePicture.Thumbnail => await row.Select(p => new { Bytes = p.Pictures!.Thumbnail }).FirstOrDefaultAsync(ct),
            MadePicture.Overlay => await row.Select(p => new { Bytes = p.Pictures!.GradCam }).FirstOrDefaultAsync(ct),
            _ => await row.Select(p => new { Bytes = p.Pictures!.ShareCard }).FirstOrDefaultAsync(ct),
        };
        if (stored is null) return null;
        return stored.Bytes ?? await MakeAsync(id, kind).WaitAsync(ct);
    }

    /// <summary>
    /// Makes the overlay in the background if it is missing, so that a page about to ask for it finds it
    /// made or in the making (a page view costs a query either way).
    /// </summary>
    public async Task PrepareOverlayAsync(long id, ErasDb db, CancellationToken ct)
    {
        if (await db.PredictionPictures.AnyAsync(p => p.PredictionId == id && p.GradCam == null && p.Heatmap != null, ct))
            _ = MakeAsync(id, MadePicture.Overlay);
    }

    int uploading;

    /// <summary>Counts a photo upload as being analysed and stored until the result is disposed.</summary>
    public IDisposable Uploading()
    {
        Interlocked.Increment(ref uploading);
        return new Uploaded(this);
    }

    sealed class Uploaded(PicturesOnDemand pictures) : IDisposable
    {
        int disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) Interlocked.Decrement(ref pictures.uploading);
        }
    }

    /// <summary>
    /// Makes a new photo's overlay now if no other upload is being analysed or stored: when uploads keep
    /// coming they are answered first and the overlay waits to be asked for, but a quiet moment makes it
    /// before the uploader's page asks.
    /// </summary>
    public void MakeOverlayIfIdle(long id)
    {
        if (Volatile.Read(ref uploading) == 0) _ = MakeAsync(id, MadePicture.Overlay);
    }

    /// <summary>
    /// One making per picture at a time, which runs to its end in a scope of its own whoever stops waiting
    /// for it. Its waiters get the picture as soon as it is drawn; it is stored after, and the making is
    /// forgotten only then, so a request in between still finds it here rather than drawing it again.
    /// </summary>
    Task<byte[]?> MakeAsync(long id, MadePicture kind) =>
        making.GetOrAdd((id, kind), key => new Lazy<Task<byte[]?>>(() => Start(key))).Value;

    Task<byte[]?> Start((long Id, MadePicture Kind) key)
    {
        var picture = new TaskCompletionSource<byte[]?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            try { await MakeNowAsync(key.Id, key.Kind, picture); }
            catch (Exception e)
            {
                logger.LogError(e, "The {Kind} of prediction {PredictionId} could not be made", key.Kind, key.Id);
                picture.TrySetException(e);
            }
            finally { making.TryRemove(key, out _); }
        });
        return picture.Task;
    }

    async Task MakeNowAsync(long id, MadePicture kind, TaskCompletionSource<byte[]?> made)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        var row = db.PredictionPictures.AsNoTracking().Where(p => p.PredictionId == id);
        // The display copy travels only when the picture is still missing (another process may have made it since).
        var source = kind switch
        {
            MadePicture.Thumbnail => await row.Select(p => new { Stored = p.Thumbnail, Display = p.Thumbnail == null ? p.Display : null, Heatmap = (StoredHeatmap?)null }).FirstOrDefaultAsync(),
            MadePicture.Overlay => await row.Select(p => new { Stored = p.GradCam, Display = p.GradCam == null ? p.Display : null, p.Heatmap }).FirstOrDefaultAsync(),
            _ => await row.Select(p => new { Stored = p.ShareCard, Display = p.ShareCard == null ? p.Display : null, Heatmap = (StoredHeatmap?)null }).FirstOrDefaultAsync(),
        };
        if (source?.Stored is { } stored || source?.Display is not { } display || (kind == MadePicture.Overlay && source.Heatmap is null))
        {
            made.SetResult(source?.Stored); // stored already, or deleted meanwhile
            return;
        }

        byte[] picture;
        if (kind == MadePicture.ShareCard)
        {
            // Whoever asked may see the prediction (GetAsync's query said so): its words are read past the visitor's view.
            var text = await db.Predictions.AsNoTracking().EveryRow().Where(p => p.Id == id)
                .Select(p => new ShareCardText(p.PredictedClass, p.Confidence, p.UncertainReason != null, p.Show)).FirstOrDefaultAsync();
            if (text is null)
            {
                made.SetResult(null); // deleted meanwhile
                return;
            }
            picture = PredictionShareCard.Draw(display, text);
        }
        else picture = kind == MadePicture.Thumbnail ? ImagePipeline.Thumbnail(display, metrics) : ImagePipeline.Overlay(display, source.Heatmap!, metrics);
        made.SetResult(picture);
        try
        {
            // Only into a row that still lacks it: a deleted row stays deleted, and a racing process's equal bytes stay.
            int updated = kind switch
            {
                MadePicture.Thumbnail => await row.Where(p => p.Thumbnail == null).ExecuteUpdateAsync(s => s.SetProperty(p => p.Thumbnail, picture)),
                MadePicture.Overlay => await row.Where(p => p.GradCam == null).ExecuteUpdateAsync(s => s.SetProperty(p => p.GradCam, picture)),
                _ => await row.Where(p => p.ShareCard == null).ExecuteUpdateAsync(s => s.SetProperty(p => p.ShareCard, picture)),
            };
            logger.LogDebug("{Kind} of prediction {PredictionId} made ({Bytes} bytes, stored: {Stored})", kind, id, picture.Length, updated > 0);
        }
        catch (System.Data.Common.DbException e)
        {
            // Served all the same; the next request makes it again.
            logger.LogWarning(e, "The {Kind} of prediction {PredictionId} was made but could not be stored", kind, id);
        }
    }
}
