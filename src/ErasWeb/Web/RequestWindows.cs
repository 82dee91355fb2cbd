using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace ErasWeb.Web;

/// <summary>At most <paramref name="Permits"/> requests of one kind from a client in each <paramref name="Window"/>; <paramref name="Name"/> says what they are ("votes").</summary>
public sealed record RequestLimit(string Name, int Permits, TimeSpan Window);

/// <summary>
/// Where every per-client limit is counted (uploads, votes, sign-in attempts, wrong admin tokens). One process
/// counts in memory (<see cref="InMemoryRequestWindows"/>); processes sharing a database count there, so a
/// client gets its allowance once however many processes it reaches.
/// </summary>
public abstract class RequestWindows
{
    /// <summary>
    /// Counts <paramref name="requests"/> from <paramref name="client"/> against <paramref name="limit"/>: 1, or 0 to only
    /// look whether any is left. Null when they are within it; else how long until the client's window ends.
    /// </summary>
    public abstract ValueTask<TimeSpan?> CountAsync(RequestLimit limit, string client, int requests, CancellationToken ct);
}

/// <summary>
/// Counting in this process: each client's window begins with its first counted request (<see cref="RateLimiting.FixedWindow"/>),
/// and clients idle for a while are forgotten by the partitioned limiter.
/// </summary>
public sealed class InMemoryRequestWindows : RequestWindows, IDisposable
{
    // Lazy: a limiter made twice by a race would leave its timer running.
    readonly ConcurrentDictionary<RequestLimit, Lazy<PartitionedRateLimiter<string>>> limiters = new();

    public override ValueTask<TimeSpan?> CountAsync(RequestLimit limit, string client, int requests, CancellationToken ct)
    {
        var limiter = limiters.GetOrAdd(limit, l => new(() => PartitionedRateLimiter.Create<string, string>(c => RateLimiting.FixedWindow(c, l.Permits, l.Window)))).Value;
        using var lease = limiter.AttemptAcquire(client, requests);
        return ValueTask.FromResult(lease.IsAcquired ? null : (TimeSpan?)RateLimiting.RetryAfter(lease, limit.Window));
    }

    public void Dispose()
    {
        foreach (var limiter in limiters.Values.Where(l => l.IsValueCreated)) limiter.Value.Dispose();
    }
}
