using ErasWeb.Media;
using ErasWeb.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ErasWeb.Tests.Media;

/// <summary>Operators see what FFmpeg was asked to do, and what it said when it failed.</summary>
public class FFmpegLogTests
{
    [Fact]
    public async Task Command_lines_are_logged_at_debug_and_a_failed_runs_stderr_at_warning_only_within_the_flow_that_asked()
    {
        var broken = Path.Combine(TestData.NewTempDir("ffmpeg-log"), "broken.mp4");
        await File.WriteAllBytesAsync(broken, [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', .. new byte[200]]);
        var log = new Lines();

        using (FFmpeg.LogTo(log))
            await Assert.ThrowsAsync<FFmpegException>(() => VideoProbe.ProbeAsync(broken, TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Contains(log.Written, l => l.Level == LogLevel.Debug && l.Text.StartsWith("Running ffprobe") && l.Text.Contains(broken));
        var failure = Assert.Single(log.Written, l => l.Level == LogLevel.Warning);
        Assert.Contains("exited with code", failure.Text);
        Assert.Contains(broken, failure.Text); // the operator's log keeps the path the uploader's message leaves out

        // Outside that flow nothing is logged there.
        int before = log.Written.Count;
        await Assert.ThrowsAsync<FFmpegException>(() => VideoProbe.ProbeAsync(broken, TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Equal(before, log.Written.Count);
    }

    sealed class Lines : ILogger
    {
        public List<(LogLevel Level, string Text)> Written { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Written) Written.Add((logLevel, formatter(state, exception)));
        }
    }
}
