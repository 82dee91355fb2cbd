namespace ErasWeb.Videos;

/// <summary>
/// Wakes whoever waits for a job (a video's <c>POST /predict?wait=</c>, a night's upload) the moment the
/// job finishes in this process. A job's entry lives only while someone waits for it or until it finishes.
/// Videos and nights each have their own (keyed <see cref="Nights"/>), as their ids are counted apart.
/// </summary>
public sealed class VideoJobSignals
{
    /// <summary>The service key of the nights' signals.</summary>
    public const string Nights = "nights";

    /// <summary>
    /// The job as <paramref name="load"/> reads it once it has <paramref name="finished"/>, or as it is when
    /// <paramref name="wait"/> runs out. A job run in this process wakes the wait at once; with
    /// <paramref name="otherProcesses"/> (PostgreSQL, where another process may run it) the row is read again every second.
    /// </summary>
    public async Task<T?> WaitAsync<T>(long id, Func<CancellationToken, Task<T?>> load, Func<T, bool> finished, TimeSpan wait, bool otherProcesses,
        TimeProvider clock, CancellationToken ct) where T : class
    {
        using var subscription = Subscribe(id);
        var deadline = clock.GetUtcNow() + wait;
        var look = otherProcesses ? TimeSpan.FromSeconds(1) : Timeout.InfiniteTimeSpan;
        while (true)
        {
            var job = await load(ct);
            var left = deadline - clock.GetUtcNow();
            if (job is null || finished(job) || left <= TimeSpan.Zero) return job;
            try { await subscription.Finished.WaitAsync(look == Timeout.InfiniteTimeSpan || left < look ? left : look, clock, ct); }
            catch (TimeoutException) { }
        }
    }

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
