using System.Text.Json;
using ErasWeb.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ErasWeb.Browser;

/// <summary>
/// Share on a result page: a phone's share sheet (the Web Share API) gets the page's link; a browser without
/// one copies the link to the clipboard and says so beside the button.
/// </summary>
[Collection("browser")]
public class ShareButtonTests(BrowserFixture fixture) : BrowserTests(fixture)
{
    [Fact]
    public async Task Share_hands_the_link_to_the_phones_share_sheet_or_copies_it_with_a_visible_confirmation()
    {
        var answer = await browser.App.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo("Fearless/etl-8.jpeg")), "share me.jpg");
        var path = $"/predictions/{answer.GetProperty("prediction_id").GetInt64()}";
        var url = new Uri(browser.App.BaseAddress, path).ToString();

        // A desktop browser without a share sheet: the clipboard, and a line that says the link was copied.
        var desktop = await browser.NewPageAsync("desktop");
        await desktop.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await desktop.Context.AddInitScriptAsync("delete Navigator.prototype.share;");
        await desktop.GotoAsync(path);
        var status = desktop.Locator(".share-status");
        await Expect(status).ToBeHiddenAsync();
        await desktop.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Share" }).ClickAsync();
        await Expect(status).ToHaveTextAsync("Link copied: paste it anywhere to share this photo.");
        Assert.Equal(url, await desktop.EvaluateAsync<string>("navigator.clipboard.readText()"));
        await BrowserFixture.ScreenshotAsync(desktop, "share-copied-desktop", fullPage: false);
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(desktop));

        // A phone: its share sheet (stood in for here, as headless Chromium has none) gets the title and the link.
        var phone = await browser.NewPageAsync("phone");
        await phone.Context.AddInitScriptAsync("navigator.share = async data => { window.shared = data; };");
        await phone.GotoAsync(path);
        await phone.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Share" }).ClickAsync();
        await phone.WaitForFunctionAsync("() => window.shared !== undefined");
        var shared = await phone.EvaluateAsync<JsonElement>("window.shared");
        Assert.Equal(url, shared.GetProperty("url").GetString());
        Assert.StartsWith("Fearless · ", shared.GetProperty("title").GetString());
        await Expect(phone.Locator(".share-status")).ToBeHiddenAsync();
        Assert.Empty(browser.CspViolations);
    }
}
