using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using ErasWeb.Localisation;
using ErasWeb.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ErasWeb.Browser;

/// <summary>
/// A fan whose browser speaks Japanese or Brazilian Portuguese: the upload and result pages in that language,
/// scripts' sentences included, on a computer and a phone; and the language picker.
/// </summary>
[Collection("browser")]
public class LanguageTests(BrowserFixture fixture) : BrowserTests(fixture)
{
    static readonly string Midnights = TestData.Photo("Midnights/etl-39.jpeg");

    /// <summary>A page's sentence in a language, from the app's own resources.</summary>
    static string Say(string resource, string key, string culture) =>
        new ResourceManager($"ErasWeb.Resources.{resource}", typeof(Texts).Assembly).GetString(key, CultureInfo.GetCultureInfo(culture))!;

    [Theory]
    [InlineData("ja", "desktop")]
    [InlineData("ja", "phone")]
    [InlineData("pt-BR", "desktop")]
    [InlineData("pt-BR", "phone")]
    public async Task A_fan_whose_browser_speaks_the_language_uploads_and_reads_the_result_in_it(string language, string screen)
    {
        var page = await browser.NewPageAsync(screen, locale: language);
        await page.GotoAsync("/");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await Expect(page.Locator("h1")).ToHaveTextAsync(Say("Pages.Index", "Heading", language));
        var file = page.GetByLabel(new Regex(Regex.Replace(Regex.Escape(Say("Pages.Index", "FileLabel", language)), @"\\\{\d}", ".+")));
        await file.SetInputFilesAsync(Midnights);
        // The script's own sentence, in the language too: its longest stretch between placeholders.
        var ready = Regex.Split(Say("Pages.Index", "Js.OneReady", language), @"\{\w+\}").MaxBy(part => part.Trim().Length)!.Trim();
        await Expect(page.Locator("#upload-form [role=status]")).ToContainTextAsync("etl-39.jpeg");
        await Expect(page.Locator("#upload-form [role=status]")).ToContainTextAsync(ready);
        await BrowserFixture.ScreenshotAsync(page, $"language-{language}-upload-{screen}");
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));

        await page.GetByRole(AriaRole.Button, new() { Name = Say("Pages.Index", "Predict", language) }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/predictions/\d+$"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("Midnights"); // era names stay as they are
        var english = await HeadingsInEnglishAsync(page.Url);
        var headings = await page.Locator("h2").AllTextContentsAsync();
        Assert.Empty(headings.Intersect(english));
        await BrowserFixture.ScreenshotAsync(page, $"language-{language}-result-{screen}");
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));
        Assert.Empty(browser.CspViolations);
    }

    async Task<IReadOnlyList<string>> HeadingsInEnglishAsync(string url)
    {
        var english = await browser.NewPageAsync("desktop");
        await english.GotoAsync(url);
        var headings = await english.Locator("h2").AllTextContentsAsync();
        Assert.NotEmpty(headings);
        await english.Context.CloseAsync();
        return headings;
    }

    [Fact]
    public async Task The_picker_switches_the_language_and_every_page_after_keeps_it()
    {
        var page = await browser.NewPageAsync("phone");
        await page.GotoAsync("/gallery");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.Locator("details.languages summary").ClickAsync();
        await BrowserFixture.ScreenshotAsync(page, "language-picker-phone", fullPage: false);
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));
        await page.GetByRole(AriaRole.Link, new() { Name = "日本語" }).ClickAsync();

        await page.WaitForURLAsync("**/gallery");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
        await Expect(page.Locator("details.languages summary")).ToContainTextAsync("日本語");
        await page.GetByRole(AriaRole.Link, new() { Name = Say("Pages.Shared._Layout", "Upload", "ja"), Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(Say("Pages.Index", "Heading", "ja"));
    }
}
