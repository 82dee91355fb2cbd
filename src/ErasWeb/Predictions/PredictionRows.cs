using ErasWeb.Classification;
using ErasWeb.Data;

namespace ErasWeb.Predictions;

/// <summary>What an upload was, as every prediction made from it records it (a video's size as displayed, its rotation applied).</summary>
public sealed record UploadFacts(string FileName, string ContentSha256, long SizeBytes, string Format, int Width, int Height)
{
    public static UploadFacts Of(Prediction earlier) => new(earlier.FileName, earlier.ContentSha256, earlier.SizeBytes, earlier.Format, earlier.Width, earlier.Height);
}

/// <summary>What a model answered, as a prediction records it.</summary>
public sealed record ModelAnswer(string Era, float Confidence, string? UncertainReason, Dictionary<string, float> Probabilities, string Explanation, bool Zoomed, string ModelVersion)
{
    public static ModelAnswer Of(EraPrediction prediction, string modelVersion) => new(prediction.Era, prediction.Confidence, prediction.UncertainReason,
        prediction.ByEra(), prediction.Heatmap.Kind.Name(), prediction.Zoomed, modelVersion);
}

/// <summary>
/// The one way a stored prediction is made, so a photo's answer, a gallery re-run's new answer to a stored
/// photo and a video's all set the same columns alike; a video adds its own (length, key frame, decoded show).
/// </summary>
public static class PredictionRows
{
    /// <param name="accessKey">Set for an unlisted upload: the row is then seen only with this key.</param>
    /// <param name="deleteTokenHash">The hash of the upload's delete token, shared by every row made from that upload.</param>
    public static Prediction New(PredictionKind kind, UploadFacts upload, ModelAnswer answer, PredictionPictures pictures, DateTime now, string? accessKey, string? deleteTokenHash) => new()
    {
        CreatedAtUtc = now,
        Kind = kind,
        FileName = upload.FileName,
        ContentSha256 = upload.ContentSha256,
        SizeBytes = upload.SizeBytes,
        Width = upload.Width,
        Height = upload.Height,
        Format = upload.Format,
        PredictedClass = answer.Era,
        Confidence = answer.Confidence,
        UncertainReason = answer.UncertainReason,
        Zoomed = answer.Zoomed,
        Probabilities = answer.Probabilities,
        Explanation = answer.Explanation,
        ModelVersion = answer.ModelVersion,
        AccessKey = accessKey,
        DeleteTokenHash = deleteTokenHash,
        Pictures = pictures,
    };
}
