using System.IO.Compression;
using System.Text;
using ErasWeb.Data;
using ErasWeb.Media;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Admin;

/// <summary>
/// The pictures whose label an admin accepted, as a zip in the shared photos' layout:
/// <c>&lt;era&gt;/&lt;file&gt;.jpg</c> and a <c>MANIFEST.tsv</c> with the same columns, which the train
/// command reads beside the shared set. Each picture is its own group, named by the uploaded file's
/// content hash, so cross-validation never splits one picture; a video contributes its key frame.
/// Hidden predictions are left out.
/// </summary>
public static class DatasetExport
{
    public static readonly string[] ManifestColumns = ["file", "class", "kind", "group", "source_repo", "source_commit", "source_path", "bytes", "sha256"];

    /// <summary>Writes the zip into <paramref name="output"/>; returns how many pictures it holds.</summary>
    public static async Task<int> WriteAsync(ErasDb db, Stream output, CancellationToken ct)
    {
        var labelled = await db.Feedback.AsNoTracking()
            .Where(f => f.Status == FeedbackStatus.Accepted && f.Label != null)
            .OrderBy(f => f.PredictionId)
            .Select(f => new { f.PredictionId, Label = f.Label!, f.Prediction!.Kind, f.Prediction.ContentSha256 })
            .ToListAsync(ct);
        var manifest = new StringBuilder(string.Join('\t', ManifestColumns) + "\n");
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var item in labelled)
            {
                var picture = await db.PredictionPictures.AsNoTracking().Where(p => p.PredictionId == item.PredictionId).Select(p => p.Display).FirstAsync(ct);
                var file = $"{item.Label}/{item.PredictionId}-{item.ContentSha256[..12]}.jpg";
                await using (var entry = await zip.CreateEntry(file, CompressionLevel.NoCompression).OpenAsync(ct)) // JPEGs do not compress
                    await entry.WriteAsync(picture, ct);
                var source = item.Kind == PredictionKind.Video ? $"prediction/{item.PredictionId}/key-frame" : $"prediction/{item.PredictionId}";
                manifest.Append(string.Join('\t', file, item.Label, "stage_photo", item.ContentSha256, "erasweb", "", source, picture.Length, ContentHash.Sha256Hex(picture))).Append('\n');
            }
            await using var writer = new StreamWriter(await zip.CreateEntry("MANIFEST.tsv").OpenAsync(ct), new UTF8Encoding(false));
            await writer.WriteAsync(manifest, ct);
        }
        return labelled.Count;
    }
}
