using System.Buffers;
using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Localisation;
using ErasWeb.Media;
using ErasWeb.Observability;
using ErasWeb.Predictions;
using ErasWeb.Shows;
using ErasWeb.Storage;
using ErasWeb.Videos;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Nights;

/// <summary>
/// The Hangfire job that reads one night: each photo is classified alone (as <c>/predict</c> would, and
/// stored as its prediction), put in capture order, and the whole sequence decoded with the night's set
/// order (the show its date names, else the likelier tour). As for a video job, the state lives in the
/// night's row: an interrupted run is run again, photos already stored are found rather than stored
/// twice, and only the latest attempt can finish the night.
/// </summary>
public sealed class NightRunner(ErasDb db, WaitingUploads uploads, ModelHost models, ImagePredictionService images, ShowCalendar calendar,
    [FromKeyedServices(VideoJobSignals.Nights)] VideoJobSignals signals, TimeProvider clock, ErasMetrics metrics, ILogger<NightRunner> logger)
{
    /// <summary>A night that keeps bringing the server down is given up on.</summary>
    public const int MaxAttempts = 3;

    /// <summary>Photos read at once: every core analyses one while the next wait, and a night's memory stays a few photos' worth.</summary>
    static readonly int Batch = 2 * Environment.ProcessorCount;

    /// <summary>What became of one photo: its capture time, and its prediction or why it has none.</summary>
    sealed class Reading(NightPhoto row)
    {
        public NightPhoto Row { get; } = row;
        public DateTime? TakenAt { get; set; }
        public string? Error { get; set; } = row.Error;
        public PredictionSummary? Prediction { get; set; }
    }

    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(long nightId, CancellationToken ct)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["NightId"] = nightId });
        var night = await db.Nights.EveryRow().Include(n => n.Photos).FirstOrDefaultAsync(n => n.Id == nightId, ct);
        if (night is null || night.Status is WorkStatus.Succeeded or WorkStatus.Failed) return;
        if (night.Attempts >= MaxAttempts)
        {
            await FailAsync(night, Texts.Say("Night.Interrupted", night.Attempts));
            return;
        }
        (night.Status, night.Worker, night.StartedAtUtc) = (WorkStatus.Running, VideoJob.WorkerName, clock.GetUtcNow().UtcDateTime);
        night.Attempts++;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogInformation("Night {NightId} was taken by another worker a moment ago", nightId);
            return;
        }

        IEraModel model;
        List<Reading> readings;
        try
        {
            model = await models.ActiveAsync(ct);
            // A photo that is missing is told on that photo, as one refused at upload is; this process's copy goes once all are read.
            var folder = night.UploadFolder;
            try
            {
                if (folder is not null) await uploads.FetchAsync(folder, ct);
                readings = await ReadPhotosAsync(night, model, ct);
            }
            finally
            {
                if (folder is not null) uploads.DropFetchedCopy(folder);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // stopping, or taken over: Hangfire puts it back (on SQLite the next start queues it again)
        }
        catch (Exception e)
        {
            logger.LogError(e, "Night {NightId} failed unexpectedly", nightId);
            await FailAsync(night, Texts.Say("Night.InternalError"));
            return;
        }

        try { await StoreAsync(night, readings, model); }
        catch (DbUpdateConcurrencyException)
        {
            // Deleted by its uploader, or taken over by another worker: this attempt's result counts for nothing.
            logger.LogWarning("Night {NightId} was deleted or taken over; this attempt's result is dropped", nightId);
            if (!await db.Nights.EveryRow().AnyAsync(n => n.Id == nightId, CancellationToken.None))
                await db.DeleteUploadedWithAsync(night.DeleteTokenHash, uploads.DeleteAsync, CancellationToken.None);
            throw new Hangfire.Server.JobAbortedException();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Night {NightId} could not be stored", nightId);
            db.ChangeTracker.Clear();
            await FailAsync(night, Texts.Say("Night.InternalError"));
            return;
        }
        signals.Finish(nightId);
        metrics.Job("night", WorkStatus.Succeeded.Text(), night.FinishedAtUtc!.Value - night.StartedAtUtc!.Value);
        await DeleteFolderAsync(night);
        logger.LogInformation("Night {NightId}: {Photos} photos, tour {Tour}, show {Show} in {Seconds:0.00} s", nightId, night.Photos.Count, night.Tour, night.ShowDate,
            (night.FinishedAtUtc - night.StartedAtUtc)?.TotalSeconds);
    }

    /// <summary>Every photo's capture time and prediction (or why it has none), a batch at a time, analysed on every core.</summary>
    async Task<List<Reading>> ReadPhotosAsync(Night night, IEraModel model, CancellationToken ct)
    {
        var folder = uploads.PathOf(night.UploadFolder ?? "");
        var readings = night.Photos.OrderBy(p => p.UploadIndex).Select(p => new Reading(p)).ToList();
        int done = 0;
        foreach (var batch in readings.Chunk(Batch))
        {
            var files = new List<(Reading Reading, byte[] Bytes, int Length, SniffResult Sniff, string Sha)>();
            try
            {
                foreach (var reading in batch.Where(r => r.Error is null))
                {
                    var path = Path.Combine(folder, reading.Row.UploadIndex.ToString());
                    if (!File.Exists(path)) { reading.Error = Texts.Say("Night.PhotoMissing"); continue; }
                    var bytes = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, new FileInfo(path).Length));
                    int length = await ReadAllAsync(path, bytes, ct);
                    try
                    {
                        var sniff = FileSniffer.SniffImage(bytes.AsSpan(0, length));
                        if (sniff.Format == MediaFormat.Jpeg) reading.TakenAt = CaptureTime.Of(new ArraySegment<byte>(bytes, 0, length));
                        var sha = ContentHash.Sha256Hex(bytes.AsSpan(0, length));
                        if (await db.IsTakenDownAsync(sha, ct)) throw new TakenDownException();
                        // Public photos share the stored answer to the same bytes; an unlisted one is found again when a run is repeated.
                        reading.Prediction = night.AccessKey is null
                            ? await images.FindPublicAsync(sha, model.Version, ct)
                            : await db.Predictions.AsNoTracking().EveryRow()
                                .Where(p => p.ContentSha256 == sha && p.DeleteTokenHash == night.DeleteTokenHash && p.ModelVersion == model.Version)
                                .Select(PredictionSummary.FromEntity).FirstOrDefaultAsync(ct);
                        if (reading.Prediction is null) files.Add((reading, bytes, length, sniff, sha));
                        else ArrayPool<byte>.Shared.Return(bytes, clearArray: true);
                    }
                    catch (Exception e) when (e is MediaRejectedException or TakenDownException)
                    {
                        reading.Error = e.Message;
                        ArrayPool<byte>.Shared.Return(bytes, clearArray: true);
                    }
                }

                var analyses = files.Select(f => Task.Run(async () =>
                {
                    try { return await images.AnalyzeAsync(f.Bytes.AsMemory(0, f.Length), f.Sniff, model, ct); }
                    catch (MediaRejectedException e)
                    {
                        f.Reading.Error = e.Message;
                        return null;
                    }
                }, ct)).ToList();
                var analyzed = await Task.WhenAll(analyses);
                for (int i = 0; i < files.Count; i++)
                    if (analyzed[i] is { } image)
                    {
                        // A private night's photos have keys of their own: a photo's link, sent to a friend, opens that photo, not the night.
                        var owner = new Ownership(night.AccessKey is null ? null : UploaderTokens.New(), night.DeleteTokenHash);
                        files[i].Reading.Prediction = (await images.StoreAsync(files[i].Reading.Row.FileName, files[i].Sha, files[i].Length, image, model.Version, owner, ct)).Prediction;
                    }
            }
            finally
            {
                foreach (var file in files) ArrayPool<byte>.Shared.Return(file.Bytes, clearArray: true);
            }
            done += batch.Length;
            await ReportAsync(night, 0.05 + 0.9 * done / readings.Count);
        }
        return readings;
    }

    static async Task<int> ReadAllAsync(string path, byte[] into, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        return await file.ReadAtLeastAsync(into, (int)file.Length, throwOnEndOfStream: false, ct);
    }

    /// <summary>Progress on the row, for this attempt only.</summary>
    Task ReportAsync(Night night, double fraction)
    {
        int percent = Math.Clamp((int)(fraction * 100), 0, 99);
        return db.Nights.EveryRow().Where(n => n.Id == night.Id && n.Attempts == night.Attempts).ExecuteUpdateAsync(s => s.SetProperty(n => n.Progress, percent));
    }

    /// <summary>Puts the photos in capture order, decodes them with the night's set order, and stores it all with the night's success: one save.</summary>
    async Task StoreAsync(Night night, List<Reading> readings, IEraModel model)
    {
        var ordered = NightReading.CaptureOrder(readings, r => r.TakenAt);
        var nightOf = readings.Where(r => r.TakenAt is not null).GroupBy(r => ShowCalendar.NightOf(r.TakenAt!.Value)).MaxBy(g => g.Count())?.Key;
        var show = nightOf is { } date ? calendar.On(date) : null;
        var read = ordered.Where(r => r.Prediction is not null).ToList();
        DecodedNight? decoded = null;
        Tour? tour = null;
        if (read.Count > 0 && ShowDecoder.CanDecode(model.Labels))
        {
            var known = show is null ? null : Tours.All.Single(t => t.Name == show.Tour);
            var photos = read.Select(r => new ShowPhoto(r.TakenAt, [.. model.Labels.Select(l => r.Prediction!.Probabilities.GetValueOrDefault(l))],
                r.Prediction!.UncertainReason == UncertainReasons.Unfamiliar())).ToList();
            decoded = ShowDecoder.DecodeNight(model.Labels, photos, known);
            tour = decoded.Order;
        }

        // The photos' context may have been cleared by a racing store of the same public bytes: the night is tracked again.
        if (db.Entry(night).State == EntityState.Detached) db.Attach(night);
        for (int i = 0; i < ordered.Count; i++)
        {
            var (reading, row) = (ordered[i], ordered[i].Row);
            (row.Position, row.TakenAt, row.Error, row.PredictionId) = (i, reading.TakenAt, reading.Error, reading.Prediction?.Id);
            var slot = decoded is null || reading.Prediction is null ? null : decoded.SetOfPhoto[read.IndexOf(reading)] is int set ? tour!.Sets[set] : null;
            (row.Era, row.Set) = reading.Prediction is null ? (null, null)
                : decoded is null ? (reading.Prediction.PredictedClass, null) // a model without every era of the tour reads photos alone
                : (slot?.Era, slot?.Set);
        }
        night.Order = readings.Any(r => r.TakenAt is not null) ? NightOrder.TakenAt : NightOrder.Upload;
        night.ShowDate = show?.Date;
        night.Tour = show?.Tour ?? decoded?.Tour;
        (night.LogLikelihood2023, night.LogLikelihood2024) = (Finite(decoded?.LogLikelihood2023), Finite(decoded?.LogLikelihood2024));
        night.ModelVersion = model.Version;
        (night.Status, night.Progress, night.FinishedAtUtc) = (WorkStatus.Succeeded, 100, clock.GetUtcNow().UtcDateTime);
        (night.Client, night.Error) = (null, null);
        for (int tries = 1; ; tries++)
        {
            // A public photo's answer is another uploader's too, who may delete it while the night is read: that photo keeps a gap.
            var ids = ordered.Select(r => r.Row.PredictionId).OfType<long>().ToList();
            var stored = (await db.Predictions.EveryRow().Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync(CancellationToken.None)).ToHashSet();
            foreach (var row in ordered.Select(r => r.Row).Where(r => r.PredictionId is long id && !stored.Contains(id)))
                (row.PredictionId, row.Era, row.Set, row.Error) = (null, null, null, "This photo's answer was deleted while the night was read.");
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException && tries < 3) { } // deleted between the look and the save: look again
        }
    }

    static double? Finite(double? value) => value is double v && double.IsFinite(v) ? v : null;

    /// <summary>Fails the night with its reason; photos already stored for it go, so a failed night leaves nothing half-made.</summary>
    async Task FailAsync(Night night, string reason)
    {
        await db.Predictions.EveryRow().Where(p => p.DeleteTokenHash == night.DeleteTokenHash).ExecuteDeleteAsync(CancellationToken.None);
        if (db.Entry(night).State == EntityState.Detached) db.Attach(night);
        (night.Status, night.Error, night.FinishedAtUtc, night.Client) = (WorkStatus.Failed, reason, clock.GetUtcNow().UtcDateTime, null);
        try { await db.SaveChangesAsync(CancellationToken.None); }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogWarning("Night {NightId} was deleted or taken over; this attempt's failure is dropped", night.Id);
            throw new Hangfire.Server.JobAbortedException();
        }
        signals.Finish(night.Id);
        if (night.StartedAtUtc is { } started) metrics.Job("night", WorkStatus.Failed.Text(), night.FinishedAtUtc!.Value - started);
        await DeleteFolderAsync(night);
        logger.LogWarning("Night {NightId} failed: {Reason}", night.Id, reason);
    }

    /// <summary>The uploaded photos go once the night is read: originals with their EXIF (GPS included) are never kept.</summary>
    async Task DeleteFolderAsync(Night night)
    {
        if (night.UploadFolder is null) return;
        try
        {
            await uploads.DeleteAsync(night.UploadFolder);
            await db.Nights.EveryRow().Where(n => n.Id == night.Id).ExecuteUpdateAsync(s => s.SetProperty(n => n.UploadFolder, (string?)null));
        }
        catch (Exception e) { logger.LogWarning(e, "Could not delete the upload {Folder}; it is removed at a start", night.UploadFolder); }
    }
}

/// <summary>How a night's photos are put in order.</summary>
public static class NightReading
{
    /// <summary>
    /// By capture time; a photo without one keeps its place beside its neighbours in the upload (it goes
    /// with the timed photo before it, or the first one after it). Stable: equal times keep the upload's order.
    /// </summary>
    public static List<T> CaptureOrder<T>(IReadOnlyList<T> inUploadOrder, Func<T, DateTime?> takenAt)
    {
        var anchors = new DateTime?[inUploadOrder.Count];
        DateTime? last = null;
        for (int i = 0; i < inUploadOrder.Count; i++) anchors[i] = last = takenAt(inUploadOrder[i]) ?? last;
        DateTime? next = null;
        for (int i = inUploadOrder.Count - 1; i >= 0; i--) anchors[i] = takenAt(inUploadOrder[i]) is { } own ? next = own : anchors[i] ?? next;
        return [.. inUploadOrder.Select((item, i) => (item, i)).OrderBy(x => anchors[x.i] ?? DateTime.MinValue).Select(x => x.item)];
    }
}
