using SkiaSharp;

namespace ErasWeb.Media;

/// <summary>
/// Photos on disk, read by the command-line tools exactly as uploads are read: folders are searched
/// for image file names, then the first bytes decide what a file is, whatever it is called.
/// </summary>
public static class ImageFiles
{
    public static readonly IReadOnlyList<string> Extensions = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"];

    /// <summary>
    /// Files with an image extension in a folder (and its sub-folders if <paramref name="recursive"/>),
    /// in ordinal order. Hidden files are skipped: a camera roll copied from a Mac is full of
    /// <c>._IMG_0001.JPG</c> resource forks.
    /// </summary>
    public static IEnumerable<string> In(string folder, bool recursive) =>
        Directory.EnumerateFiles(folder, "*", new EnumerationOptions
        {
            RecurseSubdirectories = recursive,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        })
        .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
        .Order(StringComparer.Ordinal);

    /// <summary>A file's bytes if they are an image ErasWeb reads; the header is checked first, so a video named .jpg is never read whole.</summary>
    public static (byte[] Bytes, SniffResult Sniff) Read(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[FileSniffer.HeaderLength];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var sniff = FileSniffer.SniffImage(head.AsSpan(0, read));
        var bytes = new byte[stream.Length];
        head.AsSpan(0, read).CopyTo(bytes);
        stream.ReadExactly(bytes, read, bytes.Length - read);
        return (bytes, sniff);
    }

    public static DecodedImage Decode(string path, PixelLimits limits, int modelShortSide, SKColor? background = null)
    {
        var (bytes, sniff) = Read(path);
        return ImageDecoder.Decode(bytes, sniff, limits, modelShortSide, background);
    }
}
