using ErasWeb.Admin;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Fans;
using ErasWeb.Nights;
using ErasWeb.Pages.Shared;
using ErasWeb.Shows;
using ErasWeb.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace ErasWeb.Pages.Nights;

/// <summary>A fan's night: its progress while it is read, then the show, the set strip and the photos grouped by set.</summary>
[EnableRateLimiting(FanApi.Votes)]
public sealed class DetailsModel(ErasDb db, ShowCalendar calendar, FanFeedbackService fans, Voters voters, IOptions<ErasOptions> options, WaitingUploads uploads,
    IStringLocalizer<DetailsModel> texts) : PageModel
{
    public Night Night { get; private set; } = null!;
    public NightResponse Described { get; private set; } = null!;
    /// <summary>The delete token, on the first view after this browser uploaded the night (the page's script keeps it for later ones).</summary>
    public string? DeleteToken { get; private set; }
    /// <summary>The site's admin, signed in: offered to accept the night's eras as training labels.</summary>
    public bool IsAdmin { get; private set; }
    /// <summary>The photo a fan just corrected, thanked once.</summary>
    [BindProperty(SupportsGet = true)] public long? Thanks { get; set; }
    [TempData] public string? Done { get; set; }

    public bool Running => Night.Status is WorkStatus.Queued or WorkStatus.Running;
    public string Key => Night.AccessKey ?? "";
    public static string DeleteTokenKey(long id) => $"delete-night-token-{id}";

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await NightQueries.FindAsync(db, id, ct) is not { } night) return NotFound();
        Night = night;
        Described = await NightQueries.DescribeAsync(night, db, calendar, ct);
        DeleteToken = TempData[DeleteTokenKey(id)] as string;
        IsAdmin = options.Value.AdminEnabled && (await HttpContext.AuthenticateAsync(AdminAuthentication.CookieScheme)).Succeeded;
        if (Thanks is long thanked && Request.Cookies.ContainsKey(Voters.Cookie))
        {
            var voter = voters.Of(HttpContext, remember: false);
            YourVote = await db.FanVotes.Where(v => v.PredictionId == thanked && v.Voter == voter.Id).Select(v => v.Era).FirstOrDefaultAsync(ct);
        }
        return Page();
    }

    /// <summary>The uploader deletes the night with every photo in it, with the token the upload was answered with.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(long id, string? token, CancellationToken ct) =>
        await db.DeleteUploadAsync(UploadRow.Night, id, token, uploads.DeleteAsync, ct) ? Redirect("/?deleted=true") : NotFound();

    /// <summary>"Not right?" on one photo: a fan's vote for its era, as on the photo's own page; back to the photo.</summary>
    public async Task<IActionResult> OnPostFeedbackAsync(long id, long prediction, string? era, CancellationToken ct)
    {
        if (await NightQueries.FindAsync(db, id, ct) is not { } night || !night.Photos.Any(p => p.PredictionId == prediction)) return NotFound();
        // Whoever may see the night may answer for its photos, each private one under its own key.
        db.AccessKey = await db.Predictions.EveryRow().Where(p => p.Id == prediction).Select(p => p.AccessKey).FirstOrDefaultAsync(ct);
        try
        {
            if (await fans.VoteAsync(prediction, voters.Of(HttpContext, remember: true), era ?? "", ct) is null) return NotFound();
        }
        catch (UnknownEraException)
        {
            return BadRequest();
        }
        var query = new Dictionary<string, string?> { ["key"] = night.AccessKey, ["thanks"] = prediction.ToString() }.Where(q => q.Value is not null);
        return Redirect(QueryHelpers.AddQueryString($"/nights/{id}", query) + $"#photo-{prediction}");
    }

    /// <summary>The photos of one set, or between sets (a null era), in capture order.</summary>
    public IEnumerable<NightPhotoResponse> PhotosOf(NightSet? set) => (Described.Photos ?? [])
        .Where(p => p.PredictionId is not null && (set is null ? p.Era is null : p.Era == set.Era && p.Set == set.Set));

    /// <summary>"Folkmore (evermore)" where the tour has two Folkmore sets, else the era.</summary>
    public static string SetName(NightSet set) => set.Set is null ? set.Era : $"{set.Era} ({set.Set})";

    /// <summary>"21:05" from a capture time, in the reader's clock, or nothing.</summary>
    public static string Clock(DateTime? at) => ShowDates.Clock(at);

    /// <summary>"21:05–21:40", or one time when both fall in the same minute.</summary>
    public static string Span(DateTime? start, DateTime? end) => Clock(start) == Clock(end) ? Clock(start) : $"{Clock(start)}–{Clock(end)}";

    /// <summary>The night's whole set order, for the strip: the one its sets were decoded in.</summary>
    public IReadOnlyList<SetSlot> Order => Tours.OrderOf(Night.Tour);

    /// <summary>What a shared link to the night unfurls as, once it has been read: the show, its sets, over the night's share image.</summary>
    public LinkPreview? Preview
    {
        get
        {
            if (Night.Status != WorkStatus.Succeeded) return null;
            var show = Described.Show;
            string title = show is null ? texts["PreviewTitle"] : $"{show.City}, {ShowDates.Long(show.Date)}";
            var sets = Described.Sets ?? [];
            int count = Described.PhotoCount;
            string photos = count == 1 ? texts["PhotosOne"] : texts["PhotosOther", count];
            // Each language picks from the phrases and the bare counts what reads right for any number.
            var description = sets.Count == 0 ? texts["PreviewRead", photos, count]
                : texts[show is null ? "PreviewSorted" : "PreviewSortedAt", photos, sets.Count == 1 ? texts["SetsOne"] : texts["SetsOther", sets.Count],
                    string.Join(", ", sets.Select(SetName)), show?.Venue ?? "", count, sets.Count];
            return new LinkPreview(title, description, NightUrls.ShareImage(Night.Id, Night.AccessKey), texts["PreviewImageAlt", title],
                NightUrls.Page(Night.Id, Night.AccessKey), Unlisted: Night.AccessKey is not null);
        }
    }

    /// <summary>The era this browser just gave the photo it thanks for.</summary>
    public string? YourVote { get; private set; }
}
