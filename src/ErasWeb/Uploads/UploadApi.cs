using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Mime;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Localisation;
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
        HttpRequest request, UploadIntake intake, VideoJobService videos, ErasDb db, IOptions<ErasOptions> options, CancellationToken ct,
        [Description("For a video: seconds (0-120) to hold the request for its result, over the Prefer header and the default wait.")] double? wait = null,
        [Description("For a video: 'show' reads it as a whole show with the tour's set order (the answer's show), 'free' reads frames on their own, "
            + "'auto' (the default) reads videos of at least ERAS_SHOW_DECODE_MIN_MINUTES (10) as shows.")] string? decode = null)
    {
        if (!WaitInRange(wait)) return InvalidWait();
        if ((string.IsNullOrEmpty(decode) ? DecodeMode.Auto : Vocabulary.Parse<DecodeMode>(decode)) is not { } decodeMode)
            return TypedResults.Problem(Texts.Say("Upload.InvalidDecode", DecodeMode.Auto.Text(), DecodeMode.Show.Text(), DecodeMode.Free.Text()), statusCode: StatusCodes.Status400BadRequest, title: Texts.Say("Problem.InvalidDecode"));
        return await intake.ReceiveAsync(request, UploadDoor.Api, decodeMode, ct) switch
        {
            UploadOutcome.Photo photo => AnswerPhoto(photo, request.HttpContext.Response),
            UploadOutcome.Video video => await AnswerVideoAsync(video, videos, db, HoldFor(request, wait, options.Value), ct),
            UploadOutcome.Refused refused => TypedResults.Problem(refused.Problem),
            var other => throw new UnreachableException($"No answer for {other}."),
        };
    }

    static Ok<PredictionResponse> AnswerPhoto(UploadOutcome.Photo photo, HttpResponse response)
    {
        // A stored public answer never tells who uploaded it before under which name.
        var prediction = photo.Answer.Prediction with { FileName = photo.FileName };
        // Lets clients see where the time of a request went (upload vs. our work).
        response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"upload;dur={photo.Receiving.TotalMilliseconds:0.0}, predict;dur={photo.Predicting.TotalMilliseconds:0.0}");
        return TypedResults.Ok(prediction.ToResponse(photo.Answer.DeleteToken));
    }

    /// <summary>A job's upload (a video, a night) asked for a wait out of range.</summary>
    public static ProblemHttpResult InvalidWait() =>
        TypedResults.Problem(Texts.Say("Upload.InvalidWait", MaxWaitSeconds), statusCode: StatusCodes.Status400BadRequest, title: Texts.Say("Problem.InvalidWait"));

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
    static async Task<Results<Ok<PredictionResponse>, Ok<VideoJobResponse>, Accepted<VideoJobResponse>, ProblemHttpResult>> AnswerVideoAsync(
        UploadOutcome.Video video, VideoJobService jobs, ErasDb db, TimeSpan wait, CancellationToken ct)
    {
        var (job, deleteToken) = video.Accepted;
        if (wait > TimeSpan.Zero) job = await jobs.WaitAsync(job.Id, wait, ct) ?? job;
        // A job accepted before for the same bytes never tells who uploaded it under which name.
        var described = (await VideoQueries.DescribeAsync(job, db, ct) ?? throw new TakenDownException()) with { FileName = video.FileName, DeleteToken = deleteToken };
        return job.Status switch
        {
            WorkStatus.Succeeded => TypedResults.Ok(described),
            WorkStatus.Failed => TypedResults.Problem(job.Error, statusCode: StatusCodes.Status422UnprocessableEntity, title: Texts.Say("Problem.VideoFailed"),
                extensions: new Dictionary<string, object?> { ["job_id"] = job.Id, ["status_url"] = described.StatusUrl }),
            _ => TypedResults.Accepted(described.StatusUrl, described),
        };
    }
}
