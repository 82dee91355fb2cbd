using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using ErasWeb.Pages.Shared;
using ErasWeb.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ErasWeb.Browser;

/// <summary>
/// A fan's night in a real browser, at desktop and phone width: a camera roll from the Paris show uploaded at once
/// through the upload page, read, shown by set, downloaded sorted, one photo corrected, and deleted.
/// </summary>
[Collection("browser")]
public class NightPageTests(BrowserFixture fixture) : BrowserTests(fixture)
{
    /// <summary>A photo of the night as the fan's phone saved it, and the set it belongs to (null: between sets).</summary>
    sealed record Shot(string Source, string TakenAt, string? Set, string Name);

    /// <summary>The Paris show of 9 May 2024 (2024 order): a burst in Lover, a photo or two of each later set, a snack between sets.</summary>
    static readonly Shot[] Paris =
    [
        new(TestData.Photo("Lover/etl-3.jpeg"), "19:52:10", "Lover", "IMG_2001.jpg"),
        new(TestData.Photo("Lover/etl-4.jpeg"), "19:52:11", "Lover", "IMG_2002.jpg"),
        new(TestData.Photo("Lover/etl-7.jpeg"), "19:52:12", "Lover", "IMG_2003.jpg"),
        new(TestData.Photo("Fearless/etl-8.jpeg"), "20:14:00", "Fearless", "IMG_2011.jpg"),
        new(TestData.Photo("Red/etl-17.jpeg"), "20:31:30", "Red", "IMG_2017.jpg"),
        new(TestData.Photo("Speak Now/etl-13.jpeg"), "20:44:05", "Speak Now", "IMG_2020.jpg"),
        new(TestData.Photo("Reputation/mlt-image22.6.jpg"), "20:52:40", "Reputation", "IMG_2024.jpg"),
        new(Path.Combine(TestData.SanityDir, "hot_dog.jpg"), "21:02:00", null, "IMG_2030.jpg"),
        new(TestData.Photo("Folkmore/etl-11.jpeg"), "21:15:00", "Folkmore", "IMG_2036.jpg"),
        new(TestData.Photo("1989/etl-25.jpeg"), "21:48:00", "1989", "IMG_2042.jpg"),
        new(TestData.Photo("TTPD/yq-s11.jpg"), "22:10:00", "TTPD", "IMG_2051.jpg"),
        new(TestData.Photo("Acoustic/sis-pink-hi.jpg"), "22:31:00", "Acoustic", "IMG_2060.jpg"),
        new(TestData.Photo("Midnights/etl-34.jpeg"), "22:50:00", "Midnights", "IMG_2066.jpg"),
        new(TestData.Photo("Midnights/etl-38.jpeg"), "23:02:00", "Midnights", "IMG_2071.jpg"),
    ];

    static readonly string[] SetsInShowOrder = [.. Paris.Select(s => s.Set).OfType<string>().Distinct()];

    /// <summary>Each photo as a JPEG of at most 1600 px with its capture time in EXIF, as a phone writes it.</summary>
    static readonly Lazy<FilePayload[]> CameraRoll = new(() => [.. Paris.Select(shot =>
    {
        using var original = Images.Load(shot.Source);
        double scale = Math.Min(1, 1600.0 / Math.Max(original.Width, original.Height));
        using var resized = Images.Resize(original, (int)(original.Width * scale), (int)(original.Height * scale));
        var takenAt = DateTime.Parse($"2024-05-09T{shot.TakenAt}", CultureInfo.InvariantCulture);
        return new FilePayload { Name = shot.Name, MimeType = "image/jpeg", Buffer = Images.WithCaptureTime(Images.Jpeg(resized), takenAt) };
    })]);

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public async Task A_fan_uploads_the_photos_of_a_night_and_gets_the_show_its_sets_a_sorted_download_a_correction_and_a_delete(string screen)
    {
        var page = await browser.NewPageAsync(screen);
        await page.GotoAsync("/");
        var form = page.Locator("#night-form");
        // Shuffled, as a fan's selection comes: the capture times, not the upload order, put them in order.
        var roll = CameraRoll.Value.ToArray();
        new Random(7).Shuffle(roll);
        await form.GetByLabel("Photos of one night").SetInputFilesAsync(roll);
        await Expect(form.GetByRole(AriaRole.Status)).ToHaveTextAsync(new Regex($@"^{Paris.Length} photos \([\d.]+ MB\) are ready: press Read my night\.$"));
        await Expect(page.Locator("#night-error")).ToBeEmptyAsync();
        await BrowserFixture.ScreenshotAsync(page, $"night-upload-{screen}");
        await AssertAccessibleAsync(page);

        // On a phone's mobile data the upload takes a while: its progress shows meanwhile.
        var network = await ThrottleUploadsAsync(page, bytesPerSecond: 1_000_000);
        await form.GetByRole(AriaRole.Button, new() { Name = "Read my night" }).ClickAsync();
        await Expect(form.GetByRole(AriaRole.Status)).ToHaveTextAsync(new Regex(@"^Uploading… \d+%$"));
        await Expect(form.Locator("progress")).ToBeVisibleAsync();
        await Expect(form.GetByRole(AriaRole.Button, new() { Name = "Read my night" })).ToBeDisabledAsync();
        await BrowserFixture.ScreenshotAsync(page, $"night-uploading-{screen}", fullPage: false);

        await page.WaitForURLAsync(new Regex(@"/nights/\d+\?key=[\w-]+$"), new() { Timeout = 60_000 });
        await network.DetachAsync();
        var nightUrl = page.Url;
        var heading = page.GetByRole(AriaRole.Heading, new() { Level = 1 });
        // The night is read in a job of a few seconds; when the page comes before it is done, it shows the progress.
        // (It may turn into the read night between two looks, even during a screenshot, which then waits out its
        // timeout: then there is no progress left to see.)
        if (await heading.TextContentAsync() == "Reading your night")
        {
            try
            {
                await Expect(page.GetByRole(AriaRole.Progressbar)).ToBeVisibleAsync();
                await Expect(page.Locator("#night-status")).ToContainTextAsync("%");
                await BrowserFixture.ScreenshotAsync(page, $"night-reading-{screen}");
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                if (await heading.TextContentAsync() == "Reading your night") throw;
            }
        }

        // The page follows the job by itself, then names the show from the photos' date.
        await Expect(heading).ToHaveTextAsync("Paris La Défense Arena, 9 May 2024", new() { Timeout = 60_000 });
        var summary = page.Locator("#night > p.muted").First;
        await Expect(summary).ToContainTextAsync("Nanterre, FR");
        await Expect(summary).ToContainTextAsync("2024 setlist");
        await Expect(summary).ToContainTextAsync($"{Paris.Length} photos, in the order taken");
        await Expect(page.GetByText("Surprise songs: Paris (on guitar; live debut) · loml (on piano; live debut)")).ToBeVisibleAsync();

        // The strip and the list of sets, and a section for each set in show order with its photos in the order taken.
        await Expect(page.Locator(".set-strip a")).ToHaveCountAsync(SetsInShowOrder.Length);
        await Expect(page.Locator(".setlist li .badge")).ToHaveTextAsync(SetsInShowOrder);
        var sections = page.Locator("section.night-set");
        await Expect(sections.Locator("h2")).ToHaveTextAsync([.. SetsInShowOrder.Select(set => new Regex($"^{Regex.Escape(set)} ")), new Regex("^Between sets$")]);
        foreach (var set in SetsInShowOrder.Append(null))
        {
            var section = set is null ? page.Locator("section#between") : sections.Filter(new() { Has = page.Locator("h2 .badge", new() { HasTextRegex = new Regex($"^{Regex.Escape(set)}$") }) });
            var expected = Paris.Where(s => s.Set == set).Select(s => s.Name).ToArray();
            Assert.Equal(expected, await section.Locator(".night-photos img").EvaluateAllAsync<string[]>("all => all.map(i => i.alt)"));
            // Each photo wears its set's era colour; one between sets wears none.
            Assert.All(await section.Locator(".night-photos > li").EvaluateAllAsync<string[]>("all => all.map(li => li.className)"),
                era => Assert.Equal(set is null ? "uncertain" : EraStyle.Class(set), era));
        }
        // Every thumbnail loads, lazily, as the fan scrolls to it.
        foreach (var thumbnail in await page.Locator(".night-photos img").AllAsync())
        {
            await thumbnail.ScrollIntoViewIfNeededAsync();
            await Expect(thumbnail).ToHaveJSPropertyAsync("complete", true);
            Assert.True(await thumbnail.EvaluateAsync<int>("img => img.naturalWidth") > 0, $"{await thumbnail.GetAttributeAsync("alt")} shows no picture");
        }
        await Expect(sections.Filter(new() { HasText = "Surprise songs that night: Paris (on guitar; live debut)" }).Locator("h2 .badge")).ToHaveTextAsync("Acoustic");
        await BrowserFixture.ScreenshotAsync(page, $"night-{screen}");
        await AssertAccessibleAsync(page);

        // Each photo opens its own page, with the era it shows alone.
        await page.GetByAltText("IMG_2017.jpg").ClickAsync();
        // Committed is enough: the expectations below wait for what they look at, not for every picture of the page.
        await page.WaitForURLAsync(new Regex(@"/predictions/\d+\?key=[\w-]+$"), new() { WaitUntil = WaitUntilState.Commit });
        var photoPage = page.Url;
        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("Red");
        await page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });
        await Expect(heading).ToHaveTextAsync("Paris La Défense Arena, 9 May 2024");

        // A set in the strip leads to its photos.
        var red = page.Locator(".set-strip a[aria-label='Red: 1 photo']");
        await red.ClickAsync();
        await page.WaitForURLAsync(new Regex("#set-2$"));
        var target = page.Locator("section.night-set:target");
        await Expect(target.Locator("h2 .badge")).ToHaveTextAsync("Red");
        await Expect(target.GetByAltText("IMG_2017.jpg")).ToBeInViewportAsync();
        await BrowserFixture.ScreenshotAsync(page, $"night-set-{screen}", fullPage: false);

        // The sorted download: a folder per set in show order, the snack's folder where it was taken.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download sorted (ZIP)" }).ClickAsync());
        Assert.Matches(@"^erasweb-night-\d+\.zip$", download.SuggestedFilename);
        var zipped = new MemoryStream();
        await using (var stream = await download.CreateReadStreamAsync()) await stream.CopyToAsync(zipped);
        using var zip = new ZipArchive(zipped);
        var folders = zip.Entries.Select(e => e.FullName.Split('/')[0]).Distinct().ToList();
        var expectedFolders = Paris.Select(s => s.Set).Distinct().Select(set => set is null ? "Between sets" : $"{Array.IndexOf(SetsInShowOrder, set) + 1:00} {set}");
        Assert.Equal(expectedFolders, folders);
        Assert.Equal(Paris.Select((s, i) => $"{i + 1:000} {Path.GetFileNameWithoutExtension(s.Name)}.jpg"), zip.Entries.Select(e => e.Name));

        // "Not right?": the fan says the last photo, in a pink fringe jacket, was of the Lover set, and is thanked by it.
        var last = page.Locator(".night-photos li", new() { Has = page.GetByAltText("IMG_2071.jpg") });
        await last.GetByText("Not right?").ClickAsync();
        await Expect(last.GetByLabel("It was")).ToHaveValueAsync("Midnights");
        await last.GetByLabel("It was").SelectOptionAsync("Lover");
        await BrowserFixture.ScreenshotAsync(page, $"night-not-right-{screen}", fullPage: false);
        await AssertAccessibleAsync(page);
        await last.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"[?&]thanks=\d+#photo-\d+$"), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(last.GetByRole(AriaRole.Status)).ToHaveTextAsync("Thank you: you said Lover.");
        await Expect(last).ToBeInViewportAsync();
        await BrowserFixture.ScreenshotAsync(page, $"night-thanks-{screen}", fullPage: false);

        // The browser that uploaded it keeps the means to delete it, on this later visit too.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my night" }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/\?deleted=true$"), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "deleted" })).ToHaveTextAsync("Your upload was deleted, with its pictures.");
        Assert.Equal(404, (await page.GotoAsync(nightUrl))!.Status);
        Assert.Equal(404, (await page.GotoAsync(photoPage))!.Status);
        Assert.Empty(browser.CspViolations);
        Assert.Empty(browser.Dialogs);
    }

    /// <summary>No serious or critical axe finding, each told in full when there is one.</summary>
    static async Task AssertAccessibleAsync(IPage page)
    {
        var problems = await BrowserFixture.AccessibilityProblemsAsync(page);
        Assert.True(problems.Count == 0, $"{page.Url}:\n{string.Join("\n", problems)}");
    }

    /// <summary>Slows this page's uploads to a phone's mobile data (Chromium's own network throttling), so the upload's progress stays long enough to see.</summary>
    static async Task<ICDPSession> ThrottleUploadsAsync(IPage page, int bytesPerSecond)
    {
        var session = await page.Context.NewCDPSessionAsync(page);
        await session.SendAsync("Network.enable");
        await session.SendAsync("Network.emulateNetworkConditions", new()
        {
            ["offline"] = false,
            ["latency"] = 0,
            ["downloadThroughput"] = -1,
            ["uploadThroughput"] = bytesPerSecond,
        });
        return session;
    }
}
