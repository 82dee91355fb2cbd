using System.ComponentModel;
using System.Net.Mime;
using ErasWeb.Configuration;
using ErasWeb.Data;
using ErasWeb.Localisation;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Storage;
using ErasWeb.Uploads;
using ErasWeb.Videos;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ErasWeb.Nights;

/// <summary>The form <c>POST /api/nights</c> reads, as the OpenAPI document describes it: the photos, each in a field "file".</summary>
public sealed record NightForm(
    [property: Description("The night's photos, one part each, in any order.")] IFormFileCollection File,
    [property: Description("true puts the night and its photos in the public gallery; by default they open only with the night's key.")] bool? Gallery);

/// <summary>A fan's night: many photos of one evening, read together with the show's set order.</summary>
public static class NightApi
{
    const string ProblemJson = MediaTypeNames.Application.ProblemJson;

    public static IEndpointRouteBuilder MapNightApi(this IEndpointRouteBuilder app)
    {
        var nights = app.MapGroup("/api/nights").WithTags("Nights");
        nights.MapPost("/", Upload).WithName("UploadNight")
            .WithSummary("Reads a night of photos (multipart, each in a field 'file') in capture order with the show's set order, as a job: answered when it is done within "
                + "ERAS_VIDEO_DEFAULT_WAIT_SECONDS (else 202 with its status URL), at once as 202 with 'Prefer: respond-async', or within ?wait=SECONDS (at most 120).")
            .Accepts<NightForm>("multipart/form-data")
            .DisableAntiforgery(); // for scripts and apps; the upload page posts through its own antiforgery-checked form
        nights.MapGet("/{id:long}", Get).WithName("GetNight")
            .WithSummary("A night: status and progress while it is read, then the show its date names, the sets in show order and every photo in capture order with its set.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        nights.MapGet("/{id:long}/download", Download).WithName("DownloadNight")
            .WithSummary("The night's photos as a ZIP with a folder per set in show order (the stored display copies).")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/zip").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        nights.MapGet("/{id:long}/share-image", ShareImage).WithName("GetNightShareImage")
            .WithSummary("The picture a shared link to the night unfurls as (JPEG, 1200x630): the show's city and date and its set strip, the sets photographed in their era's colours.")
            .ProducesJpeg().ProducesProblem(StatusCodes.Status409Conflict);
        nights.MapDelete("/{id:long}", Delete).WithName("DeleteNight")
            .WithSummary("Deletes a night with every photo in it: send the delete_token its upload was answered with as X-Delete-Token. No such night and a wrong token get the same 404.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    [ProducesResponseType<NightResponse>(StatusCodes.Status200OK, Description = "The night, read within the wait.")]
    [ProducesResponseType<NightResponse>(StatusCodes.Status202Accepted, Description = "The night, accepted and still queued or being read; Location is its status URL.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, ProblemJson, Description = "The form cannot be read or has no field 'file', or wait is out of range.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, ProblemJson, Description = "More photos or bytes than a night may hold; nothing is stored.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, ProblemJson, Description = "The request is not multipart/form-data.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, ProblemJson,
        Description = "Too many nights (an hour) or photos (a minute) from this address, or this client already has its share of the job queue waiting; Retry-After says when.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, ProblemJson, Description = "The job queue is full (jobs or bytes); Retry-After says when to try again.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status507InsufficientStorage, ProblemJson, Description = "The site's storage is full.")]
    static async Task<Results<Ok<NightResponse>, Accepted<NightResponse>, ProblemHttpResult>> Upload(HttpRequest request, NightUploadIntake intake, NightService nights, ErasDb db,
        ShowCalendar calendar, IOptions<ErasOptions> options, CancellationToken ct,
        [Description("Seconds (0-120) to hold the request for the night's result, over the Prefer header and the default wait.")] double? wait = null)
    {
        if (!UploadApi.WaitInRange(wait)) return UploadApi.InvalidWait();
        var (accepted, deleteToken) = await intake.ReceiveAsync(request, UploadDoor.Api, ct);
        if (UploadApi.HoldFor(request, wait, options.Value) is var holdFor && holdFor > TimeSpan.Zero) await nights.WaitAsync(accepted.Id, holdFor, ct);
        db.AccessKey = accepted.AccessKey; // the uploader sees their own night, key or not
        var night = await NightQueries.FindAsync(db, accepted.Id, ct) ?? throw new InvalidOperationException($"Night {accepted.Id} is gone.");
        var described = await NightQueries.DescribeAsync(night, db, calendar, ct) with { DeleteToken = deleteToken };
        return night.Status is WorkStatus.Succeeded or WorkStatus.Failed
            ? TypedResults.Ok(described)
            : TypedResults.Accepted(described.StatusUrl, described);
    }

    static async Task<Results<Ok<NightResponse>, ProblemHttpResult>> Get(long id, ErasDb db, ShowCalendar calendar, HttpContext http, CancellationToken ct)
    {
        if (await NightQueries.FindAsync(db, id, ct) is not { } night) return NotFound(id);
        // Followed while it is read, and deletable: never kept by a shared cache.
        http.Response.Headers.CacheControl = "private, no-cache";
        return TypedResults.Ok(await NightQueries.DescribeAsync(night, db, calendar, ct));
    }

    static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> Download(long id, ErasDb db, HttpContext http, CancellationToken ct)
    {
        if (await NightQueries.FindAsync(db, id, ct) is not { } night) return NotFound(id);
        if (night.Status != WorkStatus.Succeeded)
            return TypedResults.Problem(Texts.Say("Night.NotReadToDownload"), statusCode: StatusCodes.Status409Conflict, title: Texts.Say("Problem.NotReadYet"));
        http.Response.Headers.CacheControl = PredictionApi.PictureCaching;
        // Written straight to the client a photo at a time: nothing waits on disk or in memory for a slow reader.
        return TypedResults.Stream(zip => NightZip.WriteAsync(night, db, zip, ct), "application/zip", $"erasweb-night-{id}.zip");
    }

    /// <summary>Drawn for each request that misses the cache: words and flat colours take a few milliseconds, with no photo to decode.</summary>
    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ShareImage(long id, ErasDb db, ShowCalendar calendar, HttpContext http, CancellationToken ct)
    {
        if (await NightQueries.FindAsync(db, id, ct) is not { } night) return NotFound(id);
        if (night.Status != WorkStatus.Succeeded)
            return TypedResults.Problem(Texts.Say("Night.NotReadToDraw"), statusCode: StatusCodes.Status409Conflict, title: Texts.Say("Problem.NotReadYet"));
        var card = NightShareCard.Draw(await NightQueries.DescribeAsync(night, db, calendar, ct));
        http.Response.Headers.CacheControl = PredictionApi.PictureCaching;
        return TypedResults.File(card, ImageEncoder.JpegContentType);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(long id, ErasDb db, WaitingUploads uploads,
        [FromHeader(Name = PredictionApi.DeleteTokenHeader)] string? token, CancellationToken ct) =>
        await db.DeleteUploadAsync(UploadRow.Night, id, token, uploads.DeleteAsync, ct) ? TypedResults.NoContent() : PredictionApi.NoSuchUpload(Texts.Say("Upload.Night", id));

    static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(Texts.Say("Night.NotFound", id), statusCode: StatusCodes.Status404NotFound, title: Texts.Say("Problem.NotFound"));
}
