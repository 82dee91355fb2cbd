using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Predictions;

/// <summary>The one intake behind <c>POST /predict</c>, <c>POST /api/nights</c> and the upload page's two forms.</summary>
public class UploadIntakeTests(LimitedAppFixture app) : IClassFixture<LimitedAppFixture>
{
    static readonly byte[] Photo = File.ReadAllBytes(TestData.Photo("Midnights/etl-39.jpeg"));

    HttpClient Client(string address, bool browser = false) => app.ClientAt(address, browser);

    [Fact]
    public async Task Both_doors_refuse_an_unlisted_video_with_the_same_sentence_and_keep_none_of_it()
    {
        var video = await File.ReadAllBytesAsync(TestVideos.Colours("unlisted.mp4", 160, 120, ("blue", 1)));

        using var script = Client("203.0.113.60");
        using var apiForm = new MultipartFormDataContent { { new StringContent("true"), "unlisted" }, { new ByteArrayContent(video), "file", "clip.mp4" } };
        var refused = await script.PostAsync("/predict", apiForm);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Videos are always in the gallery", problem.GetProperty("title").GetString());
        var sentence = problem.GetProperty("detail").GetString()!;
        Assert.StartsWith("Only photos can be kept out of the gallery", sentence);

        using var browser = Client("203.0.113.61", browser: true);
        var token = Antiforgery.TokenIn(await browser.GetStringAsync("/"));
        using var pageForm = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" }, { new StringContent("on"), "unlisted" }, { new ByteArrayContent(video), "file", "clip.mp4" },
        };
        var page = await browser.PostAsync("/", pageForm);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains(sentence, await page.Content.ReadAsStringAsync());

        // Both were received whole, as the choice may come after the file; neither is kept.
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(app.DataDir, "uploads")), f => f.EndsWith(".video") || f.EndsWith(".part"));
    }

    [Fact]
    public async Task Forged_posts_of_the_upload_pages_forms_use_none_of_the_visitors_allowance()
    {
        using var visitor = Client("203.0.113.62");
        // A cross-site form's post carries no token of this site's, or a made-up one.
        for (int i = 0; i < LimitedAppFixture.Photos; i++)
        {
            using var forged = new MultipartFormDataContent { { new ByteArrayContent(Photo), "file", "photo.jpg" } };
            if (i % 2 == 1) forged.Add(new StringContent("made-up"), "__RequestVerificationToken");
            Assert.Equal(HttpStatusCode.BadRequest, (await visitor.PostAsync("/", forged)).StatusCode);
        }
        using (var forgedNight = new MultipartFormDataContent { { new ByteArrayContent(Photo), "file", "a.jpg" } })
            Assert.Equal(HttpStatusCode.BadRequest, (await visitor.PostAsync("/?handler=Night", forgedNight)).StatusCode);

        // The visitor's whole allowance is left: the night an hour, and the photos a minute (the night takes one of them).
        var night = await Nights.NightTests.PostNightAsync(visitor, [(Photo, "a.jpg"), ([.. Photo, 1], "b.jpg")], query: "?wait=0");
        Assert.Equal(HttpStatusCode.Accepted, night.StatusCode);
        for (int i = 1; i < LimitedAppFixture.Photos; i++)
            Assert.Equal(HttpStatusCode.OK, (await AppFixture.PostFileAsync(visitor, [.. Photo, 2, (byte)i], "photo.jpg")).StatusCode);
    }
}
