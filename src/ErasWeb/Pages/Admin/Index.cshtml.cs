using ErasWeb.Admin;
using ErasWeb.Data;
using ErasWeb.Fans;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace ErasWeb.Pages.Admin;

/// <summary>The review queue: what fans said of each answer, and the admin's verdict on it.</summary>
public sealed class IndexModel(FeedbackReview review, ErasDb db, IStringLocalizer<IndexModel> say) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Status { get; set; } = ReviewQueue.Pending.Text();
    public IReadOnlyList<FeedbackItem> Items { get; private set; } = [];
    /// <summary>What the last action did, shown once, in the words of the reader who did it.</summary>
    [TempData] public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Vocabulary.Parse<ReviewQueue>(Status) is not { } queue) return NotFound();
        Items = await review.ListAsync(queue, FeedbackReview.MaxPage, ct);
        return Page();
    }

    /// <summary>The queue's pictures come from here, so hidden ones show too.</summary>
    public async Task<IActionResult> OnGetThumbnailAsync(long prediction, CancellationToken ct) =>
        await review.ThumbnailAsync(prediction, ct) is { } bytes ? File(bytes, "image/jpeg") : NotFound();

    public async Task<IActionResult> OnPostAcceptAsync(long id, string? era, CancellationToken ct)
    {
        try
        {
            if (await review.AcceptAsync(id, era, ct) is not { } item) return NotFound();
            Done = say["Accepted", item.Label ?? "", item.PredictionId];
        }
        catch (UnknownEraException e)
        {
            Done = e.Message;
        }
        return Back();
    }

    /// <summary>From a night's page: its decoded eras become labels; back to the night.</summary>
    public async Task<IActionResult> OnPostAcceptNightAsync(long night, CancellationToken ct)
    {
        try
        {
            if (await review.AcceptNightAsync(night, ct) is not int accepted) return NotFound();
            Done = say["AcceptedNight", accepted];
        }
        catch (PrivateNightException e)
        {
            Done = e.Message;
        }
        var key = await db.Nights.EveryRow().Where(n => n.Id == night).Select(n => n.AccessKey).FirstOrDefaultAsync(ct);
        return Redirect(ErasWeb.Nights.NightUrls.Page(night, key));
    }

    public async Task<IActionResult> OnPostRejectAsync(long id, CancellationToken ct)
    {
        if (await review.RejectAsync(id, ct) is not { } item) return NotFound();
        Done = say["Rejected", item.PredictionId];
        return Back();
    }

    public async Task<IActionResult> OnPostHideAsync(long prediction, bool hidden, CancellationToken ct)
    {
        if (!await review.SetHiddenAsync(prediction, hidden, ct)) return NotFound();
        Done = hidden ? say["Hidden", prediction] : say["Public", prediction];
        return Back();
    }

    public async Task<IActionResult> OnPostDeleteAsync(long prediction, CancellationToken ct)
    {
        if (!await review.DeleteAsync(prediction, ct)) return NotFound();
        Done = say["Deleted", prediction];
        return Back();
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(AdminAuthentication.CookieScheme);
        return LocalRedirect("/");
    }

    IActionResult Back() => RedirectToPage(new { status = Status });
}
