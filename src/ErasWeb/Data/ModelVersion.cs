namespace ErasWeb.Data;

/// <summary>An era head made by retraining: its weights and provenance (the head file's JSON), its scores and what became of it.</summary>
public sealed class ModelVersion
{
    public long Id { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public ModelVersionStatus Status { get; set; }
    /// <summary>The head file's version (the first 12 hex digits of its sha256), as predictions record it.</summary>
    public required string HeadVersion { get; set; }
    /// <summary>The head file itself: labels, weights, views, uncertainty rule and provenance (which pictures trained it, by hash).</summary>
    public required string HeadJson { get; set; }
    /// <summary>Held-out scores of this version's recipe and data on stage photos (grouped cross-validation).</summary>
    public double Accuracy { get; set; }
    public double MacroF1 { get; set; }
    /// <summary>The same, on the same folds, of the head that was active when this one was trained: what the gate compared with.</summary>
    public double? BaselineAccuracy { get; set; }
    public double? BaselineMacroF1 { get; set; }
    /// <summary>Pictures it learned from, per era and kind.</summary>
    public required Dictionary<string, int> Support { get; set; }
    /// <summary>How many of them were fans' accepted labels.</summary>
    public int Labels { get; set; }
    /// <summary>Why it was promoted or rejected, in words.</summary>
    public string? Verdict { get; set; }
    public DateTime? ActivatedAtUtc { get; set; }
}

/// <summary>One retraining: a Hangfire job's lasting state, followed like a video job.</summary>
public sealed class RetrainRun
{
    public long Id { get; set; }
    public WorkStatus Status { get; set; }
    public int Progress { get; set; }
    /// <summary>"admin" when asked for, "labels" when enough new labels were accepted.</summary>
    public required string Trigger { get; set; }
    public string? Error { get; set; }
    public long? ModelVersionId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? StartedAtUtc { get; set; }
    public DateTime? FinishedAtUtc { get; set; }
}

/// <summary>Re-running the gallery's photos with the active head: a Hangfire job's lasting state. Old answers stay, each with its version.</summary>
public sealed class GalleryRerun
{
    public long Id { get; set; }
    public WorkStatus Status { get; set; }
    /// <summary>The head version the photos are re-run with, set when the run starts.</summary>
    public string? ModelVersion { get; set; }
    /// <summary>Photos to re-run, and how many are done (re-run, or found already answered by that head).</summary>
    public int Total { get; set; }
    public int Done { get; set; }
    public string? Error { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? StartedAtUtc { get; set; }
    public DateTime? FinishedAtUtc { get; set; }
}
