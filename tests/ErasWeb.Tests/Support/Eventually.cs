using System.Diagnostics;

namespace ErasWeb.Tests.Support;

/// <summary>
/// Waits for something the app does in the background (a job, an exporter, a restart) by looking at it
/// again and again until it holds. The timeout only bounds a hang, so it is generous: how long the wait
/// took is never asserted, since on a busy machine it says nothing about the code.
/// </summary>
public static class Eventually
{
    static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Looks with <paramref name="observe"/> until <paramref name="done"/> holds for what it saw, and returns that.
    /// Past <paramref name="timeout"/>, fails naming <paramref name="what"/> was waited for and what was seen last.
    /// </summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> observe, Func<T, bool> done, string what, TimeSpan timeout, TimeSpan? poll = null)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var seen = await observe();
            if (done(seen)) return seen;
            if (waited.Elapsed > timeout) throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {what}; last seen: {Describe(seen)}");
            await Task.Delay(poll ?? DefaultPoll);
        }
    }

    static string Describe(object? seen) => seen switch
    {
        null => "nothing",
        string text => text,
        System.Collections.IEnumerable items => $"[{string.Join(", ", items.Cast<object?>())}]",
        _ => seen.ToString() ?? "",
    };

    /// <summary>Looks until <paramref name="condition"/> is true.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, TimeSpan? poll = null) =>
        WaitForAsync(condition, holds => holds, what, timeout, poll);

    /// <summary>Looks until <paramref name="condition"/> is true.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan timeout, TimeSpan? poll = null) =>
        WaitForAsync(() => Task.FromResult(condition()), holds => holds, what, timeout, poll);
}
