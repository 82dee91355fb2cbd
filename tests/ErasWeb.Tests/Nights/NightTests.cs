using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;

namespace ErasWeb.Tests.Nights;

/// <summary>The tour's shows known, and a small limit on photos a night, so the over-limit case is cheap; the admin on.</summary>
public sealed class NightsAppFixture : AppFixture
{
    public const int MaxPhotos = 24;

    public NightsAppFixture() => Settings = new Dictionary<string, string?>
    {
        ["Eras:Shows"] = TestData.Shows,
        ["Eras:NightMaxPhotos"] = MaxPhotos.ToString(),
        ["Eras:AdminToken"] = AdminAppFixture.Token,
    };
}

/// <summary>Nights made from the shared stage photos, with capture times the test writes into their EXIF, posted to <c>POST /api/nights</c>.</summary>
[Trait("Category", "Storage")]
public class NightTests(NightsAppFixture app) : IClassFixture<NightsAppFixture>
{
    /// <summary>A photo of the night: a shared photo (or another picture) as a phone would save it, a JPEG with its capture time.</summary>
    public sealed record Shot(string Path, DateTime? TakenAt, string? Era, string? Name = null)
    {
        public string FileName => Name ?? System.IO.Path.GetFileNameWithoutExtension(Path) + ".jpg";
    }

    static readonly Dictionary<string, byte[]> Encoded = [];

    /// <summary>The picture as a JPEG of at most 1600 px (quick to read), with its capture time written as cameras write it.</summary>
    public static byte[] Jpeg(Shot shot)
    {
        byte[] jpeg;
        lock (Encoded)
            if (!Encoded.TryGetValue(shot.Path, out jpeg!))
            {
                using var original = Images.Load(shot.Path);
                double scale = Math.Min(1, 1600.0 / Math.Max(original.Width, original.Height));
                using var resized = Images.Resize(original, Math.Max(1, (int)(original.Width * scale)), Math.Max(1, (int)(original.Height * scale)));
                Encoded[shot.Path] = jpeg = Images.Jpeg(resized);
            }
        return shot.TakenAt is { } at ? Images.WithCaptureTime(jpeg, at) : jpeg;
    }

    public static async Task<HttpResponseMessage> PostNightAsync(HttpClient client, IEnumerable<(byte[] Bytes, string Name)> photos, bool gallery = false, string query = "?wait=60")
    {
        using var form = new MultipartFormDataContent();
        if (gallery) form.Add(new StringContent("true"), "gallery");
        foreach (var (bytes, name) in photos)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "file", name);
        }
        return await client.PostAsync("/api/nights" + query, form);
    }

    public static async Task<JsonElement> NightAsync(HttpClient client, IEnumerable<Shot> shots, bool gallery = false)
    {
        var response = await PostNightAsync(client, shots.Select(s => (Jpeg(s), s.FileName)), gallery);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var night = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("succeeded", night.GetProperty("status").GetString());
        return night;
    }

    static string P(string relative) => TestData.Photo(relative);

    static DateTime At(string local) => DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture);

    static List<JsonElement> Photos(JsonElement night) => [.. night.GetProperty("photos").EnumerateArray()];

    static string? Era(JsonElement photo) => photo.GetProperty("era").GetString();

    /// <summary>The Paris show of 9 May 2024, the first of the 2024 order: a photo or two of each set, a burst, friends between sets.</summary>
    public static readonly Shot[] Paris =
    [
        new(P("Lover/etl-3.jpeg"), At("2024-05-09T19:52:10"), "Lover"),
        new(P("Lover/etl-4.jpeg"), At("2024-05-09T19:52:11"), "Lover", "burst-1.jpg"),
        new(P("Lover/etl-7.jpeg"), At("2024-05-09T19:52:12"), "Lover", "burst-2.jpg"),
        new(P("Fearless/etl-8.jpeg"), At("2024-05-09T20:14:00"), "Fearless"),
        new(P("Red/etl-17.jpeg"), At("2024-05-09T20:31:30"), "Red"),
        new(P("Speak Now/etl-13.jpeg"), At("2024-05-09T20:44:05"), "Speak Now"),
        new(P("Reputation/mlt-image22.6.jpg"), At("2024-05-09T20:52:40"), "Reputation"),
        new(Path.Combine(TestData.SanityDir, "hot_dog.jpg"), At("2024-05-09T21:02:00"), null, "snack.jpg"),
        new(P("Folkmore/etl-11.jpeg"), At("2024-05-09T21:15:00"), "Folkmore"),
        new(P("1989/etl-25.jpeg"), At("2024-05-09T21:48:00"), "1989"),
        new(P("TTPD/yq-s11.jpg"), At("2024-05-09T22:10:00"), "TTPD"),
        new(P("Acoustic/sis-pink-hi.jpg"), At("2024-05-09T22:31:00"), "Acoustic"),
        new(P("Midnights/etl-34.jpeg"), At("2024-05-09T22:50:00"), "Midnights"),
        new(P("Midnights/etl-38.jpeg"), At("2024-05-09T23:02:00"), "Midnights"),
    ];

    [Fact]
    public async Task A_2024_night_uploaded_in_any_order_is_read_in_capture_order_with_the_Paris_show_its_sets_and_a_bad_file_set_aside()
    {
        var shuffled = Paris.Select(s => (Jpeg(s), s.FileName)).ToList();
        new Random(7).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shuffled));
        shuffled.Insert(5, ([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5], "broken.jpg"));
        var response = await PostNightAsync(app.Client, shuffled);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var night = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(("succeeded", "taken_at", "2024"), (night.GetProperty("status").GetString(), night.GetProperty("order").GetString(), night.GetProperty("tour").GetString()));
        var show = night.GetProperty("show");
        Assert.Equal(("2024-05-09", "Nanterre", "FR", "2024"), (show.GetProperty("date").GetString(), show.GetProperty("city").GetString(), show.GetProperty("country").GetString(), show.GetProperty("tour").GetString()));
        Assert.NotEmpty(show.GetProperty("surprise_songs").EnumerateArray());

        // In capture order, as the camera wrote it; the broken file keeps its place beside its upload neighbours, with its reason.
        var photos = Photos(night);
        Assert.Equal(Paris.Length + 1, photos.Count);
        var timed = photos.Where(p => p.GetProperty("taken_at").ValueKind != JsonValueKind.Null).ToList();
        Assert.Equal(Paris.Select(s => s.FileName), timed.Select(p => p.GetProperty("file_name").GetString()));
        Assert.Equal("2024-05-09T19:52:10", timed[0].GetProperty("taken_at").GetString());
        var broken = photos.Single(p => p.GetProperty("file_name").GetString() == "broken.jpg");
        Assert.Equal(JsonValueKind.Null, broken.GetProperty("prediction_id").ValueKind);
        Assert.Contains("cannot be decoded", broken.GetProperty("error").GetString());

        // Every stage photo in its set; the snack between sets; the sets in show order, the acoustic one named by its songs.
        foreach (var (shot, photo) in Paris.Zip(timed))
            Assert.True(shot.Era == Era(photo), $"{shot.FileName}: decoded {Era(photo)}, alone {photo.GetProperty("predicted_class").GetString()}, truth {shot.Era ?? "between sets"}");
        var sets = night.GetProperty("sets").EnumerateArray().ToList();
        Assert.Equal(["Lover", "Fearless", "Red", "Speak Now", "Reputation", "Folkmore", "1989", "TTPD", "Acoustic", "Midnights"], sets.Select(s => s.GetProperty("era").GetString()));
        Assert.Equal((3, "2024-05-09T19:52:10", "2024-05-09T19:52:12"), (sets[0].GetProperty("photos").GetInt32(), sets[0].GetProperty("start").GetString(), sets[0].GetProperty("end").GetString()));
        Assert.Equal(show.GetProperty("surprise_songs").ToString(), sets[8].GetProperty("surprise_songs").ToString());
        Assert.Equal("Lover", night.GetProperty("predicted_class").GetString()); // the most seen: three photos of Lover

        // Each photo alone is as /predict answers it, and its page opens with the night's key.
        var lover = timed[0];
        Assert.Equal("Lover", lover.GetProperty("predicted_class").GetString());
        // A private night's photo has a key of its own: its link, sent to a friend, opens that photo and not the night.
        var photoKey = lover.GetProperty("page_url").GetString()!.Split("key=")[1];
        Assert.DoesNotContain(photoKey, night.GetProperty("status_url").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/nights/{night.GetProperty("night_id").GetInt64()}?key={photoKey}")).StatusCode);
        Assert.DoesNotContain("/nights/", await app.Client.GetStringAsync(lover.GetProperty("page_url").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(lover.GetProperty("thumbnail_url").GetString())).StatusCode);
    }

    [Fact]
    public async Task A_night_is_kept_out_of_the_gallery_downloads_sorted_by_set_and_its_token_deletes_it_with_every_photo()
    {
        var night = await NightAsync(app.Client, Paris[..7]);
        long id = night.GetProperty("night_id").GetInt64();
        var statusUrl = night.GetProperty("status_url").GetString()!;
        Assert.Matches(@"^/api/nights/\d+\?key=[\w-]{20,}$", statusUrl);
        Assert.Matches(@"^/nights/\d+\?key=", night.GetProperty("page_url").GetString());
        var predictionIds = Photos(night).Select(p => p.GetProperty("prediction_id").GetInt64()).ToList();

        // Unlisted by default: nothing without its key, not listed, not in the gallery.
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/nights/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{predictionIds[0]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(statusUrl)).StatusCode);
        var listed = await app.Client.GetStringAsync("/api/predictions?limit=100");
        Assert.All(predictionIds, p => Assert.DoesNotContain($"\"prediction_id\":{p},", listed));

        // The sorted download, written to the client as it is made (no length known before): a folder per set in show order, the photos in capture order.
        using var download = await app.Client.GetAsync(night.GetProperty("download_url").GetString(), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(("application/zip", null), (download.Content.Headers.ContentType?.MediaType, download.Content.Headers.ContentLength));
        using var zip = new ZipArchive(await download.Content.ReadAsStreamAsync());
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Equal(["01 Lover/001 etl-3.jpg", "01 Lover/002 burst-1.jpg", "01 Lover/003 burst-2.jpg", "02 Fearless/004 etl-8.jpg", "03 Red/005 etl-17.jpg",
            "04 Speak Now/006 etl-13.jpg", "05 Reputation/007 mlt-image22.6.jpg"], entries);
        using (var first = zip.Entries[0].Open()) Assert.NotNull(SKBitmap.Decode(first));

        using var wrong = new HttpRequestMessage(HttpMethod.Delete, $"/api/nights/{id}") { Headers = { { "X-Delete-Token", "not-the-token" } } };
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.SendAsync(wrong)).StatusCode);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/nights/{id}") { Headers = { { "X-Delete-Token", night.GetProperty("delete_token").GetString() } } };
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.SendAsync(delete)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(statusUrl)).StatusCode);
        foreach (var photo in Photos(night))
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(photo.GetProperty("page_url").GetString())).StatusCode);
    }

    [Fact]
    public async Task A_2023_night_with_skipped_sets_and_photos_after_midnight_is_the_Glendale_show_in_the_2023_order()
    {
        Shot[] glendale =
        [
            new(P("Lover/etl-6.webp"), At("2023-03-17T19:58:00"), "Lover"),
            new(P("Fearless/etl-10.jpeg"), At("2023-03-17T20:21:00"), "Fearless"),
            new(P("Speak Now/etl-15.jpeg"), At("2023-03-17T21:05:00"), "Speak Now"),
            new(P("Red/etl-18.jpeg"), At("2023-03-17T21:20:00"), "Red"),
            new(P("Folkmore/etl-12.jpeg"), At("2023-03-17T21:50:00"), "Folkmore"),
            new(P("Acoustic/sis-yellow-hi.jpg"), At("2023-03-17T23:01:00"), "Acoustic"),
            new(P("Midnights/etl-39.jpeg"), At("2023-03-18T00:05:00"), "Midnights"),
            new(P("Midnights/etl-40.jpeg"), At("2023-03-18T00:12:30"), "Midnights"),
        ];
        var night = await NightAsync(app.Client, glendale);

        var show = night.GetProperty("show");
        Assert.Equal(("2023-03-17", "Glendale", "2023"), (show.GetProperty("date").GetString(), show.GetProperty("city").GetString(), night.GetProperty("tour").GetString()));
        var photos = Photos(night);
        foreach (var (shot, photo) in glendale.Zip(photos))
            Assert.True(shot.Era == Era(photo), $"{shot.FileName}: decoded {Era(photo)}, alone {photo.GetProperty("predicted_class").GetString()}, truth {shot.Era}");
        // 2023's folklore set, after Red: not the evermore set before Reputation.
        Assert.Equal("folklore", photos[4].GetProperty("set").GetString());
        Assert.Equal(["Lover", "Fearless", "Speak Now", "Red", "Folkmore", "Acoustic", "Midnights"], night.GetProperty("sets").EnumerateArray().Select(s => s.GetProperty("era").GetString()));
    }

    [Fact]
    public async Task Photos_without_capture_times_keep_the_upload_order_and_a_date_with_no_show_names_none()
    {
        Shot[] untimed = [.. Paris.Where(s => s.Era is not null).Take(6).Select(s => s with { TakenAt = null })];
        var night = await NightAsync(app.Client, untimed);
        Assert.Equal(("upload", JsonValueKind.Null), (night.GetProperty("order").GetString(), night.GetProperty("show").ValueKind));
        Assert.Equal(untimed.Select(s => s.FileName), Photos(night).Select(p => p.GetProperty("file_name").GetString()));
        Assert.All(Photos(night), p => Assert.Equal(JsonValueKind.Null, p.GetProperty("taken_at").ValueKind));

        // 15 January 2024: the tour was resting, so no show; the photos' own order still reads as sets.
        Shot[] noShow = [.. Paris.Where(s => s.Era is not null).Take(5).Select((s, i) => s with { TakenAt = At("2024-01-15T20:00:00").AddMinutes(10 * i) })];
        var other = await NightAsync(app.Client, noShow);
        Assert.Equal(("taken_at", JsonValueKind.Null), (other.GetProperty("order").GetString(), other.GetProperty("show").ValueKind));
        Assert.Equal(["Lover", "Fearless", "Red"], other.GetProperty("sets").EnumerateArray().Select(s => s.GetProperty("era").GetString()).Take(3));
    }

    [Fact]
    public async Task The_upload_pages_night_form_works_without_javascript_and_refuses_a_forged_post()
    {
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true }) { BaseAddress = app.BaseAddress };
        MultipartFormDataContent Form(string? token)
        {
            var form = new MultipartFormDataContent();
            if (token is not null) form.Add(new StringContent(token), "__RequestVerificationToken");
            foreach (var shot in Paris[..4]) form.Add(new ByteArrayContent(Jpeg(shot)), "file", shot.FileName);
            return form;
        }
        int nights = await CountNightsAsync();
        using (var forged = Form(null))
            Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/?handler=Night", forged)).StatusCode);
        Assert.Equal(nights, await CountNightsAsync());

        using var form = Form(Antiforgery.TokenIn(await browser.GetStringAsync("/")));
        var posted = await browser.PostAsync("/?handler=Night", form);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var page = posted.RequestMessage!.RequestUri!.PathAndQuery;
        Assert.Matches(@"^/nights/\d+\?key=[\w-]{20,}$", page);
        var html = await posted.Content.ReadAsStringAsync();
        Assert.Contains("Delete my night", html); // the token, on the first view

        // The page follows the night by itself (a meta refresh without JavaScript) until it is read.
        if (html.Contains("Reading your night"))
            html = await Eventually.WaitForAsync(async () => WebUtility.HtmlDecode(await browser.GetStringAsync(page)), now => !now.Contains("Reading your night"),
                "the night's page to show it read", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        Assert.Contains("Paris La Défense Arena, 9 May 2024", html);
        Assert.Contains("Download sorted (ZIP)", html);
        Assert.True(html.IndexOf("Lover", StringComparison.Ordinal) < html.IndexOf("Fearless", StringComparison.Ordinal));
    }

    async Task<int> CountNightsAsync()
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ErasWeb.Data.ErasDb>().Nights.IgnoreQueryFilters().CountAsync();
    }

    [Fact]
    public async Task A_photo_with_an_unset_clock_is_read_as_untimed_and_a_part_over_the_photo_limit_takes_no_room_in_the_queue()
    {
        var unset = Paris[2] with { TakenAt = new DateTime(1, 1, 1, 3, 0, 0), Name = "unset-clock.jpg" };
        var tooLarge = new byte[AppFixture.MaxUploadBytes + 1];
        var response = await PostNightAsync(app.Client, [.. Paris[..2].Select(s => (Jpeg(s), s.FileName)), (Jpeg(unset), unset.FileName), (tooLarge, "huge.jpg")]);
        var night = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("succeeded", night.GetProperty("status").GetString());
        var photos = Photos(night);
        Assert.Equal(JsonValueKind.Null, photos.Single(p => p.GetProperty("file_name").GetString() == "unset-clock.jpg").GetProperty("taken_at").ValueKind);
        Assert.Equal("Lover", Era(photos.Single(p => p.GetProperty("file_name").GetString() == "unset-clock.jpg")));
        Assert.Contains("larger than the limit", photos.Single(p => p.GetProperty("file_name").GetString() == "huge.jpg").GetProperty("error").GetString());

        using var scope = app.Services.CreateScope();
        var stored = await scope.ServiceProvider.GetRequiredService<ErasWeb.Data.ErasDb>().Nights.IgnoreQueryFilters()
            .Where(n => n.Id == night.GetProperty("night_id").GetInt64()).Select(n => n.SizeBytes).SingleAsync();
        Assert.Equal(new[] { Paris[0], Paris[1], unset }.Sum(s => (long)Jpeg(s).Length), stored);
    }

    [Fact]
    public async Task A_private_night_still_waiting_offers_its_link_to_keep()
    {
        // A night left waiting (no job queued for it), so its page is caught before it is read.
        var key = ErasWeb.Data.UploaderTokens.New();
        var night = new ErasWeb.Data.Night { Status = ErasWeb.Data.WorkStatus.Queued, CreatedAtUtc = DateTime.UtcNow, AccessKey = key, DeleteTokenHash = ErasWeb.Data.UploaderTokens.Hash(key), Photos = [] };
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ErasWeb.Data.ErasDb>();
            db.Nights.Add(night);
            await db.SaveChangesAsync();
        }
        try
        {
            var html = await app.Client.GetStringAsync($"/nights/{night.Id}?key={key}");
            Assert.Contains("Reading your night", html);
            Assert.Matches($"<button[^>]*class=\"button secondary share\"[^>]*data-url=\"/nights/{night.Id}\\?key={key}\"", html);
        }
        finally
        {
            using var scope = app.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<ErasWeb.Data.ErasDb>().Nights.IgnoreQueryFilters().Where(n => n.Id == night.Id).ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task A_night_over_the_photo_limit_is_413_and_nothing_is_stored()
    {
        // Another test's night may still be finishing (its photos stored, its upload removed): counted now, that would look like this request's doing.
        await Eventually.TrueAsync(async () =>
        {
            using var scope = app.Services.CreateScope();
            var nights = scope.ServiceProvider.GetRequiredService<ErasWeb.Data.ErasDb>().Nights.IgnoreQueryFilters();
            return !await nights.AnyAsync(n => n.Status == ErasWeb.Data.WorkStatus.Queued || n.Status == ErasWeb.Data.WorkStatus.Running)
                && (await app.WaitingUploadsAsync()).Count == 0;
        }, "the other tests' nights to be read and their uploads removed", TimeSpan.FromSeconds(120));
        int predictions = await app.CountPredictionsAsync();
        var waiting = await app.WaitingUploadsAsync();
        var tiny = Images.Jpeg(Images.Resize(Images.Load(P("Lover/etl-3.jpeg")), 64, 48));
        var response = await PostNightAsync(app.Client, Enumerable.Range(0, NightsAppFixture.MaxPhotos + 1).Select(i => (tiny, $"{i}.jpg")));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"at most {NightsAppFixture.MaxPhotos} photos", await response.Content.ReadAsStringAsync());
        Assert.Equal(predictions, await app.CountPredictionsAsync());
        Assert.Equal(waiting, await app.WaitingUploadsAsync());
    }

    [Fact]
    public async Task An_admin_accepts_a_nights_decoded_eras_as_labels_in_one_step_each_marked_as_from_the_night()
    {
        using var admin = new HttpClient { BaseAddress = app.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminAppFixture.Token);
        Shot[] shots = [Paris[3], Paris[4], Paris[7], Paris[12]]; // Fearless, Red, the snack between sets, Midnights
        // A night kept out of the gallery is its uploader's alone: it never becomes training data.
        var kept = (await NightAsync(app.Client, shots)).GetProperty("night_id").GetInt64();
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/admin/nights/{kept}/accept", null)).StatusCode);

        var night = await NightAsync(app.Client, shots, gallery: true);
        long id = night.GetProperty("night_id").GetInt64();

        var accepted = await admin.PostAsync($"/api/admin/nights/{id}/accept", null);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(3, (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32()); // not the snack
        var labels = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback?status=accepted&limit=200")).EnumerateArray()
            .Where(i => i.GetProperty("night_id").ValueKind == JsonValueKind.Number && i.GetProperty("night_id").GetInt64() == id)
            .ToDictionary(i => i.GetProperty("prediction_id").GetInt64(), i => i.GetProperty("label").GetString());
        foreach (var photo in Photos(night).Where(p => Era(p) is not null))
            Assert.Equal(Era(photo), labels[photo.GetProperty("prediction_id").GetInt64()]);

        // The dataset a retraining reads keeps the evening's photos together: one group, so cross-validation never splits it.
        using var zip = new ZipArchive(await admin.GetStreamAsync("/api/admin/dataset/export"));
        using var manifest = new StreamReader(zip.GetEntry("MANIFEST.tsv")!.Open());
        var rows = (await manifest.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split('\t')).ToList();
        Assert.Equal(3, rows.Count(r => r[3] == $"night-{id}"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/admin/nights/987654/accept", null)).StatusCode);
    }

    [Fact]
    public async Task A_night_for_the_gallery_shows_its_photos_there_and_its_page_to_anyone()
    {
        var night = await NightAsync(app.Client, Paris[8..11], gallery: true);
        long id = night.GetProperty("night_id").GetInt64();
        Assert.True(night.GetProperty("gallery").GetBoolean());
        Assert.Equal($"/api/nights/{id}", night.GetProperty("status_url").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/nights/{id}")).StatusCode);
        var listed = await app.Client.GetStringAsync("/api/predictions?limit=100");
        Assert.All(Photos(night), p => Assert.Contains($"\"prediction_id\":{p.GetProperty("prediction_id").GetInt64()},", listed));

        // Each photo's page says which night it belongs to and what the night's order made of it.
        var first = Photos(night)[0];
        var photoPage = WebUtility.HtmlDecode(await app.Client.GetStringAsync(first.GetProperty("page_url").GetString()));
        Assert.Contains($"Part of <a href=\"/nights/{id}\">a night</a>: read with the show's set order, it is {Era(first)}.", photoPage);

        // A card of its own under the gallery's nights, which never shows a night kept out of it, nor one with no photo to show.
        var unlisted = (await NightAsync(app.Client, Paris[11..13])).GetProperty("night_id").GetInt64();
        var unreadable = (await (await PostNightAsync(app.Client, [([1, 2, 3], "notes.jpg")], gallery: true)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("night_id").GetInt64();
        var nights = await app.Client.GetStringAsync("/gallery?kind=night");
        Assert.Contains($"href=\"/nights/{id}\"", nights);
        Assert.DoesNotContain($"/nights/{unlisted}", nights);
        Assert.DoesNotContain($"/nights/{unreadable}\"", nights);
    }

    [Fact]
    public async Task A_nights_page_its_preview_and_its_gallery_card_speak_the_readers_language()
    {
        var night = await NightAsync(app.Client, Paris[..5], gallery: true);
        long id = night.GetProperty("night_id").GetInt64();

        var japanese = WebUtility.HtmlDecode(await GetAsync($"/nights/{id}", "ja"));
        Assert.Contains("<title>Paris La Défense Arena, 2024年5月9日 · ErasWeb</title>", japanese);
        Assert.Contains("<meta property=\"og:title\" content=\"Nanterre, 2024年5月9日\" />", japanese);
        Assert.Contains("写真5枚、撮影順", japanese);
        Assert.Contains("並べ替えてダウンロード（ZIP）", japanese);
        Assert.Contains("<summary>違いますか？</summary>", japanese);
        foreach (var english in (string[])["Download sorted", "Not right?", "All sets", " photos", " setlist", "Surprise songs", "of the Eras Tour"])
            Assert.DoesNotContain(english, japanese);

        // Polish counts read right for any number: "zdj." whatever the number, and the sets' count apart.
        var polish = WebUtility.HtmlDecode(await GetAsync($"/nights/{id}", "pl"));
        Assert.Matches("<meta property=\"og:description\" content=\"ErasWeb rozdzielił 5 zdj\\. z Eras Tour \\(Paris La Défense Arena\\) na bloki \\(\\d+\\): Lover, ", polish);

        // Numbers as a German reader writes them, while the strip's coordinates stay as SVG reads them.
        var german = WebUtility.HtmlDecode(await GetAsync("/gallery?kind=night", "de"));
        Assert.Contains("Nanterre, 9. Mai 2024", german);
        Assert.Matches(@"Mindestens 50\s%", german);
        Assert.Matches(@"Setlist 2024 · Blöcke: \d+ · Fotos: \d+", german);
        Assert.Contains("viewBox=\"0 0 1000 48\"", await GetAsync($"/nights/{id}", "de"));
    }

    async Task<string> GetAsync(string path, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
