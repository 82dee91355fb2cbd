using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ErasWeb.Media;

/// <summary>Readiness needs ffmpeg and ffprobe to run: without them no video can be analysed. Checked once; a working tool does not go away.</summary>
public sealed class FFmpegReadyCheck : IHealthCheck
{
    static readonly SemaphoreSlim Once = new(1, 1);
    static HealthCheckResult? passed;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (passed is { } known) return known;
        await Once.WaitAsync(ct);
        try
        {
            if (passed is { } again) return again;
            foreach (var tool in (string[])["ffmpeg", "ffprobe"])
                await FFmpeg.RunAsync(tool, ["-hide_banner", "-version"], TimeSpan.FromSeconds(10), ct);
            return (passed = HealthCheckResult.Healthy("ffmpeg and ffprobe run.")).Value;
        }
        catch (FFmpegException e)
        {
            return HealthCheckResult.Unhealthy($"FFmpeg cannot be run, so videos cannot be analysed: {e.Message}");
        }
        finally { Once.Release(); }
    }
}
