using ErasWeb.Media;
using ErasWeb.Tests.Support;
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
}
