using ErasWeb.Classification;
using ErasWeb.Data;
using ErasWeb.Nights;
using ErasWeb.Pages.Shared;
using ErasWeb.Predictions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace ErasWeb.Pages.Gallery;

/// <summary>
/// Every past prediction, newest first, filtered by era, kind and confidence, a page at a time
/// (keyset paging, as the API lists them: <see cref="PredictionQueries"/>).
/// </summary>
public sealed class IndexModel(ErasDb db, ModelHost models, ShowCalendar calendar, IStringLocalizer<IndexModel> texts) : PageModel
{
    public const int PageSize = 24;

    [BindProperty(SupportsGet = true)] public string? Era { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }
    /// <summary>"50" or "80" (at least that many percent), "unsure" (the model said it is not sure), or empty for all.</summary>
    [BindProperty(SupportsGet = true)] public string? Confidence { get; set; }
    /// <summary>"disagree": only answers most voting fans say are wrong.</summary>
    [BindProperty(SupportsGet = true)] public string? Fans { get; set; }
    [BindProperty(SupportsGet = true)] public long? Before { get; set; }

    public IReadOnlyList<PredictionSummary> Items { get; private set; } = [];
    /// <summary>With the "night" kind: the public nights instead of predictions.</summary>
    public IReadOnlyList<NightCard> Nights { get; private set; } = [];
    public bool ShowsNights => Kind == NightKind;
    public const string NightKind = "night";
    public IReadOnlyList<(string Era, int Count)> Counts { get; private set; } = [];
    public int Total { get; private set; }
    public long? NextBefore { get; private set; }
    public IReadOnlyList<string> Eras { get; private set; } = [];

    /// <summary>The confidence filter's choices: its query value and what the reader sees, percentages as the reader writes them.</summary>
    public IReadOnlyList<(string Value, string Label)> ConfidenceChoices =>
        [("", texts["Any"]), ("50", texts["AtLeast", Percent.Of(0.5f)]), ("80", texts["AtLeast", Percent.Of(0.8f)]), ("unsure", texts["NotSure"])];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (ShowsNights)
        {
            (Nights, NextBefore) = await NightQueries.GalleryPageAsync(db, calendar, Before, PageSize, ct);
            return;
        }
        var filter = new PredictionFilter(Era, Kind, MinConfidence: Confidence switch { "50" => 0.5f, "80" => 0.8f, _ => null }, OnlyUncertain: Confidence == "unsure", FansDisagree: Fans == "disagree");
        var predictions = db.Predictions.AsNoTracking();
        // Counted over every era, so each era's badge says what choosing it would show.
        Counts = (await predictions.Matching(filter with { Era = null }).GroupBy(p => p.PredictedClass).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .Select(c => (c.Key, c.Count)).OrderByDescending(c => c.Count).ThenBy(c => c.Key).ToList();
        Total = Counts.Sum(c => c.Count);
        Eras = models.Model?.Labels.ToList() is { } labels ? labels.Union(Counts.Select(c => c.Era)).ToList() : Counts.Select(c => c.Era).Order().ToList();

        var page = await predictions.Matching(filter).PageAsync(Before, PageSize, ct);
        (Items, NextBefore) = (page.Items, page.NextBefore);
    }

    /// <summary>This page's address with some filters changed (and paging restarted unless <paramref name="before"/> is given).</summary>
    public string Link(string? era = null, long? before = null, bool allEras = false)
    {
        var query = new Dictionary<string, string?>
        {
            ["era"] = allEras ? null : era ?? Era,
            ["kind"] = Kind,
            ["confidence"] = Confidence,
            ["fans"] = Fans,
            ["before"] = before?.ToString(),
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/gallery", query.Where(q => !string.IsNullOrEmpty(q.Value)));
    }
}
