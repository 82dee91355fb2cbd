using ErasWeb.Classification;
using ErasWeb.Media;
using SkiaSharp;

namespace ErasWeb.Training;

/// <summary>A photo's pooled backbone features, one vector per view, and the sha256 of its bytes.</summary>
public sealed record PhotoFeatures(string Sha256, float[][] Views);

/// <summary>
/// Pooled backbone features of image files, decoded and preprocessed exactly as uploads are.
/// Features are cached on disk by content sha256 and view, so re-running training or
/// cross-validation only pays for photos and views it has not seen.
/// </summary>
public sealed class FeatureExtractor(Backbone backbone, BackboneSpec spec, long maxPixels, string? cacheDir)
{
    const int InputsPerRun = 16;

    /// <summary>Features per path; null for a file that cannot be read (the reason goes to <paramref name="onError"/>).</summary>
    public PhotoFeatures?[] Extract(IReadOnlyList<string> paths, IReadOnlyList<View> views, Action<int>? onProgress = null, Action<string, string>? onError = null)
    {
        var results = new PhotoFeatures?[paths.Count];
        for (int i = 0; i < paths.Count; i++)
        {
            try { results[i] = ExtractOne(paths[i], views); }
            catch (Exception e) when (e is MediaRejectedException or IOException or UnauthorizedAccessException)
            {
                onError?.Invoke(paths[i], e.Message);
            }
            onProgress?.Invoke(i + 1);
        }
        return results;
    }

    PhotoFeatures ExtractOne(string path, IReadOnlyList<View> views)
    {
        var bytes = File.ReadAllBytes(path);
        var sha = ContentHash.Sha256Hex(bytes);
        var features = new float[]?[views.Count];
        for (int v = 0; v < views.Count; v++) features[v] = ReadCached(sha, views[v]);
        var missing = Enumerable.Range(0, views.Count).Where(v => features[v] is null).ToList();
        if (missing.Count > 0)
        {
            using var decoded = ImageDecoder.Decode(bytes, FileSniffer.SniffContent(bytes), maxPixels);
            foreach (var chunk in missing.Chunk(InputsPerRun))
            {
                var chunkViews = chunk.Select(v => views[v]).ToList();
                var input = ModelInput.RentBatch([decoded.Upright], chunkViews);
                BackboneOutput output;
                try { output = backbone.Run(input, chunk.Length); }
                finally { System.Buffers.ArrayPool<float>.Shared.Return(input); }
                using var _ = output;
                for (int j = 0; j < chunk.Length; j++)
                {
                    features[chunk[j]] = EraHead.Pool(output.FeatureMap(j), spec.FeatureChannels);
                    WriteCached(sha, views[chunk[j]], features[chunk[j]]!);
                }
            }
        }
        return new PhotoFeatures(sha, features!);
    }

    // The key names everything the numbers depend on: backbone, preprocessing revision, view, bytes.
    string? CachePath(string sha, View view) => cacheDir is null ? null : Path.Combine(cacheDir, $"{spec.Sha256[..12]}-p1",
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"s{view.Scale:0.####}-x{view.CenterX:0.####}-y{view.CenterY:0.####}{(view.Mirror ? "-m" : "")}"),
        sha + ".f32");

    float[]? ReadCached(string sha, View view)
    {
        if (CachePath(sha, view) is not { } path || !File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != spec.FeatureChannels * sizeof(float)) return null;
        var features = new float[spec.FeatureChannels];
        Buffer.BlockCopy(bytes, 0, features, 0, bytes.Length);
        return features;
    }

    void WriteCached(string sha, View view, float[] features)
    {
        if (CachePath(sha, view) is not { } path) return;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[features.Length * sizeof(float)];
        Buffer.BlockCopy(features, 0, bytes, 0, bytes.Length);
        // Written aside and moved into place, so a crash never leaves a short file under the final name.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
