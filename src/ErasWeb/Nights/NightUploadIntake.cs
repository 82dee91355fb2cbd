using ErasWeb.Configuration;
using ErasWeb.Uploads;
using ErasWeb.Videos;
using ErasWeb.Web;
using Microsoft.Extensions.Options;

namespace ErasWeb.Nights;

/// <summary>
/// The one way in for a night, through <c>POST /api/nights</c> and the upload page alike: the storage quota;
/// a full job queue, or the client's full share of it, refused from the Content-Length before anything is read;
/// the client's night limit; the photos streamed to disk with the gallery choice; then the night queued as a job.
/// What refuses it on the way is thrown as the domain's exceptions, answered alike at both doors.
/// </summary>
public sealed class NightUploadIntake(StorageQuota quota, VideoJobService queue, UploadRateLimiter rateLimits, UploadPageToken pageToken,
    NightService nights, ClientIdentity clients, IOptions<ErasOptions> options)
{
    /// <summary>The form field that puts a night in the public gallery.</summary>
    public const string GalleryField = "gallery";

    public async Task<AcceptedNight> ReceiveAsync(HttpRequest request, UploadDoor door, CancellationToken ct)
    {
        var http = request.HttpContext;
        await quota.EnsureRoomAsync(ct);
        await queue.CheckRoomBeforeReadingAsync(request.ContentLength ?? 0, clients.Of(http), ct);
        // The API's night counts at once; the page's once its token has proven the form, as a forged
        // cross-site post must not use up a visitor's allowance.
        bool proven = door == UploadDoor.Api;
        if (proven) await rateLimits.AdmitNightAsync(http, ct);
        bool? gallery = null;
        var received = await NightIntake.ReadAsync(request, NightLimits.From(options.Value), options.Value.UploadsDir, async (name, value) =>
        {
            if (name == GalleryField) gallery = UploadIntake.Flag(name, value) && gallery != false; // sent twice, private wins
            if (door != UploadDoor.Page || !await pageToken.IsValidAsync(http, name, value)) return;
            proven = true;
            await rateLimits.AdmitNightAsync(http, ct);
        }, ct, beforePhotos: () =>
        {
            if (!proven) throw UploadPageToken.Missing("photos");
        });
        return await nights.AcceptAsync(received, gallery == true, clients.Of(http), ct);
    }
}
