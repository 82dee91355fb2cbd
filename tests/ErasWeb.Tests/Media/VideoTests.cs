using ErasWeb.Media;
using ErasWeb.Tests.Support;
using SkiaSharp;

namespace ErasWeb.Tests.Media;

public class VideoTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    static SKColor At(SKBitmap image, double x, double y) => image.GetPixel((int)(x * (image.Width - 1)), (int)(y * (image.Height - 1)));

    static bool IsRed(SKColor c) => c.Red > 200 && c.Green < 60 && c.Blue < 60;
    static bool IsBlue(SKColor c) => c.Blue > 200 && c.Red < 60 && c.Green < 60;

    [Fact]
    public void A_plan_takes_a_dozen_frames_of_a_short_clip_and_one_every_interval_of_a_long_one_up_to_a_cap()
    {
        var interval = TimeSpan.FromSeconds(10);
        var shortClip = FrameSampler.Plan(TimeSpan.FromSeconds(60), 12, interval, 720);
        Assert.Equal(12, shortClip.Count);
        Assert.Equal(TimeSpan.FromSeconds(2.5), shortClip[0]);
        Assert.Equal(TimeSpan.FromSeconds(57.5), shortClip[^1]);
        Assert.Equal(720, FrameSampler.Plan(TimeSpan.FromHours(2), 12, interval, 720).Count);
        Assert.Equal(720, FrameSampler.Plan(TimeSpan.FromHours(5), 12, interval, 720).Count);
        Assert.Equal(30, FrameSampler.Plan(TimeSpan.FromMinutes(5), 12, interval, 720).Count);
    }

    [Fact]
    public async Task Frames_come_from_the_times_asked_for_scaled_to_the_short_side()
    {
        var clip = TestVideos.Colours("red-then-blue.mp4", 640, 360, ("red", 2), ("blue", 2));
        var video = await TestMedia.Probe.ProbeAsync(clip, Timeout, CancellationToken.None);
        Assert.Equal((640, 360, 0, "h264"), (video.Width, video.Height, video.Rotation, video.Codec));
        Assert.InRange(video.Duration.TotalSeconds, 3.9, 4.1);

        var frames = await TestMedia.Sampler.SampleAsync(clip, video, [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)], FrameSampler.OutputSize(video, 256), Timeout, CancellationToken.None).OrderBy(f => f.Time).ToListAsync();
        try
        {
            Assert.Equal(2, frames.Count);
            Assert.Equal((455, 256), (frames[0].Image.Width, frames[0].Image.Height));
            Assert.True(IsRed(At(frames[0].Image, 0.5, 0.5)));
            Assert.True(IsBlue(At(frames[1].Image, 0.5, 0.5)));
        }
        finally { frames.ForEach(f => f.Dispose()); }
    }

    [Fact]
    public async Task Where_keyframes_are_near_enough_only_keyframes_are_decoded_and_their_true_times_reported()
    {
        // A keyframe every second (10 frames at 10 fps).
        var clip = TestVideos.Colours("keyframes.mp4", 320, 180, keyframeEvery: 10, ("red", 2), ("blue", 2));
        var video = await TestMedia.Probe.ProbeAsync(clip, Timeout, CancellationToken.None);

        var frames = await TestMedia.Sampler.SampleAsync(clip, video, [TimeSpan.FromSeconds(1.1), TimeSpan.FromSeconds(2.9)], FrameSampler.OutputSize(video, 180), Timeout, CancellationToken.None).OrderBy(f => f.Time).ToListAsync();
        try
        {
            Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)], frames.Select(f => f.Time));
            Assert.True(IsRed(At(frames[0].Image, 0.5, 0.5)));
            Assert.True(IsBlue(At(frames[1].Image, 0.5, 0.5)));
        }
        finally { frames.ForEach(f => f.Dispose()); }
    }

    [Fact]
    public async Task Where_a_few_of_many_keyframes_are_wanted_each_is_sought_and_its_true_time_reported()
    {
        // A keyframe every 0.2 s (2 frames at 10 fps): 50 keyframes, 4 wanted, so each is sought rather than all decoded.
        var clip = TestVideos.Colours("dense-keyframes.mp4", 320, 180, keyframeEvery: 2, ("red", 5), ("blue", 5));
        var video = await TestMedia.Probe.ProbeAsync(clip, Timeout, CancellationToken.None);

        var frames = await TestMedia.Sampler.SampleAsync(clip, video, [TimeSpan.FromSeconds(1.05), TimeSpan.FromSeconds(3.95), TimeSpan.FromSeconds(6.05), TimeSpan.FromSeconds(8.95)],
            FrameSampler.OutputSize(video, 180), Timeout, CancellationToken.None).OrderBy(f => f.Time).ToListAsync();
        try
        {
            Assert.Equal([1, 4, 6, 9], frames.Select(f => f.Time.TotalSeconds));
            Assert.Equal([true, true, false, false], frames.Select(f => IsRed(At(f.Image, 0.5, 0.5))));
            Assert.All(frames.Skip(2), f => Assert.True(IsBlue(At(f.Image, 0.5, 0.5))));
        }
        finally { frames.ForEach(f => f.Dispose()); }
    }

    [Fact]
    public async Task A_frame_FFmpeg_never_reports_fails_the_run_rather_than_getting_a_time_from_elsewhere()
    {
        // Five frames written, no report logged for any of them.
        var error = await Assert.ThrowsAsync<FFmpegException>(async () =>
        {
            await foreach (var _ in TestMedia.FFmpeg.StreamAsync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=s=16x16:d=1:r=5", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"],
                16 * 16 * 4, _ => (int?)null, Timeout, CancellationToken.None)) { }
        });
        Assert.Contains("never reported", error.Message);
    }

    [Fact]
    public async Task A_phone_video_stored_sideways_with_rotation_metadata_comes_out_upright()
    {
        // Upright it is a portrait picture, red above blue; the phone stored it turned a quarter.
        var sideways = TestVideos.Make("sideways.mp4", "-f", "lavfi", "-i", "color=c=blue:s=240x320:d=1:r=10,drawbox=x=0:y=0:w=240:h=160:color=red:t=fill",
            "-vf", "transpose=clock", "-c:v", "libx264", "-pix_fmt", "yuv420p");
        var phone = TestVideos.Make("phone.mp4", "-i", sideways, "-c", "copy", "-metadata:s:v:0", "rotate=90");

        var video = await TestMedia.Probe.ProbeAsync(phone, Timeout, CancellationToken.None);
        Assert.Equal((240, 320), (video.Width, video.Height));
        Assert.NotEqual(0, video.Rotation);

        var frames = await TestMedia.Sampler.SampleAsync(phone, video, [TimeSpan.FromSeconds(0.5)], FrameSampler.OutputSize(video, 240), Timeout, CancellationToken.None).ToListAsync();
        using var frame = frames.Single();
        Assert.Equal((240, 320), (frame.Image.Width, frame.Image.Height));
        Assert.True(IsRed(At(frame.Image, 0.5, 0.2)));
        Assert.True(IsBlue(At(frame.Image, 0.5, 0.8)));
    }

    [Fact]
    public async Task A_time_past_the_end_is_left_out_instead_of_failing_the_video()
    {
        var clip = TestVideos.Colours("short.mp4", 160, 120, ("red", 1));
        var video = await TestMedia.Probe.ProbeAsync(clip, Timeout, CancellationToken.None);

        var frames = await TestMedia.Sampler.SampleAsync(clip, video, [TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30)], FrameSampler.OutputSize(video, 120), Timeout, CancellationToken.None).ToListAsync();

        using var frame = Assert.Single(frames);
        Assert.InRange(frame.Time, TimeSpan.Zero, TimeSpan.FromSeconds(0.5)); // the first keyframe (within half a step) or the exact frame
    }

    [Fact]
    public async Task Files_that_are_not_readable_videos_get_reasons_a_person_understands()
    {
        var dir = TestData.NewTempDir("bad-video");
        var text = Path.Combine(dir, "notes.mp4");
        File.WriteAllText(text, "not a video at all");
        var audio = TestVideos.Make("song.m4a", "-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac");
        var whole = TestVideos.Colours("whole.mp4", 160, 120, ("red", 2));
        var truncated = Path.Combine(dir, "truncated.mp4");
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        // A playlist must not make FFmpeg read other local files.
        var playlist = Path.Combine(dir, "list.mp4");
        File.WriteAllText(playlist, $"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n{whole}\n#EXT-X-ENDLIST\n");

        async Task<string> Reason(string path) => (await Assert.ThrowsAsync<FFmpegException>(() => TestMedia.Probe.ProbeAsync(path, Timeout, CancellationToken.None))).Message;

        Assert.Contains("cannot be read as a video", await Reason(text));
        Assert.Contains("no video stream", await Reason(audio));
        Assert.Contains("cannot be read as a video", await Reason(truncated));
        Assert.Contains("cannot be read as a video", await Reason(playlist));
    }

    [Fact]
    public void Each_time_gets_the_nearest_keyframe_within_reach_that_no_earlier_time_took()
    {
        static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);
        // Keyframes every 10 s from 0, times at 5, 15, 25, 35: each tie goes to the earlier keyframe, so all four get one.
        Assert.Equal([0, 1, 2, 3], FrameSampler.AssignKeyframes([S(5), S(15), S(25), S(35)], [S(0), S(10), S(20), S(30)], S(5)));
        // A keyframe taken by one time is not given to the next; a time with none within reach gets null (it is sought exactly).
        Assert.Equal([1, null, 2], FrameSampler.AssignKeyframes([S(2), S(4), S(9)], [S(0), S(2.5), S(8)], S(1)));
        Assert.Equal([null, null], FrameSampler.AssignKeyframes([S(1), S(2)], [], S(1)));
    }

    [Fact]
    public async Task Hundreds_of_keyframes_come_from_one_keyframe_only_run()
    {
        // Every frame a keyframe: all 300 times get one, so all go through the single keyframe-only FFmpeg run.
        var clip = TestVideos.Colours("all-keyframes.mp4", 64, 36, keyframeEvery: 1, ("red", 15), ("blue", 15));
        var video = await TestMedia.Probe.ProbeAsync(clip, Timeout, CancellationToken.None);
        var times = FrameSampler.Plan(video.Duration, 300, TimeSpan.FromSeconds(10), 300);

        var frames = await TestMedia.Sampler.SampleAsync(clip, video, times, FrameSampler.OutputSize(video, 36), Timeout, CancellationToken.None).ToListAsync();
        try
        {
            Assert.Equal(300, frames.Count);
            Assert.All(frames, f => Assert.True(f.Time < TimeSpan.FromSeconds(15) ? IsRed(At(f.Image, 0.5, 0.5)) : IsBlue(At(f.Image, 0.5, 0.5)), $"{f.Time}"));
        }
        finally { frames.ForEach(f => f.Dispose()); }
    }

    [Fact]
    public async Task A_variable_frame_rate_clip_is_sampled_at_the_times_its_frames_really_have()
    {
        // 40 red frames in the first 2 s (20 fps), then 10 blue frames over the next 8 s (1.25 fps): timestamps far from a steady rate.
        var clip = TestVideos.Make("vfr.mp4", "-f", "lavfi", "-i", "color=c=red:s=160x120:d=2:r=20,format=yuv420p[a];color=c=blue:s=160x120:d=8:r=1.25,format=yuv420p[b];[a][b]concat=n=2:v=1",
            "-c:v", "libx264", "-fps_mode", "vfr");
        var video = await TestMedia.Probe.ProbeAsync(clip, Timeout, CancellationToken.None);
        var times = FrameSampler.Plan(video.Duration, 10, TimeSpan.FromSeconds(10), 10);

        var frames = await TestMedia.Sampler.SampleAsync(clip, video, times, FrameSampler.OutputSize(video, 120), Timeout, CancellationToken.None).ToListAsync();
        try
        {
            Assert.InRange(frames.Count, 9, 10);
            Assert.All(frames, f => Assert.InRange(f.Time, TimeSpan.Zero, video.Duration));
            Assert.All(frames, f => Assert.True(f.Time < TimeSpan.FromSeconds(2) ? IsRed(At(f.Image, 0.5, 0.5)) : IsBlue(At(f.Image, 0.5, 0.5)), $"{f.Time}"));
        }
        finally { frames.ForEach(f => f.Dispose()); }
    }
}
