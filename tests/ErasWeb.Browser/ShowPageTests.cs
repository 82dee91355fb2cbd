using System.Text.Json;
using System.Text.RegularExpressions;
using ErasWeb.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ErasWeb.Browser;

/// <summary>A recording read as a show, on its result page, in a real browser at desktop and phone width.</summary>
[Collection("browser")]
public class ShowPageTests(BrowserFixture fixture) : BrowserTests(fixture)
{
    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public async Task A_decoded_show_is_the_main_timeline_with_the_tour_and_its_sets_and_a_set_leads_to_its_frames(string screen)
    {
        // A different size for each screen, so each upload is a video of its own.
        var video = TestVideos.Slideshow($"setlist-{screen}.mp4", screen == "phone" ? 360 : 320, 180,
            (ShowPictures.Best("Lover"), 6), (ShowPictures.Best("Fearless"), 6), (ShowPictures.Black, 4), (ShowPictures.Best("Red"), 6), (ShowPictures.Best("Speak Now"), 6));
        var response = await AppFixture.PostFileAsync(browser.App.Client, await File.ReadAllBytesAsync(video), Path.GetFileName(video), "?decode=show&wait=60", "video/mp4");
        var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.IsSuccessStatusCode, job.ToString());

        var page = await browser.NewPageAsync(screen);
        await page.GotoAsync($"/predictions/{job.GetProperty("prediction_id").GetInt64()}");

        // Headed by its setlist, not by the one era seen most.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(new Regex(@"^2024 setlist\s+4 sets$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sets", Exact = true })).ToBeVisibleAsync();
        var sets = page.Locator(".show-timeline .segment:not(.between)");
        await Expect(sets).ToHaveTextAsync(["Lover", "Fearless", "Red", "Speak Now"]);
        var red = page.GetByRole(AriaRole.Link, new() { Name = "Red from" });
        await Expect(red).ToHaveAttributeAsync("aria-label", new Regex(@"^Red from 1[5-7]\.\d s to 2[1-3]\.\d s$"));
        // The black pause is between sets, drawn as such, and each set is as wide as its share of the recording (6 s of 28).
        await Expect(page.Locator(".show-timeline .segment.between")).Not.ToHaveCountAsync(0);
        var shares = await sets.EvaluateAllAsync<double[]>("all => all.map(s => s.getBoundingClientRect().width / s.parentElement.getBoundingClientRect().width)");
        Assert.All(shares, share => Assert.InRange(share, 0.15, 0.28));
        await Expect(page.Locator(".setlist li")).ToHaveTextAsync([new Regex("^Lover"), new Regex("^Fearless"), new Regex("^Red"), new Regex("^Speak Now")]);
        // The frame-by-frame strip stays below, for comparison.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Frame by frame" })).ToBeVisibleAsync();
        await Expect(page.Locator(".timeline:not(.show-timeline) .segment")).Not.ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, $"show-result-{screen}");
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));

        // Picking a set shows its frames.
        await red.ClickAsync();
        var target = page.Locator("section.stretch:target");
        await Expect(target.Locator("h3")).ToContainTextAsync("Red");
        var eras = await target.Locator(".frames img").EvaluateAllAsync<string[]>("all => all.map(i => i.alt)");
        Assert.NotEmpty(eras);
        Assert.All(eras, alt => Assert.Matches(@"^Frame at (1[5-9]|2[0-3])\.\d s: ", alt));
        await BrowserFixture.ScreenshotAsync(page, $"show-set-frames-{screen}");
        Assert.Empty(browser.CspViolations);
    }
}
