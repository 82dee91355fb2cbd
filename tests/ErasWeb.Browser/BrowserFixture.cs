using Deque.AxeCore.Playwright;
using ErasWeb.Tests.Support;
using Microsoft.Playwright;

namespace ErasWeb.Browser;

/// <summary>
/// One real app and one headless Debian Chromium (its headless shell) for all browser tests. Screenshots of every page
/// at desktop and phone width go to artifacts/screenshots for a person to look at.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("ERAS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium-headless-shell";
    public static readonly string ScreenshotsDir = Path.Combine(RepoRoot(), "artifacts", "screenshots");

    /// <summary>The admin token, so the admin pages are on as on a real site.</summary>
    public const string AdminToken = AdminAppFixture.Token;

    /// <summary>
    /// Enough frames per video that its job runs for a few seconds: long enough to watch the progress.
    /// The tour's shows, so a night's date names its show.
    /// </summary>
    public AppFixture App { get; } = new()
    {
        Settings = new Dictionary<string, string?> { ["Eras:VideoFrames"] = "40", ["Eras:AdminToken"] = AdminToken, ["Eras:Shows"] = TestData.Shows },
    };
    IPlaywright? playwright;
    IBrowser? browser;

    public static readonly IReadOnlyDictionary<string, ViewportSize> Screens = new Dictionary<string, ViewportSize>
    {
        ["desktop"] = new() { Width = 1280, Height = 800 },
        ["phone"] = new() { Width = 390, Height = 844 },
    };

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium is not at {ChromiumPath}: run scripts/setup.sh --tests (it installs Debian's chromium-headless-shell) or set ERAS_CHROMIUM.");
        Directory.CreateDirectory(ScreenshotsDir);
        await App.InitializeAsync();
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <param name="locale">The browser's language, as its Accept-Language and navigator.language tell it.</param>
    public async Task<IPage> NewPageAsync(string screen, bool javaScript = true, string locale = "en-US")
    {
        var context = await browser!.NewContextAsync(new()
        {
            Locale = locale,
            BaseURL = App.BaseAddress.ToString(),
            ViewportSize = Screens[screen],
            JavaScriptEnabled = javaScript,
            IsMobile = screen == "phone",
            HasTouch = screen == "phone",
        });
        context.SetDefaultTimeout(30_000);
        contexts.Add(context);
        var page = await context.NewPageAsync();
        // Any script dialog would mean text from an upload ran as code.
        page.Dialog += (_, dialog) => Dialogs.Add(dialog.Message);
        // A blocked script or style fails silently: Chromium only says so in the console.
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) CspViolations.Add($"{page.Url}: {message.Text}"); };
        return page;
    }

    readonly System.Collections.Concurrent.ConcurrentBag<IBrowserContext> contexts = [];

    /// <summary>Closes every page opened so far, so what a test left open (a page still polling, say) costs the next nothing.</summary>
    public async Task ClosePagesAsync()
    {
        while (contexts.TryTake(out var context)) await context.CloseAsync();
    }

    public List<string> Dialogs { get; } = [];

    /// <summary>What the Content-Security-Policy blocked on any page so far.</summary>
    public System.Collections.Concurrent.ConcurrentBag<string> CspViolations { get; } = [];

    /// <summary>The whole page, or with <paramref name="fullPage"/> false only what the screen shows (where a link scrolled to, say).</summary>
    public static Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotsDir, $"{name}.png"), FullPage = fullPage });

    /// <summary>axe-core's default rules and WCAG 2.2's target size (at least 24 px, or room around it), which phones need and axe leaves off by default.</summary>
    static readonly Deque.AxeCore.Commons.AxeRunOptions CheckTouchTargets = new()
    {
        Rules = new Dictionary<string, Deque.AxeCore.Commons.RuleOptions> { ["target-size"] = new() { Enabled = true } },
        // Only violations are read; axe then keeps no details of the checks that passed.
        ResultTypes = [Deque.AxeCore.Commons.ResultType.Violations],
    };

    /// <summary>axe-core's serious and critical findings (contrast, labels, alt texts, ...), one line each.</summary>
    public static async Task<IReadOnlyList<string>> AccessibilityProblemsAsync(IPage page)
    {
        // Legacy mode runs axe in the page alone. The default opens a blank page for every check to merge the
        // results of frames, which these pages do not have: 32 checks took 75 s that way, 26 s this way.
#pragma warning disable CS0618 // obsolete: to be removed in a later axe release; the pinned one has it
        var result = await page.RunAxeLegacy(options: CheckTouchTargets);
#pragma warning restore CS0618
        return result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))})").ToList();
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
        await App.DisposeAsync();
    }

    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ErasWeb.sln"))) return dir.FullName;
        throw new InvalidOperationException("ErasWeb.sln not found above the test binaries.");
    }
}

[CollectionDefinition("browser")]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>;

/// <summary>A browser test: the pages it opened are closed when it ends.</summary>
public abstract class BrowserTests(BrowserFixture fixture) : IAsyncLifetime
{
    protected readonly BrowserFixture browser = fixture;

    public Task InitializeAsync() => Task.CompletedTask;
    public Task DisposeAsync() => browser.ClosePagesAsync();
}
