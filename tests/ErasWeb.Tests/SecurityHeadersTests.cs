using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErasWeb.Configuration;
using ErasWeb.Tests.Support;
using Microsoft.Extensions.Options;

namespace ErasWeb.Tests;

/// <summary>What every answer tells a browser about itself, which sites may call the API, and what problem messages never show.</summary>
public partial class SecurityHeadersTests(AppFixture app) : IClassFixture<AppFixture>
{
    static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        string Header(string name) =>
            response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
                ? string.Join(", ", values) : throw new Xunit.Sdk.XunitException($"{response.RequestMessage?.RequestUri} ({(int)response.StatusCode}) has no {name} header");

        var csp = Header("Content-Security-Policy");
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToDictionary(d => d.Split(' ')[0], d => d);
        Assert.Equal("default-src 'self'", directives["default-src"]);
        Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
        Assert.Equal("object-src 'none'", directives["object-src"]);
        Assert.Equal("base-uri 'self'", directives["base-uri"]);
        Assert.Equal("form-action 'self'", directives["form-action"]);
        Assert.Equal("img-src 'self' data: blob:", directives["img-src"]);
        Assert.False(directives.ContainsKey("script-src") || directives.ContainsKey("style-src"), csp); // both fall back to default-src 'self'
        Assert.DoesNotContain("unsafe", csp);
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header("Referrer-Policy"));
        var permissions = Header("Permissions-Policy");
        foreach (var feature in (string[])["camera=()", "microphone=()", "geolocation=()"])
            Assert.Contains(feature, permissions);
    }

    async Task<long> UploadPhotoAsync()
    {
        var response = await app.UploadAsync(File.ReadAllBytes(TestData.Photo("Midnights/etl-39.jpeg")), "midnights.jpg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prediction_id").GetInt64();
    }

    [Fact]
    public async Task Every_kind_of_answer_carries_the_security_headers()
    {
        long id = await UploadPhotoAsync();
        var answers = new (string Path, HttpStatusCode Status, string MediaType)[]
        {
            ("/", HttpStatusCode.OK, "text/html"),
            ($"/predictions/{id}", HttpStatusCode.OK, "text/html"),
            ("/no-such-page", HttpStatusCode.NotFound, "text/html"),
            ("/api/model", HttpStatusCode.OK, "application/json"),
            ("/api/predictions/987654321", HttpStatusCode.NotFound, "application/problem+json"),
            ("/css/site.css", HttpStatusCode.OK, "text/css"),
            ("/js/prediction.js", HttpStatusCode.OK, "text/javascript"),
            ($"/api/predictions/{id}/image", HttpStatusCode.OK, "image/jpeg"),
            ($"/api/predictions/{id}/gradcam", HttpStatusCode.OK, "image/jpeg"),
        };
        foreach (var (path, status, mediaType) in answers)
        {
            using var response = await app.Client.GetAsync(path);
            Assert.True(status == response.StatusCode, $"{path}: {response.StatusCode}");
            Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
            AssertSecurityHeaders(response);
        }

        // A refused upload: problem JSON written by the exception handler, which clears the headers set before it.
        using var refused = await app.UploadAsync("not a photo"u8.ToArray(), "notes.txt", "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        AssertSecurityHeaders(refused);
    }

    [Fact]
    public async Task The_error_page_asked_for_directly_answers_with_its_own_status()
    {
        using var error = await app.Client.GetAsync("/error/500");

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("text/html", error.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Something went wrong", await error.Content.ReadAsStringAsync());
        AssertSecurityHeaders(error);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/error/404")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/error/200")).StatusCode); // never a success
    }

    /// <summary>Inline script, style and handlers would be blocked by the policy: the pages have none.</summary>
    [Fact]
    public async Task Pages_have_no_inline_script_style_or_event_handler()
    {
        long id = await UploadPhotoAsync();
        foreach (var path in (string[])["/", "/gallery", $"/predictions/{id}", "/error/404", "/no-such-page"])
            AssertNoInlineCode(path, await (await app.Client.GetAsync(path)).Content.ReadAsStringAsync());
        // Pages that need a video or an admin are checked in their source: the same patterns, before rendering.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestData.RepoRoot, "src", "ErasWeb", "Pages"), "*.cshtml", SearchOption.AllDirectories))
            AssertNoInlineCode(Path.GetRelativePath(TestData.RepoRoot, file), File.ReadAllText(file));
    }

    static void AssertNoInlineCode(string where, string html)
    {
        Assert.False(InlineScript().IsMatch(html), $"{where} has an inline <script>: {InlineScript().Match(html).Value}");
        Assert.False(StyleElementOrAttribute().IsMatch(html), $"{where} has inline style: {StyleElementOrAttribute().Match(html).Value}");
        Assert.False(EventHandler().IsMatch(html), $"{where} has an event handler attribute: {EventHandler().Match(html).Value}");
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
    }

    // A JSON data block (the sentences a script says, in the reader's language) is never run, so the policy need not allow it.
    [GeneratedRegex(@"<script(?![^>]*\bsrc=)(?![^>]*\btype=""application/json"")[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<style\b|\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleElementOrAttribute();

    [GeneratedRegex(@"<[^>]*\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandler();

    static HttpRequestMessage Preflight(string path, string origin) => new(HttpMethod.Options, path)
    {
        Headers = { { "Origin", origin }, { "Access-Control-Request-Method", "POST" }, { "Access-Control-Request-Headers", "content-type" } },
    };

    static string? AllowedOrigin(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task Cross_origin_calls_are_closed_by_default()
    {
        using var preflight = await app.Client.SendAsync(Preflight("/predict", "https://fans.example"));
        Assert.Null(AllowedOrigin(preflight));

        using var get = new HttpRequestMessage(HttpMethod.Get, "/ping") { Headers = { { "Origin", "https://fans.example" } } };
        using var answer = await app.Client.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Null(AllowedOrigin(answer));
    }

    [Fact]
    public async Task Configured_partner_sites_may_call_the_JSON_API_and_no_one_else_nor_the_pages()
    {
        var partners = new AppFixture { Settings = new Dictionary<string, string?> { ["Eras:CorsOrigins"] = "https://fans.example, http://localhost:3000/" } };
        await partners.InitializeAsync();
        try
        {
            foreach (var path in (string[])["/predict", "/api/predictions", "/ping"])
            {
                using var allowed = await partners.Client.SendAsync(Preflight(path, "https://fans.example"));
                Assert.True(allowed.IsSuccessStatusCode, $"{path}: {allowed.StatusCode}");
                Assert.Equal("https://fans.example", AllowedOrigin(allowed));
                using var other = await partners.Client.SendAsync(Preflight(path, "https://evil.example"));
                Assert.Null(AllowedOrigin(other));
            }
            using var local = await partners.Client.SendAsync(Preflight("/predict", "http://localhost:3000"));
            Assert.Equal("http://localhost:3000", AllowedOrigin(local));

            using var get = new HttpRequestMessage(HttpMethod.Get, "/api/model") { Headers = { { "Origin", "https://fans.example" } } };
            using var model = await partners.Client.SendAsync(get);
            Assert.Equal(HttpStatusCode.OK, model.StatusCode);
            Assert.Equal("https://fans.example", AllowedOrigin(model));

            // Pages and the admin API are same-origin only, whoever asks.
            using var page = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "Origin", "https://fans.example" } } };
            Assert.Null(AllowedOrigin(await partners.Client.SendAsync(page)));
            Assert.Null(AllowedOrigin(await partners.Client.SendAsync(Preflight("/api/admin/feedback", "https://fans.example"))));
        }
        finally { await partners.DisposeAsync(); }
    }

    [Theory]
    [InlineData("*")]
    [InlineData("fans.example")]
    [InlineData("https://fans.example/page")]
    [InlineData("ftp://fans.example")]
    [InlineData("https://fans.example?x=1")]
    public void A_CORS_origin_that_is_not_an_origin_stops_the_start_with_a_message(string origin)
    {
        var options = new ErasOptions { BackboneSource = TestData.BackboneSource, HeadPath = TestData.CommittedHead, DataDir = TestData.NewTempDir("config-cors"), CorsOrigins = $"https://fine.example,{origin}" };

        var error = Assert.Throws<OptionsValidationException>(() => ErasOptions.Validated(options));

        var message = Assert.Single(error.Failures);
        Assert.Contains($"ERAS_CORS_ORIGINS has '{origin}'", message);
    }

    /// <summary>FFmpeg names its input by path in its errors; the uploader must not learn where the server keeps files.</summary>
    [Theory]
    [InlineData("truncated.mp4")]
    [InlineData("garbled.mkv")]
    public async Task A_crafted_video_is_refused_without_the_server_paths_in_the_problem(string name)
    {
        var bytes = name == "truncated.mp4"
            ? File.ReadAllBytes(TestVideos.Colours("whole.mp4", 160, 120, ("red", 2)))[..2000]
            // A Matroska signature and then nonsense: FFmpeg reads on until it fails, naming the file.
            : File.ReadAllBytes(TestVideos.Make("whole.mkv", "-f", "lavfi", "-i", "color=c=red:s=160x120:d=2:r=10", "-c:v", "libx264", "-pix_fmt", "yuv420p"))
                .Select((b, i) => i < 40 ? b : (byte)((b * 7 + 13) % 256)).ToArray();

        using var response = await AppFixture.PostFileAsync(app.Client, bytes, name);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("cannot be read as a video", detail);
        Assert.DoesNotContain(app.DataDir, detail);
        Assert.DoesNotContain(Path.GetTempPath(), detail);
        Assert.DoesNotContain("uploads", detail);
        Assert.DoesNotContain(".video", detail);
        AssertSecurityHeaders(response);
    }
}
