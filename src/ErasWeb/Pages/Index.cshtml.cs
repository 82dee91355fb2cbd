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
    IOptions<AntiforgeryOptions> antiforgeryOptions, IOptions<ErasOptions> options, PhotoBytesInFlight inFlight) : PageModel
{
    public IReadOnlyList<PredictionSummary> Recent { get; private set; } = [];
    public string? Error { get; private set; }
    public long MaxPhotoBytes => options.Value.MaxUploadBytes;
    public long MaxVideoBytes => options.Value.MaxVideoUploadBytes;
    public string MaxPhotoText => MediaRejectedException.FormatBytes(MaxPhotoBytes);
    public string MaxVideoText => MediaRejectedException.FormatBytes(MaxVideoBytes);

    public async Task OnGetAsync(CancellationToken ct) => await LoadRecentAsync(ct);

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
            bool tokenValid = false;
            upload = await UploadReader.ReadAsync(Request, UploadLimits.From(options.Value, inFlight), ct, async (name, value) =>
            {
                if (name != antiforgeryOptions.Value.FormFieldName || antiforgeryOptions.Value.HeaderName is not { } header) return;
                Request.Headers[header] = value; // the token store reads the header and so leaves the body alone
                await antiforgery.ValidateRequestAsync(HttpContext);
                tokenValid = true;
            });
            if (!tokenValid) throw new AntiforgeryValidationException("no token before the file");
            return upload switch
            {
                VideoUpload video => Redirect($"/jobs/{(await videos.AcceptAsync(video, ct)).Id}"),
                Upload photo => Redirect($"/predictions/{(await images.PredictAsync(photo, ct)).Id}"),
                _ => throw new InvalidOperationException(),
            };
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
        Recent = await db.Predictions.AsNoTracking().OrderByDescending(p => p.Id).Take(12).Select(PredictionSummary.FromEntity).ToListAsync(ct);
}
