using System.ComponentModel;
using ErasWeb.Data;
using ErasWeb.Media;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Predictions;

public static class PredictionApi
{
    public const int DefaultPageSize = 24, MaxPageSize = 100;

    public static IEndpointRouteBuilder MapPredictionApi(this IEndpointRouteBuilder app)
    {
        var predictions = app.MapGroup("/api/predictions").WithTags("Predictions");
        predictions.MapGet("/", List).WithName("ListPredictions").WithSummary("Past predictions, newest first, optionally of one era.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        predictions.MapGet("/{id:long}", Get).WithName("GetPrediction").WithSummary("One prediction.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        predictions.MapGet("/{id:long}/image", (long id, ErasDb db, HttpContext http, CancellationToken ct) =>
            Picture(id, db.Predictions.Where(p => p.Id == id).Select(p => p.Pictures!.Display), http, ct))
            .WithName("GetPredictionImage").WithSummary("The stored display copy (JPEG, long side at most 1024 px).").ProducesJpeg();
        predictions.MapGet("/{id:long}/thumbnail", (long id, ErasDb db, HttpContext http, CancellationToken ct) =>
            Picture(id, db.Predictions.Where(p => p.Id == id).Select(p => p.Pictures!.Thumbnail), http, ct))
            .WithName("GetPredictionThumbnail").WithSummary("The stored thumbnail (JPEG, long side at most 256 px).").ProducesJpeg();
        predictions.MapGet("/{id:long}/gradcam", (long id, ErasDb db, HttpContext http, CancellationToken ct) =>
            Picture(id, db.Predictions.Where(p => p.Id == id).Select(p => p.Pictures!.GradCam), http, ct))
            .WithName("GetPredictionGradCam").WithSummary("The Grad-CAM heatmap blended over the display copy (JPEG).").ProducesJpeg();
        return app;
    }

    /// <summary>A stored picture: JPEG bytes, or a 404 problem.</summary>
    public static RouteHandlerBuilder ProducesJpeg(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces(StatusCodes.Status200OK, typeof(Stream), ImageEncoder.JpegContentType).ProducesProblem(StatusCodes.Status404NotFound);

    static async Task<Results<Ok<PredictionPage>, ProblemHttpResult>> List(ErasDb db, CancellationToken ct,
        [Description("Only predictions of this era, as predicted_class names it.")] string? era = null,
        [Description("Only predictions older than this id: the next_before of the previous page (next holds the whole URL).")] long? before = null,
        [Description("Predictions per page, 1-100.")] int limit = DefaultPageSize)
    {
        if (limit is < 1 or > MaxPageSize)
            return TypedResults.Problem($"limit must be between 1 and {MaxPageSize}.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid page size");
        var page = await db.Predictions.AsNoTracking().Matching(new PredictionFilter(Era: era)).PageAsync(before, limit, ct);
        string? nextUrl = page.NextBefore is not long next ? null
            : $"/api/predictions?limit={limit}&before={next}" + (string.IsNullOrEmpty(era) ? "" : $"&era={Uri.EscapeDataString(era)}");
        return TypedResults.Ok(new PredictionPage(page.Items.Select(p => p.ToResponse()).ToList(), page.NextBefore, nextUrl));
    }

    static async Task<Results<Ok<PredictionResponse>, ProblemHttpResult>> Get(long id, ErasDb db, CancellationToken ct)
    {
        var row = await db.Predictions.AsNoTracking().Where(p => p.Id == id).Select(PredictionSummary.FromEntity).FirstOrDefaultAsync(ct);
        return row is null ? NotFound(id) : TypedResults.Ok(row.ToResponse());
    }

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Picture(long id, IQueryable<byte[]> picture, HttpContext http, CancellationToken ct)
    {
        var bytes = await picture.FirstOrDefaultAsync(ct);
        if (bytes is null) return NotFound(id);
        // A prediction's pictures never change once stored.
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.File(bytes, ImageEncoder.JpegContentType);
    }

    static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem($"No prediction has id {id}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
