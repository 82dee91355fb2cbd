using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErasWeb.Pages.Shared;
using ErasWeb.Predictions;
using ErasWeb.Tests.Support;

namespace ErasWeb.Tests.Predictions;

/// <summary>The result page, the fans' verdict and the error page in the reader's language; machine-read numbers stay invariant.</summary>
public partial class ResultLanguagesTests(AppFixture app) : IClassFixture<AppFixture>
{
    async Task<string> PageAsync(string path, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await app.Client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    async Task<long> UploadPhotoAsync()
    {
        var answer = await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo("Midnights/etl-39.jpeg")), "stage.jpg");
        return answer.GetProperty("prediction_id").GetInt64();
    }

    [Fact]
    public async Task A_photo_result_reads_in_japanese_with_its_link_preview_and_no_english_left()
    {
        long id = await UploadPhotoAsync();
        var page = await PageAsync($"/predictions/{id}", "ja");

        Assert.Contains("<h2>すべての時代</h2>", page);
        Assert.Contains("合っていますか？", page);
        Assert.Contains(">共有</button>", page);
        Assert.Matches("<meta property=\"og:title\" content=\"Midnights · 確信度 [0-9]+%\" />", page);
        Assert.Contains("この写真はEras Tourのどの時代？", page);
        foreach (var english in (string[])["All eras", "Is this right?", "Delete my upload", "Link copied", "Which era of the Eras Tour", "% sure", "Heatmap", "Gallery</a>"])
            Assert.DoesNotContain(english, page);
    }

    [Fact]
    public async Task A_german_reader_gets_german_percentages_while_the_bars_widths_stay_css()
    {
        long id = await UploadPhotoAsync();
        var page = await PageAsync($"/predictions/{id}", "de");

        Assert.Matches("<span class=\"value\">[0-9]+,[0-9] %</span>", page);
        Assert.Contains("Stimmt das?", page);
        var widths = DataWidth().Matches(page).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, widths.Count);
        Assert.All(widths, width => Assert.Matches("^[0-9]+(\\.[0-9])?%$", width));
    }

    [Fact]
    public async Task The_error_page_explains_in_the_readers_language_with_its_own_status()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        request.Headers.AcceptLanguage.ParseAdd("fr");
        using var response = await app.Client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Introuvable</h1>", page);
        Assert.Contains("parcourir la galerie", page);
        Assert.Contains("<h1>Not found</h1>", await PageAsync("/no-such-page", "en"));
    }

    [Theory]
    [InlineData("en", 1, 1, "Lover", "1 fan agrees")]
    [InlineData("en", 2, 3, "Red", "2 fans of 3 say Red")]
    [InlineData("en", 1, 3, "Red", "1 fan of 3 says Red")]
    [InlineData("pl", 1, 1, "Lover", "1 fan się zgadza")]
    [InlineData("pl", 3, 3, "Lover", "3 fanów się zgadza")]
    [InlineData("pl", 5, 7, "Red", "5 z 7 fanów mówi: Red")]
    [InlineData("fr", 1, 3, "Lover", "1 fan sur 3 est d'accord")]
    [InlineData("ja", 4, 4, "Red", "ファン4人は Red と回答")]
    public void Fans_counts_read_right_in_each_language(string culture, int eraVotes, int totalVotes, string era, string expected)
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            Assert.Equal(expected, FansText.Of(new FansSay(era, eraVotes, totalVotes), "Lover"));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    [GeneratedRegex("<span data-width=\"([^\"]*)\"></span>")]
    private static partial Regex DataWidth();
}
