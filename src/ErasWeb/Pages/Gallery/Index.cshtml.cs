using ErasWeb.Classification;
using ErasWeb.Data;
using ErasWeb.Predictions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Pages.Gallery;

/// <summary>
/// Every past prediction, newest first, filtered by era, kind and confidence. Paging is by id
/// (keyset), so a page deep in 10,000 rows costs what the first one does.
/// </summary>
public sealed class IndexModel(ErasDb db, ModelHost models) : PageModel
{
    public const int PageSize = 24;

    [BindProperty(SupportsGet = true)] public string? Era { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }
    /// <summary>"50" or "80" (at least that many percent), "unsure" (the model said it is not sure), or empty for all.</summary>
    [BindProperty(SupportsGet = true)] public string? Confidence { get; set; }
    [BindProperty(SupportsGet = true)] public long? Before { get; set; }

    public IReadOnlyList<PredictionSummary> Items { get; private set; } = [];
    public IReadOnlyList<(string Era, int Count)> Counts { get; private set; } = [];
    public int Total { get; private set; }
    public long? NextBefore { get; private set; }
    public IReadOnlyList<string> Eras { get; private set; } = [];

    public static readonly (string Value, string Label)[] ConfidenceChoices = [("", "Any"), ("50", "At least 50%"), ("80", "At least 80%"), ("unsure", "Not sure")];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var filtered = Filter(db.Predictions.AsNoTracking(), Kind, Confidence);
        Counts = (await filtered.GroupBy(p => p.PredictedClass).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .Select(c => (c.Key, c.Count)).OrderByDescending(c => c.Count).ThenBy(c => c.Key).ToList();
        Total = Counts.Sum(c => c.Count);
        Eras = models.Model?.Labels.ToList() is { } labels ? labels.Union(Counts.Select(c => c.Era)).ToList() : Counts.Select(c => c.Era).Order().ToList();

        if (!string.IsNullOrEmpty(Era)) filtered = filtered.Where(p => p.PredictedClass == Era);
        if (Before is long before) filtered = filtered.Where(p => p.Id < before);
        var rows = await filtered.OrderByDescending(p => p.Id).Take(PageSize + 1).Select(PredictionSummary.FromEntity).ToListAsync(ct);
        Items = rows.Take(PageSize).ToList();
        NextBefore = rows.Count > PageSize ? Items[^1].Id : null;
    }

    public static IQueryable<Prediction> Filter(IQueryable<Prediction> query, string? kind, string? confidence)
    {
        if (kind is PredictionKind.Image or PredictionKind.Video) query = query.Where(p => p.Kind == kind);
        return confidence switch
        {
            "50" => query.Where(p => p.Confidence >= 0.5f && p.UncertainReason == null),
            "80" => query.Where(p => p.Confidence >= 0.8f && p.UncertainReason == null),
            "unsure" => query.Where(p => p.UncertainReason != null),
            _ => query,
        };
    }

    /// <summary>This page's address with some filters changed (and paging restarted unless <paramref name="before"/> is given).</summary>
    public string Link(string? era = null, long? before = null, bool allEras = false)
    {
        var query = new Dictionary<string, string?>
        {
            ["era"] = allEras ? null : era ?? Era,
            ["kind"] = Kind,
            ["confidence"] = Confidence,
            ["before"] = before?.ToString(),
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/gallery", query.Where(q => !string.IsNullOrEmpty(q.Value)));
    }
}
