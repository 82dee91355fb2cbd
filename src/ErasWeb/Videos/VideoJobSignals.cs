namespace ErasWeb.Videos;

/// <summary>
/// Wakes whoever waits for a video job (<c>POST /predict?wait=</c>) the moment the job finishes in
/// this process. A job's entry lives only while someone waits for it or until it finishes.
/// </summary>
public sealed class VideoJobSignals
{
    readonly Dictionary<long, (TaskCompletionSource Finished, int Waiters)> waiting = [];
    readonly Lock gate = new();

    /// <summary>Waits for the job's next <see cref="Finish"/>; subscribe before reading the job's row so no finish is missed, and dispose to stop waiting.</summary>
    public Subscription Subscribe(long jobId)
    {
        lock (gate)
        {
            var (finished, waiters) = waiting.TryGetValue(jobId, out var entry) ? entry : (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), 0);
            waiting[jobId] = (finished, waiters + 1);
            return new Subscription(this, jobId, finished);
        }
    }

    public void Finish(long jobId)
    {
        TaskCompletionSource? finished = null;
        lock (gate)
            if (waiting.Remove(jobId, out var entry)) finished = entry.Finished;
        finished?.TrySetResult();
    }

    void Leave(long jobId, TaskCompletionSource finished)
    {
        lock (gate)
        {
            if (!waiting.TryGetValue(jobId, out var entry) || entry.Finished != finished) return; // finished meanwhile
            if (entry.Waiters > 1) waiting[jobId] = (finished, entry.Waiters - 1);
            else waiting.Remove(jobId);
        }
    }

    /// <summary>How many jobs someone is waiting for: nothing is kept for jobs nobody waits for.</summary>
    public int Waited
    {
        get { lock (gate) return waiting.Count; }
    }

    public sealed class Subscription(VideoJobSignals signals, long jobId, TaskCompletionSource finished) : IDisposable
    {
        public Task Finished => finished.Task;
        public void Dispose() => signals.Leave(jobId, finished);
    }
}
