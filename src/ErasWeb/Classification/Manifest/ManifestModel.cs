using System.Buffers;
using System.Globalization;
using ErasWeb.Media;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace ErasWeb.Classification.Manifest;

/// <summary>
/// An ONNX image classifier described by a <see cref="ModelManifest"/>. Explains with exact
/// Grad-CAM when the manifest names a feature map and the head weights over it, otherwise with an
/// occlusion map: the winning era's probability drop when each patch of the input is greyed out.
/// </summary>
public sealed class ManifestModel : IEraModel
{
    const int MaxBatch = 8;
    readonly InferenceSession session;
    readonly ModelManifest manifest;
    readonly RunOptions runOptions = new();
    readonly int batchLimit;
    readonly string[] outputNames;
    readonly InputFormat format;

    ManifestModel(InferenceSession session, ModelManifest manifest, string version, int batchLimit)
    {
        this.session = session;
        this.manifest = manifest;
        format = FormatOf(manifest.Input);
        this.batchLimit = batchLimit;
        Version = version;
        outputNames = manifest.Explanation is { } x ? [manifest.Output.Name, x.FeatureMap] : [manifest.Output.Name];
        Card = new ModelCard(version, "onnx-manifest", manifest.Labels, Explanation.Name(),
            string.Create(CultureInfo.InvariantCulture, $"uncertain when the winning era's probability is under {manifest.UncertainBelow:0.##}"));
    }

    public string Version { get; }
    public IReadOnlyList<string> Labels => manifest.Labels;

    /// <summary>None: a model a manifest describes is the site owner's, with no era head of ours to version or retrain.</summary>
    public EraHead? Head => null;

    public IEraModel WithHead(EraHead head) => throw new InvalidOperationException("A model described by a manifest has no era head to replace.");
    public ModelCard Card { get; }
    public ExplanationKind Explanation => manifest.Explanation is null ? ExplanationKind.Occlusion : ExplanationKind.GradCam;
    int InputLength => format.Length;

    /// <summary>The manifest's input in the terms every model's input is written in.</summary>
    static InputFormat FormatOf(ManifestInput input)
    {
        // Scale and shift are per tensor channel; mean and std are given in RGB order.
        int Rgb(int c) => input.Channels == "BGR" ? 2 - c : c;
        var (scale, shift) = input.Scaling switch
        {
            "raw" => (new[] { 1f, 1f, 1f }, new[] { 0f, 0f, 0f }),
            "unit" => (new[] { 1 / 255f, 1 / 255f, 1 / 255f }, new[] { 0f, 0f, 0f }),
            _ => (Enumerable.Range(0, 3).Select(c => 1 / (255f * input.Std![Rgb(c)])).ToArray(), Enumerable.Range(0, 3).Select(c => -input.Mean![Rgb(c)] / input.Std![Rgb(c)]).ToArray()),
        };
        return new InputFormat(input.Width, input.Height, input.Layout == "NCHW", input.Channels == "BGR", scale, shift);
    }

    public static ManifestModel Load(string manifestPath, int intraOpThreads)
    {
        var manifestBytes = File.ReadAllBytes(manifestPath);
        var manifest = ModelManifest.Parse(manifestBytes, manifestPath);
        var modelPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifestPath))!, manifest.Model);
        if (!File.Exists(modelPath)) throw ModelManifest.Invalid(manifestPath, $"its model file '{modelPath}' does not exist");
        var modelBytes = File.ReadAllBytes(modelPath);
        var sha = ContentHash.Sha256Hex(modelBytes);
        if (manifest.Sha256 is { Length: > 0 } expected && !expected.Equals(sha, StringComparison.OrdinalIgnoreCase))
            throw ModelManifest.Invalid(manifestPath, $"'{manifest.Model}' has sha256 {sha}, not the {expected} the manifest pins");

        InferenceSession session;
        try { session = OnnxSessions.Open(modelBytes, intraOpThreads); }
        catch (OnnxRuntimeException e) { throw ModelManifest.Invalid(manifestPath, $"ONNX Runtime cannot load '{manifest.Model}': {e.Message}"); }
        try
        {
            int batchLimit = CheckAgainstModel(session, manifest, manifestPath);
            var version = $"onnx:{manifest.Model}@{sha[..12]}+manifest@{ContentHash.Sha256Hex(manifestBytes)[..12]}";
            return new ManifestModel(session, manifest, version, batchLimit);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The manifest must match the graph: names, shapes, label count, feature channels. Returns how many images one run may take.</summary>
    static int CheckAgainstModel(InferenceSession session, ModelManifest m, string path)
    {
        var input = m.Input;
        if (!session.InputMetadata.TryGetValue(input.Name, out var inputMeta))
            throw ModelManifest.Invalid(path, $"the model has no input '{input.Name}' (it has {string.Join(", ", session.InputMetadata.Keys)})");
        int[] expected = input.Layout == "NCHW" ? [-1, 3, input.Height, input.Width] : [-1, input.Height, input.Width, 3];
        var dims = inputMeta.Dimensions;
        if (dims.Length != 4 || Enumerable.Range(1, 3).Any(i => dims[i] > 0 && dims[i] != expected[i]))
            throw ModelManifest.Invalid(path, $"input '{input.Name}' has shape [{string.Join(",", dims)}], which is not {input.Layout} {input.Width}x{input.Height} with 3 channels");

        if (!session.OutputMetadata.TryGetValue(m.Output.Name, out var outputMeta))
            throw ModelManifest.Invalid(path, $"the model has no output '{m.Output.Name}' (it has {string.Join(", ", session.OutputMetadata.Keys)})");
        if (outputMeta.Dimensions is [.., var classes] && classes > 0 && classes != m.Labels.Count)
            throw ModelManifest.Invalid(path, $"output '{m.Output.Name}' gives {classes} values per image but the manifest has {m.Labels.Count} labels");

        if (m.Explanation is { } x)
        {
            if (!session.OutputMetadata.TryGetValue(x.FeatureMap, out var mapMeta))
                throw ModelManifest.Invalid(path, $"the model has no output '{x.FeatureMap}' for explanation.feature_map (it has {string.Join(", ", session.OutputMetadata.Keys)})");
            var mapDims = mapMeta.Dimensions;
            int channels = mapDims.Length == 4 ? (x.Layout == "NCHW" ? mapDims[1] : mapDims[3]) : 0;
            if (mapDims.Length != 4 || (channels > 0 && channels != x.HeadWeights[0].Length))
                throw ModelManifest.Invalid(path, $"feature map '{x.FeatureMap}' has shape [{string.Join(",", mapDims)}], but explanation.head_weights rows have {x.HeadWeights[0].Length} values; they must match its {x.Layout} channels");
        }
        return dims[0] == 1 ? 1 : MaxBatch;
    }

    public int PreferredShortSide => manifest.Input.Resize == "stretch"
        ? Math.Max(manifest.Input.Width, manifest.Input.Height)
        : (int)Math.Ceiling(Math.Max(manifest.Input.Width, manifest.Input.Height) / manifest.Input.CropFraction);

    public IReadOnlyList<EraPrediction> Classify(IReadOnlyList<SKBitmap> images, HeatmapFor heatmap = default)
    {
        var predictions = new List<EraPrediction>(images.Count);
        foreach (var chunk in images.Chunk(batchLimit))
        {
            var input = ArrayPool<float>.Shared.Rent(chunk.Length * InputLength);
            try
            {
                var regions = chunk.Select(image => Region(image.Width, image.Height)).ToArray();
                for (int i = 0; i < chunk.Length; i++) ModelInput.Write(chunk[i], regions[i], format, mirror: false, input.AsSpan(i * InputLength, InputLength));
                var (probabilities, maps) = Run(input, chunk.Length, withFeatureMap: manifest.Explanation is not null && !heatmap.Skip);
                for (int i = 0; i < chunk.Length; i++)
                {
                    int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities[i]);
                    int shown = heatmap.Era ?? best;
                    var map = heatmap.Skip ? Heatmap.None(Explanation)
                        : maps is null ? Occlusion(input.AsMemory(i * InputLength, InputLength), shown, probabilities[i][shown])
                        : GradCamOf(maps[i], shown);
                    float confidence = probabilities[i][best];
                    predictions.Add(new EraPrediction(manifest.Labels, probabilities[i], best, map, regions[i],
                        confidence < manifest.UncertainBelow ? UncertainReasons.LowConfidence(confidence, manifest.UncertainBelow) : null));
                }
            }
            finally { ArrayPool<float>.Shared.Return(input); }
        }
        return predictions;
    }

    /// <summary>The part of the picture the model sees: all of it (stretch), or a centred rectangle of the input's shape.</summary>
    SKRect Region(int width, int height)
    {
        var input = manifest.Input;
        if (input.Resize == "stretch") return new SKRect(0, 0, width, height);
        float aspect = (float)input.Width / input.Height;
        float w = Math.Min(width, height * aspect) * input.CropFraction, h = w / aspect;
        return new SKRect((width - w) / 2, (height - h) / 2, (width + w) / 2, (height - h) / 2 + h);
    }

    /// <summary>Probabilities per image and, when asked, each image's feature map with its layout-independent shape.</summary>
    (float[][] Probabilities, FeatureMap[]? Maps) Run(float[] input, int count, bool withFeatureMap)
    {
        var m = manifest.Input;
        long[] shape = m.Layout == "NCHW" ? [count, 3, m.Height, m.Width] : [count, m.Height, m.Width, 3];
        using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, count * InputLength), shape);
        using var outputs = session.Run(runOptions, [m.Name], [inputValue], withFeatureMap ? outputNames : [manifest.Output.Name]);
        var scores = outputs[0].GetTensorDataAsSpan<float>();
        int classes = manifest.Labels.Count;
        if (scores.Length != count * classes)
            throw new InvalidDataException($"The model's output '{manifest.Output.Name}' gave {scores.Length} values for {count} images and {classes} labels.");
        var probabilities = new float[count][];
        for (int i = 0; i < count; i++)
        {
            var row = scores.Slice(i * classes, classes);
            probabilities[i] = manifest.Output.Kind == "logits" ? EraHead.Softmax(row) : row.ToArray();
        }
        if (!withFeatureMap) return (probabilities, null);

        var mapShape = outputs[1].GetTensorTypeAndShape().Shape;
        bool nchw = manifest.Explanation!.Layout == "NCHW";
        int channels = (int)(nchw ? mapShape[1] : mapShape[3]), mapHeight = (int)(nchw ? mapShape[2] : mapShape[1]), mapWidth = (int)(nchw ? mapShape[3] : mapShape[2]);
        var data = outputs[1].GetTensorDataAsSpan<float>();
        int length = channels * mapHeight * mapWidth;
        var maps = new FeatureMap[count];
        for (int i = 0; i < count; i++) maps[i] = new FeatureMap(data.Slice(i * length, length).ToArray(), new FeatureMapShape(channels, mapHeight, mapWidth, nchw));
        return (probabilities, maps);
    }

    sealed record FeatureMap(float[] Values, FeatureMapShape Shape);

    /// <summary>Exact Grad-CAM for a linear head over the global average pool.</summary>
    Heatmap GradCamOf(FeatureMap map, int era)
    {
        var cam = new float[map.Shape.Positions];
        GradCam.Add(map.Values, map.Shape, manifest.Explanation!.HeadWeights[era], mirrored: false, cam);
        return new Heatmap(GradCam.Finish(cam), map.Shape.Width, map.Shape.Height, ExplanationKind.GradCam);
    }

    /// <summary>Greys out each cell of a grid over the input in turn; a cell is as hot as the winning era's probability drops without it.</summary>
    Heatmap Occlusion(ReadOnlyMemory<float> original, int era, float baseline)
    {
        var m = manifest.Input;
        int grid = manifest.OcclusionGrid, cells = grid * grid, plane = m.Width * m.Height;
        var drops = new float[cells];
        var neutral = Enumerable.Range(0, 3).Select(c => 127.5f * format.Scale[c] + format.Shift[c]).ToArray();
        for (int start = 0; start < cells; start += batchLimit)
        {
            int count = Math.Min(batchLimit, cells - start);
            var batch = ArrayPool<float>.Shared.Rent(count * InputLength);
            try
            {
                for (int j = 0; j < count; j++)
                {
                    var copy = batch.AsSpan(j * InputLength, InputLength);
                    original.Span.CopyTo(copy);
                    int cell = start + j, gx = cell % grid, gy = cell / grid;
                    for (int y = gy * m.Height / grid; y < (gy + 1) * m.Height / grid; y++)
                        for (int x = gx * m.Width / grid; x < (gx + 1) * m.Width / grid; x++)
                            for (int c = 0; c < 3; c++)
                                copy[m.Layout == "NCHW" ? c * plane + y * m.Width + x : 3 * (y * m.Width + x) + c] = neutral[c];
                }
                var (probabilities, _) = Run(batch, count, withFeatureMap: false);
                for (int j = 0; j < count; j++) drops[start + j] = Math.Max(0, baseline - probabilities[j][era]);
            }
            finally { ArrayPool<float>.Shared.Return(batch); }
        }
        return new Heatmap(GradCam.Normalize(drops), grid, grid, ExplanationKind.Occlusion);
    }

    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }
}
