using ErasWeb.Localisation;
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
        new(MediaRejection.Empty, Texts.Say("Media.Empty"));
    public static MediaRejectedException Corrupt(string format, string why) =>
        new(MediaRejection.Corrupt, Texts.Say("Media.Corrupt", format, why));
    public static MediaRejectedException Unsupported(string what) =>
        new(MediaRejection.Unsupported, what);
    public static MediaRejectedException TooLarge(long limit) =>
        new(MediaRejection.TooLarge, Texts.Say("Media.TooLarge", FormatBytes(limit)));
    public static MediaRejectedException TooManyPixels(long width, long height, long limit) =>
        new(MediaRejection.TooManyPixels, Texts.Say("Media.TooManyPixels", width, height, width * height / 1e6, limit / 1e6));

    public static MediaRejectedException TooManyPixelsToDecodeWhole(string format, long width, long height, long limit, long jpegLimit) =>
        new(MediaRejection.TooManyPixels, Texts.Say("Media.TooManyPixelsToDecodeWhole", format, width, height, width * height / 1e6, limit / 1e6, jpegLimit / 1e6));

    public static string FormatBytes(long bytes) =>
        bytes >= 1024L * 1024 * 1024 ? Texts.Say("Bytes.Gigabytes", bytes / (1024.0 * 1024 * 1024))
        : bytes >= 1024 * 1024 ? Texts.Say("Bytes.Megabytes", bytes / (1024.0 * 1024)) : bytes >= 1024 ? Texts.Say("Bytes.Kilobytes", bytes / 1024.0) : Texts.Say("Bytes.Bytes", bytes);
}
