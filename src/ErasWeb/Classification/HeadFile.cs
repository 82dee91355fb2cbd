using System.Text.Json;
using System.Text.Json.Serialization;

namespace ErasWeb.Classification;

/// <summary>The committed era head: labels, weights over the pooled backbone features, and how it was made.</summary>
public sealed record HeadFile(
    string Format,
    IReadOnlyList<string> Labels,
    string Backbone,
    string BackboneSha256,
    string Features,
    float[][] Weights,
    float[] Bias,
    HeadProvenance? Provenance,
    IReadOnlyList<View>? PredictionViews = null,
    UncertaintyRule? Uncertainty = null)
{
    /// <summary>The views whose pooled features are averaged at prediction; a head without the field predicts from the centre view.</summary>
    public IReadOnlyList<View> ViewsForPrediction => PredictionViews is { Count: > 0 } views ? views : [View.Center];

    public const string CurrentFormat = "erasweb-linear-head/1";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new CompactFloatArrayConverter() },
    };

    public static HeadFile Read(byte[] json) =>
        JsonSerializer.Deserialize<HeadFile>(json, Json) ?? throw new InvalidDataException("The head file is empty.");

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);
}

/// <summary>How a head was made. <paramref name="Temperature"/> is the calibration its weights and biases were divided by.</summary>
public sealed record HeadProvenance(
    string TrainedAt,
    string Command,
    string Source,
    TrainingSettings Settings,
    IReadOnlyList<TrainingPhoto> Photos,
    EvaluationReport? CrossValidation,
    double? Temperature = null);

public sealed record TrainingSettings(
    IReadOnlyList<string> Kinds, string ClassWeights, double L2, int Seed, int Iterations,
    IReadOnlyList<View>? TrainingViews = null, IReadOnlyList<View>? PredictionViews = null,
    string Normalisation = TrainingSettings.Standardise, double MinConfidence = 0, int CutoutScenes = 0, int StadiumScenes = 0)
{
    /// <summary>Each feature scaled to zero mean and unit variance before fitting.</summary>
    public const string Standardise = "standardise";
    /// <summary>All features divided by one number, so the rows' mean squared norm is the feature count; nothing is centred.</summary>
    public const string GlobalScale = "global-scale";

    public IReadOnlyList<View> ViewsForTraining => TrainingViews is { Count: > 0 } views ? views : [View.Center];
    public IReadOnlyList<View> ViewsForPrediction => PredictionViews is { Count: > 0 } views ? views : [View.Center];
}

/// <summary>
/// When the built-in model says it is unsure: the winning era's probability is under
/// <paramref name="MinConfidence"/>, or the photo's pooled features have a cosine similarity
/// under <paramref name="MinSimilarity"/> to every era's prototype (the normalised mean of that
/// era's training photos), i.e. it looks like none of them. <paramref name="Calibration"/> says
/// how the similarity threshold was chosen.
/// </summary>
public sealed record UncertaintyRule(float MinConfidence, float MinSimilarity, float[][] Prototypes, string Calibration);

public sealed record TrainingPhoto(string File, string Sha256, string Class, string Kind, string Group);

/// <summary>
/// Scores of a model on labelled photos. <paramref name="CalibrationError"/> is the expected
/// calibration error: how far the stated confidence is from the share of answers that are right,
/// averaged over ten confidence bins (0 is perfectly calibrated). A report pooled over
/// <paramref name="Runs"/> cross-validations scores each of its <paramref name="Samples"/> photos
/// once per run: its per-era support and confusion matrix count answers, not photos.
/// </summary>
public sealed record EvaluationReport(
    string Method,
    int Samples,
    double Accuracy,
    double MacroF1,
    IReadOnlyDictionary<string, ClassScores> PerClass,
    int[][] Confusion,
    double? CalibrationError = null,
    int Runs = 1);

public sealed record ClassScores(double Precision, double Recall, double F1, int Support);

/// <summary>Writes a float array on one line, so a head file reads as one weight row per line.</summary>
sealed class CompactFloatArrayConverter : JsonConverter<float[]>
{
    public override float[]? Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("Expected an array of numbers.");
        var values = new List<float>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) values.Add(reader.GetSingle());
        return values.ToArray();
    }

    public override void Write(Utf8JsonWriter writer, float[] value, JsonSerializerOptions options) =>
        writer.WriteRawValue("[" + string.Join(",", value.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]");
}
