using System.Diagnostics;
using ErasWeb.Configuration;
using ErasWeb.Localisation;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Shows;
using ErasWeb.Videos;
using ErasWeb.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ErasWeb.Uploads;

/// <summary>
/// Which door an upload comes through: the API, for scripts and apps, or the upload page, whose form
/// must prove itself with its antiforgery token (<see cref="UploadPageToken"/>) before its file.
/// </summary>
public enum UploadDoor { Api, Page }

/// <summary>What became of an upload, whichever door it came through, for that door to answer in its own way.</summary>
public abstract record UploadOutcome
{
    UploadOutcome() { }

    /// <summary>
    /// A photo, classified and stored. <paramref name="FileName"/> is this upload's own name: an answer stored
    /// before for the same bytes never tells under which name someone else sent them. The times are the request's
    /// reading and the work after it.
    /// </summary>
    public sealed record Photo(UploadedPrediction Answer, string FileName, TimeSpan Receiving, TimeSpan Predicting) : UploadOutcome;

    /// <summary>A video, accepted as a job (or as the job its bytes already are); <paramref name="FileName"/> as for a photo.</summary>
    public sealed record Video(AcceptedVideo Accepted, string FileName) : UploadOutcome;

    /// <summary>An upload received whole and then refused by a rule of the intake: the problem the API answers, whose detail the page shows.</summary>
    public sealed record Refused(ProblemDetails Problem) : UploadOutcome;
}

/// <summary>
/// The one way in for a photo or a video, through <c>POST /predict</c> and the upload page alike: the storage
/// quota, the streamed form with its fields, the client's rate limit as soon as the first bytes tell the kind
/// (before the rest is read), the rule that only photos stay out of the gallery, then the photo classified or
/// the video queued. What refuses an upload on the way (storage full, too large, too many, unreadable) is
/// thrown as the domain's exceptions, which <c>DomainProblems</c> turns into the same status and sentence at
/// both doors: the API's exception handler answers them with problem JSON, the page in words.
/// </summary>
public sealed class UploadIntake(StorageQuota quota, UploadRateLimiter rateLimits, PhotoBytesInFlight inFlight, UploadPageToken pageToken,
    ImagePredictionService images, VideoJobService videos, ClientIdentity clients, IOptions<ErasOptions> options)
{
    /// <summary>The form field (before or after the file) that keeps an upload out of the gallery.</summary>
    public const string UnlistedField = "unlisted";

    /// <param name="decode">How a video is to be read.</param>
    public async Task<UploadOutcome> ReceiveAsync(HttpRequest request, UploadDoor door, DecodeMode decode, CancellationToken ct)
    {
        var http = request.HttpContext;
        await quota.EnsureRoomAsync(ct);
        var watch = Stopwatch.StartNew();
        bool unlisted = false, proven = door == UploadDoor.Api;
        var upload = await UploadReader.ReadAsync(request, UploadLimits.From(options.Value, inFlight), ct, async (name, value) =>
        {
            if (name == UnlistedField) unlisted |= Flag(name, value); // sent twice, keeping it out of the gallery wins
            if (door == UploadDoor.Page) proven |= await pageToken.IsValidAsync(http, name, value);
        }, onSniffed: async isVideo =>
        {
            // Only a proven form counts against the address: a forged cross-site post must not use up a visitor's allowance.
            if (!proven) throw UploadPageToken.Missing("file");
            await rateLimits.AdmitAsync(http, isVideo, ct);
        });
        var received = watch.Elapsed;
        if (upload is VideoUpload video)
        {
            if (!unlisted) return new UploadOutcome.Video(await videos.AcceptAsync(video, clients.Of(http), decode, ct), video.FileName);
            File.Delete(video.Path);
            return new UploadOutcome.Refused(new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = Texts.Say("Problem.VideosListed"),
                Detail = Texts.Say("Upload.VideosListed"),
            });
        }
        var answer = await images.PredictAsync((Upload)upload, unlisted, ct);
        return new UploadOutcome.Photo(answer, upload.FileName, received, watch.Elapsed - received);
    }

    /// <summary>
    /// A yes-or-no form field as people and libraries write it (true/on/1/yes, false/off/0/no, any case);
    /// anything else is refused rather than taken for "no", as a privacy choice must never fail open.
    /// </summary>
    public static bool Flag(string field, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "on" or "1" or "yes" => true,
        "false" or "off" or "0" or "no" or "" => false,
        _ => throw new MediaRejectedException(MediaRejection.MalformedUpload, Texts.Say("Upload.NotAFlag", field, value)),
    };
}

public static class UploadServices
{
    /// <summary>The intake of photos and videos, and the page's token check that nights share.</summary>
    public static IServiceCollection AddUploadIntake(this IServiceCollection services) =>
        services.AddScoped<UploadIntake>().AddScoped<UploadPageToken>();
}
