using ErasWeb.Data;
using ErasWeb.Media;
using ErasWeb.Configuration;
using ErasWeb.Videos;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErasWeb.Predictions;

public static class PredictionApi
{
    public const int DefaultPageSize = 24, MaxPageSize = 100;
    /// <summary>The longest a client may ask <c>POST /predict?wait=</c> to hold the request for a video's result.</summary>
    public const int MaxWaitSeconds = 120;

    public static IEndpointRouteBuilder MapPredictionApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ping", () => TypedResults.Json("Hello World"))
            .WithName("Ping").WithSummary("Answers \"Hello World\", as the first version of the API did.").WithTags("Compatibility");

        app.MapPost("/predict", Predict)
            .WithName("Predict").WithSummary("Classifies an uploaded photo (multipart field 'file') into an era, with a Grad-CAM heatmap; "
                + "a video becomes a job (202 with its status URL), or with ?wait=SECONDS (at most 120) its result when it is ready by then.")
            .WithTags("Predictions")
            .Accepts<IFormFile>("multipart/form-data")
            .DisableAntiforgery(); // an API for scripts and apps, which carry no antiforgery token

        var predictions = app.MapGroup("/api/predictions").WithTags("Predictions");
        predictions.MapGet("/", List).WithName("ListPredictions").WithSummary("Past predictions, newest first, optionally of one era.");
        predictions.MapGet("/{id:long}", Get).WithName("GetPrediction").WithSummary("One prediction.");
        predictions.MapGet("/{id:long}/image", (long id, ErasDb db, HttpContext http, CancellationToken ct) =>
            Picture(id, db.PredictionPictures.Where(p => p.PredictionId == id).Select(p => p.Display), http, ct))
            .WithName("GetPredictionImage").WithSummary("The stored display copy (JPEG, long side at most 1024 px).");
        predictions.MapGet("/{id:long}/thumbnail", (long id, ErasDb db, HttpContext http, CancellationToken ct) =>
            Picture(id, db.PredictionPictures.Where(p => p.PredictionId == id).Select(p => p.Thumbnail), http, ct))
            .WithName("GetPredictionThumbnail").WithSummary("The stored thumbnail (JPEG, long side at most 256 px).");
        predictions.MapGet("/{id:long}/gradcam", (long id, ErasDb db, HttpContext http, CancellationToken ct) =>
            Picture(id, db.PredictionPictures.Where(p => p.PredictionId == id).Select(p => p.GradCam), http, ct))
            .WithName("GetPredictionGradCam").WithSummary("The Grad-CAM heatmap blended over the display copy (JPEG).");
        return app;
    }

    static async Task<Results<Ok<PredictionResponse>, Ok<VideoJobResponse>, Accepted<VideoJobResponse>, ProblemHttpResult>> Predict(
        HttpRequest request, ImagePredictionService images, VideoJobService videos, ErasDb db, IOptions<ErasOptions> options, CancellationToken ct, double? wait = null)
    {
        if (wait is < 0 or > MaxWaitSeconds || (wait is double w && !double.IsFinite(w)))
            return TypedResults.Problem($"wait must be between 0 and {MaxWaitSeconds} seconds.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid wait");
        // A rejected upload or a model still loading throws: DomainExceptionHandler answers those.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var upload = await UploadReader.ReadAsync(request, UploadLimits.From(options.Value), ct);
        var received = watch.Elapsed.TotalMilliseconds;
        if (upload is VideoUpload video)
            return await AcceptVideoAsync(video, videos, db, TimeSpan.FromSeconds(wait ?? 0), ct);
        var prediction = await images.PredictAsync((Upload)upload, ct);
        // Lets clients see where the time of a request went (upload vs. our work).
        request.HttpContext.Response.Headers["Server-Timing"] =
            $"upload;dur={received:0.0}, predict;dur={watch.Elapsed.TotalMilliseconds - received:0.0}";
        return TypedResults.Ok(prediction.ToResponse());
    }

    /// <summary>202 with the job; with a wait, its result if it finishes by then (a failed video is a 422 with the reason).</summary>
    static async Task<Results<Ok<PredictionResponse>, Ok<VideoJobResponse>, Accepted<VideoJobResponse>, ProblemHttpResult>> AcceptVideoAsync(
        VideoUpload video, VideoJobService jobs, ErasDb db, TimeSpan wait, CancellationToken ct)
    {
        var job = await jobs.AcceptAsync(video, ct);
        if (wait > TimeSpan.Zero) job = await jobs.WaitAsync(job.Id, wait, ct) ?? job;
        var described = await VideoApi.DescribeAsync(job, db, ct);
        return job.Status switch
        {
            VideoJobStatus.Succeeded => TypedResults.Ok(described),
            VideoJobStatus.Failed => TypedResults.Problem(job.Error, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The video could not be analysed",
                extensions: new Dictionary<string, object?> { ["job_id"] = job.Id, ["status_url"] = described.StatusUrl }),
            _ => TypedResults.Accepted(described.StatusUrl, described),
        };
    }

    static async Task<Results<Ok<PredictionPage>, ProblemHttpResult>> List(
        ErasDb db, CancellationToken ct, string? era = null, long? before = null, int limit = DefaultPageSize)
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
