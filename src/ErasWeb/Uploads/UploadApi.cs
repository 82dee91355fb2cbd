using System.ComponentModel;
using System.Net.Mime;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Shows;
using ErasWeb.Videos;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace ErasWeb.Uploads;

/// <summary>The prototype's two calls: <c>GET /ping</c>, and <c>POST /predict</c>, the one door for photos and videos.</summary>
public static class UploadApi
{
    /// <summary>The longest a client may ask <c>POST /predict?wait=</c> to hold the request for a video's result.</summary>
    public const int MaxWaitSeconds = 120;
    const string ProblemJson = MediaTypeNames.Application.ProblemJson;

    public static IEndpointRouteBuilder MapUploadApi(this IEndpointRouteBuilder app)
    {
        // Ok, not Json: the same JSON string, and its type tells the OpenAPI document so.
        app.MapGet("/ping", () => TypedResults.Ok("Hello World"))
            .WithName("Ping").WithSummary("Answers \"Hello World\", as the first version of the API did.").WithTags("Compatibility");

        app.MapPost("/predict", Predict)
            .WithName("Predict").WithSummary("Classifies an uploaded photo (multipart field 'file') into an era, with a Grad-CAM heatmap; "
                + "a video becomes a job whose result is answered when it is ready within ERAS_VIDEO_DEFAULT_WAIT_SECONDS (else 202 with its status URL), "
                + "at once as 202 with 'Prefer: respond-async', or within ?wait=SECONDS (at most 120).")
            .WithTags("Predictions")
            .Accepts<UploadForm>("multipart/form-data")
            .AddOpenApiOperationTransformer(DocumentPhotoOrVideoAnswers)
            .DisableAntiforgery(); // an API for scripts and apps, which carry no antiforgery token
        return app;
    }

    /// <summary>
    /// The response metadata keeps one type per status, so the document would show only the last of
    /// Results' two <c>Ok</c>s. A 200 is either a photo's answer or, with ?wait, the finished video job.
    /// </summary>
    static async Task DocumentPhotoOrVideoAnswers(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var ok = (OpenApiResponse)operation.Responses![StatusCodes.Status200OK.ToString()];
        ok.Description = "A photo's answer, or a video job that finished in time.";
        ok.Content!["application/json"].Schema = new OpenApiSchema
        {
            OneOf = [await ReferenceAsync<PredictionResponse>(context, ct), await ReferenceAsync<VideoJobResponse>(context, ct)],
        };
        var accepted = (OpenApiResponse)operation.Responses[StatusCodes.Status202Accepted.ToString()];
        accepted.Description = "A video, accepted as a job still queued or running (at once with Prefer: respond-async); Location is its status URL.";
        accepted.Headers = new Dictionary<string, IOpenApiHeader>
        {
            ["Location"] = new OpenApiHeader { Description = "The job's status URL, as status_url.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
    }

    static async Task<IOpenApiSchema> ReferenceAsync<T>(OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var id = typeof(T).Name; // the generator's own component name for the type
        context.Document!.AddComponent(id, await context.GetOrCreateSchemaAsync(typeof(T), null, ct));
        return new OpenApiSchemaReference(id, context.Document);
    }

    // Statuses the signature cannot show: rejected uploads and a loading model are thrown and answered by DomainExceptionHandler.
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, ProblemJson,
        Description = "The file is empty or cannot be decoded, the form cannot be read or has no field 'file', wait is out of range or decode is not a mode.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, ProblemJson,
        Description = "The upload is over the size limit, or the image declares more pixels than allowed.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, ProblemJson,
        Description = "The file is in a format ErasWeb does not read (HEIC, SVG, text...), or the request is not multipart/form-data.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, ProblemJson,
        Description = "The video cannot be read or claims to be too long; with wait, its analysis failed (the problem's job_id and status_url name the job).")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status410Gone, ProblemJson,
        Description = "The same file was taken down by the site's admin.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, ProblemJson,
        Description = "Too many photos (a minute) or videos (an hour) from this address, or a video while this client already has its share of the video queue waiting; Retry-After says when to try again.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status507InsufficientStorage, ProblemJson,
        Description = "The site's storage is full: no new uploads for now, while everything stored can still be read.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, ProblemJson,
        Description = "The model is still loading, too many photos are in flight, or a video finds the video queue full (jobs or bytes); Retry-After says when to try again.")]
    static async Task<Results<Ok<PredictionResponse>, Ok<VideoJobResponse>, Accepted<VideoJobResponse>, ProblemHttpResult>> Predict(
        HttpRequest request, ImagePredictionService images, PhotoBytesInFlight inFlight, VideoJobService videos, ErasDb db, IOptions<ErasOptions> options,
        StorageQuota quota, UploadRateLimiter rateLimits, CancellationToken ct,
        [Description("For a video: seconds (0-120) to hold the request for its result, over the Prefer header and the default wait.")] double? wait = null,
        [Description("For a video: 'show' reads it as a whole show with the tour's set order (the answer's show), 'free' reads frames on their own, "
            + "'auto' (the default) reads videos of at least ERAS_SHOW_DECODE_MIN_MINUTES (10) as shows.")] string? decode = null)
    {
        if (!WaitInRange(wait))
            return TypedResults.Problem($"wait must be between 0 and {MaxWaitSeconds} seconds.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid wait");
        if (DecodeModes.Parse(decode) is not { } decodeMode)
            return TypedResults.Problem($"decode must be '{DecodeModes.Auto}', '{DecodeModes.Show}' or '{DecodeModes.Free}'.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid decode");
        await quota.EnsureRoomAsync(ct);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        bool unlisted = false;
        var upload = await UploadReader.ReadAsync(request, UploadLimits.From(options.Value, inFlight), ct, (name, value) =>
        {
            if (name == UnlistedField) unlisted |= Flag(name, value); // sent twice, keeping it out of the gallery wins
            return Task.CompletedTask;
        }, onSniffed: isVideo => rateLimits.Admit(request.HttpContext, isVideo));
        var received = watch.Elapsed.TotalMilliseconds;
        if (upload is VideoUpload video)
        {
            if (unlisted) File.Delete(video.Path);
            return unlisted ? VideosAreListed() : await AcceptVideoAsync(video, request, videos, db, decodeMode, HoldFor(request, wait, options.Value), ct);
        }
        var answer = await images.PredictAsync((Upload)upload, unlisted, ct);
        var prediction = answer.Prediction with { FileName = upload.FileName }; // a stored public answer never tells who uploaded it before under which name
        // Lets clients see where the time of a request went (upload vs. our work).
        request.HttpContext.Response.Headers["Server-Timing"] =
            $"upload;dur={received:0.0}, predict;dur={watch.Elapsed.TotalMilliseconds - received:0.0}";
        return TypedResults.Ok(prediction.ToResponse(answer.DeleteToken));
    }

    /// <summary>The form field (before the file) that keeps an upload out of the gallery.</summary>
    public const string UnlistedField = "unlisted";

    /// <summary>
    /// A yes-or-no form field as people and libraries write it (true/on/1/yes, false/off/0/no, any case);
    /// anything else is refused rather than taken for "no", as a privacy choice must never fail open.
    /// </summary>
    public static bool Flag(string field, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "on" or "1" or "yes" => true,
        "false" or "off" or "0" or "no" or "" => false,
        _ => throw new MediaRejectedException(MediaRejection.MalformedUpload, $"The field '{field}' must be true or false, not '{value}'."),
    };

    public static ProblemHttpResult VideosAreListed() => TypedResults.Problem(
        "Only photos can be kept out of the gallery for now; upload the video without that choice, or a photo from it.",
        statusCode: StatusCodes.Status400BadRequest, title: "Videos are always in the gallery");

    public static bool WaitInRange(double? wait) => wait is null || (double.IsFinite(wait.Value) && wait is >= 0 and <= MaxWaitSeconds);

    /// <summary>
    /// How long to hold a job's upload (a video, a night) for its result: ?wait when given; none when the
    /// client prefers an asynchronous answer (RFC 7240); else the default, so a client written for the
    /// prototype, which answered videos at once, gets <c>predicted_class</c> in the answer.
    /// </summary>
    public static TimeSpan HoldFor(HttpRequest request, double? wait, ErasOptions options)
    {
        if (wait is double seconds) return TimeSpan.FromSeconds(seconds);
        if (!PrefersAsync(request)) return TimeSpan.FromSeconds(options.VideoDefaultWaitSeconds);
        request.HttpContext.Response.Headers["Preference-Applied"] = RespondAsync;
        return TimeSpan.Zero;
    }

    const string RespondAsync = "respond-async";

    /// <summary>Whether a Prefer header (RFC 7240: comma-separated preferences, each possibly with ;parameters) asks for respond-async.</summary>
    static bool PrefersAsync(HttpRequest request) => request.Headers["Prefer"].SelectMany(v => (v ?? "").Split(','))
        .Any(p => p.Split(';')[0].Trim().Equals(RespondAsync, StringComparison.OrdinalIgnoreCase));

    /// <summary>202 with the job; with a wait, its result if it finishes by then (a failed video is a 422 with the reason).</summary>
    static async Task<Results<Ok<PredictionResponse>, Ok<VideoJobResponse>, Accepted<VideoJobResponse>, ProblemHttpResult>> AcceptVideoAsync(
        VideoUpload video, HttpRequest request, VideoJobService jobs, ErasDb db, string decode, TimeSpan wait, CancellationToken ct)
    {
        var (job, deleteToken) = await jobs.AcceptAsync(video, ClientAddress.Of(request.HttpContext), decode, ct);
        if (wait > TimeSpan.Zero) job = await jobs.WaitAsync(job.Id, wait, ct) ?? job;
        // A job accepted before for the same bytes never tells who uploaded it under which name.
        var described = (await VideoQueries.DescribeAsync(job, db, ct) ?? throw new TakenDownException()) with { FileName = video.FileName, DeleteToken = deleteToken };
        return job.Status switch
        {
            VideoJobStatus.Succeeded => TypedResults.Ok(described),
            VideoJobStatus.Failed => TypedResults.Problem(job.Error, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The video could not be analysed",
                extensions: new Dictionary<string, object?> { ["job_id"] = job.Id, ["status_url"] = described.StatusUrl }),
            _ => TypedResults.Accepted(described.StatusUrl, described),
        };
    }
}
