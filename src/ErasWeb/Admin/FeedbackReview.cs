using ErasWeb.Data;
using ErasWeb.Fans;
using ErasWeb.Localisation;
using ErasWeb.Predictions;
using ErasWeb.Retraining;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Admin;

/// <summary>One prediction fans voted on, as the review queue shows it.</summary>
public sealed record FeedbackItem(
    long Id, long PredictionId, string Kind, string FileName, string PredictedClass, float Confidence, string? UncertainReason,
    string FanEra, int FanEraVotes, int TotalVotes, IReadOnlyDictionary<string, int> Votes, string Status, string? Label,
    IReadOnlyList<string> Eras, string ThumbnailUrl, string ImageUrl, DateTime UpdatedAt, bool Hidden,
    [property: System.ComponentModel.Description("Fans changed their verdict after the admin's decision, which stands until it is made again.")] bool Flagged,
    [property: System.ComponentModel.Description("The night whose decoded eras were accepted as this label, if that is where it came from.")] long? NightId);

/// <summary>Labels asked for from a night kept out of the gallery.</summary>
public sealed class PrivateNightException() : Exception(Texts.Say("PrivateNight"));

/// <summary>The admin's side of fan feedback: the queue, accepting a label (the fans' era or another), rejecting.</summary>
public sealed class FeedbackReview(ErasDb db, RetrainScheduler retraining, PicturesOnDemand pictures, TimeProvider clock)
{
    public const int MaxPage = 200;

    /// <summary>
    /// The items of one review queue (one status, or the flagged ones), the most recently voted
    /// on first; disagreements with the model before agreements among pending ones.
    /// </summary>
    public async Task<IReadOnlyList<FeedbackItem>> ListAsync(ReviewQueue review, int limit, CancellationToken ct)
    {
        var queue = db.Feedback.AsNoTracking().EveryRow();
        queue = review switch
        {
            ReviewQueue.Flagged => queue.Where(f => f.Flagged),
            ReviewQueue.Accepted => queue.Where(f => f.Status == FeedbackStatus.Accepted),
            ReviewQueue.Rejected => queue.Where(f => f.Status == FeedbackStatus.Rejected),
            _ => queue.Where(f => f.Status == FeedbackStatus.Pending),
        };
        bool pending = review == ReviewQueue.Pending;
        var rows = await queue
            .OrderBy(f => pending && f.FanEra == f.Prediction!.PredictedClass).ThenByDescending(f => f.UpdatedAtUtc).Take(limit)
            .Select(f => new { Feedback = f, f.Prediction!.Kind, f.Prediction.FileName, f.Prediction.PredictedClass, f.Prediction.Confidence, f.Prediction.UncertainReason, f.Prediction.Probabilities, f.Prediction.Hidden })
            .ToListAsync(ct);
        return rows.Select(r => new FeedbackItem(r.Feedback.Id, r.Feedback.PredictionId, r.Kind.Text(), r.FileName, r.PredictedClass, r.Confidence, r.UncertainReason,
                r.Feedback.FanEra, r.Feedback.FanEraVotes, r.Feedback.TotalVotes, r.Feedback.Votes, r.Feedback.Status.Text(), r.Feedback.Label,
                [.. r.Probabilities.Keys.Order()], PredictionUrls.Thumbnail(r.Feedback.PredictionId), PredictionUrls.Image(r.Feedback.PredictionId),
                DateTime.SpecifyKind(r.Feedback.UpdatedAtUtc, DateTimeKind.Utc), r.Hidden, r.Feedback.Flagged, r.Feedback.NightId))
            .ToList();
    }

    /// <summary>Accepts the fans' era, or <paramref name="era"/> when given, as the truth; null when there is no such item.</summary>
    public async Task<Feedback?> AcceptAsync(long id, string? era, CancellationToken ct)
    {
        var item = await db.Feedback.EveryRow().Include(f => f.Prediction).FirstOrDefaultAsync(f => f.Id == id, ct);
        if (item is null) return null;
        var label = string.IsNullOrEmpty(era) ? item.FanEra : era;
        if (!item.Prediction!.Probabilities.ContainsKey(label)) throw new UnknownEraException(label, item.Prediction.Probabilities.Keys);
        (item.Status, item.Label, item.ReviewedAtUtc, item.Flagged) = (FeedbackStatus.Accepted, label, clock.GetUtcNow().UtcDateTime, false);
        await db.SaveChangesAsync(ct);
        await retraining.AfterLabelAsync(ct);
        return item;
    }

    /// <summary>
    /// Accepts a night's decoded eras as labels in one step: every photo decoded into a set becomes a
    /// training example of that set's era, marked as coming from the night; photos between sets are left
    /// out. A photo fans voted on keeps their votes, its label now the night's. Null when there is no such
    /// night (or it is not read yet); else how many labels were accepted. A night kept out of the gallery
    /// is its uploader's alone and never teaches the model (<see cref="PrivateNightException"/>).
    /// </summary>
    public async Task<int?> AcceptNightAsync(long nightId, CancellationToken ct)
    {
        var night = await db.Nights.AsNoTracking().EveryRow().Include(n => n.Photos).FirstOrDefaultAsync(n => n.Id == nightId, ct);
        if (night is not { Status: WorkStatus.Succeeded }) return null;
        if (night.AccessKey is not null) throw new PrivateNightException();
        var photos = night.Photos.Where(p => p.PredictionId is not null && p.Era is not null).ToDictionary(p => p.PredictionId!.Value, p => p.Era!);
        var existing = await db.Feedback.EveryRow().Where(f => photos.Keys.Contains(f.PredictionId)).ToDictionaryAsync(f => f.PredictionId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (prediction, era) in photos)
        {
            if (!existing.TryGetValue(prediction, out var item))
                db.Feedback.Add(item = new Feedback { PredictionId = prediction, FanEra = era, Votes = [], Status = FeedbackStatus.Accepted, CreatedAtUtc = now, UpdatedAtUtc = now });
            (item.Status, item.Label, item.NightId, item.ReviewedAtUtc, item.Flagged) = (FeedbackStatus.Accepted, era, nightId, now, false);
        }
        await db.SaveChangesAsync(ct);
        await retraining.AfterLabelAsync(ct);
        return photos.Count;
    }

    public async Task<Feedback?> RejectAsync(long id, CancellationToken ct)
    {
        var item = await db.Feedback.EveryRow().FirstOrDefaultAsync(f => f.Id == id, ct);
        if (item is null) return null;
        (item.Status, item.Label, item.ReviewedAtUtc, item.Flagged) = (FeedbackStatus.Rejected, null, clock.GetUtcNow().UtcDateTime, false);
        await db.SaveChangesAsync(ct);
        return item;
    }

    /// <summary>A prediction's thumbnail, hidden or not, for the admin's eyes.</summary>
    public Task<byte[]?> ThumbnailAsync(long predictionId, CancellationToken ct) =>
        pictures.GetAsync(db.Predictions.EveryRow(), predictionId, MadePicture.Thumbnail, ct);

    /// <summary>Hides or shows the picture: every answer to the same bytes, under every head, goes with it.</summary>
    public async Task<bool> SetHiddenAsync(long predictionId, bool hidden, CancellationToken ct)
    {
        var sha = await db.Predictions.EveryRow().Where(p => p.Id == predictionId).Select(p => p.ContentSha256).FirstOrDefaultAsync(ct);
        if (sha is null) return false;
        await db.Predictions.EveryRow().Where(p => p.ContentSha256 == sha).ExecuteUpdateAsync(s => s.SetProperty(p => p.Hidden, hidden), ct);
        return true;
    }

    /// <summary>Deletes a prediction with its pictures, frames, votes and feedback, and the video jobs that made it; false when there is no such prediction.</summary>
    public Task<bool> DeleteAsync(long predictionId, CancellationToken ct) => db.DeletePredictionAsync(predictionId, ct);
}
