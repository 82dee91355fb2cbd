using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Localisation;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Shows;
using ErasWeb.Storage;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Videos;

/// <summary>An accepted video: its job, and the token that deletes it (null when the upload is a job accepted before, not this upload's).</summary>
public sealed record AcceptedVideo(VideoJob Job, string? DeleteToken);

/// <summary>Accepts videos as jobs: checks what can be checked at once, records the job, queues it.</summary>
public sealed class VideoJobService(ErasDb db, StorageModule storage, WaitingUploads uploads, IBackgroundJobClient queue, VideoJobSignals signals, IOptions<ErasOptions> options, TimeProvider clock, VideoProbe probe)
{
    /// <summary>
    /// Takes ownership of the uploaded file: it becomes a job's input, or is deleted. A video with the
    /// same bytes as one already accepted (and not failed) is that job, not a second one, even when
    /// the uploads race (the database allows one unfinished job per content hash). A new video must
    /// fit the queue's bounds; <paramref name="client"/> (the uploader's address) has a share of its own.
    /// </summary>
    public async Task<AcceptedVideo> AcceptAsync(VideoUpload upload, string? client, DecodeMode decode, CancellationToken ct)
    {
        var keep = false;
        var name = Path.GetFileName(upload.Path);
        try
        {
            if (await db.IsTakenDownAsync(upload.ContentSha256, ct)) throw new TakenDownException();
            if (await SameVideoAsync(upload.ContentSha256, decode, ct) is { } existing) return new(existing, null);

            await CheckReadableAsync(upload.Path, ct);
            await uploads.KeepAsync(name, ct);
            var deleteToken = UploaderTokens.New();
            var job = new VideoJob
            {
                Status = WorkStatus.Queued,
                FileName = upload.FileName,
                ContentSha256 = upload.ContentSha256,
                SizeBytes = upload.SizeBytes,
                Format = upload.Sniff.Name,
                UploadFile = name,
                CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
                Client = client,
                Decode = decode,
                DeleteTokenHash = UploaderTokens.Hash(deleteToken),
            };
            try
            {
                await AddToQueueAsync(upload.SizeBytes, client, async () =>
                {
                    db.VideoJobs.Add(job);
                    // Not cancelled with the request: once the row exists the file belongs to the job.
                    await db.SaveChangesAsync(CancellationToken.None);
                }, ct);
            }
            catch (DbUpdateException e) when (ErasDb.IsUniqueViolation(e))
            {
                // An identical upload became a job since the look above: answer with that job.
                db.Entry(job).State = EntityState.Detached;
                return new(await SameVideoAsync(upload.ContentSha256, decode, CancellationToken.None) ?? throw new InvalidOperationException("The job that made this one a duplicate is gone.", e), null);
            }
            keep = true;
            Enqueue(queue, job.Id);
            return new(job, deleteToken);
        }
        finally
        {
            if (!keep) await uploads.DeleteAsync(name);
        }
    }

    /// <summary>The newest job of the same bytes, asked to be decoded the same way, that has not failed: queued, running or done.</summary>
    Task<VideoJob?> SameVideoAsync(string contentSha256, DecodeMode decode, CancellationToken ct) => db.VideoJobs.AsNoTracking()
        .Where(j => j.ContentSha256 == contentSha256 && j.Decode == decode && j.Status != WorkStatus.Failed)
        .OrderByDescending(j => j.Id).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Adds an upload of <paramref name="sizeBytes"/> to the job queue (<paramref name="add"/> stores its row) if
    /// the queue has room for it. Counting and adding happen one upload at a time, so racing uploads cannot
    /// all squeeze under a bound, across processes too.
    /// </summary>
    public async Task AddToQueueAsync(long sizeBytes, string? client, Func<Task> add, CancellationToken ct)
    {
        await using var turn = await storage.TakeTurnAsync(db, CrossProcessLock.VideoQueue, ct);
        await CheckQueueRoomAsync(sizeBytes, client, ct);
        await add();
        await turn.CommitAsync(CancellationToken.None);
    }

    /// <summary>
    /// Refuses an upload of about <paramref name="sizeBytes"/> (as its Content-Length says) before it is read,
    /// when the queue has no room for it now: a look, not a reservation, which <see cref="AddToQueueAsync"/> makes.
    /// </summary>
    public Task CheckRoomBeforeReadingAsync(long sizeBytes, string? client, CancellationToken ct) => CheckQueueRoomAsync(sizeBytes, client, ct);

    /// <summary>
    /// Refuses an upload the job queue (videos and nights alike: both wait for a worker, in files or the database) has no room
    /// for: the client's share first (429), then the whole queue's jobs and waiting bytes (503).
    /// </summary>
    async Task CheckQueueRoomAsync(long sizeBytes, string? client, CancellationToken ct)
    {
        var o = options.Value;
        var videos = db.VideoJobs.Where(j => j.Status == WorkStatus.Queued || j.Status == WorkStatus.Running);
        var nights = db.Nights.EveryRow().Where(n => n.Status == WorkStatus.Queued || n.Status == WorkStatus.Running);
        if (client is not null && await videos.CountAsync(j => j.Client == client, ct) + await nights.CountAsync(n => n.Client == client, ct) >= o.VideoQueueMaxJobsPerClient)
            throw new VideoQueueFullException(Texts.Say("Queue.YoursFull", o.VideoQueueMaxJobsPerClient), perClient: true);
        if (await videos.CountAsync(ct) + await nights.CountAsync(ct) >= o.VideoQueueMaxJobs)
            throw new VideoQueueFullException(Texts.Say("Queue.Full", o.VideoQueueMaxJobs), perClient: false);
        if (await videos.SumAsync(j => j.SizeBytes, ct) + await nights.SumAsync(n => n.SizeBytes, ct) + sizeBytes > o.VideoQueueMaxBytes)
            throw new VideoQueueFullException(Texts.Say("Queue.BytesFull", MediaRejectedException.FormatBytes(o.VideoQueueMaxBytes)), perClient: false);
    }

    public static void Enqueue(IBackgroundJobClient queue, long jobId) =>
        queue.Enqueue<VideoJobRunner>(runner => runner.RunAsync(jobId, CancellationToken.None));

    /// <summary>
    /// What ffprobe can tell in a moment is answered at upload: not a video, no picture, no duration, an absurd duration,
    /// more frames than its length allows when its header counts them.
    /// </summary>
    async Task CheckReadableAsync(string path, CancellationToken ct)
    {
        try
        {
            var video = await probe.ProbeAsync(path, options.Value.FFmpegTimeout, ct);
            VideoAnalyzer.CheckDuration(video, options.Value);
        }
        catch (FFmpegException e)
        {
            throw new MediaRejectedException(MediaRejection.UnreadableVideo, e.Message);
        }
    }

    /// <summary>
    /// The job once it has finished, or as it is when <paramref name="wait"/> runs out. A job run in this
    /// process wakes the wait at once; one run by another process (on PostgreSQL) is seen within a second.
    /// </summary>
    public Task<VideoJob?> WaitAsync(long id, TimeSpan wait, CancellationToken ct) =>
        signals.WaitAsync(id, token => db.VideoJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, token),
            job => job.Status is WorkStatus.Succeeded or WorkStatus.Failed, wait, storage.SharedByProcesses, clock, ct);
}
