using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErasWeb.Data;
using ErasWeb.Pages.Shared;
using ErasWeb.Shows;
using ErasWeb.Tests.Nights;
using ErasWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;

namespace ErasWeb.Tests.Predictions;

/// <summary>The tour's shows known (a night names its city), and the site's public address set, as behind a proxy.</summary>
public sealed class LinkPreviewAppFixture : AppFixture
{
    public const string PublicUrl = "https://eras.example";

    public LinkPreviewAppFixture() => Settings = new Dictionary<string, string?>
    {
        ["Eras:Shows"] = TestData.Shows,
        ["Eras:PublicUrl"] = PublicUrl,
    };
}

/// <summary>
/// What a shared link unfurls as: the Open Graph and Twitter card tags of public results and nights, noindex on
/// unlisted ones opened with their key, the 1200x630 share images the app draws, and the web app manifest.
/// </summary>
[Trait("Category", "Storage")]
public partial class LinkPreviewTests(LinkPreviewAppFixture app) : IClassFixture<LinkPreviewAppFixture>
{
    const string Public = LinkPreviewAppFixture.PublicUrl;

    [Fact]
    public async Task A_public_photo_result_carries_its_card_tags_and_its_share_image_is_drawn_once_in_its_eras_colours()
    {
        var answer = await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo("Midnights/etl-39.jpeg")), "front row.jpg");
        long id = answer.GetProperty("prediction_id").GetInt64();
        Assert.Equal("Midnights", answer.GetProperty("predicted_class").GetString());
        var sure = $"{Math.Round(answer.GetProperty("confidence").GetSingle() * 100):0}%";

        var tags = Tags(await app.Client.GetStringAsync($"/predictions/{id}"));
        Assert.Equal($"Midnights · {sure} sure", tags["og:title"]);
        Assert.Contains($"this photo from? ErasWeb's model says Midnights, {sure} sure.", tags["og:description"]);
        Assert.Equal($"{Public}/predictions/{id}", tags["og:url"]);
        Assert.Equal($"{Public}/api/predictions/{id}/share-image", tags["og:image"]);
        Assert.Equal(("image/jpeg", "1200", "630"), (tags["og:image:type"], tags["og:image:width"], tags["og:image:height"]));
        Assert.Equal(("summary_large_image", tags["og:image"]), (tags["twitter:card"], tags["twitter:image"]));
        Assert.False(tags.ContainsKey("robots"));

        using var card = await ShareImageAsync(tags["og:image"]);
        var midnights = SKColor.Parse(EraPalette.ByEra["Midnights"].Fill);
        AssertColour(midnights, card.GetPixel(750, 236), "the era's pill");
        AssertColour(midnights, card.GetPixel(600, 625), "the band along the bottom");
        AssertColour(SKColor.Parse(EraPalette.Site.Card), card.GetPixel(1150, 40), "the panel");
        Assert.True(Spread(card, SKRectI.Create(0, 0, 690, 600)) > 20, "the photo fills the left of the card");

        // Made on the first request and kept: the row holds it, and the next answer is those bytes.
        using (var scope = app.Services.CreateScope())
            Assert.NotNull(await scope.ServiceProvider.GetRequiredService<ErasDb>().PredictionPictures.Where(p => p.PredictionId == id).Select(p => p.ShareCard).SingleAsync());
        Assert.Equal(await app.Client.GetByteArrayAsync($"/api/predictions/{id}/share-image"), await app.Client.GetByteArrayAsync($"/api/predictions/{id}/share-image"));
    }

    [Fact]
    public async Task A_picture_the_model_is_not_sure_of_says_so_on_its_card_in_grey()
    {
        var answer = await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(Path.Combine(TestData.SanityDir, "hot_dog.jpg")), "lunch.jpg");
        long id = answer.GetProperty("prediction_id").GetInt64();
        Assert.True(answer.GetProperty("uncertain").GetBoolean());

        var tags = Tags(await app.Client.GetStringAsync($"/predictions/{id}"));
        Assert.StartsWith("Not sure · best guess ", tags["og:title"]);
        using var card = await ShareImageAsync(tags["og:image"]);
        AssertColour(SKColor.Parse(EraPalette.Uncertain.Fill), card.GetPixel(750, 236), "the grey pill");
    }

    [Fact]
    public async Task An_unlisted_result_is_404_without_its_key_and_noindex_with_it_with_a_preview_its_key_opens()
    {
        using var form = new MultipartFormDataContent { { new StringContent("true"), "unlisted" }, { new ByteArrayContent(File.ReadAllBytes(TestData.Photo("Lover/etl-7.jpeg"))), "file", "private.jpg" } };
        var answer = await (await app.Client.PostAsync("/predict", form)).Content.ReadFromJsonAsync<JsonElement>();
        long id = answer.GetProperty("prediction_id").GetInt64();
        var page = answer.GetProperty("page_url").GetString()!;
        var key = page.Split("key=")[1];

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/predictions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{id}/share-image")).StatusCode);

        var html = await app.Client.GetStringAsync(page);
        var tags = Tags(html);
        Assert.Equal("noindex", tags["robots"]);
        Assert.Equal($"{Public}/predictions/{id}?key={key}", tags["og:url"]);
        Assert.Equal($"{Public}/api/predictions/{id}/share-image?key={key}", tags["og:image"]);
        (await ShareImageAsync(tags["og:image"])).Dispose();

        // Deleted by its uploader: the share image goes with the rest.
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/predictions/{id}") { Headers = { { "X-Delete-Token", answer.GetProperty("delete_token").GetString() } } };
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.SendAsync(delete)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(new Uri(tags["og:image"]).PathAndQuery)).StatusCode);
    }

    [Fact]
    [Trait("Database", "sqlite")] // a share image is stored as a photo's is, which the first test here checks on PostgreSQL too
    public async Task A_video_result_shares_its_key_frame_with_its_era()
    {
        var video = TestVideos.Slideshow("share-video.mp4", 320, 180, (TestData.Photo("Red/etl-17.jpeg"), 2), (TestData.Photo("Red/etl-18.jpeg"), 2));
        var answer = await (await AppFixture.PostFileAsync(app.Client, File.ReadAllBytes(video), "share.mp4", "?wait=60", "video/mp4")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("succeeded", answer.GetProperty("status").GetString());
        long id = answer.GetProperty("prediction_id").GetInt64();
        var era = answer.GetProperty("predicted_class").GetString()!;

        var tags = Tags(await app.Client.GetStringAsync($"/predictions/{id}"));
        Assert.StartsWith($"{era} · ", tags["og:title"]);
        Assert.Contains("this video from?", tags["og:description"]);
        using var card = await ShareImageAsync(tags["og:image"]);
        AssertColour(SKColor.Parse(EraPalette.Of(era).Fill), card.GetPixel(600, 625), "the band along the bottom");
    }

    [Fact]
    public async Task A_public_night_shares_its_city_date_and_set_strip_and_a_private_one_only_with_its_key_and_noindex()
    {
        var paris = NightTests.Paris[..7];
        var night = await NightTests.NightAsync(app.Client, paris, gallery: true);
        long id = night.GetProperty("night_id").GetInt64();
        var tags = Tags(await app.Client.GetStringAsync($"/nights/{id}"));
        Assert.Equal("Nanterre, 9 May 2024", tags["og:title"]);
        Assert.Equal($"{Public}/nights/{id}", tags["og:url"]);
        Assert.Equal($"{Public}/api/nights/{id}/share-image", tags["og:image"]);
        Assert.Equal(("summary_large_image", "1200", "630"), (tags["twitter:card"], tags["og:image:width"], tags["og:image:height"]));
        Assert.False(tags.ContainsKey("robots"));

        // The whole 2024 order, one slot a set: the sets photographed in their colours, the others grey, as on the page.
        using var card = await ShareImageAsync(tags["og:image"]);
        var seen = night.GetProperty("sets").EnumerateArray().Select(s => s.GetProperty("era").GetString()!).ToHashSet();
        Assert.InRange(seen.Count, 3, 9);
        var order = Tours.Of2024.Sets;
        float slot = (1080 - 8 * 9) / 10f;
        for (int i = 0; i < order.Count; i++)
            AssertColour(SKColor.Parse(seen.Contains(order[i].Era) ? EraPalette.Of(order[i].Era).Fill : EraPalette.Site.Line),
                card.GetPixel((int)(60 + i * (slot + 8) + 14), 402), $"slot {i} ({order[i].Era})");

        var hidden = await NightTests.NightAsync(app.Client, paris[..2]);
        long hiddenId = hidden.GetProperty("night_id").GetInt64();
        var page = hidden.GetProperty("page_url").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/nights/{hiddenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/nights/{hiddenId}/share-image")).StatusCode);
        var keyed = Tags(await app.Client.GetStringAsync(page));
        Assert.Equal("noindex", keyed["robots"]);
        Assert.Equal($"{Public}/api/nights/{hiddenId}/share-image?{page.Split('?')[1]}", keyed["og:image"]);
        (await ShareImageAsync(keyed["og:image"])).Dispose();
    }

    [Fact]
    public async Task The_manifest_is_served_as_a_web_app_manifest_whose_icons_are_there_at_their_sizes()
    {
        var home = await app.Client.GetStringAsync("/");
        Assert.Contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\" />", home);
        Assert.Matches("<meta name=\"theme-color\" content=\"#14111f\" />", home);
        var touch = Regex.Match(home, "<link rel=\"apple-touch-icon\" href=\"([^\"]+)\"").Groups[1].Value;
        using (var icon = await PngAsync(touch)) Assert.Equal((180, 180), (icon.Width, icon.Height));

        var response = await app.Client.GetAsync("/manifest.webmanifest");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/manifest+json", response.Content.Headers.ContentType?.MediaType);
        var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("ErasWeb", "/", "standalone"), (manifest.GetProperty("short_name").GetString(), manifest.GetProperty("start_url").GetString(), manifest.GetProperty("display").GetString()));
        Assert.Equal(EraPalette.Site.Background, manifest.GetProperty("theme_color").GetString());
        Assert.Equal(EraPalette.Site.Background, manifest.GetProperty("background_color").GetString());

        var icons = manifest.GetProperty("icons").EnumerateArray().Select(i => (Src: i.GetProperty("src").GetString()!, Sizes: i.GetProperty("sizes").GetString()!, Purpose: i.GetProperty("purpose").GetString()!)).ToList();
        foreach (var size in new[] { "192x192", "512x512" })
            foreach (var purpose in new[] { "any", "maskable" })
                Assert.Contains(icons, i => i.Sizes == size && i.Purpose == purpose);
        foreach (var (src, sizes, _) in icons)
        {
            using var icon = await PngAsync(src);
            Assert.Equal(sizes, $"{icon.Width}x{icon.Height}");
        }
    }

    [Fact]
    public void The_share_images_era_colours_are_the_pages()
    {
        var css = File.ReadAllText(Path.Combine(TestData.RepoRoot, "wwwroot", "css", "site.css"));
        var eras = Tours.All.SelectMany(t => t.Sets).Select(s => s.Era).Distinct().ToList();
        Assert.Equal(eras.Order(), EraPalette.ByEra.Keys.Order());
        foreach (var (era, colours) in EraPalette.ByEra.Append(new("uncertain", EraPalette.Uncertain)))
        {
            var selector = era == "uncertain" ? ".uncertain" : "." + EraStyle.Class(era);
            var rule = Regex.Match(css, $@"^{Regex.Escape(selector)} \{{ --era: (#[0-9a-f]{{6}}); --era-ink: (#[0-9a-f]{{6}}); \}}", RegexOptions.Multiline);
            Assert.True(rule.Success, $"site.css has no palette for {era}");
            Assert.Equal((rule.Groups[1].Value, rule.Groups[2].Value), (colours.Fill, colours.Ink));
        }
        Assert.Contains($"--bg: {EraPalette.Site.Background};", css);
        Assert.Contains($"--card: {EraPalette.Site.Card};", css);
        Assert.Contains($"--accent: {EraPalette.Site.Accent};", css);
    }

    /// <summary>The page's meta tags by property or name, their content decoded.</summary>
    static Dictionary<string, string> Tags(string html) => MetaTag().Matches(html)
        .ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["content"].Value));

    [GeneratedRegex("<meta (?:property|name)=\"(?<name>[^\"]+)\" content=\"(?<content>[^\"]*)\" />")]
    private static partial Regex MetaTag();

    /// <summary>A share image by the absolute URL its tag gives, checked as what a link preview takes: a 1200x630 JPEG, cached as the other pictures.</summary>
    async Task<SKBitmap> ShareImageAsync(string url)
    {
        Assert.StartsWith(Public + "/", url);
        var response = await app.Client.GetAsync(new Uri(url).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((true, TimeSpan.FromSeconds(300)), (response.Headers.CacheControl?.Private, response.Headers.CacheControl?.MaxAge));
        var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((1200, 630), (bitmap.Width, bitmap.Height));
        return bitmap;
    }

    async Task<SKBitmap> PngAsync(string path)
    {
        var response = await app.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        return SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
    }

    static void AssertColour(SKColor expected, SKColor actual, string where) =>
        Assert.True(Math.Abs(expected.Red - actual.Red) <= 14 && Math.Abs(expected.Green - actual.Green) <= 14 && Math.Abs(expected.Blue - actual.Blue) <= 14,
            $"{where}: expected {expected}, found {actual}");

    /// <summary>The standard deviation of brightness over <paramref name="area"/>: near 0 for a flat fill, tens for a photo.</summary>
    static double Spread(SKBitmap bitmap, SKRectI area)
    {
        var values = new List<double>();
        for (int y = area.Top; y < area.Bottom; y += 7)
            for (int x = area.Left; x < area.Right; x += 7)
            {
                var c = bitmap.GetPixel(x, y);
                values.Add((c.Red + c.Green + c.Blue) / 3.0);
            }
        double mean = values.Average();
        return Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
    }
}
