using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Predictions;

/// <summary>Behind a trusted proxy at 127.0.0.1, so each test's fans can come from addresses of their own (X-Forwarded-For); with the admin on.</summary>
public sealed class VotersAppFixture : AppFixture
{
    public const string AdminToken = AdminAppFixture.Token;

    public VotersAppFixture() => Settings = new Dictionary<string, string?> { ["Eras:TrustedProxies"] = "127.0.0.1", ["Eras:AdminToken"] = AdminToken };
}

/// <summary>"Is this right?": fans' votes through the API and the result page's forms, and what they change.</summary>
[Trait("Category", "Storage")]
public partial class FanFeedbackTests(VotersAppFixture app) : IClassFixture<VotersAppFixture>
{
    static int addresses;

    /// <summary>A client address no other fan in these tests has.</summary>
    static string NewAddress() => $"198.51.100.{Interlocked.Increment(ref addresses)}";

    async Task<(long Id, string Era)> UploadAsync(string photo, string name)
    {
        var answer = await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo(photo)), name);
        return (answer.GetProperty("prediction_id").GetInt64(), answer.GetProperty("predicted_class").GetString()!);
    }

    /// <summary>A browser with its own cookies, as a fan's phone is, at an address of its own unless one is given.</summary>
    HttpClient Browser(string? address = null)
    {
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = app.BaseAddress };
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", address ?? NewAddress());
        return browser;
    }

    /// <summary>Answers on the result page's form, as a browser without JavaScript does.</summary>
    static async Task<HttpResponseMessage> AnswerOnPageAsync(HttpClient browser, long id, string era)
    {
        var page = await browser.GetStringAsync($"/predictions/{id}");
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Antiforgery.TokenIn(page), ["era"] = era });
        return await browser.PostAsync($"/predictions/{id}?handler=Feedback", form);
    }

    [Fact]
    public async Task Each_browser_has_one_vote_a_second_replaces_the_first_and_the_answer_shows_what_fans_say()
    {
        var (id, era) = await UploadAsync("Red/etl-17.jpeg", "red.jpg");
        var other = era == "Reputation" ? "Lover" : "Reputation";
        using var a = Browser();
        using var b = Browser();
        using var c = Browser();

        Assert.Equal(HttpStatusCode.Redirect, (await AnswerOnPageAsync(a, id, other)).StatusCode);
        await AnswerOnPageAsync(b, id, other);
        await AnswerOnPageAsync(c, id, era);
        // Fan a changes their mind, through the API with the browser's cookie: still one vote, now for the model's answer.
        var changed = await a.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era });
        Assert.Equal(HttpStatusCode.Created, changed.StatusCode);
        Assert.Equal($"/api/predictions/{id}/feedback", changed.Headers.Location!.ToString());
        var fans = await changed.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(era, fans.GetProperty("fan_era").GetString());
        Assert.Equal((2, 3), (fans.GetProperty("fan_era_votes").GetInt32(), fans.GetProperty("total_votes").GetInt32()));
        Assert.Equal(2, fans.GetProperty("votes").GetProperty(era).GetInt32());
        Assert.Equal(1, fans.GetProperty("votes").GetProperty(other).GetInt32());
        Assert.Equal(other, (await b.GetFromJsonAsync<JsonElement>($"/api/predictions/{id}/feedback")).GetProperty("your_vote").GetString());

        var prediction = await app.Client.GetFromJsonAsync<JsonElement>($"/api/predictions/{id}");
        Assert.Equal(era, prediction.GetProperty("fans").GetProperty("era").GetString());
        Assert.Equal((2, 3), (prediction.GetProperty("fans").GetProperty("era_votes").GetInt32(), prediction.GetProperty("fans").GetProperty("total_votes").GetInt32()));
    }

    [Fact]
    public async Task A_made_up_voter_cookie_is_no_new_voter_and_a_client_without_cookies_is_one_voter_however_it_calls_itself()
    {
        var (id, era) = await UploadAsync("Midnights/etl-38.jpeg", "midnights.jpg");
        var other = era == "Lover" ? "Red" : "Lover";
        var address = NewAddress();
        using var plain = new HttpClient { BaseAddress = app.BaseAddress };
        using var forged = new HttpClient { BaseAddress = app.BaseAddress };
        forged.DefaultRequestHeaders.Add("Cookie", $"erasweb_voter={new string('a', 32)}");
        using var renamed = new HttpClient { BaseAddress = app.BaseAddress };
        renamed.DefaultRequestHeaders.UserAgent.ParseAdd("another-client/2.0");
        foreach (var client in new[] { plain, forged, renamed }) client.DefaultRequestHeaders.Add("X-Forwarded-For", address);

        await plain.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = other });
        await forged.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = other });
        var last = await (await renamed.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era })).Content.ReadFromJsonAsync<JsonElement>();

        // All three come from one address with no valid cookie: one voter, whose last answer counts.
        Assert.Equal((era, 1), (last.GetProperty("fan_era").GetString(), last.GetProperty("total_votes").GetInt32()));
    }

    [Fact]
    public async Task A_browser_that_drops_its_cookie_before_each_vote_still_has_one_vote_at_its_address()
    {
        var (id, era) = await UploadAsync("Reputation/mlt-image22.6.jpg", "stuffed.jpg");
        var other = era == "Lover" ? "Red" : "Lover";
        var address = NewAddress();
        // Five "new" browsers on the page's form, one address: the ballot stuffer's trick of clearing cookies between votes.
        for (int i = 0; i < 5; i++)
        {
            using var fresh = Browser(address);
            Assert.Equal(HttpStatusCode.Redirect, (await AnswerOnPageAsync(fresh, id, other)).StatusCode);
        }
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        api.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        var fans = await (await api.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = other })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((other, 1, 1), (fans.GetProperty("fan_era").GetString(), fans.GetProperty("fan_era_votes").GetInt32(), fans.GetProperty("total_votes").GetInt32()));

        // A browser that keeps its cookie keeps its one vote when its address changes, and an address a browser voted from stays used.
        using var phone = Browser();
        await AnswerOnPageAsync(phone, id, era);
        phone.DefaultRequestHeaders.Remove("X-Forwarded-For");
        phone.DefaultRequestHeaders.Add("X-Forwarded-For", NewAddress());
        var moved = await (await phone.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, moved.GetProperty("total_votes").GetInt32());
    }

    [Fact]
    public async Task Votes_after_the_admins_decision_flag_the_item_and_leave_the_label_as_decided()
    {
        using var admin = new HttpClient { BaseAddress = app.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", VotersAppFixture.AdminToken);
        var (id, era) = await UploadAsync("TTPD/yq-s11.jpg", "decided.jpg");
        var other = era == "Fearless" ? "Red" : "Fearless";
        using (var fan = Browser()) await AnswerOnPageAsync(fan, id, era);
        long item = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback?status=pending")).EnumerateArray()
            .Single(i => i.GetProperty("prediction_id").GetInt64() == id).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/feedback/{item}/accept", null)).StatusCode);

        // Three fans from three addresses now say otherwise.
        for (int i = 0; i < 3; i++)
        {
            using var fan = Browser();
            await AnswerOnPageAsync(fan, id, other);
        }
        JsonElement Find(JsonElement list) => list.EnumerateArray().Single(i => i.GetProperty("id").GetInt64() == item);
        var accepted = Find(await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback?status=accepted"));
        Assert.Equal((era, true, other), (accepted.GetProperty("label").GetString(), accepted.GetProperty("flagged").GetBoolean(), accepted.GetProperty("fan_era").GetString()));
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback?status=pending")).EnumerateArray(), i => i.GetProperty("id").GetInt64() == item);
        Find(await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback?status=flagged"));

        // Deciding again takes it off the flagged queue.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/feedback/{item}/reject", null)).StatusCode);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback?status=flagged")).EnumerateArray(), i => i.GetProperty("id").GetInt64() == item);
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
        using var browser = Browser();
        var page = await browser.GetStringAsync($"/predictions/{id}");
        Assert.Contains("Is this right?", page);
        Assert.Contains($"Yes, it is {era}", page);
        var token = Antiforgery.TokenIn(page);

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
        Assert.Equal(HttpStatusCode.Created, (await app.Client.PostAsJsonAsync($"/api/predictions/{agreed.Id}/feedback", new { era = agreed.Era })).StatusCode);
        Assert.Contains($"/predictions/{agreed.Id}\"", await browser.GetStringAsync("/gallery"));
        Assert.DoesNotContain($"/predictions/{agreed.Id}\"", await browser.GetStringAsync("/gallery?fans=disagree"));
    }
}
