using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Predictions;

/// <summary>"Is this right?": fans' votes through the API and the result page's forms, and what they change.</summary>
public partial class FanFeedbackTests(AppFixture app) : IClassFixture<AppFixture>
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    async Task<(long Id, string Era)> UploadAsync(string photo, string name)
    {
        var answer = await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo(photo)), name);
        return (answer.GetProperty("prediction_id").GetInt64(), answer.GetProperty("predicted_class").GetString()!);
    }

    static HttpClient Client(AppFixture app, string userAgent)
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        return client;
    }

    [Fact]
    public async Task Each_client_has_one_vote_a_second_replaces_the_first_and_the_answer_shows_what_fans_say()
    {
        var (id, era) = await UploadAsync("Red/etl-17.jpeg", "red.jpg");
        var other = era == "Reputation" ? "Lover" : "Reputation";
        using var a = Client(app, "fan-a/1.0");
        using var b = Client(app, "fan-b/1.0");
        using var c = Client(app, "fan-c/1.0");

        var first = await a.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = other });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal($"/api/predictions/{id}/feedback", first.Headers.Location!.ToString());
        await b.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = other });
        await c.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = era });
        // Fan a changes their mind: still one vote, now for the model's answer.
        var changed = await (await a.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = era })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(era, changed.GetProperty("fan_era").GetString());
        Assert.Equal((2, 3), (changed.GetProperty("fan_votes").GetInt32(), changed.GetProperty("total_votes").GetInt32()));
        Assert.Equal(2, changed.GetProperty("votes").GetProperty(era).GetInt32());
        Assert.Equal(1, changed.GetProperty("votes").GetProperty(other).GetInt32());
        Assert.Equal(era, (await b.GetFromJsonAsync<JsonElement>($"/api/predictions/{id}/feedback")).GetProperty("fan_era").GetString());
        Assert.Equal(other, (await b.GetFromJsonAsync<JsonElement>($"/api/predictions/{id}/feedback")).GetProperty("your_vote").GetString());

        var prediction = await app.Client.GetFromJsonAsync<JsonElement>($"/api/predictions/{id}");
        Assert.Equal(era, prediction.GetProperty("fans").GetProperty("era").GetString());
        Assert.Equal(3, prediction.GetProperty("fans").GetProperty("total_votes").GetInt32());
    }

    [Fact]
    public async Task An_unknown_era_or_prediction_is_a_problem()
    {
        var (id, _) = await UploadAsync("Speak Now/etl-13.jpeg", "speak-now.jpg");

        var unknownEra = await app.Client.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = "Debut" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownEra.StatusCode);
        Assert.Equal("application/problem+json", unknownEra.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Speak Now", await unknownEra.Content.ReadAsStringAsync()); // says which eras there are

        var missing = await app.Client.PostAsJsonAsync("/api/predictions/987654/feedback", new { era = "Lover" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/api/predictions/987654/feedback")).StatusCode);
    }

    [Fact]
    public async Task A_fan_answers_on_the_result_page_without_javascript_and_the_gallery_finds_disagreements()
    {
        var (id, era) = await UploadAsync("Folkmore/etl-21.jpeg", "folkmore.jpg");
        var fanEra = era == "Midnights" ? "TTPD" : "Midnights";
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = app.BaseAddress };
        var page = await browser.GetStringAsync($"/predictions/{id}");
        Assert.Contains("Is this right?", page);
        Assert.Contains($"Yes, it is {era}", page);
        var token = Token().Match(page).Groups[1].Value;

        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["era"] = fanEra });
        var posted = await browser.PostAsync($"/predictions/{id}?handler=Feedback", form);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var thanked = await browser.GetStringAsync(posted.Headers.Location!.ToString());
        Assert.Contains("Thank you", thanked);
        Assert.Contains($"You said {fanEra}", thanked);
        Assert.Contains($"1 fan says {fanEra}", thanked);

        // Without the form's token the vote is refused.
        var forged = await new HttpClient { BaseAddress = app.BaseAddress }.PostAsync($"/predictions/{id}?handler=Feedback",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["era"] = era }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var disagreements = await browser.GetStringAsync("/gallery?fans=disagree");
        Assert.Contains($"/predictions/{id}\"", disagreements);
        Assert.Contains($"1 fan says {fanEra}", disagreements);
        var agreed = await UploadAsync("Lover/etl-3.jpeg", "lover.jpg");
        await app.Client.PostAsJsonAsync($"/api/predictions/{agreed.Id}/feedback", new { era = agreed.Era });
        Assert.DoesNotContain($"/predictions/{agreed.Id}\"", await browser.GetStringAsync("/gallery?fans=disagree"));
    }
}
