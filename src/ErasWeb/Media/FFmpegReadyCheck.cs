using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ErasWeb.Media;

/// <summary>
/// Readiness needs ffmpeg and ffprobe to run: without them no video can be analysed. A working tool
/// does not go away, so success is remembered; a failure is looked at again after a while, not at
/// every probe (each look starts two processes, each waiting for a turn among the app's FFmpeg processes).
/// </summary>
public sealed class FFmpegReadyCheck(FFmpeg ffmpeg, TimeProvider clock) : IHealthCheck
{
    static readonly TimeSpan LookAgainAfter = TimeSpan.FromSeconds(30);
    readonly SemaphoreSlim once = new(1, 1);
    (HealthCheckResult Result, DateTimeOffset At)? last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await once.WaitAsync(ct);
        try
        {
            if (last is { } known && (known.Result.Status == HealthStatus.Healthy || clock.GetUtcNow() - known.At < LookAgainAfter)) return known.Result;
            HealthCheckResult result;
            try
            {
                foreach (var tool in (string[])["ffmpeg", "ffprobe"])
                    await foreach (var _ in ffmpeg.ReadLinesAsync(tool, ["-hide_banner", "-version"], TimeSpan.FromSeconds(10), ct)) { }
                result = HealthCheckResult.Healthy("ffmpeg and ffprobe run.");
            }
            catch (FFmpegException e)
            {
                result = HealthCheckResult.Unhealthy($"FFmpeg cannot be run, so videos cannot be analysed: {e.Message}");
            }
            last = (result, clock.GetUtcNow());
            return result;
        }
        finally { once.Release(); }
    }
}
