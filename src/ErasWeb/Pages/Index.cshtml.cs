using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Media;
using ErasWeb.Predictions;
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
public sealed class IndexModel(ErasDb db, ImagePredictionService images, VideoJobService videos, IAntiforgery antiforgery,
    IOptions<AntiforgeryOptions> antiforgeryOptions, IOptions<ErasOptions> options, StorageQuota quota, UploadRateLimiter rateLimits, PhotoBytesInFlight inFlight) : PageModel
{
    public IReadOnlyList<PredictionSummary> Recent { get; private set; } = [];
    public string? Error { get; private set; }
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
                if (name == UploadApi.UnlistedField) unlisted = UploadApi.IsOn(value);
                if (name != antiforgeryOptions.Value.FormFieldName || antiforgeryOptions.Value.HeaderName is not { } header) return;
                Request.Headers[header] = value; // the token store reads the header and so leaves the body alone
                await antiforgery.ValidateRequestAsync(HttpContext);
                tokenValid = true;
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
                return Redirect($"/jobs/{job.Id}");
            }
            var answer = await images.PredictAsync((Upload)upload, unlisted, ct);
            // The result page shows it once with a Delete button, and the browser keeps it for later visits.
            if (answer.DeleteToken is { } token) TempData[Predictions.DetailsModel.DeleteTokenKey(answer.Prediction.Id)] = token;
            return Redirect(PredictionUrls.Page(answer.Prediction.Id, answer.Prediction.AccessKey));
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

    async Task<IActionResult> ShowErrorAsync(string error, CancellationToken ct)
    {
        Error = error;
        await LoadRecentAsync(ct);
        return Page();
    }

    async Task LoadRecentAsync(CancellationToken ct) =>
        Recent = await db.Predictions.AsNoTracking().Where(p => p.AccessKey == null).OrderByDescending(p => p.Id).Take(12).Select(PredictionSummary.FromEntity).ToListAsync(ct);
}
