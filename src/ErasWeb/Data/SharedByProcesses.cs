namespace ErasWeb.Data;

// What processes on PostgreSQL share through the database rather than a common folder, so a worker or
// web process on another machine needs nothing but the connection string. SQLite's one process keeps
// these in its data directory and in memory instead; these tables exist on PostgreSQL only.

/// <summary>One piece, in order, of an upload (a video, or a photo of a night) waiting for a worker to fetch it.</summary>
public sealed class WaitingUploadChunk
{
    /// <summary>The upload's name under the uploads folder: a video's file, or a night's folder and photo ("night-…/003.jpg").</summary>
    public required string Name { get; set; }
    public int Index { get; set; }
    public required byte[] Data { get; set; }
    public DateTime StoredAtUtc { get; set; }
}

/// <summary>How many of one kind of request (<see cref="Key"/>: the limit and the client) arrived in the fixed window starting at <see cref="StartUtc"/>.</summary>
public sealed class RateWindow
{
    public required string Key { get; set; }
    public DateTime StartUtc { get; set; }
    public int Count { get; set; }
}

/// <summary>A random key every process must use alike (the voters' address key), made by whichever process needs it first.</summary>
public sealed class ServerSecret
{
    public required string Name { get; set; }
    public required byte[] Value { get; set; }
}
