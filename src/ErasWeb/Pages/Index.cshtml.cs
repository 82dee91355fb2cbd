using System.Diagnostics;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Localisation;
using ErasWeb.Media;
using ErasWeb.Nights;
using ErasWeb.Predictions;
using ErasWeb.Problems;
using ErasWeb.Shows;
using ErasWeb.Uploads;
using ErasWeb.Videos;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Pages;

/// <summary>
/// The upload page. Its forms are taken in as the API's are (<see cref="UploadIntake"/>, <see cref="NightUploadIntake"/>):
/// read as streams, so the antiforgery token is checked by hand when its field arrives, before the file.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class IndexModel(ErasDb db, UploadIntake uploads, NightUploadIntake nights, IOptions<ErasOptions> options) : PageModel
{
    public IReadOnlyList<PredictionSummary> Recent { get; private set; } = [];
    public string? Error { get; private set; }
    /// <summary>Why the last night could not be uploaded, shown by the night's form.</summary>
    public string? NightError { get; private set; }
    public int MaxNightPhotos => options.Value.NightMaxPhotos;
    public long MaxNightBytes => options.Value.NightMaxBytes;
    public string MaxNightText => MediaRejectedException.FormatBytes(MaxNightBytes);
    /// <summary>Back here after the uploader deleted a prediction.</summary>
    public bool Deleted { get; private set; }
    public long MaxPhotoBytes => options.Value.MaxUploadBytes;
    public long MaxVideoBytes => options.Value.MaxVideoUploadBytes;
    public string MaxPhotoText => MediaRejectedException.FormatBytes(MaxPhotoBytes);
    public string MaxVideoText => MediaRejectedException.FormatBytes(MaxVideoBytes);

    public async Task OnGetAsync(CancellationToken ct)
    {
        // Read by hand, not bound: a bound property would make every POST read the whole form first.
        Deleted = Request.Query["deleted"] == "true";
        await LoadRecentAsync(ct);
    }

    /// <summary>
    /// Takes no parameters on purpose: binding any would make Razor Pages read (and buffer) the
    /// whole form first, and then the upload could no longer be streamed.
    /// </summary>
    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        try
        {
            switch (await uploads.ReceiveAsync(Request, UploadDoor.Page, DecodeMode.Auto, ct))
            {
                case UploadOutcome.Photo { Answer: var answer }:
                    // The result page shows it once with a Delete button, and the browser keeps it for later visits.
                    if (answer.DeleteToken is { } token) TempData[Predictions.DetailsModel.DeleteTokenKey(answer.Prediction.Id)] = token;
                    return GoTo(PredictionUrls.Page(answer.Prediction.Id, answer.Prediction.AccessKey));
                case UploadOutcome.Video { Accepted: var (job, jobToken) }:
                    if (jobToken is not null) TempData[Jobs.DetailsModel.DeleteTokenKey(job.Id)] = jobToken;
                    return GoTo($"/jobs/{job.Id}");
                case UploadOutcome.Refused { Problem: var problem }:
                    Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
                    return await ShowErrorAsync(problem.Detail ?? problem.Title ?? "", ct);
                case var other:
                    throw new UnreachableException($"No page for {other}.");
            }
        }
        catch (AntiforgeryValidationException)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await ShowErrorAsync(Texts.Say("FormExpired"), ct);
        }
        catch (Exception e) when (DomainProblems.From(e) is { } problem)
        {
            problem.ApplyTo(Response); // the status and sentence the API answers with
            return await ShowErrorAsync(problem.Detail, ct);
        }
    }

    /// <summary>A night's photos from the page's second form, taken in as the API takes them, then on to the night's page.</summary>
    public async Task<IActionResult> OnPostNightAsync()
    {
        var ct = HttpContext.RequestAborted;
        try
        {
            var (night, deleteToken) = await nights.ReceiveAsync(Request, UploadDoor.Page, ct);
            TempData[Nights.DetailsModel.DeleteTokenKey(night.Id)] = deleteToken;
            return GoTo(NightUrls.Page(night.Id, night.AccessKey));
        }
        catch (AntiforgeryValidationException)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await ShowErrorAsync(Texts.Say("NightFormExpired"), ct, night: true);
        }
        catch (Exception e) when (DomainProblems.From(e) is { } problem)
        {
            problem.ApplyTo(Response);
            return await ShowErrorAsync(problem.Detail, ct, night: true);
        }
    }

    /// <summary>The header upload.js sends with the form: it navigates itself, so the result page's first visit is the browser's own.</summary>
    public const string ScriptedUploadHeader = "X-Upload-Form";

    /// <summary>
    /// On to the result. A plain form post is redirected there. The page's script is told where instead:
    /// its request would follow a redirect itself, and that hidden first visit would use up the delete
    /// token the result page shows (and keeps in the browser) once.
    /// </summary>
    IActionResult GoTo(string url) => Request.Headers.ContainsKey(ScriptedUploadHeader) ? new JsonResult(new { location = url }) : Redirect(url);

    async Task<IActionResult> ShowErrorAsync(string error, CancellationToken ct, bool night = false)
    {
        if (night) NightError = error;
        else Error = error;
        await LoadRecentAsync(ct);
        return Page();
    }

    async Task LoadRecentAsync(CancellationToken ct) =>
        Recent = await db.Predictions.AsNoTracking().Listed().OrderByDescending(p => p.Id).Take(12).Select(PredictionSummary.FromEntity).ToListAsync(ct);
}
