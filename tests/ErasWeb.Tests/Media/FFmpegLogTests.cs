using System.Collections.Concurrent;
using ErasWeb.Media;
using ErasWeb.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ErasWeb.Tests.Media;

/// <summary>Operators see what FFmpeg was asked to do, and what it said when it failed, under the flow (a job) that asked.</summary>
public class FFmpegLogTests
{
    [Fact]
    public async Task Command_lines_are_logged_at_debug_and_a_failed_runs_stderr_at_warning_within_the_scope_of_the_flow_that_asked()
    {
        var broken = Path.Combine(TestData.NewTempDir("ffmpeg-log"), "broken.mp4");
        await File.WriteAllBytesAsync(broken, [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', .. new byte[200]]);
        var log = new ScopedLines();
        using var factory = LoggerFactory.Create(b => b.AddProvider(log).SetMinimumLevel(LogLevel.Debug));
        using var ffmpeg = new FFmpeg(factory.CreateLogger<FFmpeg>(), 2);
        var jobLog = factory.CreateLogger("job");

        using (jobLog.BeginScope(new Dictionary<string, object> { ["JobId"] = 42 }))
            await Assert.ThrowsAsync<FFmpegException>(() => new VideoProbe(ffmpeg).ProbeAsync(broken, TimeSpan.FromSeconds(30), CancellationToken.None));

        var command = Assert.Single(log.Written, l => l.Level == LogLevel.Debug);
        Assert.StartsWith("Running ffprobe", command.Text);
        Assert.Contains(broken, command.Text);
        var failure = Assert.Single(log.Written, l => l.Level == LogLevel.Warning);
        Assert.Contains("exited with code", failure.Text);
        Assert.Contains(broken, failure.Text); // the operator's log keeps the path the uploader's message leaves out
        Assert.All(log.Written, l => Assert.Equal("JobId=42", l.Scope));
    }

    /// <summary>Every line with the scope it was written in, as a structured log keeps it.</summary>
    sealed class ScopedLines : ILoggerProvider, ISupportExternalScope
    {
        IExternalScopeProvider scopes = new LoggerExternalScopeProvider();
        public ConcurrentQueue<(LogLevel Level, string Text, string Scope)> Written { get; } = new();
        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;
        public ILogger CreateLogger(string categoryName) => new Logger(this);
        public void Dispose() { }

        sealed class Logger(ScopedLines owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner.scopes.Push(state);
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new List<string>();
                owner.scopes.ForEachScope((s, list) =>
                {
                    if (s is IEnumerable<KeyValuePair<string, object>> pairs) list.AddRange(pairs.Select(p => $"{p.Key}={p.Value}"));
                }, scope);
                owner.Written.Enqueue((logLevel, formatter(state, exception), string.Join(',', scope)));
            }
        }
    }
}
