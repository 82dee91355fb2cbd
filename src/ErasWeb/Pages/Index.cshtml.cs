using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Media;
using ErasWeb.Predictions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Pages;

public sealed class IndexModel(ErasDb db, ImagePredictionService predictions, IOptions<ErasOptions> options) : PageModel
{
    public IReadOnlyList<PredictionSummary> Recent { get; private set; } = [];
    public string? Error { get; private set; }
    public string MaxUploadText => MediaRejectedException.FormatBytes(options.Value.MaxUploadBytes);

    public async Task OnGetAsync(CancellationToken ct) => await LoadRecentAsync(ct);

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken ct)
    {
        try
        {
            if (file is null) throw new MediaRejectedException(StatusCodes.Status400BadRequest, "No file", "Choose a photo to upload.");
            if (file.Length > options.Value.MaxUploadBytes) throw MediaRejectedException.TooLarge(options.Value.MaxUploadBytes);
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            var prediction = await predictions.PredictAsync(new Upload(buffer.ToArray(), FileNames.Sanitize(file.FileName)), ct);
            return Redirect($"/predictions/{prediction.Id}");
        }
        catch (Exception e) when (e is MediaRejectedException or ModelNotReadyException)
        {
            Error = e.Message;
            Response.StatusCode = e is MediaRejectedException rejected ? rejected.StatusCode : StatusCodes.Status503ServiceUnavailable;
            await LoadRecentAsync(ct);
            return Page();
        }
    }

    async Task LoadRecentAsync(CancellationToken ct) =>
        Recent = await db.Predictions.AsNoTracking().OrderByDescending(p => p.Id).Take(12).Select(PredictionSummary.FromEntity).ToListAsync(ct);
}
