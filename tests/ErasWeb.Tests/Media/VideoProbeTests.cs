using ErasWeb.Media;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Media;

public class VideoProbeTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Packets_are_read_only_until_they_outnumber_what_the_time_they_cover_allows()
    {
        // 1000 frames a second for 100 seconds; Matroska's header has no frame count, so only the packets tell.
        var clip = TestVideos.TinyFrames("tiny.mkv", 100_000);
        Assert.Equal(100, (await TestMedia.Probe.ProbeAsync(clip, Timeout, CancellationToken.None)).Duration.TotalSeconds, 1);

        var error = await Assert.ThrowsAsync<FFmpegException>(() => TestMedia.Probe.ProbeWithKeyframesAsync(clip, Timeout, CancellationToken.None));

        // 1000 frames, and 480 for each second: the allowance runs out in the second second, not at the 100th.
        Assert.Matches(@"^The video has 1,9\d\d frames in its first 1\.9 seconds: more than the 480 a second", error.Message);
    }

    [Fact]
    public async Task Slow_motion_at_240_frames_a_second_is_well_within_the_allowance()
    {
        var clip = TestVideos.Make("slow-motion.mp4", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=240:d=10", "-c:v", "libx264", "-preset", "ultrafast", "-g", "240", "-pix_fmt", "yuv420p");

        var info = await TestMedia.Probe.ProbeWithKeyframesAsync(clip, Timeout, CancellationToken.None);

        Assert.Equal((2400, 10), (info.Packets!.Count, info.Packets.KeyframeCount));
        Assert.Equal(10, info.Duration.TotalSeconds, 2);
    }

    [Fact]
    public async Task Of_a_video_of_only_keyframes_an_even_share_is_kept_and_sampling_still_gets_the_nearest_one_to_each_time()
    {
        // 14,400 keyframes (raw frames are all keyframes): more than are kept, so every other one is.
        var clip = TestVideos.Make("intra.avi", "-f", "lavfi", "-i", "testsrc2=s=16x16:r=240:d=60", "-c:v", "rawvideo", "-pix_fmt", "gray");

        var info = await TestMedia.Probe.ProbeWithKeyframesAsync(clip, Timeout, CancellationToken.None);

        var packets = info.Packets!;
        Assert.Equal((14_400, 14_400, 7_200), (packets.Count, packets.KeyframeCount, packets.Keyframes.Count));
        Assert.All(packets.Keyframes, k => Assert.Equal(0, k.Number % 2));
        Assert.All(packets.Keyframes, k => Assert.Equal(k.Number / 240.0, k.Time.TotalSeconds, 5));

        // 40 frames, more than are sought one by one: one keyframe-only run, which picks keyframes by their numbers.
        var times = FrameSampler.Plan(info.Duration, 40, TimeSpan.FromSeconds(10), 1300);
        var nearest = FrameSampler.AssignKeyframes(times, packets.Keyframes.Select(k => k.Time).ToList(), (times[1] - times[0]) / 2);
        var sampled = new List<TimeSpan>();
        await foreach (var frame in TestMedia.Sampler.SampleAsync(clip, info, times, (16, 16), Timeout, CancellationToken.None))
            using (frame) sampled.Add(frame.Time);

        static double Milliseconds(TimeSpan t) => Math.Round(t.TotalMilliseconds, 1);
        Assert.Equal(nearest.Select(i => Milliseconds(packets.Keyframes[i!.Value].Time)), sampled.Order().Select(Milliseconds));
    }
}
