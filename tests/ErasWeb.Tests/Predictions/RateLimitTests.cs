using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Predictions;

/// <summary>Low limits, behind a trusted proxy at 127.0.0.1: each test speaks for clients of its own through X-Forwarded-For.</summary>
public sealed class LimitedAppFixture : AppFixture
{
    public const int Photos = 3, Videos = 1, Votes = 3;

    public LimitedAppFixture() => Settings = new Dictionary<string, string?>
    {
        ["Eras:PhotosPerMinute"] = Photos.ToString(),
        ["Eras:VideosPerHour"] = Videos.ToString(),
        ["Eras:VotesPerMinute"] = Votes.ToString(),
        ["Eras:TrustedProxies"] = "127.0.0.1",
    };
}

/// <summary>The same limits, no proxy trusted: what a client says in X-Forwarded-For changes nothing.</summary>
public sealed class UntrustingAppFixture : AppFixture
{
    public UntrustingAppFixture() => Settings = new Dictionary<string, string?> { ["Eras:VotesPerMinute"] = LimitedAppFixture.Votes.ToString() };
}

/// <summary>Per-address limits on photos, videos and votes: 429 with problem JSON and Retry-After, a readable page for people.</summary>
public class RateLimitTests(LimitedAppFixture app) : IClassFixture<LimitedAppFixture>
{
    static readonly byte[] Photo = File.ReadAllBytes(TestData.Photo("Midnights/etl-39.jpeg"));

    /// <summary>A client at <paramref name="address"/>, as the trusted proxy reports it.</summary>
    HttpClient Client(string address, bool browser = false)
    {
        var client = browser
            ? new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = app.BaseAddress }
            : new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    static async Task<JsonElement> AssertTooManyAsync(HttpResponseMessage response, string detail, int maxRetryAfter)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta?.TotalSeconds;
        Assert.True(retryAfter is >= 1 && retryAfter <= maxRetryAfter, $"Retry-After {retryAfter}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        return problem;
    }

    [Fact]
    public async Task Photos_over_the_limit_get_429_with_Retry_After_while_ping_health_pictures_and_videos_still_answer()
    {
        using var client = Client("203.0.113.10");
        long id = 0;
        for (int i = 0; i < LimitedAppFixture.Photos; i++)
        {
            var ok = await AppFixture.PostFileAsync(client, Photo, "photo.jpg");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            id = (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prediction_id").GetInt64();
        }
        await AssertTooManyAsync(await AppFixture.PostFileAsync(client, Photo, "photo.jpg"), "Too many photos from your address: at most 3 a minute", 60);

        foreach (var path in (string[])["/ping", "/health/live", "/health/ready", $"/api/predictions/{id}", $"/api/predictions/{id}/image", "/css/site.css", "/"])
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        // Another address has its own allowance.
        using var neighbour = Client("203.0.113.11");
        Assert.Equal(HttpStatusCode.OK, (await AppFixture.PostFileAsync(neighbour, Photo, "photo.jpg")).StatusCode);

        // Videos are counted apart, an hour at a time: the first one still gets in.
        var video = await File.ReadAllBytesAsync(TestVideos.Colours("limits.mp4", 160, 120, ("red", 1)));
        Assert.True((await AppFixture.PostFileAsync(client, video, "clip.mp4", contentType: "video/mp4")).IsSuccessStatusCode); // 200 when the job finishes within the default wait, else 202
        await AssertTooManyAsync(await AppFixture.PostFileAsync(client, video, "clip.mp4", contentType: "video/mp4"), "Too many videos from your address: at most 1 an hour", 3600);
    }

    [Fact]
    public async Task The_upload_page_says_in_words_when_to_try_again()
    {
        using var browser = Client("203.0.113.20", browser: true);
        var token = Antiforgery.TokenIn(await browser.GetStringAsync("/"));
        MultipartFormDataContent Form() => new() { { new StringContent(token), "__RequestVerificationToken" }, { new ByteArrayContent(Photo), "file", "photo.jpg" } };
        for (int i = 0; i < LimitedAppFixture.Photos; i++)
            Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/", Form())).StatusCode);

        var refused = await browser.PostAsync("/", Form());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.Matches("<p class=\"error\" role=\"alert\" id=\"error\">Too many photos from your address: at most 3 a minute. Try again in [0-9]+ seconds?.</p>",
            await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Votes_over_the_limit_get_429_from_the_API_and_a_readable_page_from_the_form()
    {
        using var uploader = Client("203.0.113.30");
        long id = (await (await AppFixture.PostFileAsync(uploader, Photo, "photo.jpg")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prediction_id").GetInt64();

        using var script = Client("203.0.113.31");
        for (int i = 0; i < LimitedAppFixture.Votes; i++)
            Assert.Equal(HttpStatusCode.Created, (await script.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = "Red" })).StatusCode);
        await AssertTooManyAsync(await script.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = "Red" }), "Too many votes from your address", 60);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync($"/api/predictions/{id}/feedback")).StatusCode);

        using var fan = Client("203.0.113.32", browser: true);
        HttpResponseMessage answer = null!;
        for (int i = 0; i <= LimitedAppFixture.Votes; i++)
        {
            var page = await fan.GetStringAsync($"/predictions/{id}");
            answer = await fan.PostAsync($"/predictions/{id}?handler=Feedback",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Antiforgery.TokenIn(page), ["era"] = "Lover" }));
            if (i < LimitedAppFixture.Votes) Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
        Assert.Equal("text/html", answer.Content.Headers.ContentType?.MediaType);
        Assert.Matches("Wait [0-9]+ seconds?, then try again", await answer.Content.ReadAsStringAsync());
    }
}

/// <summary>X-Forwarded-For is the client's own word unless it comes from a configured proxy.</summary>
public class UntrustedProxyTests(UntrustingAppFixture app) : IClassFixture<UntrustingAppFixture>
{
    [Fact]
    public async Task Without_a_trusted_proxy_a_forwarded_address_does_not_buy_a_new_allowance()
    {
        long id = (await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo("Red/etl-17.jpeg")), "red.jpg")).GetProperty("prediction_id").GetInt64();
        async Task<HttpStatusCode> VoteAsync(string forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/predictions/{id}/feedback") { Content = JsonContent.Create(new { era = "Red" }) };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            return (await app.Client.SendAsync(request)).StatusCode;
        }

        for (int i = 0; i < LimitedAppFixture.Votes; i++) Assert.Equal(HttpStatusCode.Created, await VoteAsync("198.51.100.1"));
        // The connection is 127.0.0.1 whatever the header says, and 127.0.0.1 has used its votes.
        Assert.Equal(HttpStatusCode.TooManyRequests, await VoteAsync("198.51.100.2"));
    }
}
