using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErasWeb.Tests.Support;
using SkiaSharp;

namespace ErasWeb.Browser;

/// <summary>What a chat app sees of a shared link, read in a real browser: the card tags, the share image, and no card on an unlisted page without its key.</summary>
[Collection("browser")]
public class LinkPreviewTests(BrowserFixture fixture) : BrowserTests(fixture)
{
    [Fact]
    public async Task A_public_result_carries_its_card_and_a_1200x630_jpeg_and_an_unlisted_one_shows_none_without_its_key()
    {
        var answer = await browser.App.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo("Speak Now/etl-13.jpeg")), "card.jpg");
        var page = await browser.NewPageAsync("desktop");
        await page.GotoAsync($"/predictions/{answer.GetProperty("prediction_id").GetInt64()}");
        async Task<string?> Tag(string property) =>
            await page.Locator($"meta[property='{property}'], meta[name='{property}']").CountAsync() == 0 ? null
            : await page.Locator($"meta[property='{property}'], meta[name='{property}']").First.GetAttributeAsync("content");
        Assert.StartsWith("Speak Now · ", await Tag("og:title"));
        Assert.Equal("summary_large_image", await Tag("twitter:card"));
        var image = await Tag("og:image");
        Assert.Equal(image, await Tag("twitter:image"));

        var response = await page.APIRequest.GetAsync(image!);
        Assert.Equal(200, response.Status);
        Assert.Equal("image/jpeg", response.Headers["content-type"]);
        using var card = SKBitmap.Decode(await response.BodyAsync());
        Assert.Equal((1200, 630), (card.Width, card.Height));
        Assert.Equal(("1200", "630"), (await Tag("og:image:width"), await Tag("og:image:height")));

        // Unlisted: the page and its picture answer nothing without the key; with it, noindex.
        using var form = new MultipartFormDataContent { { new StringContent("true"), "unlisted" }, { new ByteArrayContent(File.ReadAllBytes(TestData.Photo("Red/etl-17.jpeg"))), "file", "mine.jpg" } };
        var unlisted = await (await browser.App.Client.PostAsync("/predict", form)).Content.ReadFromJsonAsync<JsonElement>();
        long id = unlisted.GetProperty("prediction_id").GetInt64();
        var without = await page.GotoAsync($"/predictions/{id}");
        Assert.Equal(404, without!.Status);
        Assert.Equal(0, await page.Locator("meta[property^='og:']").CountAsync());
        Assert.Equal(404, (await page.APIRequest.GetAsync($"/api/predictions/{id}/share-image")).Status);
        var withKey = Regex.Match(unlisted.GetProperty("page_url").GetString()!, @"\?key=.+$").Value;
        await page.GotoAsync($"/predictions/{id}{withKey}");
        Assert.Equal("noindex", await Tag("robots"));
    }
}
