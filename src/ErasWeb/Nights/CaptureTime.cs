using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Jpeg;

namespace ErasWeb.Nights;

/// <summary>When a photo was taken, as its camera wrote it (EXIF DateTimeOriginal): local time, no zone.</summary>
public static class CaptureTime
{
    /// <summary>Capture times outside these years are a camera's unset clock, not a show: the photo has none.</summary>
    const int FirstYear = 2000, LastYear = 2100;

    /// <summary>
    /// The capture time of a JPEG, or null when it carries none or its metadata cannot be read. Only the
    /// JPEG's Exif segments are read (phones write capture times there): no other metadata is parsed,
    /// and nothing compressed is inflated, however the bytes were crafted.
    /// </summary>
    public static DateTime? Of(ArraySegment<byte> jpeg)
    {
        try
        {
            using var stream = new MemoryStream(jpeg.Array!, jpeg.Offset, jpeg.Count, writable: false);
            foreach (var exif in JpegMetadataReader.ReadMetadata(stream, [new ExifReader()]).OfType<ExifSubIfdDirectory>())
                if (exif.TryGetDateTime(ExifDirectoryBase.TagDateTimeOriginal, out var taken) && taken.Year is >= FirstYear and <= LastYear)
                    return DateTime.SpecifyKind(taken, DateTimeKind.Unspecified);
        }
        // Metadata is a nicety, read from bytes anyone can craft: whatever it throws, the photo simply has no capture time.
        catch (Exception e) when (e is not OutOfMemoryException) { }
        return null;
    }
}
