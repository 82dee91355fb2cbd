using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using ErasWeb.Media;

namespace ErasWeb.Predictions;

public sealed record Upload(byte[] Bytes, string FileName);

/// <summary>
/// Streams the multipart field "file" into memory, counting bytes as they arrive, so an oversized
/// upload is refused without being buffered first.
/// </summary>
public static class UploadReader
{
    public const string FieldName = "file";
    const long MultipartOverhead = 64 * 1024;
    const int BufferSize = 64 * 1024;
    const long InitialCapacityLimit = 4 * 1024 * 1024;

    public static async Task<Upload> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes + MultipartOverhead) throw MediaRejectedException.TooLarge(maxBytes);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxBytes + MultipartOverhead;

        var boundary = request.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var media)
            && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
                ? HeaderUtilities.RemoveQuotes(media.Boundary).Value
                : null;
        if (string.IsNullOrEmpty(boundary))
            throw new MediaRejectedException(StatusCodes.Status415UnsupportedMediaType, "Expected a multipart upload",
                $"Send the file as multipart/form-data in a field named '{FieldName}' (curl -F {FieldName}=@photo.jpg).");

        try
        {
            // A larger buffer than the 4 KB default: fewer reads and boundary scans for multi-megabyte photos.
            var reader = new MultipartReader(boundary, request.Body, BufferSize);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, FieldName, StringComparison.Ordinal))
                {
                    await section.Body.CopyToAsync(Stream.Null, ct);
                    continue;
                }
                var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                // Presized from Content-Length to skip regrowth, but never reserving much on a client's word.
                long expected = Math.Min(request.ContentLength ?? 0, InitialCapacityLimit);
                return new Upload(await ReadLimitedAsync(section.Body, maxBytes, expected, ct), FileNames.Sanitize(name));
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw MediaRejectedException.TooLarge(maxBytes);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or BadHttpRequestException)
        {
            throw new MediaRejectedException(StatusCodes.Status400BadRequest, "Malformed upload", $"The multipart body could not be read: {e.Message}");
        }
        throw new MediaRejectedException(StatusCodes.Status400BadRequest, "No file",
            $"The request has no field named '{FieldName}': send the image as multipart/form-data in that field.");
    }

    static async Task<byte[]> ReadLimitedAsync(Stream body, long maxBytes, long expectedBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream((int)expectedBytes);
        var chunk = new byte[BufferSize];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw MediaRejectedException.TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
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
