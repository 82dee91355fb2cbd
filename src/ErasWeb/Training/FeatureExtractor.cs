using ErasWeb.Classification;
using ErasWeb.Media;
using SkiaSharp;

namespace ErasWeb.Training;

/// <summary>Pooled backbone features of image files, decoded and preprocessed exactly as uploads are.</summary>
public sealed class FeatureExtractor(Backbone backbone, BackboneSpec spec, long maxPixels)
{
    const int BatchSize = 8;

    /// <summary>Features per path; null for a file that cannot be read (the reason goes to <paramref name="onError"/>).</summary>
    public float[]?[] Extract(IReadOnlyList<string> paths, Action<int>? onProgress = null, Action<string, string>? onError = null)
    {
        var features = new float[]?[paths.Count];
        for (int start = 0; start < paths.Count; start += BatchSize)
        {
            var indices = new List<int>();
            var images = new List<SKBitmap>();
            try
            {
                for (int i = start; i < Math.Min(start + BatchSize, paths.Count); i++)
                {
                    try
                    {
                        var bytes = File.ReadAllBytes(paths[i]);
                        var decoded = ImageDecoder.Decode(bytes, FileSniffer.Sniff(bytes.AsSpan(0, Math.Min(bytes.Length, FileSniffer.HeaderLength))), maxPixels);
                        images.Add(decoded.Upright);
                        indices.Add(i);
                    }
                    catch (Exception e) when (e is MediaRejectedException or IOException or UnauthorizedAccessException)
                    {
                        onError?.Invoke(paths[i], e.Message);
                    }
                }
                if (images.Count > 0)
                {
                    var input = ModelInput.RentBatch(images);
                    BackboneOutput output;
                    try { output = backbone.Run(input, images.Count); }
                    finally { System.Buffers.ArrayPool<float>.Shared.Return(input); }
                    using var _ = output;
                    for (int j = 0; j < indices.Count; j++) features[indices[j]] = EraHead.Pool(output.FeatureMap(j), spec.FeatureChannels);
                }
            }
            finally
            {
                foreach (var image in images) image.Dispose();
            }
            onProgress?.Invoke(Math.Min(start + BatchSize, paths.Count));
        }
        return features;
    }
}
