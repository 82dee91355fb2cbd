using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.RateLimiting;
using ErasWeb.Tests.Support;
using ErasWeb.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;

namespace ErasWeb.Tests.Predictions;

/// <summary>Low limits, behind a trusted proxy at 127.0.0.1: each test speaks for clients of its own through X-Forwarded-For.</summary>
public sealed class LimitedAppFixture : AppFixture
{
    public const int Photos = 3, Videos = 1, Votes = 3, Nights = 1, AdminTokenTries = 5;

    public LimitedAppFixture() => Settings = new Dictionary<string, string?>
    {
        ["Eras:PhotosPerMinute"] = Photos.ToString(),
        ["Eras:VideosPerHour"] = Videos.ToString(),
        ["Eras:VotesPerMinute"] = Votes.ToString(),
        ["Eras:NightsPerHour"] = Nights.ToString(),
        ["Eras:TrustedProxies"] = "127.0.0.1",
        ["Eras:AdminToken"] = AdminAppFixture.Token,
    };

    /// <summary>A client at <paramref name="address"/>, as the trusted proxy reports it; a browser keeps the page's cookies.</summary>
    public HttpClient ClientAt(string address, bool browser = false)
    {
        var client = browser
            ? new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress }
            : new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }
}

/// <summary>One photo a minute, listening on both IPv4 and IPv6 loopback, no proxy trusted: clients are told apart by their connections alone.</summary>
public sealed class LoopbackAppFixture : AppFixture
{
    public LoopbackAppFixture() => Settings = new Dictionary<string, string?>
    {
        ["Eras:PhotosPerMinute"] = "1",
        ["urls"] = "http://127.0.0.1:0;http://[::1]:0",
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

    HttpClient Client(string address, bool browser = false) => app.ClientAt(address, browser);

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
    public async Task A_night_of_many_photos_counts_once_against_the_photo_limit_and_nights_have_their_own()
    {
        using var client = Client("203.0.113.40");
        var photos = Enumerable.Range(0, 2 * LimitedAppFixture.Photos).Select(i => ((byte[])[.. Photo, (byte)i], $"{i}.jpg")).ToList();
        var night = await Nights.NightTests.PostNightAsync(client, photos, query: "?wait=0");
        Assert.Equal(HttpStatusCode.Accepted, night.StatusCode);

        // Six photos in one night took one photo of the three a minute: two more single photos get in, the third does not.
        for (int i = 1; i < LimitedAppFixture.Photos; i++)
            Assert.Equal(HttpStatusCode.OK, (await AppFixture.PostFileAsync(client, [.. Photo, 100, (byte)i], "photo.jpg")).StatusCode);
        await AssertTooManyAsync(await AppFixture.PostFileAsync(client, [.. Photo, 101], "photo.jpg"), "Too many photos", 60);
        using var again = Client("203.0.113.40");
        await AssertTooManyAsync(await Nights.NightTests.PostNightAsync(again, photos, query: "?wait=0"), "Too many nights from your address: at most 1 an hour", 3600);
    }

    /// <summary>GET /api/admin/feedback with <paramref name="token"/> as Bearer.</summary>
    static Task<HttpResponseMessage> AdminCallAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/feedback");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task Wrong_admin_tokens_get_429_after_five_a_minute_from_one_address_and_then_so_does_the_right_one()
    {
        var log = new LogCapture();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(log);
        using var guesser = Client("203.0.113.40");

        // The right token takes none of the address's tries.
        Assert.Equal(HttpStatusCode.OK, (await AdminCallAsync(guesser, AdminAppFixture.Token)).StatusCode);
        for (int i = 1; i < LimitedAppFixture.AdminTokenTries; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await AdminCallAsync(guesser, $"guessed-admin-token-{i}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AdminCallAsync(guesser, AdminAppFixture.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await AdminCallAsync(guesser, "guessed-admin-token-5")).StatusCode);

        await AssertTooManyAsync(await AdminCallAsync(guesser, "guessed-admin-token-6"), "Too many wrong admin tokens from your address", 60);
        // Were the right token let through now, a guesser could tell it from the wrong ones by the answer.
        await AssertTooManyAsync(await AdminCallAsync(guesser, AdminAppFixture.Token), "Too many wrong admin tokens from your address", 60);

        // Another address has its own tries.
        using var admin = Client("203.0.113.41");
        Assert.Equal(HttpStatusCode.Unauthorized, (await AdminCallAsync(admin, "guessed-admin-token-7")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AdminCallAsync(admin, AdminAppFixture.Token)).StatusCode);

        // Each wrong token checked is a warning naming the address; no token is ever written down.
        Assert.Equal(LimitedAppFixture.AdminTokenTries, log.Entries.Count(e => e is { Level: LogLevel.Warning, Message: "Wrong admin token from 203.0.113.40" }));
        Assert.DoesNotContain(log.Entries, e => e.Message.Contains("guessed-admin-token") || e.Message.Contains(AdminAppFixture.Token));
    }

    [Fact]
    public async Task Retry_After_is_the_time_left_in_the_clients_window_for_photos_votes_and_admin_tokens()
    {
        using var client = Client("203.0.113.50");
        long id = 0;
        for (int i = 0; i < LimitedAppFixture.Photos; i++)
            id = (await (await AppFixture.PostFileAsync(client, Photo, "photo.jpg")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prediction_id").GetInt64();
        for (int i = 0; i < LimitedAppFixture.Votes; i++)
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = "Red" })).StatusCode);
        for (int i = 0; i < LimitedAppFixture.AdminTokenTries; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await AdminCallAsync(client, $"guessed-admin-token-{i}")).StatusCode);

        // Each window began before the first request above; a while later, at least that much less of it is left.
        var waited = TimeSpan.FromSeconds(2.5);
        await Task.Delay(waited);
        int atMost = (int)Math.Ceiling((TimeSpan.FromMinutes(1) - waited).TotalSeconds);
        foreach (var (refused, what) in new[]
        {
            (await AppFixture.PostFileAsync(client, Photo, "photo.jpg"), "photos"),
            (await client.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = "Red" }), "votes"),
            (await AdminCallAsync(client, "guessed-admin-token-6"), "wrong admin tokens"),
        })
        {
            var problem = await AssertTooManyAsync(refused, $"Too many {what} from your address", atMost);
            Assert.Contains($"Try again in {refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds} seconds.", problem.GetProperty("detail").GetString());
        }
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

/// <summary>Every loopback address is this machine: one client, however many addresses it connects from.</summary>
public class LoopbackLimitTests(LoopbackAppFixture app) : IClassFixture<LoopbackAppFixture>
{
    [Fact]
    public async Task A_photo_from_IPv6_or_another_IPv4_loopback_address_counts_against_127_0_0_1()
    {
        var photo = File.ReadAllBytes(TestData.Photo("Lover/etl-3.jpeg"));
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        using var ipv4 = new HttpClient { BaseAddress = new Uri(addresses.Single(a => a.Contains("127.0.0.1"))) };
        using var ipv6 = new HttpClient { BaseAddress = new Uri(addresses.Single(a => a.Contains("[::1]"))) };
        // Linux answers all of 127.0.0.0/8 on the loopback interface: this client connects from 127.0.0.2.
        var fromOtherAddress = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var other = new HttpClient(fromOtherAddress) { BaseAddress = ipv4.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, (await AppFixture.PostFileAsync(ipv4, photo, "lover.jpg")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await AppFixture.PostFileAsync(ipv6, photo, "lover.jpg")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await AppFixture.PostFileAsync(other, photo, "lover.jpg")).StatusCode);
    }
}

/// <summary>The window every limit counts in: a refusal tells the time left in it, and the next window brings the allowance back.</summary>
public class FixedWindowTests
{
    [Fact]
    public async Task A_refusal_tells_the_time_left_in_the_window_and_the_next_window_admits_again()
    {
        var window = TimeSpan.FromSeconds(3);
        using var limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimiting.FixedWindow(client, 2, window));
        var clock = Stopwatch.StartNew();
        Assert.True(limiter.AttemptAcquire("a").IsAcquired);
        var windowBegun = clock.Elapsed; // at the latest
        Assert.True(limiter.AttemptAcquire("a").IsAcquired);
        Assert.True(limiter.AttemptAcquire("b").IsAcquired);
        await Task.Delay(300);

        var asked = clock.Elapsed;
        using var refused = limiter.AttemptAcquire("a");
        var answered = clock.Elapsed;
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, window - answered, window - (asked - windowBegun));
        // Asking for no permit only looks, and takes nothing from another client.
        Assert.False(limiter.AttemptAcquire("a", 0).IsAcquired);
        Assert.True(limiter.AttemptAcquire("b", 0).IsAcquired);

        for (var deadline = clock.Elapsed + TimeSpan.FromSeconds(10); !limiter.AttemptAcquire("a").IsAcquired; await Task.Delay(50))
            Assert.True(clock.Elapsed < deadline, "a new window begins once this one is over");
        Assert.True(clock.Elapsed >= window, $"admitted again after {clock.Elapsed}, before the window was over");
    }
}
