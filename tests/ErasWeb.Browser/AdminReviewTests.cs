using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErasWeb.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ErasWeb.Browser;

/// <summary>
/// What the site's admin does, in a real browser: sign in with the token, see what fans said of an
/// answer, and accept or reject it, with the keyboard alone and on a phone. The photos are ones the
/// committed head gets wrong, so the fan is correcting the model, as the queue is meant for.
/// </summary>
[Collection("browser")]
public class AdminReviewTests(BrowserFixture fixture) : BrowserTests(fixture)
{
    [Fact]
    public async Task An_admin_signs_in_sees_the_photo_the_models_answer_and_the_fans_and_accepts_it_with_the_keyboard_alone()
    {
        const string photo = "Folkmore/quiz-folklore.png", fanEra = "Folkmore";
        var (id, modelEra) = await UploadAsync(photo);
        Assert.NotEqual(fanEra, modelEra); // the committed head calls it Reputation
        await VoteAsync(await browser.NewPageAsync("desktop"), id, fanEra);

        // The admin's own browser, not signed in: the queue sends them to sign in first.
        var page = await browser.NewPageAsync("desktop");
        await page.GotoAsync("/admin");
        await page.WaitForURLAsync(new Regex(@"/admin/signin\?ReturnUrl=%2Fadmin$"));
        var token = page.GetByLabel("Admin token");
        await Expect(token).ToBeFocusedAsync(); // ready to type
        await BrowserFixture.ScreenshotAsync(page, "admin-signin-desktop");
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));

        // A wrong token: a message in words, the form again, the token not echoed back.
        const string wrong = "not-the-admin-token-at-all";
        await page.Keyboard.TypeAsync(wrong);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That is not the admin token.");
        Assert.Matches(new Regex(@"/admin/signin\?ReturnUrl=%2Fadmin$"), page.Url);
        await Expect(token).ToHaveValueAsync("");
        Assert.DoesNotContain(wrong, await page.ContentAsync());
        await BrowserFixture.ScreenshotAsync(page, "admin-signin-wrong-desktop");
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));

        // The right one, typed into the field that has the focus again, and Enter.
        await Expect(token).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(BrowserFixture.AdminToken);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/admin$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fans' answers to review" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Review status" }).Locator("[aria-current=page]")).ToHaveTextAsync("pending");

        // The item: the photo, what the model said, what the fan said.
        var item = Item(page, id);
        await Expect(item.GetByRole(AriaRole.Heading)).ToHaveTextAsync(new Regex($@"^\s*{fanEra}\s+says 1 fan\s*$"));
        await Expect(item).ToContainTextAsync(new Regex($@"The model said {Regex.Escape(modelEra)} \(\d+%"));
        await ExpectPhotoAsync(item, Path.GetFileName(photo));
        await BrowserFixture.ScreenshotAsync(page, "admin-queue-desktop");
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));

        // Accept, keyboard only: Tab through the page in its own order to the button, then Enter.
        var accept = item.GetByRole(AriaRole.Button, new() { Name = $"Accept {fanEra}", Exact = true });
        for (int presses = 0; !await accept.EvaluateAsync<bool>("b => b === document.activeElement"); presses++)
        {
            Assert.True(presses < 100, "Tab never reaches the Accept button");
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.NotEqual("none", await accept.EvaluateAsync<string>("b => getComputedStyle(b).outlineStyle")); // the focus shows
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Accepted {fanEra} for prediction {id}." })).ToBeVisibleAsync();
        await Expect(Item(page, id)).ToHaveCountAsync(0); // out of the pending queue
        await page.GotoAsync("/admin?status=accepted");
        await Expect(Item(page, id)).ToContainTextAsync($"Accepted as {fanEra}.");

        // And so says the admin API: accepted, with the fans' era as its label.
        var accepted = await FeedbackAsync("accepted", id);
        Assert.Equal(("accepted", fanEra), (accepted?.GetProperty("status").GetString(), accepted?.GetProperty("label").GetString()));
        Assert.Null(await FeedbackAsync("pending", id));
    }

    [Fact]
    public async Task On_a_phone_an_admin_accepts_an_answer_as_another_era_and_rejects_another()
    {
        // Two answers fans got wrong too: evermore is not Red, and the Lover picture is not Midnights.
        var (evermore, evermoreModel) = await UploadAsync("Folkmore/quiz-evermore.png");
        var (lover, loverModel) = await UploadAsync("Lover/quiz-lover.png");
        Assert.NotEqual("Red", evermoreModel);
        Assert.NotEqual("Midnights", loverModel);
        var fan = await browser.NewPageAsync("phone");
        await VoteAsync(fan, evermore, "Red");
        await VoteAsync(fan, lover, "Midnights");

        var page = await browser.NewPageAsync("phone");
        await page.GotoAsync("/admin/signin");
        await page.GetByLabel("Admin token").FillAsync(BrowserFixture.AdminToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).TapAsync();
        await page.WaitForURLAsync(new Regex("/admin$"));

        // At 390 px nothing sticks out sideways: every control of an item is on the screen.
        var item = Item(page, evermore);
        await ExpectPhotoAsync(item, "quiz-evermore.png");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the queue scrolls sideways on a phone");
        foreach (var control in await item.Locator("button, select").AllAsync())
        {
            var box = await control.BoundingBoxAsync();
            Assert.True(box is { X: >= 0 } && box.X + box.Width <= BrowserFixture.Screens["phone"].Width, $"{await control.TextContentAsync()} is off the screen: {box?.X} + {box?.Width}");
        }
        await BrowserFixture.ScreenshotAsync(page, "admin-queue-phone");
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));

        // The admin knows better than the fan: accepted as Folkmore, not Red.
        await item.GetByLabel("Accept as").SelectOptionAsync("Folkmore");
        await item.GetByRole(AriaRole.Button, new() { Name = "Accept", Exact = true }).TapAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Accepted Folkmore for prediction {evermore}." })).ToBeVisibleAsync();
        await Expect(Item(page, evermore)).ToHaveCountAsync(0);

        // And the fan's Midnights for the Lover picture is rejected.
        await Item(page, lover).GetByRole(AriaRole.Button, new() { Name = "Reject", Exact = true }).TapAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Rejected the fans' answer for prediction {lover}." })).ToBeVisibleAsync();
        await Expect(Item(page, lover)).ToHaveCountAsync(0);
        await page.GotoAsync("/admin?status=rejected");
        await Expect(Item(page, lover).GetByRole(AriaRole.Heading)).ToHaveTextAsync(new Regex(@"^\s*Midnights\s+says 1 fan\s*$"));
        await Expect(Item(page, lover)).Not.ToContainTextAsync("Accepted as");
        await BrowserFixture.ScreenshotAsync(page, "admin-rejected-phone");

        var accepted = await FeedbackAsync("accepted", evermore);
        Assert.Equal(("accepted", "Folkmore"), (accepted?.GetProperty("status").GetString(), accepted?.GetProperty("label").GetString()));
        var rejected = await FeedbackAsync("rejected", lover);
        Assert.Equal("rejected", rejected?.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, rejected?.GetProperty("label").ValueKind);
        Assert.Null(await FeedbackAsync("pending", evermore));
        Assert.Null(await FeedbackAsync("pending", lover));
    }

    /// <summary>A fan's upload, through the API: the prediction and the model's era.</summary>
    async Task<(long Id, string ModelEra)> UploadAsync(string photo)
    {
        var response = await browser.App.UploadAsync(await File.ReadAllBytesAsync(TestData.Photo(photo)), Path.GetFileName(photo), "image/png");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (answer.GetProperty("prediction_id").GetInt64(), answer.GetProperty("predicted_class").GetString()!);
    }

    /// <summary>A fan on the result page: "Is this right?" "No, it was ..."</summary>
    static async Task VoteAsync(IPage fan, long id, string era)
    {
        await fan.GotoAsync($"/predictions/{id}");
        await fan.GetByLabel("No, it was").SelectOptionAsync(era);
        await fan.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await fan.WaitForURLAsync(new Regex($@"/predictions/{id}\?thanks=true"));
        await Expect(fan.GetByRole(AriaRole.Status)).ToContainTextAsync($"You said {era}.");
        await Expect(fan.Locator("#feedback .fans")).ToHaveTextAsync($"1 fan says {era}");
    }

    /// <summary>The queue's item for a prediction: the one whose photo links to it.</summary>
    static ILocator Item(IPage page, long predictionId) =>
        page.Locator("li.review-item").Filter(new() { Has = page.Locator($"a[href='/predictions/{predictionId}']") });

    /// <summary>The item's photo is on the screen and has loaded.</summary>
    static async Task ExpectPhotoAsync(ILocator item, string fileName)
    {
        var img = item.GetByRole(AriaRole.Img, new() { Name = $"The picture fans voted on ({fileName})", Exact = true });
        await img.ScrollIntoViewIfNeededAsync(); // it loads lazily
        await Expect(img).ToBeVisibleAsync();
        await Expect(img).ToHaveJSPropertyAsync("complete", true);
        Assert.True(await img.EvaluateAsync<int>("img => img.naturalWidth") > 0, "the photo loaded");
    }

    /// <summary>The admin API's feedback item of a prediction with this status, or null.</summary>
    async Task<JsonElement?> FeedbackAsync(string status, long predictionId)
    {
        using var api = new HttpClient { BaseAddress = browser.App.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", BrowserFixture.AdminToken);
        var items = await api.GetFromJsonAsync<JsonElement>($"/api/admin/feedback?status={status}");
        return items.EnumerateArray().Where(i => i.GetProperty("prediction_id").GetInt64() == predictionId).Select(i => (JsonElement?)i).SingleOrDefault();
    }
}
