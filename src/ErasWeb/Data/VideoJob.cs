using ErasWeb.Shows;

namespace ErasWeb.Data;

/// <summary>
/// An accepted video and the state of its analysis. This row, not the job queue, is what survives
/// a restart: unfinished jobs are picked up again at start-up.
/// </summary>
public sealed class VideoJob
{
    public long Id { get; set; }
    public WorkStatus Status { get; set; }
    /// <summary>0-100.</summary>
    public int Progress { get; set; }
    /// <summary>Sanitised; shown to people, never used as a path.</summary>
    public required string FileName { get; set; }
    public required string ContentSha256 { get; set; }
    public long SizeBytes { get; set; }
    public required string Format { get; set; }
    /// <summary>The stored upload, relative to the uploads folder; null once the job has finished and the file is deleted.</summary>
    public string? UploadFile { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? StartedAtUtc { get; set; }
    public DateTime? FinishedAtUtc { get; set; }
    /// <summary>How many times a run started: more than one means the server stopped during an earlier run.</summary>
    public int Attempts { get; set; }
    /// <summary>The process that ran (or runs) the latest attempt: host and process id (<see cref="WorkerName"/>).</summary>
    public string? Worker { get; set; }
    /// <summary>Why the job failed, in words the uploader understands.</summary>
    public string? Error { get; set; }
    public long? PredictionId { get; set; }
    public Prediction? Prediction { get; set; }
    /// <summary>The uploader's address while the job is unfinished, to bound each client's share of the queue; cleared when it finishes.</summary>
    public string? Client { get; set; }

    /// <summary>SHA-256 of the delete token the upload that made this job was answered with; its prediction gets the same.</summary>
    public string? DeleteTokenHash { get; set; }

    /// <summary>Whether the video is read as a show (<see cref="DecodeMode"/>): part of what the job is, so the same bytes asked both ways are two jobs.</summary>
    public DecodeMode Decode { get; set; } = DecodeMode.Auto;
    /// <summary>Whether the run read the video as a show (its mode and the video's length decided), so its answer carries the show.</summary>
    public bool ReadAsShow { get; set; }

    /// <summary>This process as <see cref="Worker"/> names it: unique among processes sharing a database, readable in logs.</summary>
    public static readonly string WorkerName = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>The unique index allowing one queued or running job per content hash and decode mode.</summary>
    public const string OneUnfinishedPerContentIndex = "IX_VideoJobs_ContentSha256_Unfinished";
}

/// <summary>One sampled frame of a video and what the model saw in it.</summary>
public sealed class VideoFrame
{
    public long Id { get; set; }
    public long PredictionId { get; set; }
    /// <summary>Position in time order, from 0.</summary>
    public int Index { get; set; }
    public double TimeSeconds { get; set; }
    public required string Era { get; set; }
    public float Confidence { get; set; }
    public required byte[] Thumbnail { get; set; }
}

/// <summary>A stretch of a video showing one era.</summary>
public sealed class TimelineSegment
{
    public long Id { get; set; }
    public long PredictionId { get; set; }
    public int Index { get; set; }
    public required string Era { get; set; }
    public double StartSeconds { get; set; }
    public double EndSeconds { get; set; }
}
