using ErasWeb.Shows;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Data;

/// <summary>One stored prediction. Its pictures are in <see cref="PredictionPictures"/>, so lists and counts never read them.</summary>
public sealed class Prediction
{
    public long Id { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public PredictionKind Kind { get; set; }
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
    /// <summary>Read from a zoomed view of a small stage (a photo from the stands) rather than the whole picture; the heatmap covers that region.</summary>
    public bool Zoomed { get; set; }
    /// <summary>How the heatmap was made: "grad-cam" or "occlusion".</summary>
    public required string Explanation { get; set; }
    public required string ModelVersion { get; set; }
    public PredictionPictures? Pictures { get; set; }
    /// <summary>For a video read as a whole show: the tour and its sets; null when it was read frame by frame only.</summary>
    public DecodedShow? Show { get; set; }
    /// <summary>Taken out of public view by an admin: every query leaves it out unless it reads every row (<see cref="Visibility"/>).</summary>
    public bool Hidden { get; set; }
    /// <summary>
    /// Set for an upload kept out of the gallery: it is then reachable only with this key (the
    /// unguessable link its uploader gets) and never listed, counted or shared with a re-upload.
    /// </summary>
    public string? AccessKey { get; set; }
    /// <summary>
    /// SHA-256 of the delete token its upload was answered with, shared by every row made from that
    /// upload (a re-run's answer, a video's job), so the token deletes them all; null for rows no uploader may delete.
    /// </summary>
    public string? DeleteTokenHash { get; set; }
    /// <summary>What fans said of this answer, if any voted.</summary>
    public Feedback? Feedback { get; set; }
}

/// <summary>
/// The JPEGs shown for a prediction. A table of their own: SQLite reads a row's columns in order,
/// through the overflow pages of any large value before them, so BLOBs beside the searchable
/// columns would make every count and filter over many predictions read every picture.
/// A photo is stored with its display copy and its heatmap only; its thumbnail and overlay are
/// made from those when first asked for, then kept here (most API clients never ask for them).
/// </summary>
public sealed class PredictionPictures
{
    public long PredictionId { get; set; }
    /// <summary>The photo (long side at most 1024 px), or a video's key frame: the frame that shows the winning era most clearly.</summary>
    public required byte[] Display { get; set; }
    /// <summary>Null until first asked for (a photo's); a video's is stored with it.</summary>
    public byte[]? Thumbnail { get; set; }
    /// <summary>The heatmap blended over <see cref="Display"/>; null until first asked for (a photo's), drawn from <see cref="Heatmap"/>.</summary>
    public byte[]? GradCam { get; set; }
    /// <summary>The 1200x630 picture a shared link unfurls as (JPEG); null until a link preview first asks for it.</summary>
    public byte[]? ShareCard { get; set; }
    /// <summary>What a photo's overlay is drawn from; null for a video, whose overlay is stored with it.</summary>
    public StoredHeatmap? Heatmap { get; set; }
}

/// <summary>
/// A heatmap kept to draw its overlay later: the map (row-major, 0-1), the part of the display copy it
/// covers as fractions of that copy's size, and whether that part is outlined (a zoomed view's small region).
/// </summary>
public sealed record StoredHeatmap(float[] Values, int Width, int Height, float Left, float Top, float Right, float Bottom, bool Outline);

public static class PredictionDeletion
{
    /// <summary>Deletes a prediction with its pictures, frames, votes and feedback (by cascade) and the video jobs that made it; false when there is none.</summary>
    public static async Task<bool> DeletePredictionAsync(this ErasDb db, long predictionId, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.VideoJobs.Where(j => j.PredictionId == predictionId).ExecuteDeleteAsync(ct);
        int deleted = await db.Predictions.EveryRow().Where(p => p.Id == predictionId).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        return deleted > 0;
    }
}
