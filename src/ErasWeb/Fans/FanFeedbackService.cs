using ErasWeb.Data;
using ErasWeb.Localisation;
using ErasWeb.Storage;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Fans;

/// <summary>A vote refused because its era is not one the prediction's model knows.</summary>
public sealed class UnknownEraException(string era, IEnumerable<string> eras)
    : Exception(Texts.Say("UnknownEra", era, string.Join(", ", eras)));

/// <summary>Records fans' votes and keeps each prediction's <see cref="Feedback"/> summary in step with them.</summary>
public sealed class FanFeedbackService(ErasDb db, StorageModule storage, TimeProvider clock)
{
    /// <summary>The prediction's feedback after this voter's vote (a second vote replaces the first); null when there is no such prediction.</summary>
    public async Task<Feedback?> VoteAsync(long predictionId, Voter voter, string era, CancellationToken ct)
    {
        var eras = await db.Predictions.Where(p => p.Id == predictionId).Select(p => p.Probabilities).FirstOrDefaultAsync(ct);
        if (eras is null) return null;
        if (!eras.ContainsKey(era)) throw new UnknownEraException(era, eras.Keys);

        // One vote at a time per prediction, so the counts never miss one and the first two votes never both create its feedback.
        await using var transaction = await storage.TakeTurnAsync(db, CrossProcessLock.FanVote, predictionId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        // One vote per browser and one per address, whichever is stricter: a browser that drops its cookie
        // replaces its address's vote, and votes an address gave under several ids become one.
        var earlier = await db.FanVotes.Where(v => v.PredictionId == predictionId && (v.Voter == voter.Id || v.Address == voter.Address)).ToListAsync(ct);
        var vote = earlier.FirstOrDefault(v => v.Voter == voter.Id) ?? earlier.FirstOrDefault();
        db.FanVotes.RemoveRange(earlier.Where(v => v != vote));
        await db.SaveChangesAsync(ct); // before the kept vote takes over their id or address, which are unique per prediction
        if (vote is null) db.FanVotes.Add(new FanVote { PredictionId = predictionId, Voter = voter.Id, Address = voter.Address, Era = era, AtUtc = now });
        else (vote.Voter, vote.Address, vote.Era, vote.AtUtc) = (voter.Id, voter.Address, era, now);
        await db.SaveChangesAsync(ct);

        var byEra = (await db.FanVotes.Where(v => v.PredictionId == predictionId).GroupBy(v => v.Era)
                .Select(g => new { Era = g.Key, Count = g.Count(), Last = g.Max(v => v.AtUtc) }).ToListAsync(ct))
            .OrderByDescending(g => g.Count).ThenByDescending(g => g.Last).ToList();
        var feedback = await db.Feedback.FirstOrDefaultAsync(f => f.PredictionId == predictionId, ct);
        if (feedback is null)
        {
            feedback = new Feedback { PredictionId = predictionId, FanEra = era, Votes = [], Status = FeedbackStatus.Pending, CreatedAtUtc = now };
            db.Feedback.Add(feedback);
        }
        // Fans changed their verdict after the admin's: flagged for another look, the admin's decision (and label) standing until then.
        if (feedback.Status != FeedbackStatus.Pending && feedback.FanEra != byEra[0].Era) feedback.Flagged = true;
        feedback.FanEra = byEra[0].Era;
        feedback.FanEraVotes = byEra[0].Count;
        feedback.TotalVotes = byEra.Sum(g => g.Count);
        feedback.Votes = byEra.ToDictionary(g => g.Era, g => g.Count);
        feedback.UpdatedAtUtc = now;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return feedback;
    }
}
