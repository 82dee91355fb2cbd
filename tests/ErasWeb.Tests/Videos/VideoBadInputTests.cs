using System.Net;
using System.Text.Json;
using ErasWeb.Media;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Videos;

public class VideoBadInputTests(AppFixture app) : IClassFixture<AppFixture>
{
    static Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] bytes, string name, string query = "", bool respondAsync = false) =>
        AppFixture.PostFileAsync(client, bytes, name, query, respondAsync: respondAsync);

    static byte[] Patched(string path, Action<byte[]> patch)
    {
        var bytes = File.ReadAllBytes(path);
        patch(bytes);
        return bytes;
    }

    static int Find(byte[] bytes, string ascii) => bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(ascii));

    /// <summary>Each case: a file a person might upload, and what they are told at once.</summary>
    static byte[] Make(string name) => name switch
    {
        "song.m4a" => File.ReadAllBytes(TestVideos.Make("song.m4a", "-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac")),
        "truncated.mp4" => File.ReadAllBytes(TestVideos.Colours("whole.mp4", 160, 120, ("red", 2)))[..2000],
        "nothing.mp4" => File.ReadAllBytes(TestVideos.Make("nothing.mp4", "-f", "lavfi", "-i", "color=c=red:s=160x120:d=1:r=10", "-t", "0", "-c:v", "libx264")),
        // A Matroska header claiming a billion seconds.
        "forever.mkv" => Patched(TestVideos.Make("forever.mkv", "-f", "lavfi", "-i", "color=c=red:s=160x120:d=2:r=10", "-c:v", "libx264", "-pix_fmt", "yuv420p"), bytes =>
        {
            int at = bytes.AsSpan().IndexOf([(byte)0x44, (byte)0x89, (byte)0x88]) + 3;
            System.Buffers.Binary.BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan(at), 1e12);
        }),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("song.m4a", 422, "no video stream")]
    [InlineData("truncated.mp4", 422, "cannot be read as a video")]
    [InlineData("nothing.mp4", 422, "no video stream")]
    [InlineData("forever.mkv", 422, "longer than the 6 hours")]
    public async Task Videos_that_cannot_be_analysed_are_refused_at_upload_with_the_reason_and_leave_nothing_behind(string name, int status, string reason)
    {
        var response = await UploadAsync(app.Client, Make(name), name);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.DataDir, "uploads")));
        Assert.DoesNotContain(await VideoJobTests.JobsAsync(app), j => j.FileName == name);
        Assert.Equal("Hello World", JsonSerializer.Deserialize<string>(await app.Client.GetStringAsync("/ping")));
    }

    [Fact]
    public async Task A_header_claiming_weeks_is_overruled_by_the_frames_the_video_really_has()
    {
        // The movie header says about 50 days; the track's own sample table says 2 seconds.
        var bytes = Patched(TestVideos.Make("claims.mp4", "-f", "lavfi", "-i", "color=c=red:s=160x120:d=2:r=10", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart"),
            b => System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(Find(b, "mvhd") + 20), 0xFFFFFFF0));

        var response = await UploadAsync(app.Client, bytes, "claims.mp4", "?wait=60");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("duration_seconds").GetDouble(), 1.9, 2.1);
    }

    [Fact]
    public async Task A_3_second_clip_whose_header_claims_6_hours_is_sampled_over_its_3_seconds_and_gets_a_3_second_timeline()
    {
        // The Matroska segment's Duration element (milliseconds, a big-endian double) says 6 hours, the limit.
        var bytes = Patched(TestVideos.Make("liar.mkv", "-f", "lavfi", "-i", "color=c=red:s=160x120:d=3:r=10", "-c:v", "libx264", "-pix_fmt", "yuv420p"), b =>
        {
            int at = b.AsSpan().IndexOf([(byte)0x44, (byte)0x89, (byte)0x88]) + 3;
            Assert.Equal(3000, System.Buffers.Binary.BinaryPrimitives.ReadDoubleBigEndian(b.AsSpan(at)));
            System.Buffers.Binary.BinaryPrimitives.WriteDoubleBigEndian(b.AsSpan(at), 6 * 3600 * 1000.0);
        });
        var claimed = Path.Combine(TestData.NewTempDir("liar"), "liar.mkv");
        await File.WriteAllBytesAsync(claimed, bytes);
        Assert.Equal(6 * 3600, (await TestMedia.Probe.ProbeAsync(claimed, TimeSpan.FromSeconds(10), CancellationToken.None)).Duration.TotalSeconds, 1);

        // Planned over the claimed 6 hours, its frames would be 30 minutes apart, all but one past the end.
        var response = await UploadAsync(app.Client, bytes, "liar.mkv", "?wait=60");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.InRange(job.GetProperty("duration_seconds").GetDouble(), 2.9, 3.1);
        var timeline = job.GetProperty("timeline").EnumerateArray().ToList();
        Assert.InRange(timeline[^1].GetProperty("end").GetDouble(), 2.9, 3.1);
        Assert.All(job.GetProperty("frames").EnumerateArray(), f => Assert.InRange(f.GetProperty("timestamp").GetDouble(), 0, 3));
        Assert.Equal(12, job.GetProperty("frames").GetArrayLength());
    }

    [Fact]
    public async Task A_real_6_hour_video_of_tiny_still_frames_gives_every_planned_frame()
    {
        // 21600 frames of 32x32, a keyframe every 250: few keyframes, so most sampled times have none near them
        // (sought one by one, its 1000 frames took minutes). How long sampling takes is the bench's to measure.
        var video = TestVideos.Make("six-hours.mp4", "-f", "lavfi", "-i", "color=c=blue:s=32x32:r=1:d=21600", "-c:v", "libx264", "-pix_fmt", "yuv420p");
        var info = await TestMedia.Probe.ProbeWithKeyframesAsync(video, TimeSpan.FromSeconds(60), CancellationToken.None);
        var times = FrameSampler.Plan(info.Duration, 12, TimeSpan.FromSeconds(10), 1300);

        var sampled = new List<TimeSpan>();
        await foreach (var frame in TestMedia.Sampler.SampleAsync(video, info, times, (32, 32), TimeSpan.FromSeconds(60), CancellationToken.None))
            using (frame) sampled.Add(frame.Time);

        Assert.Equal(times.Count, sampled.Count);
        // Each frame is the first at or after a quarter step before its time, as when sought one by one.
        var step = times[1] - times[0];
        Assert.All(sampled.Order().Zip(times), p => Assert.InRange(p.First, p.Second - step / 4, p.Second - step / 4 + TimeSpan.FromSeconds(1)));

        // The whole job through HTTP: its 1300 frames' inferences are most of its time.
        using var patient = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(150) };
        var response = await UploadAsync(patient, File.ReadAllBytes(video), "six-hours.mp4", "?wait=120");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var job = JsonDocument.Parse(body).RootElement;
        Assert.InRange(job.GetProperty("duration_seconds").GetDouble(), 21599, 21601);
        Assert.InRange(job.GetProperty("frames").GetArrayLength(), 1290, 1300);
    }

    [Fact]
    public async Task A_job_over_its_time_budget_fails_with_the_reason_and_frees_the_worker()
    {
        // 0.05 s of work per minute of video: no analysis fits, so every job runs out of time.
        var strict = new AppFixture { Settings = new Dictionary<string, string?> { ["Eras:VideoWorkSecondsPerMinute"] = "0.05" } };
        await strict.InitializeAsync();
        try
        {
            var video = File.ReadAllBytes(TestVideos.Colours("budget.mp4", 320, 240, ("red", 5), ("blue", 5)));

            var response = await UploadAsync(strict.Client, video, "budget.mp4");

            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains("took longer than the 0.1 seconds allowed for a video of 10 seconds", await response.Content.ReadAsStringAsync());
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(strict.DataDir, "uploads")));
        }
        finally { await strict.DisposeAsync(); }
    }

    [Fact]
    public async Task A_video_whose_frames_cannot_be_decoded_ends_in_a_failed_job_with_the_reason_and_its_upload_deleted()
    {
        // Intact headers, so it is accepted; every byte of picture data zeroed.
        var bytes = Patched(TestVideos.Make("blank.mp4", "-f", "lavfi", "-i", "color=c=red:s=160x120:d=2:r=10", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart"),
            b => Array.Clear(b, Find(b, "mdat") + 4, b.Length - Find(b, "mdat") - 4));

        var response = await UploadAsync(app.Client, bytes, "blank.mp4", respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var (job, _) = await VideoJobTests.WaitForJobAsync(app.Client, response.Headers.Location!.OriginalString, TimeSpan.FromSeconds(60));

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("could be decoded", job.GetProperty("error").GetString());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.DataDir, "uploads")));
        var waited = await UploadAsync(app.Client, bytes, "blank.mp4", "?wait=30");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, waited.StatusCode);
    }

    [Fact]
    public async Task A_video_over_the_limit_is_refused_while_streaming_and_no_partial_file_is_left()
    {
        var small = new AppFixture { Settings = new Dictionary<string, string?> { ["Eras:MaxVideoUploadBytes"] = "200000" } };
        await small.InitializeAsync();
        try
        {
            var big = File.ReadAllBytes(TestVideos.Make("noise.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x180:d=1:r=25,noise=alls=60:allf=t", "-c:v", "libx264", "-pix_fmt", "yuv420p"));
            Assert.InRange(big.Length, 200_000, AppFixture.MaxUploadBytes); // over the video limit, under the photo limit

            var response = await UploadAsync(small.Client, big, "noise.mp4");

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var problem = await response.Content.ReadAsStringAsync();
            Assert.True(problem.Contains("195.3 KB"), problem);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(small.DataDir, "uploads")));
        }
        finally { await small.DisposeAsync(); }
    }

    [Fact]
    public async Task FFmpeg_that_hangs_is_killed_after_the_timeout_with_a_reason()
    {
        // Reading a named pipe nobody writes to blocks FFmpeg forever.
        var fifo = Path.Combine(TestData.NewTempDir("hang"), "stuck.mp4");
        System.Diagnostics.Process.Start("mkfifo", [fifo]).WaitForExit();

        var error = await Assert.ThrowsAsync<FFmpegException>(() => TestMedia.Probe.ProbeAsync(fifo, TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Contains("took longer than 1 s and was stopped", error.Message);
        var streamed = await Assert.ThrowsAsync<FFmpegException>(async () =>
        {
            await foreach (var _ in TestMedia.FFmpeg.StreamAsync("ffmpeg", ["-v", "error", "-i", fifo, "-f", "rawvideo", "pipe:1"], 1024, _ => (int?)null, TimeSpan.FromSeconds(1), CancellationToken.None)) { }
        });
        Assert.Contains("produced nothing for 1 s and was stopped", streamed.Message);
        Assert.DoesNotContain(System.Diagnostics.Process.GetProcessesByName("ffprobe").Concat(System.Diagnostics.Process.GetProcessesByName("ffmpeg")),
            p => CommandLine(p.Id).Contains(fifo));
    }

    /// <summary>A process's command line; empty once it has gone (other tests' FFmpeg processes come and go meanwhile).</summary>
    static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline"); }
        catch (IOException) { return ""; }
    }
}
