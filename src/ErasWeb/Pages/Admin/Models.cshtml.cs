using ErasWeb.Data;
using ErasWeb.Pages.Shared;
using ErasWeb.Retraining;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace ErasWeb.Pages.Admin;

/// <summary>The era heads retraining made, the retrainings themselves, and switching heads.</summary>
public sealed class ModelsModel(ModelVersions versions, RetrainScheduler scheduler, GalleryRerunScheduler reruns, ErasDb db, IStringLocalizer<ModelsModel> say) : PageModel
{
    public IReadOnlyList<ModelVersionResponse> Versions { get; private set; } = [];
    public IReadOnlyList<RetrainRun> Runs { get; private set; } = [];
    /// <summary>The latest gallery re-run, if any.</summary>
    public GalleryRerunResponse? Rerun { get; private set; }
    public bool Retraining => Runs.Any(r => r.Status is WorkStatus.Queued or WorkStatus.Running);
    public bool Rerunning => Vocabulary.Parse<WorkStatus>(Rerun?.Status) is WorkStatus.Queued or WorkStatus.Running;
    /// <summary>What the last action did, shown once, in the words of the reader who did it.</summary>
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
        Done = say["RetrainStarted", run.Id, Work(run.Status.Text())];
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRerunAsync(CancellationToken ct)
    {
        var run = await reruns.StartAsync(ct);
        Done = say["RerunStarted", run.Id, Work(run.Status.Text())];
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostActivateAsync(long id, CancellationToken ct)
    {
        if (!await versions.ActivateAsync(id, ct)) return NotFound();
        Done = say["Activated", id];
        return RedirectToPage();
    }

    /// <summary>Where a retraining or re-run is ("queued"), as the reader says it.</summary>
    public string Work(string status) => say.Word("Work.", status);
}
