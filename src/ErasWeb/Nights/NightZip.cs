using System.IO.Compression;
using ErasWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Nights;

/// <summary>
/// A night's photos sorted for keeping: a folder per set in show order ("01 Lover", "02 Fearless"...),
/// then "Between sets", each photo as its stored display copy (long side at most 1024 px, no EXIF), named
/// by its place in the night and its file name. The originals are not kept, so these copies are what there is.
/// </summary>
public static class NightZip
{
    public const string BetweenSets = "Between sets";

    /// <summary>Writes the zip into <paramref name="output"/>; returns how many photos it holds.</summary>
    public static async Task<int> WriteAsync(Night night, ErasDb db, Stream output, CancellationToken ct)
    {
        var visible = (await NightQueries.PhotoPredictionsAsync(night, db, ct)).Keys.ToHashSet();
        var sets = NightQueries.SetsOf(night.Photos, null);
        string Folder(NightPhoto photo) => sets.FindIndex(s => s.Era == photo.Era && s.Set == photo.Set) is var i and >= 0
            ? $"{i + 1:00} {sets[i].Era}{(sets[i].Set is { } album ? $" ({album})" : "")}"
            : BetweenSets;
        int count = 0;
        // The archive writes an entry's closing record synchronously, which a response stream refuses: it goes into
        // this buffer, emptied asynchronously after each photo. The central directory at the end fits in it too.
        await using var buffered = new BufferedStream(output, 1024 * 1024);
        await using (var zip = await ZipArchive.CreateAsync(buffered, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct))
        {
            foreach (var photo in night.Photos.Where(p => p.PredictionId is long id && visible.Contains(id)).OrderBy(p => p.Position))
            {
                // Deleted since the night was looked up (its photo's own upload, or the night itself): left out.
                if (await db.PredictionPictures.AsNoTracking().Where(p => p.PredictionId == photo.PredictionId).Select(p => p.Display).FirstOrDefaultAsync(ct) is not { } picture)
                    continue;
                var name = $"{Folder(photo)}/{photo.Position + 1:000} {Path.GetFileNameWithoutExtension(photo.FileName.Replace('/', '_').Replace('\\', '_'))}.jpg";
                await using (var file = await zip.CreateEntry(name, CompressionLevel.NoCompression).OpenAsync(ct)) // JPEGs do not compress
                    await file.WriteAsync(picture, ct);
                await buffered.FlushAsync(ct);
                count++;
            }
        }
        await buffered.FlushAsync(ct);
        return count;
    }
}
