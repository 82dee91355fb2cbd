using System.Net;
using System.Text.Json;
using ErasWeb.Data;
using ErasWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Tests.Videos;

[Trait("Category", "Storage")]
public class VideoJobTests(AppFixture app) : IClassFixture<AppFixture>
{
    static readonly string Lover = TestData.Photo("Lover/etl-7.jpeg"), Midnights = TestData.Photo("Midnights/etl-34.jpeg");

    public static async Task<HttpResponseMessage> UploadVideoAsync(HttpClient client, string path, string query = "", bool respondAsync = false) =>
        await AppFixture.PostFileAsync(client, await File.ReadAllBytesAsync(path), Path.GetFileName(path), query, "video/mp4", respondAsync);

    /// <summary>Polls the job until it has finished; returns its last state and every progress value seen on the way.</summary>
    public static async Task<(JsonElement Job, List<int> Progress)> WaitForJobAsync(HttpClient client, string url, TimeSpan timeout)
    {
        var seen = new List<int>();
        var job = await Eventually.WaitForAsync(async () =>
            {
                var job = JsonDocument.Parse(await client.GetStringAsync(url)).RootElement;
                seen.Add(job.GetProperty("progress").GetInt32());
                return job;
            },
            job => job.GetProperty("status").GetString() is "succeeded" or "failed", $"the job at {url} to finish", timeout);
        return (job, seen);
    }

    [Fact]
    public async Task A_Lover_photo_then_a_Midnights_photo_make_a_timeline_Lover_then_Midnights_with_the_boundary_within_one_step()
    {
        var video = TestVideos.Slideshow("lover-then-midnights.mp4", 640, 360, (Lover, 10), (Midnights, 10));

        var response = await UploadVideoAsync(app.Client, video, respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("respond-async", response.Headers.GetValues("Preference-Applied").Single());
        var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        long jobId = accepted.GetProperty("job_id").GetInt64();
        Assert.Equal($"/api/jobs/{jobId}", response.Headers.Location?.OriginalString);
        Assert.Equal(response.Headers.Location?.OriginalString, accepted.GetProperty("status_url").GetString());
        Assert.Contains(accepted.GetProperty("status").GetString(), new[] { "queued", "running" });

        var (job, progress) = await WaitForJobAsync(app.Client, $"/api/jobs/{jobId}", TimeSpan.FromSeconds(60));
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(100, job.GetProperty("progress").GetInt32());
        Assert.Equal(progress.Order(), progress); // progress never goes back

        var timeline = job.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(["Lover", "Midnights"], timeline.Select(s => s.GetProperty("era").GetString()));
        double step = 20.0 / 12;
        Assert.Equal(0, timeline[0].GetProperty("start").GetDouble());
        Assert.InRange(timeline[0].GetProperty("end").GetDouble(), 10 - step, 10 + step);
        Assert.Equal(timeline[0].GetProperty("end").GetDouble(), timeline[1].GetProperty("start").GetDouble());
        Assert.InRange(timeline[1].GetProperty("end").GetDouble(), 19.9, 20.1);

        var frames = job.GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(12, frames.Count);
        var times = frames.Select(f => f.GetProperty("timestamp").GetDouble()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(frames, f => Assert.Equal(f.GetProperty("timestamp").GetDouble() < 10 ? "Lover" : "Midnights", f.GetProperty("era").GetString()));

        // The overall answer: the era with the largest summed probability, its confidence the mean over frames.
        var probabilities = job.GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetSingle());
        Assert.Equal(probabilities.MaxBy(p => p.Value).Key, job.GetProperty("predicted_class").GetString());
        Assert.Equal(probabilities[job.GetProperty("predicted_class").GetString()!], job.GetProperty("confidence").GetSingle(), 4);
        Assert.Equal(1, probabilities.Values.Sum(), 3);
        Assert.Equal((640, 360, 20.0), (job.GetProperty("width").GetInt32(), job.GetProperty("height").GetInt32(), Math.Round(job.GetProperty("duration_seconds").GetDouble())));

        // Every picture is served: frame thumbnails, the poster (key frame) and its Grad-CAM overlay.
        foreach (var url in frames.Select(f => f.GetProperty("thumbnail_url").GetString()!)
            .Concat(new[] { "poster_url", "gradcam_url" }.Select(p => job.GetProperty(p).GetString()!)))
        {
            var picture = await app.Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, picture.StatusCode);
            Assert.Equal("image/jpeg", picture.Content.Headers.ContentType?.MediaType);
        }
        double key = job.GetProperty("key_frame_timestamp").GetDouble();
        Assert.Equal(job.GetProperty("predicted_class").GetString(), frames.Single(f => f.GetProperty("timestamp").GetDouble() == key).GetProperty("era").GetString());

        // Stored as a video prediction, listed with the others; the upload is gone.
        var stored = JsonDocument.Parse(await app.Client.GetStringAsync($"/api/predictions/{job.GetProperty("prediction_id").GetInt64()}")).RootElement;
        Assert.Equal("video", stored.GetProperty("kind").GetString());
        Assert.Equal(20, Math.Round(stored.GetProperty("duration_seconds").GetDouble()));
        Assert.Empty(await app.WaitingUploadsAsync());
    }

    [Fact]
    public async Task With_wait_the_answer_is_the_prototypes_predicted_class_and_the_same_video_again_is_the_same_job()
    {
        var video = TestVideos.Slideshow("midnights.mp4", 480, 270, (Midnights, 4));

        var response = await UploadVideoAsync(app.Client, video, "?wait=60");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Midnights", body.GetProperty("predicted_class").GetString());
        Assert.True(body.GetProperty("confidence").GetSingle() > 0.5f);

        var again = JsonDocument.Parse(await (await UploadVideoAsync(app.Client, video, "?wait=60")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(body.GetProperty("job_id").GetInt64(), again.GetProperty("job_id").GetInt64());
        Assert.Equal(body.GetProperty("prediction_id").GetInt64(), again.GetProperty("prediction_id").GetInt64());
    }

    [Fact]
    public async Task A_client_written_for_the_prototype_gets_the_videos_predicted_class_in_the_answer()
    {
        var video = await File.ReadAllBytesAsync(TestVideos.Slideshow("prototype.mp4", 480, 270, (Lover, 3)));

        // The prototype's client: plain multipart, no headers, no query.
        using var form = new MultipartFormDataContent { { new ByteArrayContent(video), "file", "prototype.mp4" } };
        var response = await app.Client.PostAsync("/predict", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Lover", body.GetProperty("predicted_class").GetString());
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.False(response.Headers.Contains("Preference-Applied"));
    }

    [Fact]
    public async Task Prefer_respond_async_answers_202_at_once_and_wait_still_wins_over_it()
    {
        var video = TestVideos.Slideshow("async.mp4", 480, 270, (Midnights, 3));

        var accepted = await UploadVideoAsync(app.Client, video, respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("respond-async", accepted.Headers.GetValues("Preference-Applied").Single());
        Assert.NotEqual("succeeded", JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

        var waited = await UploadVideoAsync(app.Client, video, "?wait=60", respondAsync: true);
        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        Assert.Equal("Midnights", JsonDocument.Parse(await waited.Content.ReadAsStringAsync()).RootElement.GetProperty("predicted_class").GetString());
    }

    [Fact]
    [Trait("Database", "sqlite")] // rotation is FFmpeg's; nothing in it depends on the database
    public async Task A_rotated_phone_clip_is_classified_as_its_upright_frames_are()
    {
        var upright = TestVideos.Slideshow("upright.mp4", 360, 640, (Lover, 3));
        // Turned losslessly, so the only difference left to the model is the rotation the app must undo.
        var sideways = TestVideos.Make("sideways.mp4", "-i", upright, "-vf", "transpose=clock", "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv420p");
        var phone = TestVideos.Make("phone.mp4", "-i", sideways, "-c", "copy", "-metadata:s:v:0", "rotate=90");

        var a = JsonDocument.Parse(await (await UploadVideoAsync(app.Client, upright, "?wait=60")).Content.ReadAsStringAsync()).RootElement;
        var b = JsonDocument.Parse(await (await UploadVideoAsync(app.Client, phone, "?wait=60")).Content.ReadAsStringAsync()).RootElement;

        Assert.Equal((360, 640), (b.GetProperty("width").GetInt32(), b.GetProperty("height").GetInt32()));
        Assert.Equal("Lover", a.GetProperty("predicted_class").GetString());
        Assert.Equal(a.GetProperty("predicted_class").GetString(), b.GetProperty("predicted_class").GetString());
        Assert.Equal(a.GetProperty("confidence").GetSingle(), b.GetProperty("confidence").GetSingle(), 0.03f);
    }

    [Fact]
    public async Task A_wait_longer_than_two_minutes_is_refused()
    {
        var response = await UploadVideoAsync(app.Client, TestVideos.Colours("any.mp4", 160, 120, ("red", 1)), "?wait=600");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("120", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_job_is_a_404_problem()
    {
        var response = await app.Client.GetAsync("/api/jobs/987654");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public static async Task<List<VideoJob>> JobsAsync(AppFixture app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ErasDb>().VideoJobs.AsNoTracking().ToListAsync();
    }
}
