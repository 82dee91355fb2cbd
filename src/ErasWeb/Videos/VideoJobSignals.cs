using System.Collections.Concurrent;

namespace ErasWeb.Videos;

/// <summary>Wakes whoever waits for a video job (<c>POST /predict?wait=</c>) the moment the job finishes in this process.</summary>
public sealed class VideoJobSignals
{
    readonly ConcurrentDictionary<long, TaskCompletionSource> finished = new();

    /// <summary>Completes when <see cref="Finish"/> is next called for the job; subscribe before reading the job's row, so no finish is missed.</summary>
    public Task Finished(long jobId) => finished.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Finish(long jobId)
    {
        if (finished.TryRemove(jobId, out var waiters)) waiters.TrySetResult();
    }
}
