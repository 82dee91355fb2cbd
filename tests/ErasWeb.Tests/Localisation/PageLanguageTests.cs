using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using ErasWeb.Localisation;
using ErasWeb.Tests.Nights;
using ErasWeb.Tests.Support;
using Microsoft.AspNetCore.Localization;

namespace ErasWeb.Tests.Localisation;

/// <summary>
/// The pages in another language: each rendered in English and in Japanese, where no sentence may come out
/// the same (it would be English outside the resources); the language picker; problem answers; numbers.
/// </summary>
public partial class PageLanguageTests(NightsAppFixture app) : IClassFixture<NightsAppFixture>
{
    /// <summary>What stays as it is in every language: era names, names of things, formats, the languages' own names.</summary>
    static readonly string[] SameEverywhere =
    [
        "1989", "Acoustic", "Fearless", "Folkmore", "Lover", "Midnights", "Red", "Reputation", "Speak Now", "TTPD", "ErasWeb", "Eras Tour",
        "OpenAPI", "API", "Grad-CAM", "JPEG", "PNG", "WebP", "GIF", "BMP", "MP4", "MOV", "WebM", "MKV", "AVI", "ZIP", "UTC", "HTTP", "MB", "KB", "GB",
        .. Languages.All.Select(l => l.Name),
    ];

    [Fact]
    public async Task Every_page_in_Japanese_says_nothing_in_English_outside_what_stays_as_it_is()
    {
        var photo = await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo("Midnights/etl-39.jpeg")), "front row.jpg");
        long photoId = photo.GetProperty("prediction_id").GetInt64();
        var unsure = await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(Path.Combine(TestData.SanityDir, "hot_dog.jpg")), "lunch.jpg");
        Assert.True(unsure.GetProperty("uncertain").GetBoolean());
        var clip = await File.ReadAllBytesAsync(TestVideos.Slideshow("clip.mp4", 480, 270, (TestData.Photo("Lover/etl-3.jpeg"), 3)));
        var video = await (await AppFixture.PostFileAsync(app.Client, clip, "clip.mp4", "?wait=60", "video/mp4")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("succeeded", video.GetProperty("status").GetString());
        var night = await NightTests.NightAsync(app.Client, NightTests.Paris.Take(7), gallery: true);
        var vote = await app.Client.PostAsJsonAsync($"/api/predictions/{photoId}/feedback", new { era = "Lover" });
        Assert.Equal(HttpStatusCode.Created, vote.StatusCode);

        var admin = await SignedInAdminAsync();
        var show = night.GetProperty("show");
        string[] data = ["front row.jpg", "lunch.jpg", "clip.mp4", .. NightTests.Paris.Take(7).Select(s => s.FileName),
            show.GetProperty("venue").GetString()!, show.GetProperty("city").GetString()!, show.GetProperty("country").GetString()!,
            .. show.GetProperty("surprise_songs").EnumerateArray().Select(s => s.GetString()!)];
        (HttpClient Client, string Path)[] pages =
        [
            (app.Client, "/"), (app.Client, "/gallery"), (app.Client, "/gallery?kind=night"), (app.Client, "/gallery?kind=video&fans=disagree"),
            (app.Client, $"/predictions/{photoId}"), (app.Client, $"/predictions/{unsure.GetProperty("prediction_id").GetInt64()}"),
            (app.Client, $"/predictions/{video.GetProperty("prediction_id").GetInt64()}"), (app.Client, $"/jobs/{video.GetProperty("job_id").GetInt64()}"),
            (app.Client, $"/nights/{night.GetProperty("night_id").GetInt64()}"), (app.Client, "/no-such-page"), (app.Client, "/error/429"),
            (app.Client, "/admin/signin"), (admin, "/admin"), (admin, "/admin?status=accepted"), (admin, "/admin/models"),
        ];

        var leftovers = new List<string>();
        foreach (var (client, path) in pages)
        {
            var english = await TextsAsync(client, path, "en");
            var japanese = await TextsAsync(client, path, "ja");
            Assert.True(japanese.Lang == "ja", $"{path} says lang=\"{japanese.Lang}\"");
            Assert.True(english.Texts.Count > 5, $"{path} shows almost nothing: {string.Join(" | ", english.Texts)}");
            leftovers.AddRange(japanese.Texts.Intersect(english.Texts).Where(t => IsEnglish(t, data)).Select(t => $"{path}: \"{t}\""));
        }
        Assert.True(leftovers.Count == 0, "English left on the Japanese pages:\n" + string.Join("\n", leftovers));
    }

    /// <summary>Whether a text has words left once the names of things are taken out.</summary>
    static bool IsEnglish(string text, IEnumerable<string> data)
    {
        text = Placeholder().Replace(text, " "); // a script's {name} is filled in, not read
        text = Setting().Replace(text, " "); // ERAS_ADMIN_TOKEN is named as the configuration names it
        foreach (var same in data.Concat(SameEverywhere).OrderByDescending(s => s.Length)) text = text.Replace(same, " ", StringComparison.Ordinal);
        return Word().IsMatch(text);
    }

    async Task<(string Lang, HashSet<string> Texts)> TextsAsync(HttpClient client, string path, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "text/html", $"{path} in {language}: {(int)response.StatusCode} {html[..Math.Min(300, html.Length)]}");
        var document = new HtmlParser().ParseDocument(html);
        var texts = new HashSet<string>();
        foreach (var node in document.Descendants())
        {
            if (node is IText text && text.ParentElement?.LocalName is not ("script" or "style")) texts.Add(Normal(text.Data));
            if (node is IElement element)
            {
                foreach (var attribute in new[] { "alt", "title", "aria-label", "placeholder", "data-copied", "data-title" })
                    if (element.GetAttribute(attribute) is { } value) texts.Add(Normal(value));
                if (element.LocalName == "meta" && (element.GetAttribute("property") ?? element.GetAttribute("name")) is "og:title" or "og:description" or "description")
                    texts.Add(Normal(element.GetAttribute("content") ?? ""));
                // The sentences scripts say, handed to them as JSON.
                if (element.LocalName == "script" && element.GetAttribute("type") == "application/json")
                    foreach (var property in JsonDocument.Parse(element.TextContent).RootElement.EnumerateObject())
                        texts.Add(Normal(property.Value.GetString() ?? ""));
            }
        }
        texts.Remove("");
        return (document.DocumentElement.GetAttribute("lang") ?? "", texts);
    }

    static string Normal(string text) => Whitespace().Replace(text, " ").Trim();

    async Task<HttpClient> SignedInAdminAsync()
    {
        var admin = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = app.BaseAddress };
        var form = await admin.GetStringAsync("/admin/signin");
        var signedIn = await admin.PostAsync("/admin/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Antiforgery.TokenIn(form),
            ["Token"] = AdminAppFixture.Token,
            ["ReturnUrl"] = "/admin",
        }));
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        return admin;
    }

    [Fact]
    public async Task The_picker_remembers_the_language_in_a_cookie_and_goes_back_only_to_a_page_of_this_site()
    {
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = app.BaseAddress };
        var home = await browser.GetStringAsync("/gallery?era=Lover");
        var link = new HtmlParser().ParseDocument(home).QuerySelector("details.languages a[lang=pt-BR]")!.GetAttribute("href")!;

        var picked = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, picked.StatusCode);
        Assert.Equal("/gallery?era=Lover", picked.Headers.Location!.OriginalString);
        Assert.Contains(picked.Headers.GetValues("Set-Cookie"), c => c.StartsWith($"{CookieRequestCultureProvider.DefaultCookieName}=c%3Dpt-BR%7Cuic%3Dpt-BR", StringComparison.Ordinal));

        // The cookie outweighs the browser's own languages from then on.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/gallery?era=Lover");
        request.Headers.AcceptLanguage.ParseAdd("ja");
        var page = new HtmlParser().ParseDocument(await (await browser.SendAsync(request)).Content.ReadAsStringAsync());
        Assert.Equal("pt-BR", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("true", page.QuerySelector("details.languages a[lang=pt-BR]")!.GetAttribute("aria-current"));

        foreach (var elsewhere in new[] { "//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "//\u0301evil.example" })
        {
            var refused = await browser.GetAsync($"/language?culture=ja&back={Uri.EscapeDataString(elsewhere)}");
            Assert.Equal("/", refused.Headers.Location!.OriginalString);
        }
        // On an error page the picker goes back to the address that failed, not to the error page.
        var lost = new HtmlParser().ParseDocument(await (await browser.GetAsync("/predictions/999999?x=1")).Content.ReadAsStringAsync());
        Assert.EndsWith("&back=%2Fpredictions%2F999999%3Fx%3D1", lost.QuerySelector("details.languages a[lang=ja]")!.GetAttribute("href"));
        // A language the site does not speak changes nothing.
        var unknown = await browser.GetAsync("/language?culture=xx&back=%2F");
        Assert.False(unknown.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("pt-PT", "pt-BR")]
    [InlineData("pt", "pt-BR")]
    [InlineData("de-AT,de;q=0.9", "de")]
    [InlineData("ko,en;q=0.5", "en")]
    [InlineData("", "en")]
    public async Task A_browser_language_is_matched_to_the_nearest_the_site_speaks(string acceptLanguage, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (acceptLanguage.Length > 0) request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        var page = new HtmlParser().ParseDocument(await (await app.Client.SendAsync(request)).Content.ReadAsStringAsync());
        Assert.Equal(expected, page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("ltr", page.DocumentElement.GetAttribute("dir"));
    }

    [Fact]
    public async Task A_problem_keeps_its_type_and_status_and_tells_its_title_and_detail_in_the_asked_language()
    {
        async Task<JsonElement> RefusedAsync(string language)
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent([]), "file", "empty.jpg" } };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = form };
            request.Headers.AcceptLanguage.ParseAdd(language);
            var response = await app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        var english = await RefusedAsync("en");
        Assert.Equal(("Empty file", "The uploaded file is empty."), (english.GetProperty("title").GetString(), english.GetProperty("detail").GetString()));
        foreach (var language in new[] { "ja", "de", "pt-BR" })
        {
            var translated = await RefusedAsync(language);
            Assert.Equal(english.GetProperty("type").GetString(), translated.GetProperty("type").GetString());
            Assert.Equal(400, translated.GetProperty("status").GetInt32());
            Assert.NotEqual(english.GetProperty("title").GetString(), translated.GetProperty("title").GetString());
            Assert.NotEqual(english.GetProperty("detail").GetString(), translated.GetProperty("detail").GetString());
        }

        // A problem the framework writes itself (no such route) is titled in the language too.
        using var lost = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-thing");
        lost.Headers.AcceptLanguage.ParseAdd("ja");
        var notFound = await (await app.Client.SendAsync(lost)).Content.ReadFromJsonAsync<JsonElement>();
        var texts = new System.Resources.ResourceManager("ErasWeb.Resources.Localisation.Texts", typeof(Texts).Assembly);
        Assert.Equal((404, texts.GetString("Status.404", CultureInfo.GetCultureInfo("ja"))), (notFound.GetProperty("status").GetInt32(), notFound.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task A_result_page_writes_its_percentages_as_the_readers_language_does()
    {
        var photo = await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo("Red/etl-17.jpeg")), "red.jpg");
        float confidence = photo.GetProperty("confidence").GetSingle();
        foreach (var language in new[] { "de", "fr", "ja" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/predictions/{photo.GetProperty("prediction_id").GetInt64()}");
            request.Headers.AcceptLanguage.ParseAdd(language);
            var html = await (await app.Client.SendAsync(request)).Content.ReadAsStringAsync();
            var culture = CultureInfo.GetCultureInfo(language);
            Assert.Contains(confidence.ToString("P0", culture), html);
            // The bars' widths stay CSS, whatever the language.
            Assert.DoesNotMatch(@"data-width=""\d+,\d", html);
        }
    }

    [Fact]
    public async Task A_video_that_fails_in_its_job_says_why_in_the_language_it_was_uploaded_in()
    {
        var problem = await UploadUndecodableVideoAsync("ja");
        var texts = new System.Resources.ResourceManager("ErasWeb.Resources.Localisation.Texts", typeof(Texts).Assembly);
        var japanese = CultureInfo.GetCultureInfo("ja");
        Assert.Equal(texts.GetString("Problem.VideoFailed", japanese), problem.GetProperty("title").GetString());
        // The job ran on a worker thread, in the culture of the upload that queued it.
        var why = string.Join("|", new[] { "Video.NoFrame", "Video.NoFrameBecause" }.Select(k => Regex.Escape(texts.GetString(k, japanese)!).Replace(@"\{0}", ".*")));
        Assert.Matches($"^({why})$", problem.GetProperty("detail").GetString());
    }

    /// <summary>A video with intact headers, so it is accepted and queued, and every byte of picture data zeroed, so its job fails: the problem answered.</summary>
    async Task<JsonElement> UploadUndecodableVideoAsync(string language)
    {
        var path = TestVideos.Make("zeroed.mp4", "-f", "lavfi", "-i", "color=c=blue:s=160x120:d=2:r=10", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart");
        var bytes = await File.ReadAllBytesAsync(path);
        int data = bytes.AsSpan().IndexOf("mdat"u8) + 4;
        Array.Clear(bytes, data, bytes.Length - data);

        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", "zeroed.mp4" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict?wait=60") { Content = form };
        request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [GeneratedRegex(@"[A-Za-z]{3,}")]
    private static partial Regex Word();

    [GeneratedRegex(@"\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b")]
    private static partial Regex Setting();

    [GeneratedRegex(@"\{\w+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
