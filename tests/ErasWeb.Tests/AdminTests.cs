using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests;

/// <summary>The admin's side: on only with a token, the token checked for the API and the pages, reviews, hiding and deleting.</summary>
[Trait("Category", "Storage")]
public sealed partial class AdminTests : IAsyncLifetime
{
    const string AdminToken = AdminAppFixture.Token;
    readonly AdminAppFixture app = new();
    HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        await app.InitializeAsync();
        admin = new HttpClient { BaseAddress = app.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public async Task DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    async Task<(long Prediction, long Feedback, string ModelEra)> VotedPredictionAsync(string photo, string fanEra)
    {
        var answer = await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo(photo)), Path.GetFileName(photo));
        long id = answer.GetProperty("prediction_id").GetInt64();
        await app.Client.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = fanEra });
        var pending = await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback?status=pending");
        var item = pending.EnumerateArray().Single(i => i.GetProperty("prediction_id").GetInt64() == id);
        return (id, item.GetProperty("id").GetInt64(), answer.GetProperty("predicted_class").GetString()!);
    }

    /// <summary>One call of each kind the admin API answers.</summary>
    static readonly (HttpMethod, string)[] AdminCalls =
    [
        (HttpMethod.Get, "/api/admin/feedback"), (HttpMethod.Post, "/api/admin/feedback/1/accept"), (HttpMethod.Post, "/api/admin/feedback/1/reject"),
        (HttpMethod.Post, "/api/admin/predictions/1/hide"), (HttpMethod.Delete, "/api/admin/predictions/1"), (HttpMethod.Get, "/api/admin/dataset/export"),
        (HttpMethod.Post, "/api/admin/model/retrain"), (HttpMethod.Get, "/api/admin/model/retrain/1"), (HttpMethod.Post, "/api/admin/model/versions/1/activate"),
        (HttpMethod.Post, "/api/admin/gallery/rerun"), (HttpMethod.Get, "/api/admin/gallery/rerun/1"),
    ];

    [Fact]
    public async Task Without_the_token_or_with_a_wrong_one_the_admin_api_answers_401()
    {
        var none = await app.Client.GetAsync("/api/admin/feedback");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);

        foreach (var (method, path) in AdminCalls)
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.SendAsync(new HttpRequestMessage(method, path))).StatusCode);
        // Fewer wrong tokens than an address may send a minute (RateLimitTests goes past them).
        using var wrong = new HttpClient { BaseAddress = app.BaseAddress };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken + "x");
        foreach (var (method, path) in AdminCalls.Take(4))
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.SendAsync(new HttpRequestMessage(method, path))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/admin/feedback")).StatusCode);
    }

    [Fact]
    public async Task Accepting_labels_a_picture_with_the_fans_era_or_another_and_rejecting_takes_it_out_of_the_queue()
    {
        var (_, first, _) = await VotedPredictionAsync("Red/etl-18.jpeg", "Reputation");
        var (_, second, _) = await VotedPredictionAsync("Lover/etl-4.jpeg", "Lover");
        var (_, third, _) = await VotedPredictionAsync("Midnights/etl-36.jpeg", "TTPD");

        var accepted = await (await admin.PostAsync($"/api/admin/feedback/{first}/accept", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("accepted", "Reputation"), (accepted.GetProperty("status").GetString(), accepted.GetProperty("label").GetString()));
        var other = await (await admin.PostAsJsonAsync($"/api/admin/feedback/{second}/accept", new { era = "Fearless" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Fearless", other.GetProperty("label").GetString());
        Assert.Equal("rejected", (await (await admin.PostAsync($"/api/admin/feedback/{third}/reject", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var pending = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback")).EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
        Assert.DoesNotContain(first, pending);
        Assert.DoesNotContain(third, pending);
        var acceptedIds = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback?status=accepted")).EnumerateArray().Select(i => i.GetProperty("id").GetInt64());
        Assert.Contains(second, acceptedIds);

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/api/admin/feedback/{first}/accept", new { era = "Debut" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/admin/feedback/987654/accept", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/admin/feedback?status=maybe")).StatusCode);
    }

    [Fact]
    public async Task A_hidden_prediction_leaves_the_public_lists_until_shown_and_a_deleted_one_is_gone()
    {
        var (id, _, _) = await VotedPredictionAsync("Speak Now/etl-16.jpeg", "Speak Now");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/admin/predictions/{id}/hide", null)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{id}/image")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/predictions/{id}")).StatusCode);
        Assert.DoesNotContain($"/predictions/{id}\"", await app.Client.GetStringAsync("/gallery"));
        var listed = (await app.Client.GetFromJsonAsync<JsonElement>("/api/predictions?limit=100")).GetProperty("items").EnumerateArray().Select(p => p.GetProperty("prediction_id").GetInt64());
        Assert.DoesNotContain(id, listed);
        // The admin still sees it in the queue, marked hidden.
        Assert.True((await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback")).EnumerateArray().Single(i => i.GetProperty("prediction_id").GetInt64() == id).GetProperty("hidden").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/admin/predictions/{id}/show", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/predictions/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/predictions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{id}")).StatusCode);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback")).EnumerateArray(), i => i.GetProperty("prediction_id").GetInt64() == id);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/admin/predictions/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_hidden_photo_or_video_is_not_answered_again_nor_shown_through_its_job()
    {
        var photo = File.ReadAllBytes(TestData.Photo("Fearless/etl-8.jpeg"));
        long photoId = (await app.UploadJsonAsync<JsonElement>(photo, "fearless.jpg")).GetProperty("prediction_id").GetInt64();
        await admin.PostAsync($"/api/admin/predictions/{photoId}/hide", null);
        var again = await AppFixture.PostFileAsync(app.Client, photo, "again.jpg");
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("taken down", await again.Content.ReadAsStringAsync());

        var video = TestVideos.Slideshow("hidden.mp4", 320, 180, (TestData.Photo("Lover/etl-7.jpeg"), 2));
        var job = await (await AppFixture.PostFileAsync(app.Client, File.ReadAllBytes(video), "hidden.mp4", query: "?wait=60")).Content.ReadFromJsonAsync<JsonElement>();
        long jobId = job.GetProperty("job_id").GetInt64(), videoId = job.GetProperty("prediction_id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/jobs/{jobId}")).StatusCode);
        await admin.PostAsync($"/api/admin/predictions/{videoId}/hide", null);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/jobs/{jobId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{videoId}/frames/0/thumbnail")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await AppFixture.PostFileAsync(app.Client, File.ReadAllBytes(video), "again.mp4")).StatusCode);
    }

    [Fact]
    public async Task The_admin_pages_need_a_sign_in_with_the_token_and_too_many_wrong_tries_are_refused()
    {
        var (_, item, _) = await VotedPredictionAsync("Folkmore/etl-23.jpeg", "Folkmore");
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = app.BaseAddress };

        var queue = await browser.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, queue.StatusCode);
        Assert.StartsWith("/admin/signin", queue.Headers.Location!.PathAndQuery);
        var dashboard = await browser.GetAsync("/admin/jobs");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.StartsWith("/admin/signin", dashboard.Headers.Location!.PathAndQuery);

        async Task<HttpResponseMessage> SignInAsync(string token)
        {
            var form = await browser.GetStringAsync("/admin/signin");
            return await browser.PostAsync("/admin/signin", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = Antiforgery.TokenIn(form),
                ["Token"] = token,
                ["ReturnUrl"] = "/admin",
            }));
        }
        var wrong = await SignInAsync("not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("That is not the admin token", await wrong.Content.ReadAsStringAsync());

        var right = await SignInAsync(AdminToken);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);

        // The job dashboard (Hangfire's) is the admin's, with inline script allowed there alone.
        dashboard = await browser.GetAsync("/admin/jobs");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("ErasWeb jobs", await dashboard.Content.ReadAsStringAsync());
        Assert.Contains("'unsafe-inline'", dashboard.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/jobs/servers")).StatusCode);
        Assert.DoesNotContain("'unsafe-inline'", (await browser.GetAsync("/admin")).Headers.GetValues("Content-Security-Policy").Single());
        var page = await browser.GetStringAsync("/admin");
        Assert.Contains($"id=\"item-{item}\"", page);
        var accept = await browser.PostAsync("/admin?handler=Accept&status=pending", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Antiforgery.TokenIn(page),
            ["id"] = item.ToString(),
        }));
        Assert.Equal(HttpStatusCode.Redirect, accept.StatusCode);
        Assert.Contains($"id=\"item-{item}\"", await browser.GetStringAsync("/admin?status=accepted"));
        Assert.Contains("Retrain now", await browser.GetStringAsync("/admin/models"));

        // Guessing from one address: after five tries in a minute, the next is refused outright.
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 5; i++) statuses.Add((await SignInAsync($"guess-{i}")).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task The_admin_pages_speak_the_readers_language_and_write_numbers_the_way_it_does()
    {
        var (prediction, item, _) = await VotedPredictionAsync("Folkmore/etl-23.jpeg", "Folkmore");
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = app.BaseAddress };
        browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja");

        async Task<HttpResponseMessage> PostAsync(string page, string url, Dictionary<string, string> fields)
        {
            fields["__RequestVerificationToken"] = Antiforgery.TokenIn(await browser.GetStringAsync(page));
            return await browser.PostAsync(url, new FormUrlEncodedContent(fields));
        }
        var wrong = await PostAsync("/admin/signin", "/admin/signin", new() { ["Token"] = "not-the-token" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("管理者トークンが違います。", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync("/admin/signin", "/admin/signin", new() { ["Token"] = AdminToken })).StatusCode);

        var queue = await browser.GetStringAsync("/admin");
        Assert.Contains("<h1>確認待ちのファンの回答</h1>", queue);
        Assert.Contains(">未処理</a>", queue);
        Assert.Contains($"aria-label=\"予測 {prediction} を完全に削除\"", queue);
        Assert.DoesNotContain("The model said", queue);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync("/admin", "/admin?handler=Accept&status=pending", new() { ["id"] = item.ToString() })).StatusCode);
        // The message the action leaves is in the words of whoever took it.
        Assert.Contains($"予測 {prediction} をFolkmoreとして承認しました。", await browser.GetStringAsync("/admin?status=pending"));

        browser.DefaultRequestHeaders.AcceptLanguage.Clear();
        browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de");
        var accepted = await browser.GetStringAsync("/admin?status=accepted");
        Assert.Contains("Übernommen als Folkmore.", accepted);
        // A German reader's percentage has a space before the sign: "96 %", not "96%".
        Assert.Matches(PercentInGerman(), accepted);
        Assert.Contains("Jetzt neu trainieren", await browser.GetStringAsync("/admin/models"));
    }

    [GeneratedRegex(@"\(\d+(\s|&#x(A0|202F);)%")]
    private static partial Regex PercentInGerman();

    [Fact]
    public async Task Without_a_token_there_is_no_admin_at_all()
    {
        var plain = new AppFixture();
        await plain.InitializeAsync();
        try
        {
            foreach (var (method, path) in AdminCalls)
                Assert.Equal(HttpStatusCode.NotFound, (await plain.Client.SendAsync(new HttpRequestMessage(method, path))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await plain.Client.GetAsync("/admin/models")).StatusCode);
            Assert.DoesNotContain("/api/admin", await plain.Client.GetStringAsync("/openapi/v1.json"));
            var page = await plain.Client.GetAsync("/admin/signin");
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Contains("Not found", await page.Content.ReadAsStringAsync());
        }
        finally { await plain.DisposeAsync(); }
    }
}
