using System.ComponentModel;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Localisation;
using ErasWeb.Media;
using ErasWeb.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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
            Picture(id, db.Predictions.Where(p => p.Id == id).Select(p => p.Pictures!.Display).FirstOrDefaultAsync(ct), http))
            .WithName("GetPredictionImage").WithSummary("The stored display copy (JPEG, long side at most 1024 px).").ProducesJpeg();
        predictions.MapGet("/{id:long}/thumbnail", (long id, ErasDb db, PicturesOnDemand pictures, HttpContext http, CancellationToken ct) =>
            Picture(id, pictures.GetAsync(db.Predictions, id, MadePicture.Thumbnail, ct), http))
            .WithName("GetPredictionThumbnail").WithSummary("The thumbnail (JPEG, long side at most 256 px), made when first asked for and then kept.").ProducesJpeg();
        predictions.MapGet("/{id:long}/gradcam", (long id, ErasDb db, PicturesOnDemand pictures, HttpContext http, CancellationToken ct) =>
            Picture(id, pictures.GetAsync(db.Predictions, id, MadePicture.Overlay, ct), http))
            .WithName("GetPredictionGradCam").WithSummary("The Grad-CAM heatmap blended over the display copy (JPEG), made when first asked for and then kept.").ProducesJpeg();
        predictions.MapGet("/{id:long}/share-image", (long id, ErasDb db, PicturesOnDemand pictures, HttpContext http, CancellationToken ct) =>
            Picture(id, pictures.GetAsync(db.Predictions, id, MadePicture.ShareCard, ct), http))
            .WithName("GetPredictionShareImage")
            .WithSummary("The picture a shared link unfurls as (JPEG, 1200x630): the photo or key frame, the era in its colours and how sure; made when first asked for and then kept.")
            .ProducesJpeg();
        predictions.MapDelete("/{id:long}", Delete).WithName("DeleteUpload")
            .WithSummary("Deletes an upload with everything made from it (its pictures, frames and feedback, a video's job, the answers a re-run made of it): "
                + "send the delete_token its upload was answered with as X-Delete-Token. No such prediction and a wrong token get the same 404.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public const string DeleteTokenHeader = "X-Delete-Token";

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(long id, ErasDb db, WaitingUploads uploads,
        [FromHeader(Name = DeleteTokenHeader)] string? token, CancellationToken ct) =>
        await db.DeleteUploadAsync(UploadRow.Prediction, id, token, uploads.DeleteAsync, ct) ? TypedResults.NoContent() : NoSuchUpload(Texts.Say("Upload.Prediction", id));

    /// <summary>The one answer for a row that does not exist and a token that is not its own, so neither can be told from the other.</summary>
    /// <param name="what">The upload as the reader's language names it ("prediction 5").</param>
    public static ProblemHttpResult NoSuchUpload(string what) => TypedResults.Problem(Texts.Say("Upload.NoSuchToDelete", what, DeleteTokenHeader),
        statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NoSuchUpload"));

    /// <summary>Private and short: a deleted or hidden picture must stop being served soon, from caches too.</summary>
    public const string PictureCaching = "private, max-age=300";

    /// <summary>A stored picture: JPEG bytes, or a 404 problem.</summary>
    public static RouteHandlerBuilder ProducesJpeg(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces(StatusCodes.Status200OK, typeof(Stream), ImageEncoder.JpegContentType).ProducesProblem(StatusCodes.Status404NotFound);

    static async Task<Results<Ok<PredictionPage>, ProblemHttpResult>> List(ErasDb db, CancellationToken ct,
        [Description("Only predictions of this era, as predicted_class names it.")] string? era = null,
        [Description("Only predictions older than this id: the next_before of the previous page (next holds the whole URL).")] long? before = null,
        [Description("Predictions per page, 1-100.")] int limit = DefaultPageSize)
    {
        if (limit is < 1 or > MaxPageSize)
            return TypedResults.Problem(Texts.Say("InvalidLimit", MaxPageSize), statusCode: StatusCodes.Status400BadRequest, title: Texts.Say("Problem.InvalidPageSize"));
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

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Picture(long id, Task<byte[]?> picture, HttpContext http)
    {
        var bytes = await picture;
        if (bytes is null) return NotFound(id);
        http.Response.Headers.CacheControl = PictureCaching;
        return TypedResults.File(bytes, ImageEncoder.JpegContentType);
    }

    static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(Texts.Say("Prediction.NotFound", id), statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NotFound"));
}
