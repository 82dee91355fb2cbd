using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Media;
using ErasWeb.Predictions;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Videos;

/// <summary>Accepts videos as jobs: checks what can be checked at once, records the job, queues it.</summary>
public sealed class VideoJobService(ErasDb db, IBackgroundJobClient queue, VideoJobSignals signals, IOptions<ErasOptions> options, TimeProvider clock, ILogger<VideoJobService> logger)
{
    /// <summary>
    /// Counting the queue and adding to it happen one upload at a time, so racing uploads cannot all
    /// squeeze under a bound: in this process by this gate, across processes on PostgreSQL by a lock in the database.
    /// </summary>
    static readonly SemaphoreSlim QueueGate = new(1, 1);

    /// <summary>
    /// Takes ownership of the uploaded file: it becomes a job's input, or is deleted. A video with the
    /// same bytes as one already accepted (and not failed) is that job, not a second one, even when
    /// the uploads race (the database allows one unfinished job per content hash). A new video must
    /// fit the queue's bounds; <paramref name="client"/> (the uploader's address) has a share of its own.
    /// <paramref name="decode"/> is one of <see cref="DecodeModes"/>.
    /// </summary>
    public async Task<VideoJob> AcceptAsync(VideoUpload upload, string? client, string decode, CancellationToken ct)
    {
        var keep = false;
        try
        {
            if (await db.IsTakenDownAsync(upload.ContentSha256, ct)) throw new TakenDownException();
            if (await SameVideoAsync(upload.ContentSha256, decode, ct) is { } existing) return existing;

            await CheckReadableAsync(upload.Path, ct);
            var job = new VideoJob
            {
                Status = VideoJobStatus.Queued,
                FileName = upload.FileName,
                ContentSha256 = upload.ContentSha256,
                SizeBytes = upload.SizeBytes,
                Format = upload.Sniff.Name,
                UploadFile = Path.GetFileName(upload.Path),
                CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
                Client = client,
                Decode = decode,
            };
            await QueueGate.WaitAsync(ct);
            try
            {
                await using (var turn = await db.TakeTurnAcrossProcessesAsync(CrossProcessLock.VideoQueue, ct))
                {
                    await CheckQueueRoomAsync(upload.SizeBytes, client, ct);
                    db.VideoJobs.Add(job);
                    // Not cancelled with the request: once the row exists the file belongs to the job.
                    await db.SaveChangesAsync(CancellationToken.None);
                    if (turn is not null) await turn.CommitAsync(CancellationToken.None);
                }
            }
            catch (DbUpdateException e) when (ErasDb.IsUniqueViolation(e))
            {
                // An identical upload became a job since the look above: answer with that job.
                db.Entry(job).State = EntityState.Detached;
                return await SameVideoAsync(upload.ContentSha256, decode, CancellationToken.None) ?? throw new InvalidOperationException("The job that made this one a duplicate is gone.", e);
            }
            finally { QueueGate.Release(); }
            keep = true;
            Enqueue(queue, job.Id);
            return job;
        }
        finally
        {
            if (!keep) File.Delete(upload.Path);
        }
    }

    /// <summary>The newest job of the same bytes, asked to be decoded the same way, that has not failed: queued, running or done.</summary>
    Task<VideoJob?> SameVideoAsync(string contentSha256, string decode, CancellationToken ct) => db.VideoJobs.AsNoTracking()
        .Where(j => j.ContentSha256 == contentSha256 && j.Decode == decode && j.Status != VideoJobStatus.Failed)
        .OrderByDescending(j => j.Id).FirstOrDefaultAsync(ct);

    /// <summary>Refuses a video the queue has no room for: the client's share first (429), then the whole queue's jobs and bytes on disk (503).</summary>
    async Task CheckQueueRoomAsync(long sizeBytes, string? client, CancellationToken ct)
    {
        var o = options.Value;
        var unfinished = db.VideoJobs.Where(j => j.Status == VideoJobStatus.Queued || j.Status == VideoJobStatus.Running);
        if (client is not null && await unfinished.CountAsync(j => j.Client == client, ct) >= o.VideoQueueMaxJobsPerClient)
            throw new VideoQueueFullException($"You already have as many videos waiting to be analysed as one visitor may ({o.VideoQueueMaxJobsPerClient}); upload this one when one of them has finished.", perClient: true);
        if (await unfinished.CountAsync(ct) >= o.VideoQueueMaxJobs)
            throw new VideoQueueFullException($"As many videos as ErasWeb queues ({o.VideoQueueMaxJobs}) are already waiting to be analysed; try again in a few minutes.", perClient: false);
        if (await unfinished.SumAsync(j => j.SizeBytes, ct) + sizeBytes > o.VideoQueueMaxBytes)
            throw new VideoQueueFullException($"The videos waiting to be analysed already fill the {MediaRejectedException.FormatBytes(o.VideoQueueMaxBytes)} kept for them; try again in a few minutes.", perClient: false);
    }

    public static void Enqueue(IBackgroundJobClient queue, long jobId) =>
        queue.Enqueue<VideoJobRunner>(runner => runner.RunAsync(jobId, CancellationToken.None));

    /// <summary>
    /// What ffprobe can tell in a moment is answered at upload: not a video, no picture, no duration, an absurd duration,
    /// more frames than its length allows when its header counts them.
    /// </summary>
    async Task CheckReadableAsync(string path, CancellationToken ct)
    {
        using var ffmpegLog = FFmpeg.LogTo(logger);
        try
        {
            var video = await VideoProbe.ProbeAsync(path, options.Value.FFmpegTimeout, ct);
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
    public async Task<VideoJob?> WaitAsync(long id, TimeSpan wait, CancellationToken ct)
    {
        using var finished = signals.Subscribe(id);
        var deadline = clock.GetUtcNow() + wait;
        var look = options.Value.UsesPostgres ? TimeSpan.FromSeconds(1) : Timeout.InfiniteTimeSpan;
        while (true)
        {
            var job = await LoadAsync(id, ct);
            var left = deadline - clock.GetUtcNow();
            if (job is null || job.Status is VideoJobStatus.Succeeded or VideoJobStatus.Failed || left <= TimeSpan.Zero) return job;
            try { await finished.Finished.WaitAsync(look == Timeout.InfiniteTimeSpan || left < look ? left : look, clock, ct); }
            catch (TimeoutException) { }
        }
    }

    Task<VideoJob?> LoadAsync(long id, CancellationToken ct) => db.VideoJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
}
