using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Media;
using ErasWeb.Nights;
using ErasWeb.Predictions;
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
/// The upload page. The form is read as a stream, like the API's (a video goes straight to disk),
/// so the antiforgery token is checked by hand when its field arrives, before the file.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class IndexModel(ErasDb db, ImagePredictionService images, VideoJobService videos, NightService nights, IAntiforgery antiforgery,
    IOptions<AntiforgeryOptions> antiforgeryOptions, IOptions<ErasOptions> options, StorageQuota quota, UploadRateLimiter rateLimits, PhotoBytesInFlight inFlight) : PageModel
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
        ReceivedUpload? upload = null;
        try
        {
            await quota.EnsureRoomAsync(ct);
            bool tokenValid = false, unlisted = false;
            upload = await UploadReader.ReadAsync(Request, UploadLimits.From(options.Value, inFlight), ct, async (name, value) =>
            {
                if (name == UploadApi.UnlistedField) unlisted |= UploadApi.Flag(name, value);
                tokenValid |= await CheckAntiforgeryAsync(name, value);
            }, isVideo =>
            {
                // Only a checked form counts against the address: a forged cross-site post must not use up a visitor's allowance.
                if (!tokenValid) throw new AntiforgeryValidationException("no token before the file");
                rateLimits.Admit(HttpContext, isVideo);
            });
            if (!tokenValid) throw new AntiforgeryValidationException("no token before the file");
            if (upload is VideoUpload { Path: var path } && unlisted)
            {
                System.IO.File.Delete(path);
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return await ShowErrorAsync(UploadApi.VideosAreListed().ProblemDetails.Detail!, ct);
            }
            if (upload is VideoUpload video)
            {
                var (job, jobToken) = await videos.AcceptAsync(video, ClientAddress.Of(HttpContext), DecodeModes.Auto, ct);
                if (jobToken is not null) TempData[Jobs.DetailsModel.DeleteTokenKey(job.Id)] = jobToken;
                return GoTo($"/jobs/{job.Id}");
            }
            var answer = await images.PredictAsync((Upload)upload, unlisted, ct);
            // The result page shows it once with a Delete button, and the browser keeps it for later visits.
            if (answer.DeleteToken is { } token) TempData[Predictions.DetailsModel.DeleteTokenKey(answer.Prediction.Id)] = token;
            return GoTo(PredictionUrls.Page(answer.Prediction.Id, answer.Prediction.AccessKey));
        }
        catch (AntiforgeryValidationException)
        {
            if (upload is VideoUpload { Path: var orphan }) System.IO.File.Delete(orphan);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await ShowErrorAsync("This form has expired. Reload the page and choose the file again.", ct);
        }
        catch (Exception e) when (DomainProblems.From(e) is { } problem)
        {
            problem.ApplyTo(Response); // the status and sentence the API answers with
            return await ShowErrorAsync(problem.Detail, ct);
        }
    }

    /// <summary>
    /// A night's photos from the page's second form: streamed to disk like the API's, the antiforgery
    /// token checked when its field arrives (before the photos), then on to the night's page.
    /// </summary>
    public async Task<IActionResult> OnPostNightAsync()
    {
        var ct = HttpContext.RequestAborted;
        try
        {
            await quota.EnsureRoomAsync(ct);
            await videos.CheckRoomBeforeReadingAsync(Request.ContentLength ?? 0, ClientAddress.Of(HttpContext), ct);
            bool tokenValid = false;
            bool? gallery = null;
            var received = await NightIntake.ReadAsync(Request, NightApi.Limits(options.Value), options.Value.UploadsDir, async (name, value) =>
            {
                if (name == NightApi.GalleryField) gallery = UploadApi.Flag(name, value) && gallery != false; // sent twice, private wins
                if (!await CheckAntiforgeryAsync(name, value)) return;
                tokenValid = true;
                // Only a checked form counts against the address: a forged cross-site post must not use up a visitor's allowance.
                rateLimits.AdmitNight(HttpContext);
            }, ct, beforePhotos: () =>
            {
                if (!tokenValid) throw new AntiforgeryValidationException("no token before the photos");
            });
            var (night, deleteToken) = await nights.AcceptAsync(received, gallery == true, ClientAddress.Of(HttpContext), ct);
            TempData[Nights.DetailsModel.DeleteTokenKey(night.Id)] = deleteToken;
            return GoTo(NightUrls.Page(night.Id, night.AccessKey));
        }
        catch (AntiforgeryValidationException)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await ShowErrorAsync("This form has expired. Reload the page and choose the photos again.", ct, night: true);
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

    /// <summary>
    /// Checks the antiforgery token when its field arrives; other fields say nothing. The form puts it
    /// first, so it is checked before any file is read.
    /// </summary>
    async Task<bool> CheckAntiforgeryAsync(string name, string value)
    {
        if (name != antiforgeryOptions.Value.FormFieldName || antiforgeryOptions.Value.HeaderName is not { } header) return false;
        Request.Headers[header] = value; // the token store reads the header and so leaves the body alone
        await antiforgery.ValidateRequestAsync(HttpContext);
        return true;
    }

    async Task<IActionResult> ShowErrorAsync(string error, CancellationToken ct, bool night = false)
    {
        if (night) NightError = error;
        else Error = error;
        await LoadRecentAsync(ct);
        return Page();
    }

    async Task LoadRecentAsync(CancellationToken ct) =>
        Recent = await db.Predictions.AsNoTracking().Where(p => p.AccessKey == null).OrderByDescending(p => p.Id).Take(12).Select(PredictionSummary.FromEntity).ToListAsync(ct);
}
