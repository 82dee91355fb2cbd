using ErasWeb.Localisation;
using SkiaSharp;

namespace ErasWeb.Classification;

/// <summary>
/// An image classifier over the ten eras: the built-in backbone with its era head, or any ONNX
/// classifier described by a manifest. Safe to call from many threads at once.
/// </summary>
public interface IEraModel : IDisposable
{
    /// <summary>Names the exact model (weights included); stored with every prediction it makes.</summary>
    string Version { get; }
    IReadOnlyList<string> Labels { get; }
    ModelCard Card { get; }

    /// <summary>The short side, in pixels, at which images lose nothing the model sees (video frames are scaled to it).</summary>
    int PreferredShortSide { get; }

    /// <summary>
    /// The era head the built-in backbone runs: what model versions store, retraining starts from and evaluation
    /// checks against; null for a model a manifest describes, which has none of those.
    /// </summary>
    EraHead? Head { get; }

    /// <summary>The same model with another head (a promotion, a rollback), without loading the backbone again; only for a model with a <see cref="Head"/>.</summary>
    IEraModel WithHead(EraHead head);

    /// <summary>
    /// Classifies upright RGBA/BGRA images, one answer per image, in the same order, each with the
    /// heatmap <paramref name="heatmap"/> asks for (by default, of the image's own winner).
    /// </summary>
    IReadOnlyList<EraPrediction> Classify(IReadOnlyList<SKBitmap> images, HeatmapFor heatmap = default);
}

public static class EraModelExtensions
{
    public static EraPrediction Classify(this IEraModel model, SKBitmap image) => model.Classify([image])[0];

    /// <summary>The name the API and the database use: "grad-cam" or "occlusion".</summary>
    public static string Name(this ExplanationKind kind) => kind == ExplanationKind.GradCam ? "grad-cam" : "occlusion";
}

/// <summary>How a heatmap was made: exact Grad-CAM from a feature map and linear head weights, or by occluding patches of the input.</summary>
public enum ExplanationKind { GradCam, Occlusion }

/// <summary>Values in 0..1, row-major, covering <see cref="EraPrediction.Crop"/> of the image.</summary>
public sealed record Heatmap(float[] Values, int Width, int Height, ExplanationKind Kind)
{
    /// <summary>Stands in where no heatmap was asked for; never drawn.</summary>
    public static Heatmap None(ExplanationKind kind) => new([], 0, 0, kind);
}

/// <summary>
/// Which heatmap <see cref="IEraModel.Classify"/> makes: of each image's winner (the default), of
/// the era at index <see cref="Era"/>, or none (<see cref="Skip"/>) when only the answers are
/// wanted, as for a video's many frames: an occlusion map costs dozens of extra model runs.
/// </summary>
public readonly record struct HeatmapFor(int? Era = null, bool Skip = false)
{
    public static HeatmapFor None => new(Skip: true);
    public static HeatmapFor Of(int era) => new(era);
}

/// <summary>
/// One image's answer: era probabilities, the heatmap of the winning (or the asked-for) era over the part of the image the model saw,
/// why it is uncertain if it is, whether it looks unlike the stage photos the model learned from (a crowd, a screen, black),
/// and whether it was read from a zoomed view of a small stage (<see cref="Crop"/> is then that region) rather than the whole picture.
/// </summary>
public sealed record EraPrediction(
    IReadOnlyList<string> Labels,
    float[] Probabilities,
    int PredictedIndex,
    Heatmap Heatmap,
    SKRect Crop,
    string? UncertainReason = null,
    bool Unfamiliar = false,
    bool Zoomed = false)
{
    public string View => Zoomed ? ZoomedView : WholeView;
    public const string WholeView = "whole", ZoomedView = "zoomed";

    public string Era => Labels[PredictedIndex];
    public float Confidence => Probabilities[PredictedIndex];
    public bool Uncertain => UncertainReason is not null;
    public Dictionary<string, float> ByEra() => Labels.Zip(Probabilities).ToDictionary(p => p.First, p => p.Second);
}

/// <summary>What <c>GET /api/model</c> tells about the model in use.</summary>
public sealed record ModelCard(
    string ModelVersion,
    string Kind,
    IReadOnlyList<string> Labels,
    string Explanation,
    string UncertaintyRule,
    string? Backbone = null,
    string? BackboneSha256 = null,
    string? HeadVersion = null,
    string? HeadTrainedAt = null,
    IReadOnlyDictionary<string, int>? TrainingSupport = null,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? TrainingSupportByKind = null,
    EvaluationReport? CrossValidation = null,
    [property: System.ComponentModel.Description("How the model looks at a picture: each view by name, with what it shows.")] IReadOnlyDictionary<string, string>? Views = null);

/// <summary>The sentences a user reads when an answer is marked uncertain.</summary>
public static class UncertainReasons
{
    static readonly System.Text.RegularExpressions.Regex Low = new(@"^The model is only (\d+)% sure \(it needs (\d+)%\)");

    /// <summary>
    /// A stored reason (kept in English, as the API has always answered it) as a page says it to its reader.
    /// </summary>
    public static string ForReader(string reason) =>
        reason == Unfamiliar() ? Texts.Say("Uncertain.Unfamiliar")
        : Low.Match(reason) is { Success: true } low ? Texts.Say("Uncertain.LowConfidence", int.Parse(low.Groups[1].Value) / 100.0, int.Parse(low.Groups[2].Value) / 100.0)
        : reason;

    public static string LowConfidence(float confidence, float threshold) =>
        $"The model is only {confidence * 100:0}% sure (it needs {threshold * 100:0}%): no era stands out, so this may not be an Eras Tour stage photo.";

    public static string Unfamiliar() =>
        "This picture looks unlike the Eras Tour stage photos the model learned from, so its era guess is not trustworthy.";
}
