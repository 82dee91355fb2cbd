using System.Net;
using System.Text.RegularExpressions;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Predictions;

/// <summary>The upload form as a browser without JavaScript uses it: antiforgery token, cookie, plain form post.</summary>
[Trait("Category", "Storage")]
public partial class PagesTests(AppFixture app) : IClassFixture<AppFixture>
{
    async Task<(HttpClient Browser, string Token)> OpenHomeAsync()
    {
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = app.BaseAddress };
        var home = await browser.GetStringAsync("/");
        return (browser, Antiforgery.TokenIn(home));
    }

    static MultipartFormDataContent Form(string token, byte[] bytes, string fileName) =>
        new() { { new StringContent(token), "__RequestVerificationToken" }, { new ByteArrayContent(bytes), "file", fileName } };

    [Fact]
    public async Task Uploading_a_photo_leads_to_its_result_page_with_era_bars_and_heatmap()
    {
        var (browser, token) = await OpenHomeAsync();
        var response = await browser.PostAsync("/", Form(token, File.ReadAllBytes(TestData.Photo("Midnights/etl-39.jpeg")), "<script>alert(1)</script>.jpg"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.Matches("^/predictions/[0-9]+$", location);

        var page = await browser.GetStringAsync(location);
        Assert.Contains("<span class=\"badge era-midnights large\">Midnights</span>", page);
        Assert.Contains("/gradcam\"", page);
        Assert.Equal(10, Regex.Matches(page, "role=\"meter\"").Count);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;.jpg", page);
        Assert.DoesNotContain("<script>alert(1)</script>", page);
    }

    [Fact]
    public async Task A_rejected_file_shows_the_reason_on_the_page_and_a_post_without_token_is_refused()
    {
        var (browser, token) = await OpenHomeAsync();
        var response = await browser.PostAsync("/", Form(token, "just text"u8.ToArray(), "photo.jpg"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("The file is text, not an image", await response.Content.ReadAsStringAsync());

        var forged = await new HttpClient { BaseAddress = app.BaseAddress }.PostAsync("/", Form("", File.ReadAllBytes(TestData.Photo("Red/etl-18.jpeg")), "x.jpg"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task A_picture_that_is_no_concert_photo_is_shown_as_not_sure_with_the_reason()
    {
        var (browser, token) = await OpenHomeAsync();
        var response = await browser.PostAsync("/", Form(token, File.ReadAllBytes(Path.Combine(TestData.SanityDir, "hot_dog.jpg")), "lunch.jpg"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var page = await browser.GetStringAsync(response.Headers.Location!.ToString());
        Assert.Contains("<span class=\"badge large uncertain\">Not sure</span>", page);
        Assert.Contains("looks unlike the Eras Tour stage photos", page);
        Assert.DoesNotMatch("class=\"badge era-[a-z0-9-]+ large\"", page);
    }

    [Fact]
    [Trait("Database", "sqlite")] // the form's upload takes the API's intake and queue, which VideoJobTests run on PostgreSQL too
    public async Task A_video_posted_through_the_form_becomes_a_job_whose_page_leads_to_the_timeline()
    {
        var (browser, token) = await OpenHomeAsync();
        var video = TestVideos.Slideshow("form-video.mp4", 320, 180, (TestData.Photo("Lover/etl-7.jpeg"), 2), (TestData.Photo("Midnights/etl-34.jpeg"), 2));
        var response = await browser.PostAsync("/", Form(token, File.ReadAllBytes(video), "from the pit.mp4"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var job = response.Headers.Location!.ToString();
        Assert.Matches("^/jobs/[0-9]+$", job);

        var result = await Eventually.WaitForAsync(async () =>
            {
                var page = await browser.GetAsync(job);
                if (page.StatusCode == HttpStatusCode.Redirect) return page.Headers.Location!.ToString();
                Assert.Contains("<progress", await page.Content.ReadAsStringAsync()); // still running: the page shows its progress
                return null;
            },
            location => location is not null, "the job's page to lead to its result", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        Assert.Matches("^/predictions/[0-9]+$", result);
        var html = await browser.GetStringAsync(result);
        Assert.Equal(["Lover", "Midnights"], Regex.Matches(html, "class=\"segment era-[a-z-]+\"[^>]*>([^<]+)<").Select(m => m.Groups[1].Value));
        Assert.Equal(12, Regex.Matches(html, "/frames/[0-9]+/thumbnail").Count);
    }

    [Fact]
    public async Task A_missing_page_explains_itself_while_the_api_keeps_answering_problem_json()
    {
        foreach (var url in new[] { "/predictions/987654", "/jobs/987654", "/no/such/page" })
        {
            var page = await app.Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("There is nothing at this address", await page.Content.ReadAsStringAsync());
        }
        var api = await app.Client.GetAsync("/api/predictions/987654");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }
}
