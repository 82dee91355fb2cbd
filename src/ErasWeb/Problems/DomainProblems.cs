using ErasWeb.Admin;
using ErasWeb.Classification;
using ErasWeb.Fans;
using ErasWeb.Localisation;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Uploads;
using ErasWeb.Videos;
using ErasWeb.Web;

namespace ErasWeb.Problems;

/// <summary>A domain failure as HTTP tells it: the status, a short title, the sentence the user can act on, and when to retry.</summary>
public sealed record DomainProblem(int Status, string Title, string Detail, int? RetryAfterSeconds = null)
{
    public void ApplyTo(HttpResponse response)
    {
        response.StatusCode = Status;
        if (RetryAfterSeconds is int seconds) response.Headers.RetryAfter = seconds.ToString();
    }
}

/// <summary>
/// The one place that decides which status and title each domain failure gets, so the API (through
/// <see cref="DomainExceptionHandler"/>) and the upload page answer a bad upload alike.
/// </summary>
public static class DomainProblems
{
    /// <summary>Null for anything that is not a domain failure: a bug stays a 500.</summary>
    public static DomainProblem? From(Exception exception) => exception switch
    {
        MediaRejectedException rejected => From(rejected.Reason, rejected.Message),
        // Loading takes seconds; a client that waits a little gets an answer.
        ModelNotReadyException notReady => new(StatusCodes.Status503ServiceUnavailable, Texts.Say("Problem.ModelLoading"), notReady.Message, RetryAfterSeconds: 5),
        TakenDownException takenDown => new(StatusCodes.Status410Gone, Texts.Say("Problem.TakenDown"), takenDown.Message),
        UploadsBusyException busy => new(StatusCodes.Status503ServiceUnavailable, Texts.Say("Problem.Busy"), busy.Message, RetryAfterSeconds: 2),
        UnknownEraException unknownEra => new(StatusCodes.Status400BadRequest, Texts.Say("Problem.UnknownEra"), unknownEra.Message),
        // One client's share is that client's doing (429); a full queue is the site's (503).
        VideoQueueFullException { PerClient: true } full => new(StatusCodes.Status429TooManyRequests, Texts.Say("Problem.TooManyWaiting"), full.Message, VideoQueueFullException.RetryAfterSeconds),
        VideoQueueFullException full => new(StatusCodes.Status503ServiceUnavailable, Texts.Say("Problem.QueueFull"), full.Message, VideoQueueFullException.RetryAfterSeconds),
        TooManyUploadsException tooMany => new(StatusCodes.Status429TooManyRequests, Texts.Say("Problem.TooManyUploads"), tooMany.Message, RateLimiting.Seconds(tooMany.RetryAfter)),
        StorageFullException full => new(StatusCodes.Status507InsufficientStorage, Texts.Say("Problem.StorageFull"), full.Message),
        PrivateNightException privateNight => new(StatusCodes.Status409Conflict, Texts.Say("Problem.PrivateNight"), privateNight.Message),
        _ => null,
    };

    static DomainProblem From(MediaRejection reason, string detail) => reason switch
    {
        MediaRejection.Empty => new(StatusCodes.Status400BadRequest, Texts.Say("Problem.EmptyFile"), detail),
        MediaRejection.Corrupt => new(StatusCodes.Status400BadRequest, Texts.Say("Problem.UnreadableImage"), detail),
        MediaRejection.MalformedUpload => new(StatusCodes.Status400BadRequest, Texts.Say("Problem.MalformedUpload"), detail),
        MediaRejection.MissingFile => new(StatusCodes.Status400BadRequest, Texts.Say("Problem.NoFile"), detail),
        MediaRejection.TooLarge => new(StatusCodes.Status413PayloadTooLarge, Texts.Say("Problem.FileTooLarge"), detail),
        MediaRejection.TooManyPixels => new(StatusCodes.Status413PayloadTooLarge, Texts.Say("Problem.TooManyPixels"), detail),
        MediaRejection.Unsupported => new(StatusCodes.Status415UnsupportedMediaType, Texts.Say("Problem.Unsupported"), detail),
        MediaRejection.NotMultipart => new(StatusCodes.Status415UnsupportedMediaType, Texts.Say("Problem.NotMultipart"), detail),
        MediaRejection.UnreadableVideo => new(StatusCodes.Status422UnprocessableEntity, Texts.Say("Problem.UnreadableVideo"), detail),
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
