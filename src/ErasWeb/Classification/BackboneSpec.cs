namespace ErasWeb.Classification;

/// <summary>The pinned backbone: which file, its checksum and what its graph calls things (where it comes from is configuration: ErasOptions.BackboneSource).</summary>
public sealed record BackboneSpec(
    string Name,
    string FileName,
    string Sha256,
    string InputName,
    string LogitsName,
    string FeatureMapName,
    int FeatureChannels,
    int FeatureSize)
{
    public static readonly BackboneSpec MobileNetV2Int8 = new(
        Name: "mobilenetv2-12-int8",
        FileName: "mobilenetv2-12-int8.onnx",
        Sha256: "cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f",
        InputName: "input",
        LogitsName: "output",
        // The dequantized output of the last convolution, already computed inside the graph.
        FeatureMapName: "627",
        FeatureChannels: 1280,
        FeatureSize: 7);
}
