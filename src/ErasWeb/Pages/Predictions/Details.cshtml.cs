using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Fans;
using ErasWeb.Pages.Shared;
using ErasWeb.Predictions;
using ErasWeb.Shows;
using ErasWeb.Storage;
using ErasWeb.Videos;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace ErasWeb.Pages.Predictions;

/// <summary>One prediction: a photo's answer and heatmap, or a video's, with its timeline and sampled frames.</summary>
[EnableRateLimiting(FanApi.Votes)]
public sealed class DetailsModel(ErasDb db, FanFeedbackService fans, Voters voters, PicturesOnDemand pictures, WaitingUploads uploads, IStringLocalizer<DetailsModel> text) : PageModel
{
    public PredictionSummary Prediction { get; private set; } = null!;
    public IReadOnlyList<FrameResponse> Frames { get; private set; } = [];
    public IReadOnlyList<SegmentResponse> Timeline { get; private set; } = [];
    /// <summary>The video read as a whole show, if it was and any set stood out.</summary>
    public DecodedShow? Show { get; private set; }
    /// <summary>What each head said of the same bytes, newest first (this answer among them); public answers only, and no one's name or time.</summary>
    public IReadOnlyList<(long Id, string Era, float Confidence, string ModelVersion)> History { get; private set; } = [];
    public bool IsVideo => Prediction.Kind == PredictionKind.Video;
    /// <summary>The night this photo belongs to, and what the night's set order made of it (a null era: between sets).</summary>
    public (long NightId, string? Era, string? Set)? Night { get; private set; }
    /// <summary>This browser's answer to "Is this right?", if it gave one.</summary>
    public string? YourVote { get; private set; }
    /// <summary>The delete token, on the first view after this browser uploaded it (the page's script keeps it for later ones).</summary>
    public string? DeleteToken { get; private set; }
    public static string DeleteTokenKey(long id) => $"delete-token-{id}";
    /// <summary>Shown right after a vote.</summary>
    [BindProperty(SupportsGet = true)] public bool Thanks { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var found = await db.Predictions.AsNoTracking().Where(p => p.Id == id).Select(PredictionSummary.FromEntity).FirstOrDefaultAsync(ct);
        if (found is null) return NotFound();
        Prediction = found;
        // The page shows the overlay: start making it, if it never was, while the page is written and read.
        if (!IsVideo) await pictures.PrepareOverlayAsync(id, db, ct);
        DeleteToken = TempData[DeleteTokenKey(id)] as string;
        if (IsVideo)
        {
            (Frames, Timeline) = await VideoQueries.FramesAndTimelineAsync(db, id, ct);
            Show = await VideoQueries.ShowAsync(db, id, ct) is { Sets.Count: > 0 } show ? show : null;
        }
        // The newest night the photo is in that anyone may open: a private night is not opened by one of its photos' links.
        Night = (await db.NightPhotos.Where(n => n.PredictionId == id && db.Nights.Any(night => night.Id == n.NightId)).OrderByDescending(n => n.NightId)
            .Select(n => new { n.NightId, n.Era, n.Set }).FirstOrDefaultAsync(ct)) is { } night ? (night.NightId, night.Era, night.Set) : null;
        History = found.AccessKey is not null ? [] : (await db.Predictions.AsNoTracking().Listed().Where(p => p.ContentSha256 == found.ContentSha256)
            .OrderByDescending(p => p.Id).Select(p => new { p.Id, p.PredictedClass, p.Confidence, p.ModelVersion }).ToListAsync(ct))
            .Select(p => (p.Id, p.PredictedClass, p.Confidence, p.ModelVersion)).ToList();
        if (Request.Cookies.ContainsKey(Voters.Cookie))
        {
            var voter = voters.Of(HttpContext, remember: false);
            YourVote = await db.FanVotes.Where(v => v.PredictionId == id && v.Voter == voter.Id).Select(v => v.Era).FirstOrDefaultAsync(ct);
        }
        return Page();
    }

    /// <summary>The uploader deletes it, with the token the upload was answered with; then back to the upload page.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(long id, string? token, CancellationToken ct) =>
        await db.DeleteUploadAsync(UploadRow.Prediction, id, token, uploads.DeleteAsync, ct) ? Redirect("/?deleted=true") : NotFound();

    /// <summary>A fan's answer from the page's form (antiforgery-checked); back to the page, which then thanks them.</summary>
    public async Task<IActionResult> OnPostFeedbackAsync(long id, string? era, CancellationToken ct)
    {
        try
        {
            if (await fans.VoteAsync(id, voters.Of(HttpContext, remember: true), era ?? "", ct) is null) return NotFound();
        }
        catch (UnknownEraException)
        {
            return BadRequest();
        }
        return Redirect(QueryHelpers.AddQueryString($"/predictions/{id}", new Dictionary<string, string?> { ["key"] = Request.Query["key"].FirstOrDefault(), ["thanks"] = "true" }.Where(q => q.Value is not null)) + "#feedback");
    }

    /// <summary>The show's sets with the stretches between them (Set null), covering the whole video, for the set timeline.</summary>
    public IEnumerable<(DecodedSet? Set, double Start, double End)> ShowStretches()
    {
        double at = 0;
        foreach (var set in Show?.Sets ?? [])
        {
            if (set.Start > at) yield return (null, at, set.Start);
            yield return (set, set.Start, set.End);
            at = set.End;
        }
        if (Prediction.DurationSeconds is double end && end > at) yield return (null, at, end);
    }

    /// <summary>The sampled frames taken during each stretch of <see cref="ShowStretches"/>.</summary>
    public IReadOnlyList<FrameResponse> FramesIn(double start, double end) =>
        Frames.Where(f => f.Timestamp >= start && (f.Timestamp < end || end >= Prediction.DurationSeconds)).ToList();

    /// <summary>What a shared link to this result unfurls as: its era and how sure, over the app's share image.</summary>
    public LinkPreview Preview
    {
        get
        {
            var p = Prediction;
            var sure = Percent.Of(p.Confidence);
            var (title, said) = Show is { } show
                ? ($"{ShowName(show)} · {SetCount(show.Sets.Count)}", text["Preview.SaidShow", string.Join(" → ", show.Sets.Select(SetName))].Value)
                : p.UncertainReason is not null
                    ? (text["Preview.NotSureTitle", p.PredictedClass].Value, text["Preview.SaidNotSure", p.PredictedClass, sure].Value)
                    : (text["Preview.SureTitle", p.PredictedClass, sure].Value, text["Preview.SaidSure", p.PredictedClass, sure].Value);
            return new LinkPreview(title, $"{text[IsVideo ? "Preview.QuestionVideo" : "Preview.QuestionPhoto"]} {said}",
                PredictionUrls.ShareImage(p.Id, p.AccessKey), text[IsVideo ? "Preview.ImageAltVideo" : "Preview.ImageAltPhoto", title],
                PredictionUrls.Page(p.Id, p.AccessKey), Unlisted: p.AccessKey is not null);
        }
    }

    /// <summary>What a whole show is called: "2024 setlist", or "Whole show" when either tour's order fits.</summary>
    public string ShowName(DecodedShow show) => show.Tour is null ? text["WholeShow"] : text["TourSetlist", show.Tour];

    /// <summary>"1 set", "4 sets".</summary>
    public string SetCount(int sets) => sets == 1 ? text["SetsOne"] : text["SetsOther", sets];

    /// <summary>"Folkmore (evermore)" where the tour has two Folkmore sets, else the era.</summary>
    public static string SetName(DecodedSet set) => set.Set is null ? set.Era : $"{set.Era} ({set.Set})";

    /// <summary>A moment in this video: "4.2 s" in a clip shorter than a minute, else as <see cref="Clock"/>.</summary>
    public string Moment(double seconds) => Prediction.DurationSeconds < 60 ? text["Seconds", seconds] : Clock(seconds);

    /// <summary>"1:05" or "1:02:05".</summary>
    public static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes}:{t.Seconds:00}";
    }
}
