using ErasWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Predictions;

/// <summary>Which predictions to list; a null field leaves that choice open.</summary>
/// <param name="Kind"><see cref="PredictionKind.Image"/>, <see cref="PredictionKind.Video"/> or <see cref="Shows"/> (videos read as whole shows); anything else lists all.</param>
/// <param name="MinConfidence">Only answers the model was sure of, with at least this confidence.</param>
/// <param name="OnlyUncertain">Only answers the model said it was not sure of.</param>
/// <param name="FansDisagree">Only answers most voting fans say are wrong.</param>
public sealed record PredictionFilter(string? Era = null, string? Kind = null, float? MinConfidence = null, bool OnlyUncertain = false, bool FansDisagree = false)
{
    public const string Shows = "show";
}

/// <summary>Predictions newest first; <paramref name="NextBefore"/> asks for the page after this one, null on the last.</summary>
public sealed record PredictionSummaryPage(IReadOnlyList<PredictionSummary> Items, long? NextBefore);

/// <summary>How the API and the gallery list predictions.</summary>
public static class PredictionQueries
{
    public static IQueryable<Prediction> Matching(this IQueryable<Prediction> predictions, PredictionFilter filter)
    {
        predictions = predictions.Listed().Newest();
        if (!string.IsNullOrEmpty(filter.Era)) predictions = predictions.Where(p => p.PredictedClass == filter.Era);
        if (Vocabulary.Parse<PredictionKind>(filter.Kind) is { } kind) predictions = predictions.Where(p => p.Kind == kind);
        if (filter.Kind is PredictionFilter.Shows) predictions = predictions.Where(p => p.Kind == PredictionKind.Video && p.Show != null);
        if (filter.MinConfidence is float min) predictions = predictions.Where(p => p.Confidence >= min && p.UncertainReason == null);
        if (filter.OnlyUncertain) predictions = predictions.Where(p => p.UncertainReason != null);
        if (filter.FansDisagree) predictions = predictions.Where(p => p.Feedback != null && p.Feedback.TotalVotes > 0 && p.Feedback.FanEra != p.PredictedClass);
        return predictions;
    }

    /// <summary>
    /// Each picture's newest answer only: a photo answered again by a newer head (a re-run, or the
    /// same bytes uploaded after a swap) is listed once; the older answers stay in its history.
    /// </summary>
    public static IQueryable<Prediction> Newest(this IQueryable<Prediction> predictions) =>
        predictions.Where(p => !predictions.Any(newer => newer.ContentSha256 == p.ContentSha256 && newer.Id > p.Id));

    /// <summary>
    /// The rows of a page: those with an id below <paramref name="before"/>, newest first, one more
    /// than <paramref name="size"/> to tell whether another page follows. Keyset paging on the id
    /// reads the (era, id) or (kind, id) index backwards with no sort, so a page deep in 10,000 rows
    /// costs what the first one does.
    /// </summary>
    public static IQueryable<Prediction> PageRows(this IQueryable<Prediction> predictions, long? before, int size)
    {
        if (before is long cursor) predictions = predictions.Where(p => p.Id < cursor);
        return predictions.OrderByDescending(p => p.Id).Take(size + 1);
    }

    public static async Task<PredictionSummaryPage> PageAsync(this IQueryable<Prediction> predictions, long? before, int size, CancellationToken ct)
    {
        var rows = await predictions.PageRows(before, size).Select(PredictionSummary.FromEntity).ToListAsync(ct);
        return rows.Count > size ? new(rows[..size], rows[size - 1].Id) : new(rows, null);
    }
}
