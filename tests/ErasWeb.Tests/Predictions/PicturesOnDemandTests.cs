using System.Net;
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

    /// <summary>The row once <paramref name="made"/> holds: a picture is served as soon as it is drawn, and stored a moment after.</summary>
    async Task<PredictionPictures> StoredOnceAsync(long id, Func<PredictionPictures, bool> made)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); ; await Task.Delay(50))
        {
            var stored = (await StoredAsync(id))!;
            if (made(stored)) return stored;
            Assert.True(DateTime.UtcNow < deadline, "the picture is stored");
        }
    }

    async Task SetStoredAsync(long id, byte[] overlay)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<ErasDb>().PredictionPictures.Where(p => p.PredictionId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.GradCam, overlay));
    }

    /// <summary>
    /// A photo as a new upload stores it, without its thumbnail and overlay: a copy of an uploaded one's
    /// display copy and heatmap under bytes of its own, so no idle moment has made them yet.
    /// </summary>
    async Task<long> StoredWithoutPicturesAsync(string photo, string? accessKey = null)
    {
        var answer = await app.UploadJsonAsync<JsonElement>(Fresh(photo), Path.GetFileName(photo));
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        var source = await db.Predictions.AsNoTracking().Include(p => p.Pictures).SingleAsync(p => p.Id == answer.GetProperty("prediction_id").GetInt64());
        var copy = new Prediction
        {
            CreatedAtUtc = source.CreatedAtUtc,
            Kind = source.Kind,
            FileName = source.FileName,
            ContentSha256 = Guid.NewGuid().ToString("N"),
            SizeBytes = source.SizeBytes,
            Width = source.Width,
            Height = source.Height,
            Format = source.Format,
            PredictedClass = source.PredictedClass,
            Confidence = source.Confidence,
            Probabilities = source.Probabilities,
            Explanation = source.Explanation,
            ModelVersion = source.ModelVersion,
            AccessKey = accessKey,
            Pictures = new PredictionPictures { Display = source.Pictures!.Display, Heatmap = source.Pictures.Heatmap },
        };
        db.Predictions.Add(copy);
        await db.SaveChangesAsync();
        return copy.Id;
    }

    [Fact]
    public async Task A_new_photo_is_stored_without_its_thumbnail_and_an_idle_moment_makes_its_overlay()
    {
        var answer = await app.UploadJsonAsync<JsonElement>(Fresh("Red/etl-17.jpeg"), "red.jpg");
        long id = answer.GetProperty("prediction_id").GetInt64();
        var stored = (await StoredAsync(id))!;
        Assert.NotEmpty(stored.Display);
        Assert.NotNull(stored.Heatmap);
        Assert.Null(stored.Thumbnail);

        // Nothing else is being analysed, so the overlay is made before anyone asks for it.
        Assert.Null((await StoredOnceAsync(id, p => p.GradCam is not null)).Thumbnail);
    }

    [Fact]
    public async Task The_thumbnail_and_overlay_are_made_when_first_asked_for_then_kept()
    {
        long id = await StoredWithoutPicturesAsync("Red/etl-17.jpeg");

        var thumbnail = await app.Client.GetByteArrayAsync($"/api/predictions/{id}/thumbnail");
        var overlay = await app.Client.GetByteArrayAsync($"/api/predictions/{id}/gradcam");
        var stored = await StoredOnceAsync(id, p => p.Thumbnail is not null && p.GradCam is not null);
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
        Assert.Equal(thumbnail, await app.Client.GetByteArrayAsync($"/api/predictions/{id}/gradcam"));
    }

    [Fact]
    public async Task Concurrent_first_requests_for_an_overlay_all_get_the_picture_that_is_stored()
    {
        long id = await StoredWithoutPicturesAsync("Lover/etl-3.jpeg");

        var overlays = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.Client.GetByteArrayAsync($"/api/predictions/{id}/gradcam")));

        var stored = (await StoredOnceAsync(id, p => p.GradCam is not null)).GradCam;
        Assert.All(overlays, overlay => Assert.Equal(stored, overlay));
    }

    [Fact]
    public async Task The_result_page_has_the_overlay_made_while_it_is_read()
    {
        long id = await StoredWithoutPicturesAsync("Midnights/etl-36.jpeg");

        Assert.Contains("/gradcam\"", await app.Client.GetStringAsync($"/predictions/{id}"));

        // Made without anyone asking for the overlay itself.
        Assert.Null((await StoredOnceAsync(id, p => p.GradCam is not null)).Thumbnail);
    }

    [Fact]
    public async Task A_picture_nobody_may_see_is_not_made()
    {
        const string key = "a-key-only-its-uploader-has";
        long id = await StoredWithoutPicturesAsync("Folkmore/etl-12.jpeg", accessKey: key);

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{id}/gradcam")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{id}/thumbnail")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/predictions/{id}")).StatusCode);
        await Task.Delay(200);
        Assert.Null((await StoredAsync(id))!.GradCam);
        Assert.Null((await StoredAsync(id))!.Thumbnail);
        // Its own link, with the key, gets it.
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/predictions/{id}/gradcam?key={key}")).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_photo_deletes_the_pictures_made_for_it()
    {
        var answer = await app.UploadJsonAsync<JsonElement>(Fresh("Speak Now/etl-13.jpeg"), "speak-now.jpg");
        long id = answer.GetProperty("prediction_id").GetInt64();
        await app.Client.GetByteArrayAsync(answer.GetProperty("thumbnail_url").GetString());
        await app.Client.GetByteArrayAsync(answer.GetProperty("gradcam_url").GetString());
        await StoredOnceAsync(id, p => p.Thumbnail is not null && p.GradCam is not null);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/predictions/{id}");
        delete.Headers.Add("X-Delete-Token", answer.GetProperty("delete_token").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.SendAsync(delete)).StatusCode);

        Assert.Null(await StoredAsync(id));
        foreach (var field in (string[])["image_url", "thumbnail_url", "gradcam_url"])
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(answer.GetProperty(field).GetString())).StatusCode);
    }
}
