using ErasWeb.Configuration;
using ErasWeb.Localisation;
using ErasWeb.Media;
using ErasWeb.Uploads;

namespace ErasWeb.Nights;

/// <summary>One part of a night's upload: its place, name and size, and where it waits (null when it was not kept, with the reason).</summary>
public sealed record ReceivedPhoto(int Index, string FileName, long SizeBytes, string? File, string? Error);

/// <summary>A night's photos as received: each in its own file in <paramref name="Folder"/> (under the uploads folder), not yet looked at.</summary>
public sealed record ReceivedNight(string Folder, IReadOnlyList<ReceivedPhoto> Photos)
{
    /// <summary>The bytes kept on disk for the worker: what the night takes of the job queue's room.</summary>
    public long StoredBytes => Photos.Where(p => p.File is not null).Sum(p => p.SizeBytes);
}

/// <summary>The limits on one night: photos, bytes in all, and each photo's bytes (as for <c>/predict</c>).</summary>
public sealed record NightLimits(int MaxPhotos, long MaxBytes, long MaxPhotoBytes)
{
    public static NightLimits From(ErasOptions o) => new(o.NightMaxPhotos, o.NightMaxBytes, o.MaxUploadBytes);
}

/// <summary>
/// Receives a night: every part in the field "file" is streamed to a file of its own as it arrives, so a
/// night of hundreds of phone photos is never held in memory. Whether each part is a photo is decided
/// later, by the job, from its bytes: a bad part becomes a reason on that photo, not a failed night.
/// Too many photos or bytes in all refuse the whole night (413) and keep nothing.
/// </summary>
public static class NightIntake
{
    const int BufferSize = 64 * 1024;

    /// <param name="onField">Called with each plain form field (the page's antiforgery token, gallery=true).</param>
    /// <param name="beforePhotos">Called once the first photo's part begins, before any of it is read; may throw to refuse the night.</param>
    public static async Task<ReceivedNight> ReadAsync(HttpRequest request, NightLimits limits, string uploadsDir, Func<string, string, Task>? onField, CancellationToken ct,
        Action? beforePhotos = null)
    {
        var name = "night-" + Guid.NewGuid().ToString("N");
        var folder = Directory.CreateDirectory(Path.Combine(uploadsDir, name)).FullName;
        var photos = new List<ReceivedPhoto>();
        long total = 0;
        try
        {
            // Each part carries its own headers and boundary: room for them on top of the photos' bytes.
            long overhead = (long)limits.MaxPhotos * 1024;
            await UploadReader.ReadFormAsync(request, limits.MaxBytes + overhead, () => TooLarge(limits), onField, async (fileName, body) =>
            {
                if (photos.Count == 0) beforePhotos?.Invoke();
                if (photos.Count == limits.MaxPhotos)
                    throw new MediaRejectedException(MediaRejection.TooLarge, Texts.Say("Night.TooManyPhotos", limits.MaxPhotos));
                int index = photos.Count;
                var (size, kept) = await SaveAsync(body, Path.Combine(folder, index.ToString()), limits.MaxPhotoBytes, limits.MaxBytes - total, () => TooLarge(limits), ct);
                total += size;
                photos.Add(new ReceivedPhoto(index, fileName, size, kept ? index.ToString() : null,
                    kept ? null : MediaRejectedException.TooLarge(limits.MaxPhotoBytes).Message));
            }, ct);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
        if (photos.Count == 0)
        {
            Directory.Delete(folder, recursive: true);
            throw new MediaRejectedException(MediaRejection.MissingFile,
                Texts.Say("Night.NoFile", UploadReader.FieldName));
        }
        return new ReceivedNight(name, photos);
    }

    static MediaRejectedException TooLarge(NightLimits limits) =>
        new(MediaRejection.TooLarge, Texts.Say("Night.TooLarge", MediaRejectedException.FormatBytes(limits.MaxBytes)));

    /// <summary>
    /// Streams one part to <paramref name="path"/>: a photo over its own limit is not kept (its bytes still
    /// count), and bytes beyond what the night has left refuse the night.
    /// </summary>
    static async Task<(long Size, bool Kept)> SaveAsync(Stream body, string path, long maxPhotoBytes, long nightLeft, Func<MediaRejectedException> tooLarge, CancellationToken ct)
    {
        var buffer = new byte[BufferSize];
        long size = 0;
        bool kept = true;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
        {
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                size += read;
                if (size > nightLeft) throw tooLarge();
                if (size > maxPhotoBytes) kept = false;
                if (kept) await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        if (!kept) File.Delete(path);
        return (size, kept);
    }
}
