using ErasWeb.Classification;
using ErasWeb.Media;
using SkiaSharp;

namespace ErasWeb.Training;

/// <summary>
/// A photo's pooled backbone features, one vector per view, the sha256 of its bytes, and for a
/// stage cut-out the features of each generated stage scene (<c>Scenes[scene][view]</c>).
/// </summary>
public sealed record PhotoFeatures(string Sha256, float[][] Views, float[][][] Scenes)
{
    /// <summary>For a stage photo, the zoomed view's features of generated stadium frames with it on stage (where the stage finder found it).</summary>
    public float[][] Stadium { get; init; } = [];
}

/// <summary>A labelled photo seen from the stands: the whole view's features of a generated stadium frame, and the zoomed view's if the stage finder found the stage.</summary>
public sealed record FarFeatures(float[] Whole, float[]? Zoomed);

/// <summary>
/// Pooled backbone features of labelled photos, decoded and preprocessed exactly as uploads are;
/// a stage cut-out is shown on black, and also in generated stage scenes. Features are cached on
/// disk by content sha256, rendition and view, so re-running training or cross-validation only
/// pays for what it has not seen.
/// </summary>
public sealed class FeatureExtractor(Backbone backbone, BackboneSpec spec, PixelLimits limits, string? cacheDir)
{
    const int InputsPerRun = 16;

    /// <summary>Features per photo; null for a file that cannot be read (the reason goes to <paramref name="onError"/>).</summary>
    public PhotoFeatures?[] Extract(IReadOnlyList<LabelledPhoto> photos, IReadOnlyList<View> views, int cutoutScenes,
        Action<int>? onProgress = null, Action<string, string>? onError = null, int stadiumScenes = 0)
    {
        var results = new PhotoFeatures?[photos.Count];
        for (int i = 0; i < photos.Count; i++)
        {
            try
            {
                results[i] = ExtractOne(photos[i], views, photos[i].Kind == LabelledPhotos.StageCutout ? cutoutScenes : 0);
                if (stadiumScenes > 0 && photos[i].Kind == LabelledPhotos.StagePhoto)
                    results[i] = results[i]! with
                    {
                        Stadium = Far(photos[i], Enumerable.Range(0, stadiumScenes).Select(k => (StadiumScenes.TrainingShares[k % StadiumScenes.TrainingShares.Length], TrainingSalt + k)).ToList(), views)
                            .Where(f => f.Zoomed is not null).Select(f => f.Zoomed!).ToArray(),
                    };
            }
            catch (Exception e) when (e is MediaRejectedException or IOException or UnauthorizedAccessException)
            {
                onError?.Invoke(photos[i].Path, e.Message);
            }
            onProgress?.Invoke(i + 1);
        }
        return results;
    }

    /// <summary>Features of a picture held in memory (a generated one), one vector per view; not cached.</summary>
    public float[][] Extract(SKBitmap image, IReadOnlyList<View> views)
    {
        var features = new float[]?[views.Count];
        Fill(image, null, "", views, features);
        return features.Select(f => f!).ToArray();
    }

    /// <summary>Seeds of the stadium frames training uses; evaluation draws its own frames from other seeds.</summary>
    const int TrainingSalt = 1000;

    /// <summary>
    /// The photo on the stage of generated stadium frames, one per (height share, seed), each
    /// uploaded as a JPEG and seen as the app sees it: through the whole view, and zoomed where
    /// the stage finder finds the stage. A share of 0 stands for the photo itself, as uploaded.
    /// </summary>
    /// <param name="views">The head's prediction views: the whole picture's features are their average, as the app computes them.</param>
    public FarFeatures[] Far(LabelledPhoto photo, IReadOnlyList<(float Share, int Seed)> frames, IReadOnlyList<View> views)
    {
        var (bytes, sniff) = ImageFiles.Read(photo.Path);
        var sha = ContentHash.Sha256Hex(bytes);
        string Rendition((float Share, int Seed) f) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{StadiumScenesVersion}-{f.Share:0.###}-{f.Seed}");
        var results = frames.Select(f => views.Select(v => ReadCached(sha, Rendition(f), v)).ToArray() is var whole && whole.All(w => w is not null)
            && ReadCachedZoom(sha, Rendition(f)) is { } zoomed
            ? new FarFeatures(TrainingExample.Average(whole!), zoomed.Length == 0 ? null : zoomed) : null).ToArray();
        if (results.All(r => r is not null)) return results!;

        // Drawn from a larger decode than the model's own, as a camera's pixels would be.
        using var decoded = ImageDecoder.Decode(bytes, sniff, limits, StadiumScenes.Height / 2);
        int seed = Convert.ToInt32(sha[..7], 16);
        for (int k = 0; k < frames.Count; k++)
        {
            if (results[k] is not null) continue;
            // A share of 0 is the photo itself, as uploaded.
            using var frame = frames[k].Share > 0 ? StadiumScenes.Frame(decoded.Upright, frames[k].Share, seed ^ frames[k].Seed) : null;
            using var uploaded = frame is null ? ImageDecoder.Decode(bytes, sniff, limits, ModelInput.ResizeShortSide) : StadiumScenes.AsUploaded(frame, limits);
            var whole = Extract(uploaded.Upright, views);
            float[]? zoomed = null;
            if (StageFinder.Find(uploaded.Upright) is { } region)
            {
                var input = ModelInput.RentRegions([(uploaded.Upright, region)]);
                try
                {
                    using var output = backbone.Run(input, 1);
                    zoomed = EraHead.Pool(output.FeatureMap(0), spec.FeatureChannels);
                }
                finally { System.Buffers.ArrayPool<float>.Shared.Return(input); }
            }
            for (int v = 0; v < views.Count; v++) WriteCached(sha, Rendition(frames[k]), views[v], whole[v]);
            WriteCachedZoom(sha, Rendition(frames[k]), zoomed ?? []);
            results[k] = new FarFeatures(TrainingExample.Average(whole), zoomed);
        }
        return results!;
    }

    PhotoFeatures ExtractOne(LabelledPhoto photo, IReadOnlyList<View> views, int scenes)
    {
        var (bytes, sniff) = ImageFiles.Read(photo.Path);
        var sha = ContentHash.Sha256Hex(bytes);
        bool cutout = photo.Kind == LabelledPhotos.StageCutout;
        // Renditions: the photo as uploads are decoded, or a cut-out on black followed by its scenes.
        var renditions = (cutout ? ["on-black", .. Enumerable.Range(0, scenes).Select(k => $"{CutoutScenesVersion}-{k}")] : new[] { "upload" }).ToList();
        var features = renditions.Select(r => views.Select(v => ReadCached(sha, r, v)).ToArray()).ToArray();
        if (features.Any(r => r.Any(f => f is null)))
        {
            using var decoded = ImageDecoder.Decode(bytes, sniff, limits, ModelInput.ResizeShortSide, cutout ? SKColors.Transparent : null);
            int seed = Convert.ToInt32(sha[..7], 16);
            for (int r = 0; r < renditions.Count; r++)
            {
                if (features[r].All(f => f is not null)) continue;
                using var onBlack = cutout && r == 0 ? CutoutScenes.OnBlack(decoded.Upright) : null;
                using var scene = cutout && r > 0 ? CutoutScenes.Scene(decoded.Upright, seed, r - 1) : null;
                Fill(onBlack ?? scene ?? decoded.Upright, sha, renditions[r], views, features[r]);
            }
        }
        return new PhotoFeatures(sha, features[0]!, features.Skip(1).Select(r => r.Select(f => f!).ToArray()).ToArray());
    }

    /// <summary>Runs the backbone on the views whose features are missing and caches them (when the picture has a <paramref name="sha"/>).</summary>
    void Fill(SKBitmap image, string? sha, string rendition, IReadOnlyList<View> views, float[]?[] features)
    {
        var missing = Enumerable.Range(0, views.Count).Where(v => features[v] is null).ToList();
        foreach (var chunk in missing.Chunk(InputsPerRun))
        {
            var input = ModelInput.RentBatch([image], chunk.Select(v => views[v]).ToList());
            BackboneOutput output;
            try { output = backbone.Run(input, chunk.Length); }
            finally { System.Buffers.ArrayPool<float>.Shared.Return(input); }
            using var _ = output;
            for (int j = 0; j < chunk.Length; j++)
            {
                features[chunk[j]] = EraHead.Pool(output.FeatureMap(j), spec.FeatureChannels);
                if (sha is not null) WriteCached(sha, rendition, views[chunk[j]], features[chunk[j]]!);
            }
        }
    }

    /// <summary>Changes whenever the scene generator draws differently, so cached scene features are not reused.</summary>
    const string CutoutScenesVersion = "scene1";
    const string StadiumScenesVersion = "stadium1";

    // The key names everything the numbers depend on: backbone, preprocessing revision, rendition, view, bytes.
    string? CachePath(string sha, string rendition, View view) => cacheDir is null ? null : Path.Combine(cacheDir, $"{spec.Sha256[..12]}-p1",
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{(rendition == "upload" ? "" : rendition + "-")}s{view.Scale:0.####}-x{view.CenterX:0.####}-y{view.CenterY:0.####}{(view.Mirror ? "-m" : "")}{(view.Stretch ? $"-{ContentBounds.Version}-stretch" : "")}"),
        sha + ".f32");

    string? ZoomCachePath(string sha, string rendition) =>
        cacheDir is null ? null : Path.Combine(cacheDir, $"{spec.Sha256[..12]}-p1", $"{rendition}-{StageFinder.Version}-zoomed", sha + ".f32");

    /// <summary>The zoomed view's cached features, empty when the stage finder found nothing, null when not cached.</summary>
    float[]? ReadCachedZoom(string sha, string rendition) => Read(ZoomCachePath(sha, rendition), allowEmpty: true);

    void WriteCachedZoom(string sha, string rendition, float[] features) => Write(ZoomCachePath(sha, rendition), features);

    float[]? ReadCached(string sha, string rendition, View view) => Read(CachePath(sha, rendition, view), allowEmpty: false);

    float[]? Read(string? path, bool allowEmpty)
    {
        if (path is null || !File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        if (allowEmpty && bytes.Length == 0) return [];
        if (bytes.Length != spec.FeatureChannels * sizeof(float)) return null;
        var features = new float[spec.FeatureChannels];
        Buffer.BlockCopy(bytes, 0, features, 0, bytes.Length);
        return features;
    }

    void WriteCached(string sha, string rendition, View view, float[] features) => Write(CachePath(sha, rendition, view), features);

    static void Write(string? path, float[] features)
    {
        if (path is null) return;
        var bytes = new byte[features.Length * sizeof(float)];
        Buffer.BlockCopy(features, 0, bytes, 0, bytes.Length);
        Files.AtomicFile.WriteAllBytes(path, bytes);
    }
}
