using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Media;
using ErasWeb.Predictions;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Videos;

/// <summary>Accepts videos as jobs: checks what can be checked at once, records the job, queues it.</summary>
public sealed class VideoJobService(ErasDb db, IBackgroundJobClient queue, VideoJobSignals signals, IOptions<ErasOptions> options, TimeProvider clock)
{
    /// <summary>
    /// Takes ownership of the uploaded file: it becomes a job's input, or is deleted. A video with the
    /// same bytes as one already accepted (and not failed) is that job, not a second one.
    /// </summary>
    public async Task<VideoJob> AcceptAsync(VideoUpload upload, CancellationToken ct)
    {
        var keep = false;
        try
        {
            if (await db.IsTakenDownAsync(upload.ContentSha256, ct)) throw new TakenDownException();
            var existing = await db.VideoJobs.AsNoTracking()
                .Where(j => j.ContentSha256 == upload.ContentSha256 && j.Status != VideoJobStatus.Failed)
                .OrderByDescending(j => j.Id).FirstOrDefaultAsync(ct);
            if (existing is not null) return existing;

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
            };
            db.VideoJobs.Add(job);
            // Not cancelled with the request: once the row exists the file belongs to the job.
            await db.SaveChangesAsync(CancellationToken.None);
            keep = true;
            Enqueue(queue, job.Id);
            return job;
        }
        finally
        {
            if (!keep) File.Delete(upload.Path);
        }
    }

    public static void Enqueue(IBackgroundJobClient queue, long jobId) =>
        queue.Enqueue<VideoJobRunner>(runner => runner.RunAsync(jobId, CancellationToken.None));

    /// <summary>What ffprobe can tell in a moment is answered at upload: not a video, no picture, no duration, an absurd duration.</summary>
    async Task CheckReadableAsync(string path, CancellationToken ct)
    {
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

    /// <summary>The job once it has finished, or as it is when <paramref name="wait"/> runs out.</summary>
    public async Task<VideoJob?> WaitAsync(long id, TimeSpan wait, CancellationToken ct)
    {
        using var finished = signals.Subscribe(id);
        var job = await LoadAsync(id, ct);
        if (job is null || job.Status is VideoJobStatus.Succeeded or VideoJobStatus.Failed) return job;
        try { await finished.Finished.WaitAsync(wait, clock, ct); }
        catch (TimeoutException) { return job; }
        return await LoadAsync(id, ct);
    }

    Task<VideoJob?> LoadAsync(long id, CancellationToken ct) => db.VideoJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
}
