using System.Net;
using System.Text.Json;
using ErasWeb.Classification;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Videos;

/// <summary>The bounded video queue and one job per video, through HTTP, on apps with tiny bounds.</summary>
[Trait("Category", "Storage")]
public class VideoQueueTests
{
    static byte[] Clip(string colour, double seconds = 1) =>
        File.ReadAllBytes(TestVideos.Colours($"{colour}.mp4", 160, 120, (colour, seconds)));

    static Task<HttpResponseMessage> UploadAsync(AppFixture app, byte[] video, string name) =>
        AppFixture.PostFileAsync(app.Client, video, name, contentType: "video/mp4", respondAsync: true);

    static async Task<AppFixture> StartAsync(Dictionary<string, string?> settings)
    {
        var app = new AppFixture { Settings = settings };
        await app.InitializeAsync();
        return app;
    }

    /// <summary>
    /// Takes every turn at the CPU, as a busy server's photos would, so accepted jobs stay unfinished
    /// (stuck at their first batch) until the returned handle is disposed.
    /// </summary>
    static async Task<IDisposable> HoldTheCpuAsync(AppFixture app)
    {
        var cpu = app.Services.GetRequiredService<ModelHost>().Analyses;
        for (int i = 0; i < Environment.ProcessorCount; i++) await cpu.WaitAsync();
        return new Release(() => cpu.Release(Environment.ProcessorCount));
    }

    sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }

    static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string words)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(words, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
    }

    [Fact]
    public async Task A_client_with_its_share_of_the_queue_waiting_gets_429_with_Retry_After_and_its_file_is_not_kept()
    {
        var app = await StartAsync(new() { ["Eras:VideoQueueMaxJobsPerClient"] = "1" });
        try
        {
            using (await HoldTheCpuAsync(app))
            {
                Assert.Equal(HttpStatusCode.Accepted, (await UploadAsync(app, Clip("red"), "first.mp4")).StatusCode);

                await AssertRefusedAsync(await UploadAsync(app, Clip("blue"), "second.mp4"), HttpStatusCode.TooManyRequests, "as one visitor may (1)");
                // The same video again is the job already waiting, not another one.
                Assert.Equal(HttpStatusCode.Accepted, (await UploadAsync(app, Clip("red"), "first-again.mp4")).StatusCode);
                Assert.Single(await app.WaitingUploadsAsync());
            }
            // Once the first has finished, the client may queue another.
            var first = (await VideoJobTests.JobsAsync(app)).Single();
            await VideoJobTests.WaitForJobAsync(app.Client, $"/api/jobs/{first.Id}", TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.Accepted, (await UploadAsync(app, Clip("blue"), "second.mp4")).StatusCode);
        }
        finally { await app.DisposeAsync(); }
    }

    [Fact]
    public async Task A_full_queue_by_jobs_or_by_bytes_on_disk_gets_503_with_Retry_After()
    {
        var small = Clip("green");
        var large = File.ReadAllBytes(TestVideos.Make("noise.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x180:d=1:r=25,noise=alls=60:allf=t", "-c:v", "libx264", "-pix_fmt", "yuv420p"));
        Assert.True(large.Length > 4 * small.Length);
        var app = await StartAsync(new()
        {
            ["Eras:VideoQueueMaxJobs"] = "1",
            ["Eras:VideoQueueMaxBytes"] = (large.Length - 1).ToString(),
        });
        try
        {
            await AssertRefusedAsync(await UploadAsync(app, large, "large.mp4"), HttpStatusCode.ServiceUnavailable, "fill the");
            using (await HoldTheCpuAsync(app))
            {
                Assert.Equal(HttpStatusCode.Accepted, (await UploadAsync(app, small, "small.mp4")).StatusCode);
                await AssertRefusedAsync(await UploadAsync(app, Clip("yellow"), "another.mp4"), HttpStatusCode.ServiceUnavailable, "as ErasWeb queues (1)");
            }
            Assert.Single(await VideoJobTests.JobsAsync(app));
            Assert.Equal("Hello World", JsonSerializer.Deserialize<string>(await app.Client.GetStringAsync("/ping")));
        }
        finally { await app.DisposeAsync(); }
    }

    [Fact]
    public async Task Four_identical_videos_uploaded_at_once_make_one_job()
    {
        var app = await StartAsync([]);
        try
        {
            var video = Clip("purple", 2);

            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => UploadAsync(app, video, $"same-{i}.mp4")));

            var bodies = await Task.WhenAll(answers.Select(async a => (a.StatusCode, Body: JsonDocument.Parse(await a.Content.ReadAsStringAsync()).RootElement)));
            Assert.All(bodies, b => Assert.True(b.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, b.Body.ToString()));
            Assert.Single(bodies.Select(b => b.Body.GetProperty("job_id").GetInt64()).Distinct());
            Assert.Single(await VideoJobTests.JobsAsync(app));
        }
        finally { await app.DisposeAsync(); }
    }
}
