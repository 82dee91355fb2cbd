using System.Net;
using System.Text.Json;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Videos;

/// <summary>The app as its own process, so its memory is its own and not the test runner's.</summary>
public sealed class AppProcessFixture : IAsyncLifetime
{
    public string DataDir { get; } = TestData.NewTempDir("app-process");
    public AppProcess App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await AppProcess.StartAsync(DataDir, new Dictionary<string, string>());

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Files of millions of 2x2 frames, a few bytes each: small uploads that once cost the server a gigabyte of memory
/// and a minute of work, because every packet was listed, held and searched.
/// </summary>
public class ManyTinyFramesTests(AppProcessFixture fixture) : IClassFixture<AppProcessFixture>
{
    const long MostGrowth = 150 * 1024 * 1024;

    [Theory]
    [InlineData(1_000_000, "1,000,000 frames in its 16.7 minutes")]
    [InlineData(3_000_000, "3,000,000 frames in its 50 minutes")]
    public async Task A_raw_AVI_of_a_thousand_tiny_frames_a_second_is_refused_at_upload_and_costs_the_server_no_memory(int frames, string reason)
    {
        var video = File.ReadAllBytes(TestVideos.TinyFrames($"{frames}.avi", frames));
        var app = fixture.App;
        app.ResetPeakMemory();
        var before = app.Memory().Resident;

        var response = await AppFixture.PostFileAsync(app.Client, video, $"{frames}.avi", respondAsync: true);

        var growth = app.Memory().Peak - before;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, body);
        var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString();
        Assert.Contains(reason, detail);
        Assert.Contains("more than the 480 a second", detail);
        Assert.True(growth < MostGrowth, $"The server's memory peaked {growth / 1024 / 1024} MB above where it was.");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.DataDir, "uploads")));
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/ping")).StatusCode);
    }

    [Fact]
    public async Task A_file_whose_header_has_no_frame_count_is_accepted_but_its_job_stops_reading_it_within_seconds_of_video()
    {
        // Matroska keeps no frame count, so only the packets tell: a million of them over 1000 seconds.
        var video = File.ReadAllBytes(TestVideos.TinyFrames("1000000.mkv", 1_000_000));
        var app = fixture.App;
        app.ResetPeakMemory();
        var before = app.Memory().Resident;

        var response = await AppFixture.PostFileAsync(app.Client, video, "1000000.mkv", respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var (job, _) = await VideoJobTests.WaitForJobAsync(app.Client, response.Headers.Location!.OriginalString, TimeSpan.FromSeconds(60));

        var growth = app.Memory().Peak - before;
        Assert.Equal("failed", job.GetProperty("status").GetString());
        var error = job.GetProperty("error").GetString()!;
        // The allowance (1000 frames, and 480 a second) runs out in the second second: ffprobe was stopped there.
        Assert.Matches(@"^The video has 1,9\d\d frames in its first 1\.9 seconds: more than the 480 a second ErasWeb reads", error);
        Assert.True(growth < MostGrowth, $"The server's memory peaked {growth / 1024 / 1024} MB above where it was.");
        // The job says it failed, then removes the upload it read.
        await Eventually.TrueAsync(() => !Directory.EnumerateFiles(Path.Combine(fixture.DataDir, "uploads")).Any(), "the upload to be removed", TimeSpan.FromSeconds(10));
    }
}
