using MetadataExtractor;
using MetadataExtractor.Formats.Exif;

namespace ErasWeb.Nights;

/// <summary>When a photo was taken, as its camera wrote it (EXIF DateTimeOriginal): local time, no zone.</summary>
public static class CaptureTime
{
    /// <summary>The capture time, or null when the photo carries none or its metadata cannot be read.</summary>
    public static DateTime? Of(ArraySegment<byte> photo)
    {
        try
        {
            using var stream = new MemoryStream(photo.Array!, photo.Offset, photo.Count, writable: false);
            foreach (var exif in ImageMetadataReader.ReadMetadata(stream).OfType<ExifSubIfdDirectory>())
                if (exif.TryGetDateTime(ExifDirectoryBase.TagDateTimeOriginal, out var taken)) return DateTime.SpecifyKind(taken, DateTimeKind.Unspecified);
        }
        // Metadata is a nicety, read from bytes anyone can craft: whatever it throws, the photo simply has no capture time.
        catch (Exception e) when (e is not OutOfMemoryException) { }
        return null;
    }
}
