using ErasWeb.Data;
using ErasWeb.Predictions;
using ErasWeb.Shows;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Videos;

/// <summary>What the job API, the upload door and the pages read about video jobs and video predictions.</summary>
public static class VideoQueries
{
    /// <summary>
    /// The job as the API tells it: its status, and once it has succeeded, its prediction, frames and
    /// timeline, and the show when the job read this video as one; null when an admin has hidden that
    /// prediction (the job then answers for nothing).
    /// </summary>
    public static async Task<VideoJobResponse?> DescribeAsync(VideoJob job, ErasDb db, CancellationToken ct)
    {
        if (job.Status != WorkStatus.Succeeded || job.PredictionId is not long predictionId) return VideoJobResponses.Of(job);
        var prediction = await db.Predictions.AsNoTracking().Where(p => p.Id == predictionId).Select(PredictionSummary.FromEntity).FirstOrDefaultAsync(ct);
        if (prediction is null) return null;
        var (frames, timeline) = await FramesAndTimelineAsync(db, predictionId, ct);
        var show = job.ReadAsShow ? await ShowAsync(db, predictionId, ct) : null;
        return VideoJobResponses.Done(job, prediction, frames, timeline, show);
    }

    /// <summary>The video read as a show, if it was.</summary>
    public static Task<DecodedShow?> ShowAsync(ErasDb db, long predictionId, CancellationToken ct) =>
        db.Predictions.AsNoTracking().Where(p => p.Id == predictionId).Select(p => p.Show).FirstOrDefaultAsync(ct);

    /// <summary>A video prediction's sampled frames (without their pictures) and its timeline, in order.</summary>
    public static async Task<(IReadOnlyList<FrameResponse> Frames, IReadOnlyList<SegmentResponse> Timeline)> FramesAndTimelineAsync(ErasDb db, long predictionId, CancellationToken ct)
    {
        var frames = await db.VideoFrames.AsNoTracking().Where(f => f.PredictionId == predictionId).OrderBy(f => f.Index)
            .Select(f => new { f.Index, f.TimeSeconds, f.Era, f.Confidence }).ToListAsync(ct);
        var timeline = await db.TimelineSegments.AsNoTracking().Where(s => s.PredictionId == predictionId).OrderBy(s => s.Index)
            .Select(s => new SegmentResponse(s.Era, s.StartSeconds, s.EndSeconds)).ToListAsync(ct);
        return (frames.Select(f => new FrameResponse(f.Index, f.TimeSeconds, f.Era, f.Confidence, VideoUrls.FrameThumbnail(predictionId, f.Index))).ToList(), timeline);
    }
}
