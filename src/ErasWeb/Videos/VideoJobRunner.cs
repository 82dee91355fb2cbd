using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Localisation;
using ErasWeb.Media;
using ErasWeb.Observability;
using ErasWeb.Predictions;
using ErasWeb.Storage;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Videos;

/// <summary>
/// The Hangfire job that analyses one accepted video. Its state lives in the job's row, so a run
/// that is interrupted (a restart, even a kill) is simply run again: at start-up on SQLite, by another
/// worker once the dead one's job turns visible again on PostgreSQL. The result is stored in one
/// transaction that only the latest attempt can commit, so it exists once or not at all.
/// </summary>
public sealed class VideoJobRunner(ErasDb db, WaitingUploads uploads, ModelHost models, VideoProbe probe, FrameSampler sampler, VideoJobSignals signals, IOptions<ErasOptions> options, TimeProvider clock, ErasMetrics metrics, ILogger<VideoJobRunner> logger)
{
    /// <summary>A video that keeps bringing the server down (runs that started but never ended) is given up on.</summary>
    public const int MaxAttempts = 3;

    // Failures are recorded on the row with their reason; Hangfire's own retries would only repeat them.
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(long jobId, CancellationToken ct)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = jobId });
        var job = await db.VideoJobs.FirstOrDefaultAsync(j => j.Id == jobId, ct);
        if (job is null || job.Status is WorkStatus.Succeeded or WorkStatus.Failed) return;
        if (job.Attempts >= MaxAttempts)
        {
            await FailAsync(job, Texts.Say("Job.Interrupted", job.Attempts));
            return;
        }
        job.Status = WorkStatus.Running;
        job.Attempts++;
        job.Worker = VideoJob.WorkerName;
        job.StartedAtUtc = clock.GetUtcNow().UtcDateTime;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogInformation("Video job {JobId} was taken by another worker a moment ago", jobId);
            return;
        }

        // This process's copy of the upload goes however the run ends; the upload itself only once the job has.
        var upload = job.UploadFile;
        try
        {
            if (upload is null || !await uploads.FetchAsync(upload, ct))
            {
                await FailAsync(job, Texts.Say("Job.UploadMissing"));
                return;
            }
            await AnalyseAsync(job, upload, ct);
        }
        finally
        {
            if (upload is not null) uploads.DropFetchedCopy(upload);
        }
    }

    async Task AnalyseAsync(VideoJob job, string upload, CancellationToken ct)
    {
        VideoAnalysis analysis;
        IEraModel model;
        try
        {
            // After a restart, recovered jobs may start before the model has loaded.
            model = await models.ActiveAsync(ct);
            var reporter = new ProgressReporter(db, job.Id, job.Attempts, clock);
            analysis = await VideoAnalyzer.AnalyzeAsync(uploads.PathOf(upload), probe, sampler, model, models.Analyses, options.Value, job.Decode, reporter.Report, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The server is stopping, or the job was taken over: the row stays unfinished. Thrown, not
            // returned, so Hangfire puts the job back in its queue (or leaves it to its new worker)
            // instead of marking it done; on SQLite the next start queues the row again anyway.
            throw;
        }
        catch (FFmpegException e)
        {
            await FailAsync(job, e.Message);
            return;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Video job {JobId} failed unexpectedly", job.Id);
            await FailAsync(job, Texts.Say("Job.InternalError"));
            return;
        }
        try { await StoreAsync(job, upload, analysis, model.Version); }
        catch (DbUpdateConcurrencyException)
        {
            // Another worker took the job over while this one was thought dead: its attempt is the one that counts,
            // and Hangfire must not mark the job done on this one's word.
            logger.LogWarning("Video job {JobId} was taken over by another worker; this attempt's result is dropped", job.Id);
            throw new Hangfire.Server.JobAbortedException();
        }
        signals.Finish(job.Id);
        metrics.Job("video", WorkStatus.Succeeded.Text(), job.FinishedAtUtc!.Value - job.StartedAtUtc!.Value);
        metrics.Prediction(analysis.Era, PredictionKind.Video.Text(), analysis.UncertainReason is not null);
        logger.LogInformation("Video job {JobId}: prediction {PredictionId}, {Era} ({Frames} frames) in {Seconds:0.00} s", job.Id, job.PredictionId, analysis.Era, analysis.Frames.Count,
            (job.FinishedAtUtc - job.StartedAtUtc)?.TotalSeconds);
    }

    /// <summary>
    /// The video's prediction, its frames and timeline, the job's success and the end of its upload: one
    /// transaction, so a job seen done has no upload left waiting. The same bytes already answered by this
    /// model are that prediction, which gains the show if this job read one.
    /// </summary>
    async Task StoreAsync(VideoJob job, string upload, VideoAnalysis analysis, string modelVersion)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var existing = await db.Predictions.EveryRow().Where(p => p.ContentSha256 == job.ContentSha256 && p.ModelVersion == modelVersion).Select(p => new { p.Id, p.Show }).FirstOrDefaultAsync();
        long predictionId;
        if (existing is not null)
        {
            predictionId = existing.Id;
            if (existing.Show is null && analysis.Show is not null)
                await db.Predictions.EveryRow().Where(p => p.Id == existing.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Show, analysis.Show));
        }
        else
        {
            var answer = new ModelAnswer(analysis.Era, analysis.Confidence, analysis.UncertainReason,
                analysis.Labels.Zip(analysis.Probabilities).ToDictionary(p => p.First, p => p.Second), analysis.Explanation, Zoomed: false, modelVersion);
            // The upload's token deletes its answer too.
            var prediction = PredictionRows.New(PredictionKind.Video, new UploadFacts(job.FileName, job.ContentSha256, job.SizeBytes, job.Format, analysis.Video.Width, analysis.Video.Height),
                answer, new PredictionPictures { Display = analysis.Poster, Thumbnail = analysis.PosterThumbnail, GradCam = analysis.GradCam }, now, accessKey: null, job.DeleteTokenHash);
            prediction.DurationSeconds = analysis.Video.Duration.TotalSeconds;
            prediction.KeyFrameSeconds = analysis.Frames[analysis.KeyFrame].Time.TotalSeconds;
            prediction.Show = analysis.Show;
            db.Predictions.Add(prediction);
            await db.SaveChangesAsync(CancellationToken.None);
            db.VideoFrames.AddRange(analysis.Frames.Select((f, i) => new VideoFrame
            {
                PredictionId = prediction.Id,
                Index = i,
                TimeSeconds = f.Time.TotalSeconds,
                Era = analysis.Labels[f.EraIndex],
                Confidence = f.Probabilities[f.EraIndex],
                Thumbnail = f.Thumbnail,
            }));
            db.TimelineSegments.AddRange(analysis.Timeline.Select((s, i) => new TimelineSegment
            {
                PredictionId = prediction.Id,
                Index = i,
                Era = s.Era,
                StartSeconds = s.Start.TotalSeconds,
                EndSeconds = s.End.TotalSeconds,
            }));
            predictionId = prediction.Id;
        }
        job.Status = WorkStatus.Succeeded;
        job.ReadAsShow = analysis.Show is not null;
        job.Progress = 100;
        job.PredictionId = predictionId;
        job.FinishedAtUtc = now;
        job.UploadFile = null;
        job.Client = null;
        await db.SaveChangesAsync(CancellationToken.None);
        await uploads.DeleteAsync(upload);
        await transaction.CommitAsync(CancellationToken.None);
    }

    async Task FailAsync(VideoJob job, string reason)
    {
        var upload = job.UploadFile;
        job.Status = WorkStatus.Failed;
        job.Error = reason;
        job.FinishedAtUtc = clock.GetUtcNow().UtcDateTime;
        job.UploadFile = null;
        job.Client = null;
        try { await db.SaveChangesAsync(CancellationToken.None); }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogWarning("Video job {JobId} was taken over by another worker; this attempt's failure is dropped", job.Id);
            throw new Hangfire.Server.JobAbortedException();
        }
        signals.Finish(job.Id);
        if (job.StartedAtUtc is { } started) metrics.Job("video", WorkStatus.Failed.Text(), job.FinishedAtUtc.Value - started);
        if (upload is not null) await DeleteUploadAsync(upload);
        logger.LogWarning("Video job {JobId} failed: {Reason}", job.Id, reason);
    }

    async Task DeleteUploadAsync(string name)
    {
        try { await uploads.DeleteAsync(name); }
        catch (Exception e) { logger.LogWarning(e, "Could not delete the upload {Name}; it is removed at a start", name); }
    }

    /// <summary>Writes progress to the row at most twice a second: pollers see it move without a write per frame.</summary>
    sealed class ProgressReporter(ErasDb db, long jobId, int attempt, TimeProvider clock)
    {
        DateTimeOffset last;
        int written;

        public void Report(double fraction)
        {
            int percent = Math.Clamp((int)(fraction * 100), 0, 99);
            var now = clock.GetUtcNow();
            if (percent <= written || now - last < TimeSpan.FromMilliseconds(500)) return;
            last = now;
            written = percent;
            db.VideoJobs.Where(j => j.Id == jobId && j.Attempts == attempt).ExecuteUpdate(s => s.SetProperty(j => j.Progress, percent));
        }
    }
}
