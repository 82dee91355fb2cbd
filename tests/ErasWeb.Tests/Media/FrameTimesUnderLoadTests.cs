using ErasWeb.Media;
using ErasWeb.Tests.Support;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace ErasWeb.Tests.Media;

/// <summary>Burns every core while it runs, so it runs alone rather than slowing tests that measure time.</summary>
[CollectionDefinition(nameof(CpuBurning), DisableParallelization = true)]
public sealed class CpuBurning;

[Collection(nameof(CpuBurning))]
public class FrameTimesUnderLoadTests
{
    const double Fps = 10;

    /// <summary>
    /// Frame n of the clip is a solid colour that spells n in base 6, one digit per channel, with
    /// levels 40 apart so lossy H.264 and the YUV round trip cannot move it to another frame's colour.
    /// </summary>
    static string NumberedFramesClip(double seconds, string keyframes) => TestVideos.Make("numbered.mp4",
        "-f", "lavfi", "-i", $"color=c=black:s=64x48:r={Fps}:d={seconds},format=gbrp,geq=r='20+40*mod(N\\,6)':g='20+40*mod(floor(N/6)\\,6)':b='20+40*floor(N/36)'",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "1000", "-x264-params", "scenecut=0", "-force_key_frames", $"expr:{keyframes}");

    static int FrameNumber(SKColor c)
    {
        static int Digit(byte level) => (int)Math.Round((level - 20) / 40.0);
        return Digit(c.Red) + 6 * Digit(c.Green) + 36 * Digit(c.Blue);
    }

    [Fact]
    public async Task Every_frame_carries_the_time_its_pixels_were_encoded_at_while_other_threads_burn_every_core()
    {
        // 150 frames, each a keyframe but 7.0 and 7.1 s: most times come from the keyframe-only run, two from exact
        // seeks. The times fall between frames, so a frame reported at the time asked for would be caught too.
        var clip = NumberedFramesClip(15, "not(between(t,6.95,7.15))");
        var video = await TestMedia.Probe.ProbeAsync(clip, TimeSpan.FromSeconds(20), CancellationToken.None);
        var times = FrameSampler.Plan(video.Duration, 150, TimeSpan.FromSeconds(10), 150);

        var stop = new CancellationTokenSource();
        var burners = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            double x = 1;
            while (!stop.IsCancellationRequested) x = Math.Sqrt(x + 1);
        })
        { IsBackground = true }).ToList();
        burners.ForEach(b => b.Start());
        List<SampledFrame> frames;
        try { frames = await TestMedia.Sampler.SampleAsync(clip, video, times, FrameSampler.OutputSize(video, 48), TimeSpan.FromSeconds(60), CancellationToken.None).ToListAsync(); }
        finally
        {
            stop.Cancel();
            burners.ForEach(b => b.Join());
        }

        try
        {
            // The last time, 14.95 s, lies past the last frame (14.9 s).
            Assert.Equal(times.Count - 1, frames.Count);
            Assert.All(frames, f =>
            {
                int shown = FrameNumber(f.Image.GetPixel(f.Image.Width / 2, f.Image.Height / 2));
                Assert.True(Math.Abs(f.Time.TotalSeconds - shown / Fps) < 0.001, $"reported {f.Time.TotalSeconds:0.###} s, pixels of frame {shown} ({shown / Fps:0.0} s)");
            });
        }
        finally { frames.ForEach(f => f.Dispose()); }
    }

    [Fact]
    public async Task Times_without_a_keyframe_are_sought_several_to_an_FFmpeg_run_and_each_frame_is_the_one_its_time_says()
    {
        // A keyframe at 0 s only: every time but the first is sought exactly (a quarter step early), the last past the last frame (14.9 s).
        var clip = NumberedFramesClip(15, "eq(n,0)");
        var log = new LogCapture();
        using var factory = LoggerFactory.Create(b => b.AddProvider(log).SetMinimumLevel(LogLevel.Debug));
        using var ffmpeg = new FFmpeg(factory.CreateLogger<FFmpeg>(), maxProcesses: 2);
        var probe = new VideoProbe(ffmpeg);
        var video = await probe.ProbeWithKeyframesAsync(clip, TimeSpan.FromSeconds(20), CancellationToken.None);
        TimeSpan[] times = [.. new[] { 0.05, 2.05, 4.05, 6.05, 8.05, 10.05, 12.05, 15.6 }.Select(TimeSpan.FromSeconds)];
        var started = log.Entries.Count;

        var frames = await new FrameSampler(ffmpeg, probe).SampleAsync(clip, video, times, FrameSampler.OutputSize(video, 48), TimeSpan.FromSeconds(60), CancellationToken.None).ToListAsync();

        try
        {
            // The keyframe in one run; the seven sought times split over the two runs that go at once, not a run each.
            Assert.Equal(3, log.Entries.Skip(started).Count(e => e.Message.StartsWith("Running ffmpeg", StringComparison.Ordinal)));
            Assert.Equal(times.Length - 1, frames.Count);
            var step = (times[^1] - times[0]) / (times.Length - 1);
            Assert.All(frames.OrderBy(f => f.Time).Zip(times), pair =>
            {
                var (frame, time) = pair;
                int shown = FrameNumber(frame.Image.GetPixel(frame.Image.Width / 2, frame.Image.Height / 2));
                Assert.True(Math.Abs(frame.Time.TotalSeconds - shown / Fps) < 0.001, $"reported {frame.Time.TotalSeconds:0.###} s, pixels of frame {shown} ({shown / Fps:0.0} s)");
                Assert.True((frame.Time - time).Duration() <= step / 2, $"frame at {frame.Time.TotalSeconds:0.###} s for the time {time.TotalSeconds:0.###} s");
            });
        }
        finally { frames.ForEach(f => f.Dispose()); }
    }
}
