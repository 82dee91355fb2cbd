using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Data;
using ErasWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;

namespace ErasWeb.Tests.Predictions;

/// <summary>A photo is answered once its display copy is stored; its thumbnail and overlay are made when first asked for, then kept.</summary>
[Trait("Category", "Storage")]
public class PicturesOnDemandTests(AppFixture app) : IClassFixture<AppFixture>
{
    static byte[] Fresh(string photo) => [.. File.ReadAllBytes(TestData.Photo(photo)), .. Guid.NewGuid().ToByteArray()];

    async Task<PredictionPictures?> StoredAsync(long id)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ErasDb>().PredictionPictures.AsNoTracking().SingleOrDefaultAsync(p => p.PredictionId == id);
    }

    async Task SetStoredAsync(long id, byte[] overlay)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<ErasDb>().PredictionPictures.Where(p => p.PredictionId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.GradCam, overlay));
    }

    [Fact]
    public async Task The_thumbnail_and_overlay_are_made_when_first_asked_for_then_kept()
    {
        var answer = await app.UploadJsonAsync<JsonElement>(Fresh("Red/etl-17.jpeg"), "red.jpg");
        long id = answer.GetProperty("prediction_id").GetInt64();
        var stored = (await StoredAsync(id))!;
        Assert.NotEmpty(stored.Display);
        Assert.NotNull(stored.Heatmap);
        Assert.Null(stored.Thumbnail);
        Assert.Null(stored.GradCam);

        var thumbnail = await app.Client.GetByteArrayAsync(answer.GetProperty("thumbnail_url").GetString());
        var overlay = await app.Client.GetByteArrayAsync(answer.GetProperty("gradcam_url").GetString());
        stored = (await StoredAsync(id))!;
        Assert.Equal(thumbnail, stored.Thumbnail);
        Assert.Equal(overlay, stored.GradCam);
        using (var display = SKBitmap.Decode(stored.Display))
        using (var small = SKBitmap.Decode(thumbnail))
        using (var drawn = SKBitmap.Decode(overlay))
        {
            Assert.Equal(256, Math.Max(small.Width, small.Height));
            Assert.Equal((display.Width, display.Height), (drawn.Width, drawn.Height));
            // The heatmap is drawn over the photo, not the photo alone.
            var (o, d) = (drawn.GetPixel(display.Width / 2, display.Height / 2), display.GetPixel(display.Width / 2, display.Height / 2));
            Assert.True(Math.Abs(o.Red - d.Red) + Math.Abs(o.Green - d.Green) + Math.Abs(o.Blue - d.Blue) > 30, $"{o} over {d}");
        }

        // From then on the stored picture is served, not a new one.
        await SetStoredAsync(id, thumbnail);
        Assert.Equal(thumbnail, await app.Client.GetByteArrayAsync(answer.GetProperty("gradcam_url").GetString()));
    }

    [Fact]
    public async Task Concurrent_first_requests_for_an_overlay_all_get_the_picture_that_is_stored()
    {
        var answer = await app.UploadJsonAsync<JsonElement>(Fresh("Lover/etl-3.jpeg"), "lover.jpg");
        long id = answer.GetProperty("prediction_id").GetInt64();
        var url = answer.GetProperty("gradcam_url").GetString();

        var overlays = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.Client.GetByteArrayAsync(url)));

        var stored = (await StoredAsync(id))!.GradCam;
        Assert.NotNull(stored);
        Assert.All(overlays, overlay => Assert.Equal(stored, overlay));
    }

    [Fact]
    public async Task The_result_page_has_the_overlay_made_while_it_is_read()
    {
        var answer = await app.UploadJsonAsync<JsonElement>(Fresh("Midnights/etl-36.jpeg"), "midnights.jpg");
        long id = answer.GetProperty("prediction_id").GetInt64();

        Assert.Contains("/gradcam\"", await app.Client.GetStringAsync(answer.GetProperty("page_url").GetString()));

        // Made without anyone asking for the overlay itself.
        for (var deadline = DateTime.UtcNow.AddSeconds(10); (await StoredAsync(id))!.GradCam is null; await Task.Delay(50))
            Assert.True(DateTime.UtcNow < deadline, "the page's overlay is made");
        Assert.Null((await StoredAsync(id))!.Thumbnail);
    }

    [Fact]
    public async Task A_picture_nobody_may_see_is_not_made()
    {
        using var form = new MultipartFormDataContent { { new StringContent("true"), "unlisted" }, { new ByteArrayContent(Fresh("Folkmore/etl-12.jpeg")), "file", "private.jpg" } };
        var answer = await (await app.Client.PostAsync("/predict", form)).Content.ReadFromJsonAsync<JsonElement>();
        long id = answer.GetProperty("prediction_id").GetInt64();

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{id}/gradcam")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{id}/thumbnail")).StatusCode);
        Assert.Null((await StoredAsync(id))!.GradCam);
        Assert.Null((await StoredAsync(id))!.Thumbnail);
        // Its own link, with the key, gets it.
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(answer.GetProperty("gradcam_url").GetString())).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_photo_deletes_the_pictures_made_for_it()
    {
        var answer = await app.UploadJsonAsync<JsonElement>(Fresh("Speak Now/etl-13.jpeg"), "speak-now.jpg");
        long id = answer.GetProperty("prediction_id").GetInt64();
        await app.Client.GetByteArrayAsync(answer.GetProperty("thumbnail_url").GetString());
        await app.Client.GetByteArrayAsync(answer.GetProperty("gradcam_url").GetString());
        Assert.NotNull((await StoredAsync(id))!.GradCam);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/predictions/{id}");
        delete.Headers.Add("X-Delete-Token", answer.GetProperty("delete_token").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.SendAsync(delete)).StatusCode);

        Assert.Null(await StoredAsync(id));
        foreach (var field in (string[])["image_url", "thumbnail_url", "gradcam_url"])
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(answer.GetProperty(field).GetString())).StatusCode);
    }
}
