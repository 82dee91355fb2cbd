using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Pages.Jobs;

/// <summary>A video job while it runs (or why it failed); once it has succeeded, its result page.</summary>
public sealed class DetailsModel(ErasDb db, WaitingUploads uploads) : PageModel
{
    public VideoJob Job { get; private set; } = null!;
    /// <summary>The delete token, on the first view after this browser uploaded the video (the page's script keeps it for later ones).</summary>
    public string? DeleteToken { get; private set; }
    public static string DeleteTokenKey(long jobId) => $"delete-job-token-{jobId}";

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var job = await db.VideoJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        if (job is null) return NotFound();
        DeleteToken = TempData[DeleteTokenKey(id)] as string;
        if (job is { Status: WorkStatus.Succeeded, PredictionId: long prediction })
        {
            // Done before the uploader got here: the result page offers Delete instead, with the same token.
            if (DeleteToken is not null) TempData[Predictions.DetailsModel.DeleteTokenKey(prediction)] = DeleteToken;
            return Redirect($"/predictions/{prediction}");
        }
        Job = job;
        return Page();
    }

    /// <summary>The uploader deletes the video, waiting, running or failed, with the token its upload was answered with.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(long id, string? token, CancellationToken ct) =>
        await db.DeleteUploadAsync(UploadRow.VideoJob, id, token, uploads.DeleteAsync, ct) ? Redirect("/?deleted=true") : NotFound();
}
