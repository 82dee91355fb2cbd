using ErasWeb.Configuration;
using ErasWeb.Media;

namespace ErasWeb.Classification;

/// <summary>
/// Obtains the pinned backbone (from a local directory or by download), refuses it unless its
/// sha256 matches, and prepares once the graph that also outputs the feature map. The prepared
/// file is named after the source checksum and the edit, so a different source rebuilds it.
/// </summary>
public sealed class BackboneProvisioner(BackboneSpec spec, string source, string dataDir, ILogger logger)
{
    const string EditVersion = "featuremap1";

    public string ModelsDir => Path.Combine(dataDir, "models");

    public async Task<string> PrepareAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(ModelsDir);
        var original = await ObtainAsync(ct);
        var prepared = Path.Combine(ModelsDir, $"{spec.Name}.{spec.Sha256[..12]}.{EditVersion}.onnx");
        if (File.Exists(prepared)) return prepared;

        logger.LogInformation("Preparing {Model}: adding feature map output {Tensor}", spec.Name, spec.FeatureMapName);
        var edited = OnnxGraphEditor.AddFloatOutput(await File.ReadAllBytesAsync(original, ct), spec.FeatureMapName,
            ["batch", spec.FeatureChannels, spec.FeatureSize, spec.FeatureSize]);
        await Files.AtomicFile.WriteAllBytesAsync(prepared, edited, ct);
        return prepared;
    }

    /// <summary>The path of a verified copy of the pinned file.</summary>
    async Task<string> ObtainAsync(CancellationToken ct)
    {
        if (!ErasOptions.IsUrl(source))
        {
            var file = Directory.Exists(source) ? Path.Combine(source, spec.FileName) : source;
            if (!File.Exists(file))
                throw new BackboneUnavailableException($"The backbone file '{Path.GetFullPath(file)}' does not exist. Set ERAS_BACKBONE_SOURCE to a directory holding {spec.FileName} or to a URL of it.");
            Verify(await File.ReadAllBytesAsync(file, ct), file);
            return file;
        }

        // Downloads are cached in the data directory, so a restart needs no network.
        var cached = Path.Combine(ModelsDir, spec.FileName);
        if (File.Exists(cached) && ContentHash.Sha256Hex(await File.ReadAllBytesAsync(cached, ct)) == spec.Sha256) return cached;

        logger.LogInformation("Downloading {Model} from {Url}", spec.Name, source);
        byte[] bytes;
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            bytes = await client.GetByteArrayAsync(source, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new BackboneUnavailableException($"Could not download the backbone from {source}: {e.Message}. Without network access, set ERAS_BACKBONE_SOURCE to a directory holding {spec.FileName}.", e);
        }
        Verify(bytes, source);
        await Files.AtomicFile.WriteAllBytesAsync(cached, bytes, ct);
        return cached;
    }

    void Verify(byte[] bytes, string where)
    {
        var actual = ContentHash.Sha256Hex(bytes);
        if (actual != spec.Sha256)
            throw new BackboneUnavailableException($"Refusing the backbone from '{where}': its sha256 is {actual}, but {spec.Name} is pinned to {spec.Sha256}. Use the file published by the ONNX Model Zoo.");
    }
}

public sealed class BackboneUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
