namespace ErasWeb.Data;

/// <summary>
/// A fan's night: the photos of one evening, uploaded together, read in capture order with the show's
/// set order. Its state moves as a video job's does (<see cref="WorkStatus"/>); once it has
/// succeeded it holds what the whole night says (the show, the tour), and each photo its set.
/// </summary>
public sealed class Night
{
    public long Id { get; set; }
    public WorkStatus Status { get; set; }
    /// <summary>0-100.</summary>
    public int Progress { get; set; }
    /// <summary>Why the night failed, in words the uploader understands.</summary>
    public string? Error { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? StartedAtUtc { get; set; }
    public DateTime? FinishedAtUtc { get; set; }
    /// <summary>How many times a run started; each attempt's writes name it, so a superseded run cannot finish the night.</summary>
    public int Attempts { get; set; }
    /// <summary>The process that runs (or ran) the latest attempt, for admins.</summary>
    public string? Worker { get; set; }
    /// <summary>Set for a night kept out of the gallery (the default): its page and photos open only with this key.</summary>
    public string? AccessKey { get; set; }
    /// <summary>SHA-256 of the delete token the upload was answered with; every photo's prediction carries the same.</summary>
    public required string DeleteTokenHash { get; set; }
    /// <summary>The uploader's address while the night is unfinished, to bound each client's share of the job queue.</summary>
    public string? Client { get; set; }
    /// <summary>The folder (under the uploads folder) where the photos wait for the worker; null once the night has finished.</summary>
    public string? UploadFolder { get; set; }
    /// <summary>Bytes of the photos kept on disk for the worker (a part over the photo limit is not kept).</summary>
    public long SizeBytes { get; set; }

    /// <summary>How the photos were put in order: <see cref="NightOrder.TakenAt"/> or <see cref="NightOrder.Upload"/>.</summary>
    public string? Order { get; set; }
    /// <summary>The set order decoded: "2024" or "2023"; null when both fit alike.</summary>
    public string? Tour { get; set; }
    /// <summary>The local date of the show the capture times name (a photo before 6 a.m. counts for the night before); null when none does.</summary>
    public DateOnly? ShowDate { get; set; }
    public double? LogLikelihood2023 { get; set; }
    public double? LogLikelihood2024 { get; set; }
    /// <summary>The model version that read the photos.</summary>
    public string? ModelVersion { get; set; }

    public List<NightPhoto> Photos { get; set; } = [];
}

public static class NightOrder
{
    /// <summary>By the photos' capture times (those without one keep their place beside their neighbours in the upload).</summary>
    public const string TakenAt = "taken_at";
    /// <summary>As uploaded: no photo carried a capture time.</summary>
    public const string Upload = "upload";
}

/// <summary>One photo of a night: its file as uploaded, when it was taken, and once read, its prediction and the set it was decoded into.</summary>
public sealed class NightPhoto
{
    public long Id { get; set; }
    public long NightId { get; set; }
    /// <summary>Its place in the upload, from 0.</summary>
    public int UploadIndex { get; set; }
    /// <summary>Its place in capture order, from 0, once the night is read.</summary>
    public int? Position { get; set; }
    /// <summary>Sanitised; shown to people, never used as a path.</summary>
    public required string FileName { get; set; }
    public long SizeBytes { get; set; }
    /// <summary>EXIF DateTimeOriginal as the camera wrote it: local time, no zone.</summary>
    public DateTime? TakenAt { get; set; }
    /// <summary>Why this photo could not be read (not a photo, damaged, too large); the rest of the night goes on without it.</summary>
    public string? Error { get; set; }
    /// <summary>The photo's own answer, as <c>/predict</c> gives it.</summary>
    public long? PredictionId { get; set; }
    /// <summary>The era of the set it was decoded into; null for a photo between sets (friends, food, the crowd).</summary>
    public string? Era { get; set; }
    /// <summary>Which album's set, where the tour has two of the era (2023's evermore and folklore).</summary>
    public string? Set { get; set; }
}
