using System.IO.Compression;
using System.Text;
using ErasWeb.Data;
using ErasWeb.Media;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Retraining;

/// <summary>
/// The pictures whose label an admin accepted, as a zip in the shared photos' layout:
/// <c>&lt;era&gt;/&lt;file&gt;.jpg</c> and a <c>MANIFEST.tsv</c> with the same columns, which the train
/// command reads beside the shared set. Each picture is its own group, named by the uploaded file's
/// content hash, so cross-validation never splits one picture; the photos of a night whose decoded eras
/// were accepted share one group (<c>night-ID</c>), as one evening shows the same outfits again and again.
/// A video contributes its key frame. Hidden predictions are left out, and so are uploads kept out of the
/// gallery (the query filter sees neither): those are their uploaders' alone.
/// </summary>
public static class DatasetExport
{
    public static readonly string[] ManifestColumns = ["file", "class", "kind", "group", "source_repo", "source_commit", "source_path", "bytes", "sha256"];

    /// <summary>One labelled picture: where it goes in the dataset, its manifest row and its JPEG.</summary>
    sealed record Entry(string File, string ManifestRow, byte[] Picture);

    static async IAsyncEnumerable<Entry> EntriesAsync(ErasDb db, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var labelled = await db.Feedback.AsNoTracking()
            .Where(f => f.Status == FeedbackStatus.Accepted && f.Label != null)
            .OrderBy(f => f.PredictionId)
            .Select(f => new { f.PredictionId, Label = f.Label!, f.NightId, f.Prediction!.Kind, f.Prediction.ContentSha256 })
            .ToListAsync(ct);
        foreach (var item in labelled)
        {
            var picture = await db.PredictionPictures.AsNoTracking().Where(p => p.PredictionId == item.PredictionId).Select(p => p.Display).FirstAsync(ct);
            var file = $"{item.Label}/{item.PredictionId}-{item.ContentSha256[..12]}.jpg";
            var source = item.Kind == PredictionKind.Video ? $"prediction/{item.PredictionId}/key-frame" : $"prediction/{item.PredictionId}";
            var group = item.NightId is long night ? $"night-{night}" : item.ContentSha256;
            yield return new Entry(file, string.Join('\t', file, item.Label, "stage_photo", group, "erasweb", "", source, picture.Length, ContentHash.Sha256Hex(picture)), picture);
        }
    }

    static string Header => string.Join('\t', ManifestColumns);

    /// <summary>Writes the zip into <paramref name="output"/>; returns how many pictures it holds.</summary>
    public static async Task<int> WriteZipAsync(ErasDb db, Stream output, CancellationToken ct)
    {
        var manifest = new StringBuilder(Header).Append('\n');
        int count = 0;
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            await foreach (var entry in EntriesAsync(db, ct))
            {
                await using (var file = await zip.CreateEntry(entry.File, CompressionLevel.NoCompression).OpenAsync(ct)) // JPEGs do not compress
                    await file.WriteAsync(entry.Picture, ct);
                manifest.Append(entry.ManifestRow).Append('\n');
                count++;
            }
            await using var writer = new StreamWriter(await zip.CreateEntry("MANIFEST.tsv").OpenAsync(ct), new UTF8Encoding(false));
            await writer.WriteAsync(manifest, ct);
        }
        return count;
    }

    /// <summary>Writes the dataset as a folder (what a retraining reads); returns how many pictures it holds.</summary>
    public static async Task<int> WriteFolderAsync(ErasDb db, string folder, CancellationToken ct)
    {
        var manifest = new StringBuilder(Header).Append('\n');
        int count = 0;
        await foreach (var entry in EntriesAsync(db, ct))
        {
            var path = Path.Combine(folder, entry.File);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, entry.Picture, ct);
            manifest.Append(entry.ManifestRow).Append('\n');
            count++;
        }
        await File.WriteAllTextAsync(Path.Combine(folder, "MANIFEST.tsv"), manifest.ToString(), ct);
        return count;
    }
}
