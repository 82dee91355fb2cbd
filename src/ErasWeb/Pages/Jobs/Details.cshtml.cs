using ErasWeb.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Pages.Jobs;

/// <summary>A video job while it runs (or why it failed); once it has succeeded, its result page.</summary>
public sealed class DetailsModel(ErasDb db) : PageModel
{
    public VideoJob Job { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var job = await db.VideoJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        if (job is null) return NotFound();
        if (job is { Status: VideoJobStatus.Succeeded, PredictionId: long prediction }) return Redirect($"/predictions/{prediction}");
        Job = job;
        return Page();
    }
}
