using ErasWeb.Data;
using ErasWeb.Predictions;
using ErasWeb.Shows;

namespace ErasWeb.Videos;

/// <summary>
/// A video job as the API shows it. Once it has succeeded it carries the prediction: the era (as
/// <c>predicted_class</c>, the prototype's field), the winner's mean probability over the sampled
/// frames, every frame's answer and the timeline (frame by frame), and for a video read as a show, the
/// decoded sets with the tour's order.
/// </summary>
public sealed record VideoJobResponse(
    long JobId,
    string Status,
    int Progress,
    string StatusUrl,
    string FileName,
    long SizeBytes,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    int Attempts,
    [property: System.ComponentModel.Description("The process running (or that ran) the latest attempt, as host:pid: only in the admin API's answer.")] string? Worker,
    string? Error,
    long? PredictionId = null,
    string? PredictedClass = null,
    float? Confidence = null,
    bool? Uncertain = null,
    string? UncertainReason = null,
    IReadOnlyDictionary<string, float>? Probabilities = null,
    double? DurationSeconds = null,
    int? Width = null,
    int? Height = null,
    string? Explanation = null,
    string? PosterUrl = null,
    string? ThumbnailUrl = null,
    string? GradcamUrl = null,
    double? KeyFrameTimestamp = null,
    IReadOnlyList<FrameResponse>? Frames = null,
    IReadOnlyList<SegmentResponse>? Timeline = null,
    DecodedShow? Show = null,
    [property: System.ComponentModel.Description("Only in the answer to the upload that made the job: send it as X-Delete-Token to DELETE /api/jobs/{id} (or to the prediction) to delete the video and everything made from it.")] string? DeleteToken = null);

/// <summary>One sampled frame: its time in seconds from the start, the era the model saw and how sure it was.</summary>
public sealed record FrameResponse(int Index, double Timestamp, string Era, float Confidence, string ThumbnailUrl);

/// <summary>Consecutive frames of one era, from <c>start</c> to <c>end</c> seconds.</summary>
public sealed record SegmentResponse(string Era, double Start, double End);

public static class VideoUrls
{
    public static string Job(long id) => $"/api/jobs/{id}";
    public static string FrameThumbnail(long predictionId, int index) => $"/api/predictions/{predictionId}/frames/{index}/thumbnail";
}

public static class VideoJobResponses
{
    /// <summary>The job without its result: all there is while it is queued or running, or once it has failed. Which process runs it is for admins only.</summary>
    public static VideoJobResponse Of(VideoJob j) => new(j.Id, j.Status.Text(), j.Progress, VideoUrls.Job(j.Id), j.FileName, j.SizeBytes,
        Utc(j.CreatedAtUtc), Utc(j.StartedAtUtc), Utc(j.FinishedAtUtc), j.Attempts, Worker: null, j.Error);

    public static VideoJobResponse Done(VideoJob j, PredictionSummary p, IReadOnlyList<FrameResponse> frames, IReadOnlyList<SegmentResponse> timeline, DecodedShow? show)
    {
        return Of(j) with
        {
            PredictionId = p.Id,
            PredictedClass = p.PredictedClass,
            Confidence = p.Confidence,
            Uncertain = p.UncertainReason is not null,
            UncertainReason = p.UncertainReason,
            Probabilities = p.Probabilities,
            DurationSeconds = p.DurationSeconds,
            Width = p.Width,
            Height = p.Height,
            Explanation = p.Explanation,
            PosterUrl = PredictionUrls.Image(p.Id),
            ThumbnailUrl = PredictionUrls.Thumbnail(p.Id),
            GradcamUrl = PredictionUrls.GradCam(p.Id),
            KeyFrameTimestamp = p.KeyFrameSeconds,
            Frames = frames,
            Timeline = timeline,
            Show = show,
        };
    }

    static DateTime? Utc(DateTime? t) => t is null ? null : DateTime.SpecifyKind(t.Value, DateTimeKind.Utc);
    static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
