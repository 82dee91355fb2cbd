using System.Security.Cryptography;
using System.Text;
using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Media;
using ErasWeb.Observability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Predictions;

/// <summary>An answer to one upload: the prediction, and the token that deletes it (null when the answer is a public one stored before, not this upload's).</summary>
public sealed record UploadedPrediction(PredictionSummary Prediction, string? DeleteToken);

/// <summary>
/// Who may see and delete a stored photo: <paramref name="AccessKey"/> keeps it out of the gallery (null:
/// public), <paramref name="DeleteTokenHash"/> names the upload it belongs to.
/// </summary>
public sealed record Ownership(string? AccessKey, string DeleteTokenHash);

/// <summary>The image use case: sniff, reuse a stored public answer for the same bytes, else analyse and store.</summary>
public sealed class ImagePredictionService(ModelHost models, ErasDb db, PicturesOnDemand pictures, IOptions<ErasOptions> options, TimeProvider clock, ErasMetrics metrics, ILogger<ImagePredictionService> logger)
{
    /// <param name="unlisted">Kept out of the gallery: stored as its own prediction, reachable only through its key.</param>
    public async Task<UploadedPrediction> PredictAsync(Upload upload, bool unlisted, CancellationToken ct)
    {
        var uploading = pictures.Uploading();
        UploadedPrediction answer;
        try { answer = await AnswerAsync(upload, unlisted, ct); }
        finally { uploading.Dispose(); }
        if (answer.DeleteToken is not null) pictures.MakeOverlayIfIdle(answer.Prediction.Id);
        return answer;
    }

    async Task<UploadedPrediction> AnswerAsync(Upload upload, bool unlisted, CancellationToken ct)
    {
        var sniff = FileSniffer.SniffImage(upload.Bytes.Span);
        var classifier = models.Model ?? throw new ModelNotReadyException();
        var sha = ContentHash.Sha256Hex(upload.Bytes.Span);
        if (await db.IsTakenDownAsync(sha, ct)) throw new TakenDownException();
        if (!unlisted && await FindPublicAsync(sha, classifier.Version, ct) is { } existing) return new(existing, null);

        var analyzed = await AnalyzeAsync(upload.Bytes, sniff, classifier, ct);
        var deleteToken = UploaderTokens.New();
        var (stored, isNew) = await StoreAsync(upload.FileName, sha, upload.Bytes.Length, analyzed, classifier.Version,
            new Ownership(unlisted ? UploaderTokens.New() : null, UploaderTokens.Hash(deleteToken)), ct);
        return new(stored, isNew ? deleteToken : null);
    }

    /// <summary>Decodes and classifies a photo and makes its display copy, taking a turn at the CPU (<see cref="ModelHost.Analyses"/>).</summary>
    public async Task<AnalyzedImage> AnalyzeAsync(ReadOnlyMemory<byte> bytes, SniffResult sniff, IEraModel classifier, CancellationToken ct)
    {
        await models.Analyses.WaitAsync(ct);
        try { return ImagePipeline.Analyze(bytes.Span, sniff, classifier, new PixelLimits(options.Value.MaxImagePixels, options.Value.MaxFullDecodePixels), metrics); }
        finally { models.Analyses.Release(); }
    }

    /// <summary>
    /// Stores an analysed photo as a prediction of its own. A public one (no access key) whose bytes a
    /// concurrent request stored a moment ago under the same model is that one instead (not new).
    /// </summary>
    public async Task<(PredictionSummary Prediction, bool IsNew)> StoreAsync(string fileName, string sha, long sizeBytes, AnalyzedImage analyzed, string modelVersion, Ownership owner, CancellationToken ct)
    {
        var row = PredictionRows.New(PredictionKind.Image, new UploadFacts(fileName, sha, sizeBytes, analyzed.Sniff.Name, analyzed.Width, analyzed.Height),
            ModelAnswer.Of(analyzed.Prediction, modelVersion),
            // The thumbnail and overlay are made when first asked for (PicturesOnDemand).
            new PredictionPictures { Display = analyzed.Display, Heatmap = analyzed.Heatmap },
            clock.GetUtcNow().UtcDateTime, owner.AccessKey, owner.DeleteTokenHash);
        db.Predictions.Add(row);
        try
        {
            // Not cancelled with the request: the work is done, and a half-stored row never exists either way.
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException e) when (ErasDb.IsUniqueViolation(e))
        {
            // The same bytes were stored by a concurrent request a moment ago.
            db.ChangeTracker.Clear();
            return (await FindPublicAsync(sha, modelVersion, ct) ?? throw new InvalidOperationException("The prediction that made this one a duplicate is gone.", e), false);
        }
        // Let go of the row and its pictures: a night stores hundreds of photos through one context.
        db.Entry(row.Pictures!).State = db.Entry(row).State = EntityState.Detached;
        metrics.Prediction(row.PredictedClass, row.Kind.Text(), row.UncertainReason is not null);
        logger.LogInformation("Prediction {PredictionId}: {Era} ({Confidence:0.00}) for a {Width}x{Height} {Format} by model {ModelVersion}",
            row.Id, row.PredictedClass, row.Confidence, row.Width, row.Height, row.Format, row.ModelVersion);
        return (PredictionSummary.Of(row), true);
    }

    /// <summary>The public answer stored for these bytes under this model, hidden ones too: the same bytes stay one prediction, even one an admin took out of view.</summary>
    public Task<PredictionSummary?> FindPublicAsync(string sha, string modelVersion, CancellationToken ct) =>
        db.Predictions.AsNoTracking().EveryRow()
            .Where(p => p.ContentSha256 == sha && p.ModelVersion == modelVersion && p.AccessKey == null)
            .Select(PredictionSummary.FromEntity)
            .FirstOrDefaultAsync(ct);
}

public static class TakenDown
{
    /// <summary>Whether an admin hid a prediction of these bytes (under any model): they are not analysed or shown again.</summary>
    public static Task<bool> IsTakenDownAsync(this ErasDb db, string contentSha256, CancellationToken ct) =>
        db.Predictions.EveryRow().AnyAsync(p => p.ContentSha256 == contentSha256 && p.Hidden, ct);
}
