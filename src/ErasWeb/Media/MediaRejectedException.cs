namespace ErasWeb.Media;

/// <summary>An upload we will not process, with the HTTP status and a sentence the user can act on.</summary>
public sealed class MediaRejectedException(int statusCode, string title, string detail) : Exception(detail)
{
    public int StatusCode { get; } = statusCode;
    public string Title { get; } = title;

    public static MediaRejectedException Empty() =>
        new(StatusCodes.Status400BadRequest, "Empty file", "The uploaded file is empty.");
    public static MediaRejectedException Corrupt(string format, string why) =>
        new(StatusCodes.Status400BadRequest, "Unreadable image", $"The file looks like {format} but cannot be decoded: {why}");
    public static MediaRejectedException Unsupported(string what) =>
        new(StatusCodes.Status415UnsupportedMediaType, "Unsupported file type", what);
    public static MediaRejectedException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "File too large", $"The upload is larger than the limit of {FormatBytes(limit)}.");
    public static MediaRejectedException TooManyPixels(long width, long height, long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "Image dimensions too large",
            $"The image declares {width}x{height} pixels ({width * height / 1e6:0.#} MP); the limit is {limit / 1e6:0.#} MP.");

    public static string FormatBytes(long bytes) =>
        bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MB" : bytes >= 1024 ? $"{bytes / 1024.0:0.#} KB" : $"{bytes} bytes";
}
