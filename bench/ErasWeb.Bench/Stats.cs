namespace ErasWeb.Bench;

/// <summary>Latencies in milliseconds and what they add up to.</summary>
public sealed record Stats(double P50, double P95, double Mean, int Count)
{
    public static Stats Of(IReadOnlyCollection<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        double At(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Stats(At(0.5), At(0.95), sorted.Average(), sorted.Length);
    }

    public static double Time(Action action)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }

    public static async Task<double> TimeAsync(Func<Task> action)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalMilliseconds;
    }
}
