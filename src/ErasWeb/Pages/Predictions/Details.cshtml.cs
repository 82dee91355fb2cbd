using ErasWeb.Data;
using ErasWeb.Predictions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Pages.Predictions;

public sealed class DetailsModel(ErasDb db) : PageModel
{
    public PredictionSummary Prediction { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var found = await db.Predictions.AsNoTracking().Where(p => p.Id == id).Select(PredictionSummary.FromEntity).FirstOrDefaultAsync(ct);
        if (found is null) return NotFound();
        Prediction = found;
        return Page();
    }
}
