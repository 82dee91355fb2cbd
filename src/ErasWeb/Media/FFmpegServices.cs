namespace ErasWeb.Media;

public static class FFmpegServices
{
    /// <summary>
    /// The one <see cref="FFmpeg"/> of the app, with at most <paramref name="maxProcesses"/> processes at once, the probe and
    /// sampler that use it, its readiness check, and the end of its processes when the host stops. Register it before the
    /// job server, so that jobs are stopped (and end their own processes) first and only what is left is killed.
    /// </summary>
    public static IServiceCollection AddFFmpeg(this IServiceCollection services, Func<IServiceProvider, int> maxProcesses)
    {
        services.AddSingleton(sp => new FFmpeg(sp.GetRequiredService<ILogger<FFmpeg>>(), maxProcesses(sp)));
        services.AddSingleton<VideoProbe>();
        services.AddSingleton<FrameSampler>();
        services.AddSingleton<FFmpegReadyCheck>();
        services.AddHostedService<FFmpegShutdown>();
        return services;
    }
}

/// <summary>Ends every FFmpeg process still running when the host stops (hosted services stop in reverse order, so after those registered later).</summary>
public sealed class FFmpegShutdown(FFmpeg ffmpeg) : IHostedService
{
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StopAsync(CancellationToken ct)
    {
        ffmpeg.StopAll();
        return Task.CompletedTask;
    }
}
