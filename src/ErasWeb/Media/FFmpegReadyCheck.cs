using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ErasWeb.Media;

/// <summary>
/// Readiness needs ffmpeg and ffprobe to run: without them no video can be analysed. A working tool
/// does not go away, so success is remembered; a failure is looked at again after a while, not at
/// every probe (each look starts two processes).
/// </summary>
public sealed class FFmpegReadyCheck(TimeProvider clock) : IHealthCheck
{
    static readonly TimeSpan LookAgainAfter = TimeSpan.FromSeconds(30);
    static readonly SemaphoreSlim Once = new(1, 1);
    static (HealthCheckResult Result, DateTimeOffset At)? last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await Once.WaitAsync(ct);
        try
        {
            if (last is { } known && (known.Result.Status == HealthStatus.Healthy || clock.GetUtcNow() - known.At < LookAgainAfter)) return known.Result;
            HealthCheckResult result;
            try
            {
                foreach (var tool in (string[])["ffmpeg", "ffprobe"])
                    await foreach (var _ in FFmpeg.ReadLinesAsync(tool, ["-hide_banner", "-version"], TimeSpan.FromSeconds(10), ct)) { }
                result = HealthCheckResult.Healthy("ffmpeg and ffprobe run.");
            }
            catch (FFmpegException e)
            {
                result = HealthCheckResult.Unhealthy($"FFmpeg cannot be run, so videos cannot be analysed: {e.Message}");
            }
            last = (result, clock.GetUtcNow());
            return result;
        }
        finally { Once.Release(); }
    }
}
