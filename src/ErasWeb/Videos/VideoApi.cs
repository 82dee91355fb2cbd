using ErasWeb.Data;
using ErasWeb.Media;
using ErasWeb.Predictions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Videos;

public static class VideoApi
{
    public static IEndpointRouteBuilder MapVideoApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/jobs/{id:long}", Get).WithTags("Videos").WithName("GetVideoJob")
            .WithSummary("A video job: status, progress 0-100 and, once done, the era, every sampled frame's answer and the timeline.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/predictions/{id:long}/frames/{index:int}/thumbnail", FrameThumbnail).WithTags("Videos").WithName("GetFrameThumbnail")
            .WithSummary("The thumbnail of one sampled frame of a video (JPEG).").ProducesJpeg();
        return app;
    }

    static async Task<Results<Ok<VideoJobResponse>, ProblemHttpResult>> Get(long id, ErasDb db, CancellationToken ct)
    {
        var job = await db.VideoJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        return job is null
            ? TypedResults.Problem($"No video job has id {id}.", statusCode: StatusCodes.Status404NotFound, title: "Not found")
            : TypedResults.Ok(await DescribeAsync(job, db, ct));
    }

    public static async Task<VideoJobResponse> DescribeAsync(VideoJob job, ErasDb db, CancellationToken ct)
    {
        if (job.Status != VideoJobStatus.Succeeded || job.PredictionId is not long predictionId) return VideoJobResponses.Of(job);
        var prediction = await db.Predictions.AsNoTracking().Where(p => p.Id == predictionId).Select(PredictionSummary.FromEntity).FirstAsync(ct);
        var (frames, timeline) = await FramesAndTimelineAsync(db, predictionId, ct);
        return VideoJobResponses.Done(job, prediction, frames, timeline);
    }

    /// <summary>A video prediction's sampled frames (without their pictures) and its timeline, in order.</summary>
    public static async Task<(IReadOnlyList<FrameResponse> Frames, IReadOnlyList<SegmentResponse> Timeline)> FramesAndTimelineAsync(ErasDb db, long predictionId, CancellationToken ct)
    {
        var frames = await db.VideoFrames.AsNoTracking().Where(f => f.PredictionId == predictionId).OrderBy(f => f.Index)
            .Select(f => new { f.Index, f.TimeSeconds, f.Era, f.Confidence }).ToListAsync(ct);
        var timeline = await db.TimelineSegments.AsNoTracking().Where(s => s.PredictionId == predictionId).OrderBy(s => s.Index)
            .Select(s => new SegmentResponse(s.Era, s.StartSeconds, s.EndSeconds)).ToListAsync(ct);
        return (frames.Select(f => new FrameResponse(f.Index, f.TimeSeconds, f.Era, f.Confidence, VideoUrls.FrameThumbnail(predictionId, f.Index))).ToList(), timeline);
    }

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> FrameThumbnail(long id, int index, ErasDb db, HttpContext http, CancellationToken ct)
    {
        var bytes = await db.VideoFrames.Where(f => f.PredictionId == id && f.Index == index).Select(f => f.Thumbnail).FirstOrDefaultAsync(ct);
        if (bytes is null)
            return TypedResults.Problem($"Prediction {id} has no frame {index}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.File(bytes, ImageEncoder.JpegContentType);
    }
}
