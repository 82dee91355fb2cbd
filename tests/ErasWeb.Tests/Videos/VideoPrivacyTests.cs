using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Videos;

/// <summary>What a video's uploader controls, as a photo's does: deleting it with its token, and not being named to who uploads the same bytes.</summary>
[Trait("Category", "Storage")]
public class VideoPrivacyTests(AdminAppFixture app) : IClassFixture<AdminAppFixture>
{
    static readonly string Lover = TestData.Photo("Lover/etl-7.jpeg");

    static async Task<JsonElement> UploadAsync(HttpClient client, byte[] video, string fileName, string query = "?wait=60")
    {
        var response = await AppFixture.PostFileAsync(client, video, fileName, query, "video/mp4");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    async Task<HttpStatusCode> DeleteJobAsync(long id, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/jobs/{id}");
        if (token is not null) request.Headers.Add("X-Delete-Token", token);
        return (await app.Client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task A_video_gets_a_delete_token_that_deletes_it_and_its_prediction_and_a_reupload_never_shows_the_first_name()
    {
        var video = await File.ReadAllBytesAsync(TestVideos.Slideshow("anything.mp4", 320, 180, (Lover, 3)));
        var first = await UploadAsync(app.Client, video, "my-night-out.mp4");
        long job = first.GetProperty("job_id").GetInt64(), prediction = first.GetProperty("prediction_id").GetInt64();
        var token = first.GetProperty("delete_token").GetString()!;
        Assert.Equal("my-night-out.mp4", first.GetProperty("file_name").GetString());

        // Someone else's upload of the same bytes is the same job, told with their own name and no token.
        var second = await UploadAsync(app.Client, video, "copy.mp4");
        Assert.Equal((job, "copy.mp4", JsonValueKind.Null), (second.GetProperty("job_id").GetInt64(), second.GetProperty("file_name").GetString(), second.GetProperty("delete_token").ValueKind));

        // No process names in public; the admin API has them.
        var published = await app.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{job}");
        Assert.Equal(JsonValueKind.Null, published.GetProperty("worker").ValueKind);
        using var admin = new HttpClient { BaseAddress = app.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminAppFixture.Token);
        Assert.Contains(":", (await admin.GetFromJsonAsync<JsonElement>($"/api/admin/jobs/{job}")).GetProperty("worker").GetString());

        // Its pictures are cached privately and briefly, frames too, so a deletion takes effect.
        var frame = await app.Client.GetAsync(published.GetProperty("frames")[0].GetProperty("thumbnail_url").GetString());
        Assert.Equal(("private", TimeSpan.FromMinutes(5)), (frame.Headers.CacheControl?.Private == true ? "private" : "public", frame.Headers.CacheControl?.MaxAge));

        Assert.Equal(HttpStatusCode.NotFound, await DeleteJobAsync(job, null));
        Assert.Equal(HttpStatusCode.NotFound, await DeleteJobAsync(job, "not-the-token"));
        Assert.Equal(HttpStatusCode.NoContent, await DeleteJobAsync(job, token));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/jobs/{job}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{prediction}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(published.GetProperty("frames")[0].GetProperty("thumbnail_url").GetString())).StatusCode);
    }

    [Fact]
    public async Task A_video_still_waiting_for_its_turn_is_deleted_with_its_upload_and_the_prediction_answers_to_the_same_token()
    {
        var clip = await File.ReadAllBytesAsync(TestVideos.Slideshow("waiting.mp4", 320, 180, (Lover, 2)));
        var accepted = await UploadAsync(app.Client, clip, "waiting.mp4", "?wait=0");
        long job = accepted.GetProperty("job_id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, await DeleteJobAsync(job, accepted.GetProperty("delete_token").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/jobs/{job}")).StatusCode);
        Assert.DoesNotContain(await VideoJobTests.JobsAsync(app), j => j.Id == job);
        // Its upload goes too (from the database as well, on PostgreSQL); a run already under way drops its copy as it ends.
        await Eventually.WaitForAsync(app.WaitingUploadsAsync, waiting => waiting.Count == 0, "the deleted video's upload to go", TimeSpan.FromSeconds(30));

        // A finished video's prediction is deleted by the upload's token too, with its job.
        var done = await UploadAsync(app.Client, await File.ReadAllBytesAsync(TestVideos.Slideshow("done.mp4", 320, 180, (Lover, 2))), "done.mp4");
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/predictions/{done.GetProperty("prediction_id").GetInt64()}")
        {
            Headers = { { "X-Delete-Token", done.GetProperty("delete_token").GetString() } },
        };
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/jobs/{done.GetProperty("job_id").GetInt64()}")).StatusCode);
    }
}
