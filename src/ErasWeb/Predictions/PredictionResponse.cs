using ErasWeb.Classification;
using ErasWeb.Data;
using ErasWeb.Shows;

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
    FansSay? Fans,
    [property: System.ComponentModel.Description("The result page; for an upload kept out of the gallery, with the key that alone opens it.")] string PageUrl,
    [property: System.ComponentModel.Description("Whether it is kept out of the gallery.")] bool Unlisted,
    [property: System.ComponentModel.Description("For a video read as a whole show: its tour and its sets' eras in order (predicted_class is then the era seen most over the recording; GET /api/jobs/{id} has the sets' times); null otherwise.")] ShowSummary? Show = null,
    [property: System.ComponentModel.Description("Only in the answer to the upload that stored it: send it as X-Delete-Token to DELETE /api/predictions/{id}.")] string? DeleteToken = null,
    [property: System.ComponentModel.Description("How the model read a photo: 'whole' (the whole picture) or 'zoomed' (a small stage found in it, seen at the model's full input size: the heatmap covers that region); null for a video.")] string? View = null);

/// <summary>A whole show in brief: its tour ('2024', '2023' or null when both fit alike) and its sets' eras in show order.</summary>
public sealed record ShowSummary(string? Tour, IReadOnlyList<string> Sets);

/// <summary>What fans said of an answer: the era most of them chose, how many chose it, and how many voted.</summary>
public sealed record FansSay(string Era, int EraVotes, int TotalVotes)
{
    public bool Agree(string predictedClass) => Era == predictedClass;
}

/// <summary>A prediction without its pictures: what lists and lookups read from the database.</summary>
public sealed record PredictionSummary(
    long Id, DateTime CreatedAtUtc, PredictionKind Kind, string FileName, string ContentSha256, long SizeBytes,
    int Width, int Height, double? DurationSeconds, double? KeyFrameSeconds, string Format, string PredictedClass, float Confidence, string? UncertainReason,
    Dictionary<string, float> Probabilities, string ModelVersion, string Explanation, FansSay? Fans, string? AccessKey = null, DecodedShow? Show = null, bool Zoomed = false)
{
    public static readonly System.Linq.Expressions.Expression<Func<Prediction, PredictionSummary>> FromEntity = p =>
        new PredictionSummary(p.Id, p.CreatedAtUtc, p.Kind, p.FileName, p.ContentSha256, p.SizeBytes,
            p.Width, p.Height, p.DurationSeconds, p.KeyFrameSeconds, p.Format, p.PredictedClass, p.Confidence, p.UncertainReason, p.Probabilities, p.ModelVersion, p.Explanation,
            p.Feedback == null || p.Feedback.TotalVotes == 0 ? null : new FansSay(p.Feedback.FanEra, p.Feedback.FanEraVotes, p.Feedback.TotalVotes), p.AccessKey, p.Show, p.Zoomed);

    public static readonly Func<Prediction, PredictionSummary> Of = FromEntity.Compile();

    public PredictionResponse ToResponse(string? deleteToken = null) => new(
        PredictedClass, Confidence, UncertainReason is not null, UncertainReason, Probabilities, Id, Kind.Text(), DateTime.SpecifyKind(CreatedAtUtc, DateTimeKind.Utc),
        FileName, SizeBytes, Width, Height, DurationSeconds, Format, ModelVersion, Explanation,
        ImageUrl: PredictionUrls.Image(Id, AccessKey), ThumbnailUrl: PredictionUrls.Thumbnail(Id, AccessKey), GradcamUrl: PredictionUrls.GradCam(Id, AccessKey), Fans,
        PageUrl: PredictionUrls.Page(Id, AccessKey), Unlisted: AccessKey is not null,
        Show: Show is { Sets.Count: > 0 } show ? new ShowSummary(show.Tour, [.. show.Sets.Select(s => s.Era)]) : null, DeleteToken: deleteToken,
        View: Kind == PredictionKind.Image ? (Zoomed ? EraPrediction.ZoomedView : EraPrediction.WholeView) : null);
}

/// <summary>Where a prediction's page and pictures are; an unlisted one's carry its key.</summary>
public static class PredictionUrls
{
    public static string Page(long id, string? key = null) => WithKey($"/predictions/{id}", key);
    public static string Image(long id, string? key = null) => WithKey($"/api/predictions/{id}/image", key);
    public static string Thumbnail(long id, string? key = null) => WithKey($"/api/predictions/{id}/thumbnail", key);
    public static string GradCam(long id, string? key = null) => WithKey($"/api/predictions/{id}/gradcam", key);
    public static string ShareImage(long id, string? key = null) => WithKey($"/api/predictions/{id}/share-image", key);

    static string WithKey(string url, string? key) => key is null ? url : $"{url}?key={Uri.EscapeDataString(key)}";
}

public sealed record PredictionPage(IReadOnlyList<PredictionResponse> Items, long? NextBefore, string? Next);
