using System.Text.Json;
using System.Text.Json.Serialization;

namespace ErasWeb.Classification.Manifest;

/// <summary>
/// Describes an ONNX image classifier so ErasWeb can use it instead of the built-in model: how to
/// turn a photo into its input tensor, how to read its output, and optionally how to explain it
/// with exact Grad-CAM. Lives next to the ONNX file; see README, "Bring your own model".
/// </summary>
public sealed record ModelManifest(
    string Format,
    string Model,
    IReadOnlyList<string> Labels,
    ManifestInput Input,
    ManifestOutput Output,
    ManifestExplanation? Explanation = null,
    string? Sha256 = null,
    float UncertainBelow = 0.5f,
    int OcclusionGrid = 7)
{
    public const string CurrentFormat = "erasweb-model-manifest/1";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static ModelManifest Parse(byte[] json, string path)
    {
        ModelManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<ModelManifest>(json, Json); }
        catch (JsonException e) { throw Invalid(path, $"it is not valid JSON of the expected shape ({e.Message})"); }
        if (manifest is null) throw Invalid(path, "it is empty");
        manifest.Validate(path);
        return manifest;
    }

    /// <summary>Checks what can be checked without the ONNX file.</summary>
    void Validate(string path)
    {
        if (Format != CurrentFormat) Fail($"\"format\" is '{Format}'; expected '{CurrentFormat}'");
        if (string.IsNullOrWhiteSpace(Model)) Fail("\"model\" (the ONNX file, relative to the manifest) is missing");
        if (Labels is not { Count: >= 2 }) Fail("\"labels\" needs at least two labels");
        if (Input is null) Fail("\"input\" is missing");
        if (Output is null) Fail("\"output\" is missing");
        if (string.IsNullOrEmpty(Input!.Name)) Fail("\"input.name\" is missing");
        if (Input.Layout is not ("NCHW" or "NHWC")) Fail($"\"input.layout\" is '{Input.Layout}'; use NCHW or NHWC");
        if (Input.Width is < 8 or > 4096 || Input.Height is < 8 or > 4096) Fail($"\"input.width\" and \"input.height\" must be 8..4096 (got {Input.Width}x{Input.Height})");
        if (Input.Resize is not ("stretch" or "center-crop")) Fail($"\"input.resize\" is '{Input.Resize}'; use stretch or center-crop");
        if (Input.CropFraction is <= 0 or > 1) Fail($"\"input.crop_fraction\" must be in (0, 1] (got {Input.CropFraction})");
        if (Input.Scaling is not ("raw" or "unit" or "mean-std")) Fail($"\"input.scaling\" is '{Input.Scaling}'; use raw (0-255), unit (0-1) or mean-std");
        if (Input.Scaling == "mean-std" && (Input.Mean is not { Length: 3 } || Input.Std is not { Length: 3 } || Input.Std.Any(s => s <= 0)))
            Fail("\"input.scaling\" mean-std needs \"mean\" and \"std\" with three values each (std above zero)");
        if (Input.Channels is not ("RGB" or "BGR")) Fail($"\"input.channels\" is '{Input.Channels}'; use RGB or BGR");
        if (string.IsNullOrEmpty(Output!.Name)) Fail("\"output.name\" is missing");
        if (Output.Kind is not ("probabilities" or "logits")) Fail($"\"output.kind\" is '{Output.Kind}'; use probabilities or logits");
        if (Explanation is { } x)
        {
            if (string.IsNullOrEmpty(x.FeatureMap)) Fail("\"explanation.feature_map\" is missing");
            if (x.Layout is not ("NCHW" or "NHWC")) Fail($"\"explanation.layout\" is '{x.Layout}'; use NCHW or NHWC");
            if (x.HeadWeights is null || x.HeadWeights.Length != Labels.Count)
                Fail($"\"explanation.head_weights\" needs one row per label ({Labels.Count}), got {x.HeadWeights?.Length ?? 0}");
            if (x.HeadWeights!.Any(row => row.Length != x.HeadWeights[0].Length || row.Length == 0))
                Fail("\"explanation.head_weights\" rows differ in length");
        }
        if (UncertainBelow is < 0 or > 1) Fail($"\"uncertain_below\" must be in 0..1 (got {UncertainBelow})");
        if (OcclusionGrid is < 2 or > 32) Fail($"\"occlusion_grid\" must be 2..32 (got {OcclusionGrid})");

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        void Fail(string why) => throw Invalid(path, why);
    }

    public static InvalidDataException Invalid(string path, string why) =>
        new($"The model manifest '{Path.GetFullPath(path)}' cannot be used: {why}.");
}

/// <summary>How a picture becomes the input tensor. <c>mean</c> and <c>std</c> are per colour in R, G, B order, whatever the channel order.</summary>
public sealed record ManifestInput(
    string Name,
    string Layout,
    int Width,
    int Height,
    string Resize = "stretch",
    float CropFraction = 1,
    string Scaling = "raw",
    float[]? Mean = null,
    float[]? Std = null,
    string Channels = "RGB");

public sealed record ManifestOutput(string Name, string Kind = "probabilities");

/// <summary>A feature-map output and the weights of the linear layer over its global average pool (rows: labels), for exact Grad-CAM.</summary>
public sealed record ManifestExplanation(string FeatureMap, float[][] HeadWeights, string Layout = "NCHW");
