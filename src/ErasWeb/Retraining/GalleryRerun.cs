using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Storage;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Retraining;

/// <summary>Starts gallery re-runs, one at a time.</summary>
public sealed class GalleryRerunScheduler(ErasDb db, StorageModule storage, IBackgroundJobClient queue, TimeProvider clock)
{
    /// <summary>A new run, or the one already queued or running.</summary>
    public async Task<GalleryRerun> StartAsync(CancellationToken ct)
    {
        GalleryRerun run;
        await using (var turn = await storage.TakeTurnAsync(db, CrossProcessLock.GalleryRerunStart, ct))
        {
            if (await db.GalleryReruns.AsNoTracking().Where(r => r.Status == WorkStatus.Queued || r.Status == WorkStatus.Running).OrderBy(r => r.Id).FirstOrDefaultAsync(ct) is { } busy)
                return busy;
            run = new GalleryRerun { Status = WorkStatus.Queued, CreatedAtUtc = clock.GetUtcNow().UtcDateTime };
            db.GalleryReruns.Add(run);
            await db.SaveChangesAsync(ct);
            await turn.CommitAsync(ct);
        }
        Enqueue(queue, run.Id);
        return run;
    }

    public static void Enqueue(IBackgroundJobClient queue, long runId) => queue.Enqueue<GalleryRerunner>(runner => runner.RunAsync(runId, CancellationToken.None));
}

/// <summary>
/// The Hangfire job that answers the gallery's photos again with the active head. Each new answer is
/// a new prediction beside the old one, so every earlier answer stays in the history with its
/// version. Originals are not kept, so the stored display copy (long side 1024 px, more than the
/// model reads) is what is analysed. Stopped midway, it picks up where it was at the next start.
/// </summary>
public sealed class GalleryRerunner(ErasDb db, ModelHost models, IOptions<ErasOptions> options, TimeProvider clock, ILogger<GalleryRerunner> logger)
{
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(long runId, CancellationToken ct)
    {
        var run = await db.GalleryReruns.FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null || run.Status is WorkStatus.Succeeded or WorkStatus.Failed) return;
        var classifier = await models.ActiveAsync(ct);
        // The active head when the run starts (or resumes after a restart) answers every photo of it.
        run.ModelVersion = classifier.Version;
        var answered = db.Predictions.Where(p => p.ModelVersion == classifier.Version).Select(p => p.ContentSha256);
        var todo = await db.Predictions.AsNoTracking()
            .Where(p => p.Kind == PredictionKind.Image && !answered.Contains(p.ContentSha256))
            .GroupBy(p => p.ContentSha256)
            .Select(g => g.Max(p => p.Id))
            .OrderBy(id => id)
            .ToListAsync(ct);
        (run.Status, run.StartedAtUtc, run.Total) = (WorkStatus.Running, run.StartedAtUtc ?? clock.GetUtcNow().UtcDateTime, run.Done + todo.Count);
        await db.SaveChangesAsync(ct);
        try
        {
            foreach (var id in todo)
            {
                await RerunAsync(id, classifier, ct);
                run.Done++;
                try { await db.SaveChangesAsync(CancellationToken.None); } // the new answer and the progress together
                catch (DbUpdateException e)
                {
                    // Most likely an upload of the same photo answered under this head a moment ago; either way the run goes on without it.
                    logger.LogWarning(e, "Gallery re-run {RunId} could not store the new answer for prediction {PredictionId}", runId, id);
                    foreach (var added in db.ChangeTracker.Entries().Where(x => x.State == EntityState.Added).ToList()) added.State = EntityState.Detached;
                    await db.SaveChangesAsync(CancellationToken.None);
                }
                db.ChangeTracker.Clear();
                db.Attach(run);
            }
            run.Status = WorkStatus.Succeeded;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // the server is stopping: Hangfire puts it back in its queue (on SQLite, the next start does)
        }
        catch (Exception e)
        {
            logger.LogError(e, "Gallery re-run {RunId} failed", runId);
            db.ChangeTracker.Clear();
            db.Attach(run);
            (run.Status, run.Error) = (WorkStatus.Failed, "The re-run failed because of an internal error; it has been logged. Starting it again carries on where it stopped.");
        }
        run.FinishedAtUtc = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(CancellationToken.None);
    }

    async Task RerunAsync(long predictionId, IEraModel classifier, CancellationToken ct)
    {
        var old = await db.Predictions.AsNoTracking().Include(p => p.Pictures).FirstOrDefaultAsync(p => p.Id == predictionId, ct);
        // Deleted or hidden since the list was made, or uploaded again under this head a moment ago: nothing to do.
        if (old?.Pictures is null || await db.IsTakenDownAsync(old.ContentSha256, ct)
            || await db.Predictions.EveryRow().AnyAsync(p => p.ContentSha256 == old.ContentSha256 && p.ModelVersion == classifier.Version, ct))
            return;

        AnalyzedImage analyzed;
        await models.Analyses.WaitAsync(ct);
        try { analyzed = ImagePipeline.Analyze(old.Pictures.Display, FileSniffer.SniffImage(old.Pictures.Display), classifier, new PixelLimits(options.Value.MaxImagePixels, options.Value.MaxFullDecodePixels)); }
        finally { models.Analyses.Release(); }
        // Made from the same upload: its uploader's token deletes this answer with the others.
        db.Predictions.Add(PredictionRows.New(PredictionKind.Image, UploadFacts.Of(old), ModelAnswer.Of(analyzed.Prediction, classifier.Version),
            // The stored display copy and thumbnail as they were; only the heatmap is new (its overlay is drawn when first asked for).
            new PredictionPictures { Display = old.Pictures.Display, Thumbnail = old.Pictures.Thumbnail, Heatmap = analyzed.Heatmap },
            clock.GetUtcNow().UtcDateTime, accessKey: null, old.DeleteTokenHash));
    }
}

/// <summary>A gallery re-run as the admin API follows it.</summary>
public sealed record GalleryRerunResponse(long Id, string Status, int Progress, int Done, int Total, string? ModelVersion, string? Error, string StatusUrl, DateTime CreatedAt, DateTime? FinishedAt)
{
    public static GalleryRerunResponse Of(GalleryRerun r) => new(r.Id, r.Status.Text(),
        r.Status == WorkStatus.Succeeded ? 100 : r.Total == 0 ? 0 : 100 * r.Done / r.Total, r.Done, r.Total, r.ModelVersion, r.Error,
        $"/api/admin/gallery/rerun/{r.Id}", DateTime.SpecifyKind(r.CreatedAtUtc, DateTimeKind.Utc), r.FinishedAtUtc is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null);
}
