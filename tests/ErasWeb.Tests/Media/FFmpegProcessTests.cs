using System.Diagnostics;
using ErasWeb.Media;
using ErasWeb.Tests.Support;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace ErasWeb.Tests.Media;

/// <summary>The app's FFmpeg runs no more processes at once than it is allowed, and none outlives the host.</summary>
public class FFmpegProcessTests
{
    /// <summary>FFmpeg writing a line per frame of a picture that never ends: it runs until it is killed (or its reader stops).</summary>
    static readonly string[] Endless = ["-v", "error", "-nostdin", "-f", "lavfi", "-i", "color=s=16x16:r=25", "-f", "framemd5", "-"];

    static readonly TimeSpan Long = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task No_more_processes_run_at_once_than_the_limit_and_a_waiting_run_starts_when_one_ends()
    {
        using var ffmpeg = new FFmpeg(NullLogger<FFmpeg>.Instance, maxProcesses: 2);
        var first = ffmpeg.ReadLinesAsync("ffmpeg", Endless, Long, CancellationToken.None).GetAsyncEnumerator();
        var second = ffmpeg.ReadLinesAsync("ffmpeg", Endless, Long, CancellationToken.None).GetAsyncEnumerator();
        var third = ffmpeg.ReadLinesAsync("ffmpeg", Endless, Long, CancellationToken.None).GetAsyncEnumerator();
        try
        {
            Assert.True(await first.MoveNextAsync());
            Assert.True(await second.MoveNextAsync());
            var running = ffmpeg.Running;
            Assert.Equal(2, running.Count);
            Assert.All(running, id => Assert.False(Process.GetProcessById(id).HasExited));

            // A process is started before the run's first wait for output, so a third one started at all would be counted now.
            var waiting = third.MoveNextAsync();
            Assert.False(waiting.IsCompleted);
            Assert.Equal(running.Order(), ffmpeg.Running.Order());

            await first.DisposeAsync();
            Assert.True(await waiting);
            var now = ffmpeg.Running;
            Assert.Equal(2, now.Count);
            Assert.Single(now.Except(running)); // the third, in the first one's place
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            await third.DisposeAsync();
        }
        Assert.Empty(ffmpeg.Running);
    }

    [Fact]
    public async Task Two_videos_sampled_at_once_share_the_apps_turns_rather_than_each_running_a_process_per_turn()
    {
        using var ffmpeg = new FFmpeg(NullLogger<FFmpeg>.Instance, maxProcesses: 2);
        var probe = new VideoProbe(ffmpeg);
        var sampler = new FrameSampler(ffmpeg, probe);
        // One keyframe every 5 s and times between them: each time is an exact seek, and each sampling splits them over two runs to go at once.
        var clip = TestVideos.Make("turns.mp4", "-f", "lavfi", "-i", "testsrc=s=64x48:r=10:d=12", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "50");
        var video = await probe.ProbeWithKeyframesAsync(clip, TimeSpan.FromSeconds(60), CancellationToken.None);
        TimeSpan[] times = [TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(6.5), TimeSpan.FromSeconds(8.5), TimeSpan.FromSeconds(11.5)];

        int most = 0;
        using var done = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                most = Math.Max(most, ffmpeg.Running.Count);
                await Task.Delay(1);
            }
        });
        var samplings = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            sampler.SampleAsync(clip, video, times, (32, 24), TimeSpan.FromSeconds(60), CancellationToken.None).ToListAsync().AsTask()));
        done.Cancel();
        await watcher;

        try
        {
            Assert.All(samplings, frames => Assert.Equal(times.Length, frames.Count));
            Assert.InRange(most, 1, 2);
        }
        finally { samplings.SelectMany(f => f).ToList().ForEach(f => f.Dispose()); }
    }

    [Fact]
    public async Task Stopping_the_host_ends_every_running_process_and_its_reader_sees_a_cancellation()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFFmpeg(_ => 2);
        using var host = builder.Build();
        await host.StartAsync();
        var ffmpeg = host.Services.GetRequiredService<FFmpeg>();

        // Read once, then not again: nothing but the host's stopping would end this process.
        var reader = ffmpeg.ReadLinesAsync("ffmpeg", Endless, Long, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await reader.MoveNextAsync());
        using var process = Process.GetProcessById(Assert.Single(ffmpeg.Running));

        await host.StopAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => { while (await reader.MoveNextAsync()) { } });
        await reader.DisposeAsync();
        Assert.True(process.HasExited);
        Assert.Empty(ffmpeg.Running);
        // And none starts once the host is stopping.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in ffmpeg.ReadLinesAsync("ffmpeg", Endless, Long, CancellationToken.None)) { }
        });
    }
}
