using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Predictions;

/// <summary>What an uploader controls: keeping a photo out of the gallery, deleting it, and not being seen by who uploads the same bytes.</summary>
[Trait("Category", "Storage")]
public partial class PrivacyTests(AppFixture app) : IClassFixture<AppFixture>
{
    static byte[] Fresh(string photo) => [.. File.ReadAllBytes(TestData.Photo(photo)), .. Guid.NewGuid().ToByteArray()];

    static async Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] bytes, string fileName, bool unlisted)
    {
        using var form = new MultipartFormDataContent();
        if (unlisted) form.Add(new StringContent("true"), "unlisted");
        form.Add(new ByteArrayContent(bytes), "file", fileName);
        return await client.PostAsync("/predict", form);
    }

    async Task<List<long>> ListedIdsAsync() =>
        (await app.Client.GetFromJsonAsync<JsonElement>("/api/predictions?limit=100")).GetProperty("items").EnumerateArray()
            .Select(p => p.GetProperty("prediction_id").GetInt64()).ToList();

    [Fact]
    public async Task A_photo_kept_out_of_the_gallery_is_reachable_only_through_its_link()
    {
        var bytes = Fresh("Lover/etl-4.jpeg");
        var answer = await (await PostAsync(app.Client, bytes, "private-party.jpg", unlisted: true)).Content.ReadFromJsonAsync<JsonElement>();
        long id = answer.GetProperty("prediction_id").GetInt64();
        Assert.True(answer.GetProperty("unlisted").GetBoolean());
        var page = answer.GetProperty("page_url").GetString()!;
        Assert.Matches(@"^/predictions/\d+\?key=[\w-]{20,}$", page);

        // Not by its id, not in lists, counts or the gallery.
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{id}/image")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/predictions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/predictions/{id}?key=wrong-key-wrong-key-wrong")).StatusCode);
        Assert.DoesNotContain(id, await ListedIdsAsync());
        var gallery = await app.Client.GetStringAsync("/gallery");
        Assert.DoesNotContain($"/predictions/{id}\"", gallery);
        Assert.DoesNotContain("private-party.jpg", gallery);
        Assert.DoesNotContain("private-party.jpg", await app.Client.GetStringAsync("/"));

        // Its link opens the page and its pictures.
        var html = await app.Client.GetStringAsync(page);
        Assert.Contains("kept out of the gallery", html);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(answer.GetProperty("gradcam_url").GetString())).StatusCode);

        // The same bytes uploaded publicly by someone else are a prediction of their own, not this one.
        var other = await app.UploadJsonAsync<JsonElement>(bytes, "public.jpg");
        Assert.NotEqual(id, other.GetProperty("prediction_id").GetInt64());
        Assert.False(other.GetProperty("unlisted").GetBoolean());
    }

    [Fact]
    public async Task The_delete_token_deletes_an_upload_and_a_wrong_one_does_not()
    {
        var answer = await app.UploadJsonAsync<JsonElement>(Fresh("Red/etl-20.webp"), "mine.webp");
        long id = answer.GetProperty("prediction_id").GetInt64();
        var token = answer.GetProperty("delete_token").GetString()!;
        Assert.False(string.IsNullOrEmpty(token));
        Assert.DoesNotContain("content_sha256", answer.ToString());

        string? lastProblem = null;
        async Task<HttpStatusCode> DeleteAsync(long target, string? with)
        {
            var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/predictions/{target}");
            if (with is not null) request.Headers.Add("X-Delete-Token", with);
            var response = await app.Client.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                lastProblem = await response.Content.ReadAsStringAsync();
            }
            return response.StatusCode;
        }
        async Task<string> ProblemOfDeleteAsync(long target, string with)
        {
            Assert.Equal(HttpStatusCode.NotFound, await DeleteAsync(target, with));
            return lastProblem!;
        }
        // No token, a wrong one and no such id get the very same answer: nothing tells a hidden upload's id from a free one.
        Assert.Equal(HttpStatusCode.NotFound, await DeleteAsync(id, null));
        Assert.Equal(HttpStatusCode.NotFound, await DeleteAsync(id, token[..^1] + (token[^1] == 'A' ? 'B' : 'A')));
        Assert.Equal(HttpStatusCode.NotFound, await DeleteAsync(987654321, token));
        static string Said(string problem, long id) => JsonDocument.Parse(problem).RootElement is var p
            ? $"{p.GetProperty("status")} {p.GetProperty("title")} {p.GetProperty("detail")}".Replace(id.ToString(), "ID") : "";
        Assert.Equal(Said(lastProblem!, 987654321), Said(await ProblemOfDeleteAsync(id, "wrong"), id));
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/predictions/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, await DeleteAsync(id, token));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{id}/thumbnail")).StatusCode);
        Assert.DoesNotContain(id, await ListedIdsAsync());
    }

    [Theory]
    [InlineData("True")] // what Python's requests sends for True, and .NET's true.ToString()
    [InlineData("YES")]
    [InlineData(" on ")]
    public async Task Unlisted_is_read_however_it_is_written_and_a_value_that_is_not_yes_or_no_is_refused(string value)
    {
        using var form = new MultipartFormDataContent { { new StringContent(value), "unlisted" } };
        form.Add(new ByteArrayContent(Fresh("Lover/etl-4.jpeg")), "file", "written.jpg");
        var answer = await (await app.Client.PostAsync("/predict", form)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("unlisted").GetBoolean(), answer.ToString());

        // Sent twice, keeping it out wins; a value that says neither is refused, never taken for "no".
        using var twice = new MultipartFormDataContent { { new StringContent(value), "unlisted" }, { new StringContent("false"), "unlisted" } };
        twice.Add(new ByteArrayContent(Fresh("Lover/etl-4.jpeg")), "file", "twice.jpg");
        Assert.True((await (await app.Client.PostAsync("/predict", twice)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unlisted").GetBoolean());
        using var unclear = new MultipartFormDataContent { { new StringContent("maybe"), "unlisted" } };
        unclear.Add(new ByteArrayContent(Fresh("Lover/etl-4.jpeg")), "file", "unclear.jpg");
        var refused = await app.Client.PostAsync("/predict", unclear);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("must be true or false", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unlisted_after_the_file_keeps_the_photo_out_of_the_gallery_and_a_second_file_is_refused()
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Fresh("Midnights/etl-38.jpeg")), "file", "late-field.jpg");
        form.Add(new StringContent("true"), "unlisted");
        var answer = await (await app.Client.PostAsync("/predict", form)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("unlisted").GetBoolean(), answer.ToString());
        Assert.DoesNotContain(answer.GetProperty("prediction_id").GetInt64(), await ListedIdsAsync());

        using var two = new MultipartFormDataContent();
        two.Add(new ByteArrayContent(Fresh("Midnights/etl-38.jpeg")), "file", "one.jpg");
        two.Add(new ByteArrayContent(Fresh("Lover/etl-4.jpeg")), "file", "two.jpg");
        int before = await app.CountPredictionsAsync();
        var refused = await app.Client.PostAsync("/predict", two);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("one file per request", await refused.Content.ReadAsStringAsync());
        Assert.Equal(before, await app.CountPredictionsAsync());
    }

    [Fact]
    public async Task The_upload_page_says_uploads_are_public_and_its_result_page_deletes_with_the_token()
    {
        var home = await app.Client.GetStringAsync("/");
        Assert.Contains("becomes public", home);
        Assert.Contains("Keep out of the gallery", home);

        // Through the page's own form: the result page shows Delete with the token, once.
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new(), AllowAutoRedirect = true }) { BaseAddress = app.BaseAddress };
        const string tokenField = "__RequestVerificationToken";
        using var upload = new MultipartFormDataContent
        {
            { new StringContent(Antiforgery.TokenIn(await browser.GetStringAsync("/"))), tokenField },
            { new StringContent("true"), "unlisted" },
        };
        upload.Add(new ByteArrayContent(Fresh("Folkmore/etl-12.jpeg")), "file", "page.jpg");
        var result = await browser.PostAsync("/", upload);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Matches(@"/predictions/\d+\?key=", result.RequestMessage!.RequestUri!.PathAndQuery);
        var html = await result.Content.ReadAsStringAsync();
        var token = DeleteToken().Match(html).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "the first view shows the delete form with its token");
        Assert.DoesNotMatch(DeleteToken(), await browser.GetStringAsync(result.RequestMessage.RequestUri)); // not again

        var pageUrl = result.RequestMessage.RequestUri.PathAndQuery;
        var deleted = await browser.PostAsync(pageUrl + "&handler=Delete", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [tokenField] = Antiforgery.TokenIn(await browser.GetStringAsync(pageUrl)),
            ["token"] = token,
        }));
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Contains("Your upload was deleted", await deleted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(result.RequestMessage.RequestUri)).StatusCode);
    }

    [GeneratedRegex(@"name=""token"" value=""([\w-]+)""")]
    private static partial Regex DeleteToken();
}
