using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Classification;
using ErasWeb.Tests.Support;
using ErasWeb.Training;

namespace ErasWeb.Tests.Predictions;

[Trait("Category", "Storage")]
public class PredictApiTests(AppFixture app) : IClassFixture<AppFixture>
{
    static readonly string[] Eras = ["1989", "Acoustic", "Fearless", "Folkmore", "Lover", "Midnights", "Red", "Reputation", "Speak Now", "TTPD"];

    [Fact]
    public async Task Ping_answers_the_json_string_Hello_World()
    {
        var response = await app.Client.GetAsync("/ping");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("\"Hello World\"", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Acoustic/sis-pink-hi.jpg", "Acoustic")]
    [InlineData("Midnights/etl-36.jpeg", "Midnights")]
    [InlineData("Lover/etl-6.webp", "Lover")]
    public async Task A_concert_photo_gets_its_era_with_all_probabilities_and_stored_pictures(string file, string era)
    {
        var json = await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo(file)), Path.GetFileName(file));

        Assert.Equal(era, json.GetProperty("predicted_class").GetString());
        var probabilities = json.GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetSingle());
        Assert.Equal(Eras, probabilities.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1.0, probabilities.Values.Sum(), 3);
        Assert.Equal(probabilities[era], json.GetProperty("confidence").GetSingle());
        Assert.Equal(probabilities.Values.Max(), probabilities[era]);
        Assert.StartsWith("mobilenetv2-12-int8@cc028fe6+head@", json.GetProperty("model_version").GetString());

        foreach (var (field, maxSide) in new[] { ("image_url", 1024), ("gradcam_url", 1024), ("thumbnail_url", 256) })
        {
            var picture = await app.Client.GetAsync(json.GetProperty(field).GetString());
            Assert.Equal(HttpStatusCode.OK, picture.StatusCode);
            Assert.Equal("image/jpeg", picture.Content.Headers.ContentType?.MediaType);
            Assert.True(picture.Headers.CacheControl is { Private: true, MaxAge.TotalMinutes: <= 10 }, $"{picture.Headers.CacheControl}: a deleted picture must leave caches soon");
            using var bitmap = SkiaSharp.SKBitmap.Decode(await picture.Content.ReadAsByteArrayAsync());
            Assert.True(Math.Max(bitmap.Width, bitmap.Height) <= maxSide);
        }

        var stored = await app.Client.GetFromJsonAsync<JsonElement>($"/api/predictions/{json.GetProperty("prediction_id").GetInt64()}");
        Assert.Equal(era, stored.GetProperty("predicted_class").GetString());
        Assert.Equal(Path.GetFileName(file), stored.GetProperty("file_name").GetString());
    }

    [Fact]
    public async Task The_same_bytes_again_return_the_stored_prediction()
    {
        var bytes = File.ReadAllBytes(TestData.Photo("Red/etl-20.webp"));
        var first = await app.UploadJsonAsync<JsonElement>(bytes, "first.webp");
        int rows = await app.CountPredictionsAsync();
        var second = await app.UploadJsonAsync<JsonElement>(bytes, "second.webp");
        Assert.Equal(first.GetProperty("prediction_id").GetInt64(), second.GetProperty("prediction_id").GetInt64());
        Assert.Equal(rows, await app.CountPredictionsAsync());
        // The stored answer never tells the second uploader the first one's file name, and is not theirs to delete.
        Assert.Equal("second.webp", second.GetProperty("file_name").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("delete_token").ValueKind);
    }

    [Fact]
    public async Task A_photo_streamed_without_a_length_is_received_whole()
    {
        // Past the first read buffer many times over, so the received bytes move to larger buffers on the way.
        byte[] bytes = [.. File.ReadAllBytes(TestData.Photo("Acoustic/etl-28.jpeg")), .. Guid.NewGuid().ToByteArray()];
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", "streamed.jpeg" } };
        var streamed = new UnsizedContent(await form.ReadAsByteArrayAsync());
        streamed.Headers.ContentType = form.Headers.ContentType;
        var response = await app.Client.PostAsync("/predict", streamed);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var first = await response.Content.ReadFromJsonAsync<JsonElement>();

        // The same bytes sent whole find that prediction: it was stored under their hash.
        var again = await app.UploadJsonAsync<JsonElement>(bytes, "whole.jpeg");
        Assert.Equal(first.GetProperty("prediction_id").GetInt64(), again.GetProperty("prediction_id").GetInt64());
    }

    /// <summary>A body without Content-Length, as a streaming client sends it.</summary>
    sealed class UnsizedContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task Concurrent_uploads_of_the_same_new_bytes_store_one_prediction()
    {
        byte[] bytes = [.. File.ReadAllBytes(TestData.Photo("Folkmore/etl-12.jpeg")), .. Guid.NewGuid().ToByteArray()];
        int rows = await app.CountPredictionsAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => app.UploadJsonAsync<JsonElement>(bytes, $"copy-{i}.jpg")));
        Assert.Single(answers.Select(a => a.GetProperty("prediction_id").GetInt64()).Distinct());
        Assert.Equal(rows + 1, await app.CountPredictionsAsync());
    }

    [Fact]
    public async Task History_lists_newest_first_filters_by_era_and_pages_with_a_cursor()
    {
        var ids = new List<long>();
        foreach (var file in new[] { "Speak Now/etl-13.jpeg", "Speak Now/etl-15.jpeg", "Folkmore/etl-11.jpeg" })
            ids.Add((await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo(file)), Path.GetFileName(file))).GetProperty("prediction_id").GetInt64());

        var all = await app.Client.GetFromJsonAsync<JsonElement>("/api/predictions?limit=100");
        var listed = all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("prediction_id").GetInt64()).ToList();
        Assert.Equal(listed.OrderDescending(), listed);
        Assert.Subset(listed.ToHashSet(), ids.ToHashSet());

        var speakNow = await app.Client.GetFromJsonAsync<JsonElement>("/api/predictions?era=Speak%20Now&limit=1");
        var page1 = speakNow.GetProperty("items").EnumerateArray().ToList();
        Assert.Single(page1);
        Assert.Equal("Speak Now", page1[0].GetProperty("predicted_class").GetString());
        var next = speakNow.GetProperty("next").GetString();
        Assert.NotNull(next);
        var page2 = (await app.Client.GetFromJsonAsync<JsonElement>(next)).GetProperty("items").EnumerateArray().ToList();
        Assert.All(page2, i => Assert.Equal("Speak Now", i.GetProperty("predicted_class").GetString()));
        Assert.True(page2[0].GetProperty("prediction_id").GetInt64() < page1[0].GetProperty("prediction_id").GetInt64());

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/api/predictions/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/api/predictions/999999/gradcam")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client.GetAsync("/api/predictions?limit=0")).StatusCode);
    }

    [Fact]
    public async Task Model_endpoint_describes_labels_backbone_head_and_scores()
    {
        var model = await app.Client.GetFromJsonAsync<JsonElement>("/api/model");
        Assert.Equal(Eras, model.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f", model.GetProperty("backbone_sha256").GetString());
        Assert.Equal(12, model.GetProperty("head_version").GetString()!.Length);
        Assert.InRange(model.GetProperty("cross_validation").GetProperty("macro_f1").GetDouble(), 0.01, 1);
        // Support per era and kind is what the head was trained on: the manifest's photos of the kinds its recipe names.
        var head = HeadFile.Read(File.ReadAllBytes(TestData.CommittedHead));
        var trained = LabelledPhotos.Load(TestData.PhotosDir).Where(p => head.Provenance!.Settings.Kinds.Contains(p.Kind)).ToList();
        var byKind = model.GetProperty("training_support_by_kind");
        foreach (var era in Eras)
        {
            Assert.Equal(trained.Count(p => p.Class == era), model.GetProperty("training_support").GetProperty(era).GetInt32());
            foreach (var kind in new[] { LabelledPhotos.StagePhoto, LabelledPhotos.StageCutout, "album_cover" })
                Assert.Equal(trained.Count(p => p.Class == era && p.Kind == kind), byKind.GetProperty(era).GetProperty(kind).GetInt32());
        }
        Assert.Equal("grad-cam", model.GetProperty("explanation").GetString());
        Assert.Contains("uncertain when", model.GetProperty("uncertainty_rule").GetString());
    }

    [Theory]
    [InlineData("cat.bmp")]
    [InlineData("hot_dog.jpg")]
    public async Task A_photo_that_is_no_concert_photo_is_answered_as_uncertain_with_a_reason(string sanityFile)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.SanityDir, sanityFile));
        var response = await app.UploadJsonAsync<JsonElement>(bytes, sanityFile);

        Assert.True(response.GetProperty("uncertain").GetBoolean());
        Assert.Contains("unlike the Eras Tour stage photos", response.GetProperty("uncertain_reason").GetString());
        Assert.Contains(response.GetProperty("predicted_class").GetString(), Eras); // still there for old clients
        var stored = await app.Client.GetFromJsonAsync<JsonElement>($"/api/predictions/{response.GetProperty("prediction_id").GetInt64()}");
        Assert.True(stored.GetProperty("uncertain").GetBoolean());
    }

    [Fact]
    public async Task A_stage_photo_is_answered_with_confidence()
    {
        var response = await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo("Acoustic/etl-28.jpeg")), "stage.jpeg");

        Assert.False(response.GetProperty("uncertain").GetBoolean());
        Assert.True(!response.TryGetProperty("uncertain_reason", out var reason) || reason.ValueKind == JsonValueKind.Null);
        Assert.Equal("grad-cam", response.GetProperty("explanation").GetString());
        Assert.Equal("whole", response.GetProperty("view").GetString());
    }

    [Fact]
    public async Task A_photo_from_the_stands_says_it_was_read_from_a_zoomed_view_in_the_api_and_on_its_page()
    {
        var limits = new ErasWeb.Media.PixelLimits(100_000_000, 40_000_000);
        using var stage = ErasWeb.Media.ImageFiles.Decode(TestData.Photo("Folkmore/etl-11.jpeg"), limits, 540);
        using var frame = StadiumScenes.Frame(stage.Upright, 1 / 3f, seed: 9);

        var response = await app.UploadJsonAsync<JsonElement>(Images.Jpeg(frame), "from-the-stands.jpg");

        Assert.Equal("zoomed", response.GetProperty("view").GetString());
        Assert.Equal("Folkmore", response.GetProperty("predicted_class").GetString());
        var id = response.GetProperty("prediction_id").GetInt64();
        var stored = await app.Client.GetFromJsonAsync<JsonElement>($"/api/predictions/{id}");
        Assert.Equal("zoomed", stored.GetProperty("view").GetString());
        Assert.Contains("zoomed view", await app.Client.GetStringAsync(response.GetProperty("page_url").GetString()));
        var model = await app.Client.GetFromJsonAsync<JsonElement>("/api/model");
        Assert.Contains("stage-like region", model.GetProperty("views").GetProperty("zoomed").GetString());
    }

    [Fact]
    public async Task Health_liveness_and_readiness_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/health/ready")).StatusCode);
    }
}
