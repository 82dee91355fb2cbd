using System.Text.RegularExpressions;
using ErasWeb.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ErasWeb.Browser;

/// <summary>What a fan does, in a real browser: upload, understand the answer, find it again, at desktop and phone width.</summary>
[Collection("browser")]
public class FanJourneyTests(BrowserFixture fixture) : BrowserTests(fixture)
{
    static readonly string Lover = TestData.Photo("Lover/etl-7.jpeg"), Midnights = TestData.Photo("Midnights/etl-34.jpeg");

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task A_fan_uploads_a_concert_photo_sees_the_era_and_the_heatmap_and_finds_it_in_the_gallery(string screen)
    {
        var page = await browser.NewPageAsync(screen);
        await page.GotoAsync("/");
        await Expect(page.GetByLabel("Photo or video")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, $"home-{screen}");
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));

        await page.GetByLabel("Photo or video").SetInputFilesAsync(Lover);
        await Expect(page.Locator("#preview-image")).ToBeVisibleAsync(); // previewed before sending
        await page.GetByRole(AriaRole.Button, new() { Name = "Predict" }).ClickAsync();

        await page.WaitForURLAsync(new Regex(@"/predictions/\d+$"));
        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("Lover");
        await Expect(page.Locator("h1")).ToContainTextAsync("% sure");
        var heatmap = page.GetByAltText(new Regex("Grad-CAM heatmap"));
        await Expect(heatmap).ToBeVisibleAsync();
        Assert.True(await heatmap.EvaluateAsync<int>("img => img.naturalWidth") > 0, "the heatmap picture loaded");
        await Expect(page.Locator(".bars li")).ToHaveCountAsync(10);
        await Expect(page.Locator(".bars li").First).ToContainTextAsync("Lover"); // the winner's bar comes first
        // Widths are set by a script (the policy allows no inline style): the winner's bar is the longest.
        var widths = await page.Locator(".bars .bar span").EvaluateAllAsync<double[]>("spans => spans.map(s => s.getBoundingClientRect().width)");
        Assert.True(widths[0] > 0 && widths[0] == widths.Max(), string.Join(", ", widths));

        // The slider blends between the photo and the heatmap, by mouse or keyboard.
        var slider = page.GetByRole(AriaRole.Slider);
        await slider.FocusAsync();
        await page.Keyboard.PressAsync("Home");
        Assert.Equal("0", await heatmap.EvaluateAsync<string>("img => getComputedStyle(img).opacity"));
        await page.Keyboard.PressAsync("End");
        await BrowserFixture.ScreenshotAsync(page, $"photo-result-{screen}");
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));

        var result = page.Url;
        await page.GetByRole(AriaRole.Link, new() { Name = "Gallery" }).First.ClickAsync();
        await page.WaitForURLAsync("**/gallery");
        var card = page.Locator($"a[href='{new Uri(result).AbsolutePath}']");
        await Expect(card).ToBeVisibleAsync();
        await Expect(card).ToContainTextAsync("Lover");
        await BrowserFixture.ScreenshotAsync(page, $"gallery-{screen}");
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));
        await card.ClickAsync();
        await page.WaitForURLAsync(result);
        Assert.Empty(browser.CspViolations);
    }

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public async Task A_video_shows_live_progress_and_then_its_era_timeline_frames_and_key_frame_heatmap(string screen)
    {
        // A different size for each screen, so each upload is a new video rather than the same job again.
        var video = TestVideos.Slideshow($"show-{screen}.mp4", screen == "phone" ? 360 : 320, 180, (Lover, 4), (Midnights, 4));
        var page = await browser.NewPageAsync(screen);
        await page.GotoAsync("/");
        await page.GetByLabel("Photo or video").SetInputFilesAsync(video);
        await Expect(page.Locator("#preview-video")).ToBeVisibleAsync();
        // The job page's status calls wait until it has been looked at, so a job that ends quickly cannot move it on meanwhile.
        var looked = new TaskCompletionSource();
        await page.RouteAsync("**/api/jobs/*", async route => { await looked.Task; await route.ContinueAsync(); });
        await page.GetByRole(AriaRole.Button, new() { Name = "Predict" }).ClickAsync();

        await page.WaitForURLAsync(new Regex(@"/jobs/\d+$"));
        await Expect(page.GetByRole(AriaRole.Progressbar)).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, $"video-job-{screen}");
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));
        looked.SetResult();

        // The page follows the job by itself and lands on the result.
        await page.WaitForURLAsync(new Regex(@"/predictions/\d+$"), new() { Timeout = 60_000 });
        var segments = page.Locator(".timeline .segment");
        await Expect(segments).ToHaveTextAsync(["Lover", "Midnights"]);
        await Expect(segments.First).ToHaveAttributeAsync("aria-label", new Regex(@"^Lover from 0\.0 s to [34]\.\d s$"));
        // Each segment is as wide as its share of the video: about half each here.
        var shares = await segments.EvaluateAllAsync<double[]>("all => all.map(s => s.getBoundingClientRect().width / s.parentElement.getBoundingClientRect().width)");
        Assert.All(shares, share => Assert.InRange(share, 0.35, 0.65));
        await Expect(page.Locator(".frames li")).ToHaveCountAsync(40);
        Assert.True(await page.GetByAltText(new Regex("Grad-CAM heatmap")).EvaluateAsync<int>("img => img.naturalWidth") > 0);
        await Expect(page.GetByAltText(new Regex(@"^The key frame, at \d\.\d s$"))).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, $"video-result-{screen}");
        Assert.Empty(await BrowserFixture.AccessibilityProblemsAsync(page));

        // And it is in the gallery, among the videos.
        var result = new Uri(page.Url).AbsolutePath;
        await page.GotoAsync("/gallery?kind=video");
        var card = page.Locator($"a[href='{result}']");
        await Expect(card).ToContainTextAsync("video");
        await card.ClickAsync();
        await page.WaitForURLAsync($"**{result}");
        Assert.Empty(browser.CspViolations);
    }

    [Fact]
    public async Task The_gallery_filters_by_era_kind_and_confidence_and_counts_each_era()
    {
        var page = await browser.NewPageAsync("desktop");
        foreach (var photo in new[] { Lover, Midnights, TestData.SanityDir + "/cat.bmp" })
        {
            await page.GotoAsync("/");
            await page.GetByLabel("Photo or video").SetInputFilesAsync(photo);
            await page.GetByRole(AriaRole.Button, new() { Name = "Predict" }).ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/predictions/\d+$"));
        }

        await page.GotoAsync("/gallery");
        await page.GetByLabel("Era", new() { Exact = true }).SelectOptionAsync("Midnights");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("era=Midnights"));
        var badges = page.Locator(".grid .badge");
        Assert.True(await badges.CountAsync() >= 1);
        Assert.All(await badges.AllTextContentsAsync(), text => Assert.Contains(text, new[] { "Midnights", "Not sure" }));
        await Expect(page.Locator(".counts")).ToContainTextAsync(new Regex(@"Midnights \d+"));

        await page.GotoAsync("/gallery?confidence=unsure");
        await Expect(page.Locator(".grid .badge").First).ToHaveTextAsync("Not sure"); // the cat
        Assert.All(await page.Locator(".grid .badge").AllTextContentsAsync(), text => Assert.Equal("Not sure", text));

        await page.GotoAsync("/gallery?kind=image&confidence=50");
        Assert.All(await page.Locator(".grid .kind").AllTextContentsAsync(), kind => Assert.Equal("image", kind));
        Assert.All(await page.Locator(".grid .meta .muted").AllTextContentsAsync(), p => Assert.True(int.Parse(p.TrimEnd('%')) >= 50, p));
        await BrowserFixture.ScreenshotAsync(page, "gallery-filtered-desktop");
    }

    [Theory]
    [InlineData("desktop", true)]
    [InlineData("phone", false)]
    public async Task A_bad_file_gets_a_readable_message_with_or_without_javascript(string screen, bool javaScript)
    {
        var page = await browser.NewPageAsync(screen, javaScript);
        await page.GotoAsync("/");
        await page.GetByLabel("Photo or video").SetInputFilesAsync(new FilePayload { Name = "notes.jpg", MimeType = "image/jpeg", Buffer = "my setlist notes"u8.ToArray() });
        await page.GetByRole(AriaRole.Button, new() { Name = "Predict" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "The file is text, not an image" })).ToBeVisibleAsync();
        Assert.EndsWith("/", page.Url);
        await BrowserFixture.ScreenshotAsync(page, $"error-{screen}{(javaScript ? "" : "-no-js")}");
    }

    [Fact]
    public async Task Without_javascript_the_plain_form_uploads_and_shows_the_result()
    {
        var page = await browser.NewPageAsync("phone", javaScript: false);
        await page.GotoAsync("/");
        await page.GetByLabel("Photo or video").SetInputFilesAsync(Midnights);
        await page.GetByRole(AriaRole.Button, new() { Name = "Predict" }).ClickAsync();

        await page.WaitForURLAsync(new Regex(@"/predictions/\d+$"));
        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("Midnights");
    }

    [Fact]
    public async Task A_file_named_like_a_script_is_shown_as_text_and_never_runs()
    {
        const string name = "<script>alert(1)</script><img src=x onerror=alert(2)>.jpg";
        var page = await browser.NewPageAsync("desktop");
        await page.GotoAsync("/");
        await page.GetByLabel("Photo or video").SetInputFilesAsync(new FilePayload { Name = name, MimeType = "image/jpeg", Buffer = await File.ReadAllBytesAsync(Lover) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Predict" }).ClickAsync();

        await page.WaitForURLAsync(new Regex(@"/predictions/\d+$"));
        await Expect(page.Locator(".file-name")).ToHaveTextAsync(name);
        await page.GotoAsync("/gallery");
        await Expect(page.GetByAltText(name).First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "script-file-name-desktop");
        Assert.Empty(browser.Dialogs);
    }
}
