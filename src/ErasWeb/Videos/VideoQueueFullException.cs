namespace ErasWeb.Videos;

/// <summary>
/// A video refused because the queue of videos waiting for analysis is at its bound: this client's
/// share (<see cref="PerClient"/>), or the whole queue's jobs or bytes on disk.
/// </summary>
public sealed class VideoQueueFullException(string message, bool perClient) : Exception(message)
{
    public bool PerClient { get; } = perClient;

    /// <summary>About how long a queued video takes to be analysed: a fair time to try again.</summary>
    public const int RetryAfterSeconds = 60;
}
