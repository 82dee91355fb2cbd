using System.Buffers;
using ErasWeb.Localisation;
using ErasWeb.Media;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ErasWeb.Uploads;

/// <summary>The form <see cref="UploadReader"/> reads, as the OpenAPI document describes it: the file in the field "file".</summary>
public sealed record UploadForm(IFormFile File);

/// <summary>The upload limits: photos are read into memory (counted against <paramref name="InFlight"/>), videos streamed to the uploads folder.</summary>
public sealed record UploadLimits(long MaxImageBytes, long MaxVideoBytes, string UploadsDir, PhotoBytesInFlight? InFlight = null)
{
    public static UploadLimits From(ErasWeb.Configuration.ErasOptions o, PhotoBytesInFlight inFlight) => new(o.MaxUploadBytes, o.MaxVideoUploadBytes, o.UploadsDir, inFlight);
    public long Largest => Math.Max(MaxImageBytes, MaxVideoBytes);
}

/// <summary>
/// Streams the multipart field "file" as it arrives, counting bytes, so an oversized upload is
/// refused without being buffered first. The first bytes decide what it is: a video goes to a
/// file on disk (hashed on the way), anything else into memory for the photo pipeline.
/// </summary>
public static class UploadReader
{
    public const string FieldName = "file";
    const long MultipartOverhead = 64 * 1024;
    const int BufferSize = 64 * 1024;
    const long InitialCapacityLimit = 4 * 1024 * 1024;
    const int MaxFieldLength = 4096;

    /// <param name="onField">Called with each plain form field, wherever it comes (the upload page sends its antiforgery token first).</param>
    /// <param name="onSniffed">Called with whether the file is a video once its first bytes are in, before the rest is read; may throw to refuse it.</param>
    public static async Task<ReceivedUpload> ReadAsync(HttpRequest request, UploadLimits limits, CancellationToken ct,
        Func<string, string, Task>? onField = null, Func<bool, Task>? onSniffed = null)
    {
        ReceivedUpload? upload = null;
        try
        {
            await ReadFormAsync(request, limits.Largest, () => MediaRejectedException.TooLarge(limits.Largest), onField, async (name, body) =>
            {
                if (upload is not null)
                    throw new MediaRejectedException(MediaRejection.MalformedUpload, Texts.Say("Upload.OneFile", FieldName));
                // Presized from Content-Length to skip regrowth, but never reserving much on a client's word.
                long expected = Math.Min(request.ContentLength ?? 0, InitialCapacityLimit);
                upload = await ReceiveAsync(body, name, limits, expected, onSniffed, request.HttpContext.Response, limits.InFlight?.Open(request.HttpContext.Response), ct);
                // The rest of the form is still read: a field after the file (unlisted=true) counts as much as one before it.
            }, ct);
        }
        catch
        {
            Discard(upload);
            throw;
        }
        return upload ?? throw new MediaRejectedException(MediaRejection.MissingFile,
            Texts.Say("Upload.NoFile", FieldName));
    }

    /// <summary>
    /// Walks a multipart/form-data body as it arrives, never buffering it: each short plain field goes to
    /// <paramref name="onField"/>, each part in the field "file" to <paramref name="onFile"/> with its sanitised
    /// name and its content as a stream, to be read before the next part. A body over
    /// <paramref name="maxBytes"/> (plus the form's own overhead) is refused with <paramref name="tooLarge"/>.
    /// </summary>
    public static async Task ReadFormAsync(HttpRequest request, long maxBytes, Func<MediaRejectedException> tooLarge,
        Func<string, string, Task>? onField, Func<string, Stream, Task> onFile, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes + MultipartOverhead) throw tooLarge();
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxBytes + MultipartOverhead;

        var boundary = request.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var media)
            && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
                ? HeaderUtilities.RemoveQuotes(media.Boundary).Value
                : null;
        if (string.IsNullOrEmpty(boundary))
            throw new MediaRejectedException(MediaRejection.NotMultipart,
                Texts.Say("Upload.NotMultipart", FieldName));
        try
        {
            // A larger buffer than the 4 KB default: fewer reads and boundary scans for multi-megabyte photos.
            var reader = new MultipartReader(boundary, request.Body, BufferSize);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, FieldName, StringComparison.Ordinal))
                {
                    await onFile(FileNames.Sanitize(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value), section.Body);
                    await section.Body.CopyToAsync(Stream.Null, ct); // whatever the handler left unread
                }
                else if (onField is not null && disposition is { FileName.HasValue: false, FileNameStar.HasValue: false })
                {
                    // Only short fields are read; a long one is skipped, never held whole.
                    var value = new char[MaxFieldLength + 1];
                    int length = await new StreamReader(section.Body).ReadBlockAsync(value, ct);
                    await section.Body.CopyToAsync(Stream.Null, ct);
                    if (length <= MaxFieldLength) await onField(HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "", new string(value, 0, length));
                }
                else await section.Body.CopyToAsync(Stream.Null, ct);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw tooLarge();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or BadHttpRequestException)
        {
            throw new MediaRejectedException(MediaRejection.MalformedUpload, Texts.Say("Upload.Unreadable", e.Message));
        }
    }

    /// <summary>A video already on disk is not kept for a request that failed after it; a photo's buffer goes with the response.</summary>
    static void Discard(ReceivedUpload? upload)
    {
        if (upload is VideoUpload video) File.Delete(video.Path);
    }

    /// <summary>Reads one file's content: sniffs its first bytes, then keeps a photo in memory or streams a video to disk.</summary>
    static async Task<ReceivedUpload> ReceiveAsync(Stream content, string fileName, UploadLimits limits, long expectedBytes, Func<bool, Task>? onSniffed,
        HttpResponse response, PhotoBytesInFlight.Reservation? reservation, CancellationToken ct)
    {
        var head = new byte[FileSniffer.HeaderLength];
        int headLength = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var sniff = FileSniffer.Sniff(head.AsSpan(0, headLength));
        if (onSniffed is not null) await onSniffed(sniff.IsVideo);
        if (sniff.IsVideo) return await SaveVideoAsync(content, head.AsMemory(0, headLength), sniff, fileName, limits, ct);

        if (headLength > limits.MaxImageBytes) throw MediaRejectedException.TooLarge(limits.MaxImageBytes);
        long capacity = Math.Max(expectedBytes, headLength);
        reservation?.GrowTo(capacity);
        // Read straight into one pooled array, lent until the response is done: a photo is large
        // enough for the large object heap, and a fresh array (plus a copy) per upload kept that heap large under load.
        var buffer = new PooledBytes((int)Math.Max(capacity, BufferSize));
        response.RegisterForDispose(buffer);
        try
        {
            head.AsSpan(0, headLength).CopyTo(buffer.Bytes);
            int length = headLength, read;
            // One byte beyond the limit is room enough to tell that a file is over it.
            int largest = (int)Math.Min(limits.MaxImageBytes + 1, Array.MaxLength);
            while ((read = await content.ReadAsync(buffer.Bytes.AsMemory(length), ct)) > 0)
            {
                length += read;
                if (length > limits.MaxImageBytes) throw MediaRejectedException.TooLarge(limits.MaxImageBytes);
                reservation?.GrowTo(length);
                if (length == buffer.Bytes.Length) buffer.Grow((int)Math.Min(2L * length, largest));
            }
            return new Upload(buffer.Bytes.AsMemory(0, length), fileName);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>An array rented from the shared pool and returned exactly once, when the request ends or as soon as reading it fails.</summary>
    sealed class PooledBytes(int size) : IDisposable
    {
        byte[]? array = ArrayPool<byte>.Shared.Rent(size);

        public byte[] Bytes => array ?? throw new ObjectDisposedException(nameof(PooledBytes));

        /// <summary>Moves the contents to a larger array.</summary>
        public void Grow(int size)
        {
            var larger = ArrayPool<byte>.Shared.Rent(size);
            Bytes.CopyTo(larger, 0);
            ArrayPool<byte>.Shared.Return(Interlocked.Exchange(ref array, larger)!, clearArray: true);
        }

        public void Dispose()
        {
            // Cleared: an unlisted photo's bytes must not linger in the pool for other code to rent.
            if (Interlocked.Exchange(ref array, null) is { } rented) ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>Written under a temporary name and renamed when complete, so a half-received video never looks like an accepted one.</summary>
    static async Task<VideoUpload> SaveVideoAsync(Stream content, ReadOnlyMemory<byte> head, SniffResult sniff, string fileName, UploadLimits limits, CancellationToken ct)
    {
        Directory.CreateDirectory(limits.UploadsDir);
        var id = Guid.NewGuid().ToString("N");
        var partial = Path.Combine(limits.UploadsDir, id + ".part");
        var final = Path.Combine(limits.UploadsDir, id + ".video");
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        long size = 0;
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                var chunk = new byte[BufferSize];
                head.CopyTo(chunk);
                int read = head.Length;
                do
                {
                    size += read;
                    if (size > limits.MaxVideoBytes) throw MediaRejectedException.TooLarge(limits.MaxVideoBytes);
                    sha.AppendData(chunk, 0, read);
                    await file.WriteAsync(chunk.AsMemory(0, read), ct);
                }
                while ((read = await content.ReadAsync(chunk, ct)) > 0);
            }
            File.Move(partial, final);
            return new VideoUpload(final, sniff, size, Convert.ToHexStringLower(sha.GetHashAndReset()), fileName);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }
}

public static class FileNames
{
    /// <summary>
    /// Without control or invisible formatting characters (a right-to-left override could make
    /// "gpj.exe" read as "exe.jpg"), at most 200 characters; only ever displayed (escaped), never used as a path.
    /// </summary>
    public static string Sanitize(string? name)
    {
        var clean = new string((name ?? "").Where(c => !char.IsControl(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format).ToArray()).Trim();
        if (clean.Length > 200) clean = clean[..200];
        return clean.Length == 0 ? "upload" : clean;
    }
}
