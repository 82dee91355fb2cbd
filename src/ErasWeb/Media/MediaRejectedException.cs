namespace ErasWeb.Media;

/// <summary>Why an upload cannot be used.</summary>
public enum MediaRejection
{
    /// <summary>The file has no bytes.</summary>
    Empty,
    /// <summary>It claims an image format but cannot be decoded (truncated, damaged).</summary>
    Corrupt,
    /// <summary>A format ErasWeb does not read (HEIC, SVG, text...).</summary>
    Unsupported,
    /// <summary>More bytes than the configured limit.</summary>
    TooLarge,
    /// <summary>An image whose header declares more pixels than the configured limit.</summary>
    TooManyPixels,
    /// <summary>The request is not a multipart form.</summary>
    NotMultipart,
    /// <summary>The multipart body cannot be read.</summary>
    MalformedUpload,
    /// <summary>The form has no file field.</summary>
    MissingFile,
    /// <summary>A video FFmpeg cannot read, without a picture, or claiming an absurd duration.</summary>
    UnreadableVideo,
}

/// <summary>
/// An upload we will not process: why, and a sentence the user can act on (the message). No HTTP
/// here: the command-line verbs read files through Media too, and the web app decides in one place
/// (<c>DomainProblems</c>) which status and title each reason gets.
/// </summary>
public sealed class MediaRejectedException(MediaRejection reason, string detail) : Exception(detail)
{
    public MediaRejection Reason { get; } = reason;

    public static MediaRejectedException Empty() =>
        new(MediaRejection.Empty, "The uploaded file is empty.");
    public static MediaRejectedException Corrupt(string format, string why) =>
        new(MediaRejection.Corrupt, $"The file looks like {format} but cannot be decoded: {why}");
    public static MediaRejectedException Unsupported(string what) =>
        new(MediaRejection.Unsupported, what);
    public static MediaRejectedException TooLarge(long limit) =>
        new(MediaRejection.TooLarge, $"The upload is larger than the limit of {FormatBytes(limit)}.");
    public static MediaRejectedException TooManyPixels(long width, long height, long limit) =>
        new(MediaRejection.TooManyPixels, $"The image declares {width}x{height} pixels ({width * height / 1e6:0.#} MP); the limit is {limit / 1e6:0.#} MP.");

    public static MediaRejectedException TooManyPixelsToDecodeWhole(string format, long width, long height, long limit, long jpegLimit) =>
        new(MediaRejection.TooManyPixels, $"The {format} image is {width}x{height} pixels ({width * height / 1e6:0.#} MP). A {format} is decoded at full size, "
            + $"so its limit is {limit / 1e6:0.#} MP: make it smaller, or save it as a baseline JPEG (up to {jpegLimit / 1e6:0.#} MP).");

    public static string FormatBytes(long bytes) =>
        bytes >= 1024L * 1024 * 1024 ? $"{bytes / (1024.0 * 1024 * 1024):0.#} GB"
        : bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MB" : bytes >= 1024 ? $"{bytes / 1024.0:0.#} KB" : $"{bytes} bytes";
}
