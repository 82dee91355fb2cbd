namespace ErasWeb.Data;

public static class PredictionKind
{
    public const string Image = "image";
    public const string Video = "video";
}

/// <summary>One stored prediction with the pictures shown for it. Lists project away the BLOB columns.</summary>
public sealed class Prediction
{
    public long Id { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public required string Kind { get; set; }
    /// <summary>Sanitised; shown to people, never used as a path.</summary>
    public required string FileName { get; set; }
    public required string ContentSha256 { get; set; }
    public long SizeBytes { get; set; }
    /// <summary>For a video; null for a photo.</summary>
    public double? DurationSeconds { get; set; }
    /// <summary>For a video: when the key frame (the poster, with the Grad-CAM overlay) was taken.</summary>
    public double? KeyFrameSeconds { get; set; }
    /// <summary>As displayed (a phone video's rotation applied).</summary>
    public int Width { get; set; }
    public int Height { get; set; }
    public required string Format { get; set; }
    public required string PredictedClass { get; set; }
    public float Confidence { get; set; }
    public required Dictionary<string, float> Probabilities { get; set; }
    /// <summary>Why the answer should not be trusted (not a stage photo, no era stands out); null when the model is confident.</summary>
    public string? UncertainReason { get; set; }
    /// <summary>How the heatmap was made: "grad-cam" or "occlusion".</summary>
    public required string Explanation { get; set; }
    public required string ModelVersion { get; set; }
    /// <summary>The photo, or a video's key frame (its poster): the frame that shows the winning era most clearly.</summary>
    public required byte[] DisplayImage { get; set; }
    public required byte[] Thumbnail { get; set; }
    public required byte[] GradCamImage { get; set; }
}
