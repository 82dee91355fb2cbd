using ErasWeb.Data;
using ErasWeb.Retraining;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Pages.Admin;

/// <summary>The era heads retraining made, the retrainings themselves, and switching heads.</summary>
public sealed class ModelsModel(ModelVersions versions, RetrainScheduler scheduler, GalleryRerunScheduler reruns, ErasDb db) : PageModel
{
    public IReadOnlyList<ModelVersionResponse> Versions { get; private set; } = [];
    public IReadOnlyList<RetrainRun> Runs { get; private set; } = [];
    /// <summary>The latest gallery re-run, if any.</summary>
    public GalleryRerunResponse? Rerun { get; private set; }
    public bool Retraining => Runs.Any(r => r.Status is WorkStatus.Queued or WorkStatus.Running);
    public bool Rerunning => Vocabulary.Parse<WorkStatus>(Rerun?.Status) is WorkStatus.Queued or WorkStatus.Running;
    [TempData] public string? Done { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Versions = await versions.ListAsync(ct);
        Runs = await db.RetrainRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(10).ToListAsync(ct);
        Rerun = await db.GalleryReruns.AsNoTracking().OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct) is { } rerun ? GalleryRerunResponse.Of(rerun) : null;
    }

    public async Task<IActionResult> OnPostRetrainAsync(CancellationToken ct)
    {
        var run = await scheduler.StartAsync("admin", ct);
        Done = $"Retraining {run.Id} is {run.Status.Text()}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRerunAsync(CancellationToken ct)
    {
        var run = await reruns.StartAsync(ct);
        Done = $"Gallery re-run {run.Id} is {run.Status.Text()}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostActivateAsync(long id, CancellationToken ct)
    {
        if (!await versions.ActivateAsync(id, ct)) return NotFound();
        Done = $"Version {id} now answers every upload.";
        return RedirectToPage();
    }
}
