using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Tests.Support;
using ErasWeb.Uploads;

namespace ErasWeb.Tests.Predictions;

/// <summary>Room for the empty database and a few photos (an empty PostgreSQL database, its catalogs included, is about 9 MB).</summary>
public sealed class QuotaAppFixture : AppFixture
{
    public static readonly long MaxDatabaseBytes = (TestDatabase.OnPostgres ? 11 : 2) * 1024 * 1024;

    public QuotaAppFixture() => Settings = new Dictionary<string, string?> { ["Eras:MaxDatabaseBytes"] = MaxDatabaseBytes.ToString() };
}

/// <summary>ERAS_MAX_DATABASE_BYTES: once the database reaches it, uploads are refused with 507 before any work, and reading goes on.</summary>
[Trait("Category", "Storage")]
public class StorageQuotaTests(QuotaAppFixture app) : IClassFixture<QuotaAppFixture>
{
    [Fact]
    public async Task Uploads_are_accepted_until_the_database_is_full_then_refused_with_507_while_reads_go_on()
    {
        var photos = Directory.EnumerateFiles(TestData.PhotosDir, "*.jp*g", SearchOption.AllDirectories).Order().ToList();
        int accepted = 0;
        HttpResponseMessage refused = null!;
        foreach (var photo in photos)
        {
            var response = await app.UploadAsync(File.ReadAllBytes(photo), Path.GetFileName(photo));
            if (response.StatusCode != HttpStatusCode.OK) { refused = response; break; }
            accepted++;
        }
        Assert.True(accepted > 0, "uploads go through while there is room");
        Assert.NotNull(refused);
        Assert.True(refused.StatusCode == HttpStatusCode.InsufficientStorage, $"after {accepted} uploads: {(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("storage is full", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        using (var scope = app.Services.CreateScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<StorageQuota>().UsedBytesAsync(CancellationToken.None) >= QuotaAppFixture.MaxDatabaseBytes);

        // Videos too, and before the upload is even read: nothing is left in the uploads folder.
        var clip = await File.ReadAllBytesAsync(TestVideos.Colours("quota.mp4", 160, 120, ("red", 1)));
        Assert.Equal(HttpStatusCode.InsufficientStorage, (await AppFixture.PostFileAsync(app.Client, clip, "clip.mp4", contentType: "video/mp4")).StatusCode);
        Assert.Empty(Directory.Exists(Path.Combine(app.DataDir, "uploads")) ? Directory.GetFiles(Path.Combine(app.DataDir, "uploads")) : []);

        // The upload page says it in words.
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = app.BaseAddress };
        var token = Antiforgery.TokenIn(await browser.GetStringAsync("/"));
        var page = await browser.PostAsync("/", new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new ByteArrayContent(File.ReadAllBytes(photos[^1])), "file", "photo.jpg" } });
        Assert.Equal(HttpStatusCode.InsufficientStorage, page.StatusCode);
        Assert.Contains("ErasWeb&#x27;s storage is full, so it takes no new uploads for now.", await page.Content.ReadAsStringAsync());

        Assert.Equal(accepted, await app.CountPredictionsAsync());
        foreach (var path in (string[])["/ping", "/health/ready", "/api/predictions", "/api/predictions/1/image", "/gallery", "/predictions/1"])
            Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(path)).StatusCode);
    }
}
