using ErasWeb.Data;

namespace ErasWeb.Predictions;

/// <summary>What the API says about a prediction. The first two fields are the prototype's contract.</summary>
public sealed record PredictionResponse(
    string PredictedClass,
    float Confidence,
    bool Uncertain,
    string? UncertainReason,
    IReadOnlyDictionary<string, float> Probabilities,
    long PredictionId,
    string Kind,
    DateTime CreatedAt,
    string FileName,
    string ContentSha256,
    long SizeBytes,
    int Width,
    int Height,
    double? DurationSeconds,
    string Format,
    string ModelVersion,
    string Explanation,
    string ImageUrl,
    string ThumbnailUrl,
    string GradcamUrl,
    FansSay? Fans);

/// <summary>What fans said of an answer: the era most of them chose, how many chose it, and how many voted.</summary>
public sealed record FansSay(string Era, int EraVotes, int TotalVotes)
{
    public bool Agree(string predictedClass) => Era == predictedClass;
}

/// <summary>A prediction without its pictures: what lists and lookups read from the database.</summary>
public sealed record PredictionSummary(
    long Id, DateTime CreatedAtUtc, string Kind, string FileName, string ContentSha256, long SizeBytes,
    int Width, int Height, double? DurationSeconds, double? KeyFrameSeconds, string Format, string PredictedClass, float Confidence, string? UncertainReason,
    Dictionary<string, float> Probabilities, string ModelVersion, string Explanation, FansSay? Fans)
{
    public static readonly System.Linq.Expressions.Expression<Func<Prediction, PredictionSummary>> FromEntity = p =>
        new PredictionSummary(p.Id, p.CreatedAtUtc, p.Kind, p.FileName, p.ContentSha256, p.SizeBytes,
            p.Width, p.Height, p.DurationSeconds, p.KeyFrameSeconds, p.Format, p.PredictedClass, p.Confidence, p.UncertainReason, p.Probabilities, p.ModelVersion, p.Explanation,
            p.Feedback == null ? null : new FansSay(p.Feedback.FanEra, p.Feedback.FanEraVotes, p.Feedback.TotalVotes));

    public static readonly Func<Prediction, PredictionSummary> Of = FromEntity.Compile();

    public PredictionResponse ToResponse() => new(
        PredictedClass, Confidence, UncertainReason is not null, UncertainReason, Probabilities, Id, Kind, DateTime.SpecifyKind(CreatedAtUtc, DateTimeKind.Utc),
        FileName, ContentSha256, SizeBytes, Width, Height, DurationSeconds, Format, ModelVersion, Explanation,
        ImageUrl: PredictionUrls.Image(Id), ThumbnailUrl: PredictionUrls.Thumbnail(Id), GradcamUrl: PredictionUrls.GradCam(Id), Fans);
}

public static class PredictionUrls
{
    public static string Image(long id) => $"/api/predictions/{id}/image";
    public static string Thumbnail(long id) => $"/api/predictions/{id}/thumbnail";
    public static string GradCam(long id) => $"/api/predictions/{id}/gradcam";
}

public sealed record PredictionPage(IReadOnlyList<PredictionResponse> Items, long? NextBefore, string? Next);
