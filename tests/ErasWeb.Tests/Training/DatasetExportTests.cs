using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Tests.Support;
using ErasWeb.Training;

namespace ErasWeb.Tests.Training;

/// <summary>
/// The admin's dataset export. On SQLite only: the retraining reads the same rows through the same query, and
/// DataEngineTests run it on PostgreSQL too.
/// </summary>
[Collection(TrainingFeatures.Collection)]
public class DatasetExportTests
{
    [Fact]
    public async Task Accepted_labels_export_as_a_dataset_that_train_reads_beside_the_shared_photos()
    {
        var app = new AdminAppFixture();
        await app.InitializeAsync();
        var folder = TestData.NewTempDir("dataset");
        try
        {
            using var admin = new HttpClient { BaseAddress = app.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminAppFixture.Token);
            var labelled = new Dictionary<long, string>();
            foreach (var (photo, era) in new[] { ("TTPD/yq-s11.jpg", "TTPD"), ("Reputation/mlt-image22.6.jpg", "Reputation"), ("Lover/etl-6.webp", "Midnights") })
            {
                long id = (await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo(photo)), Path.GetFileName(photo))).GetProperty("prediction_id").GetInt64();
                await app.Client.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era });
                var item = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback")).EnumerateArray().Single(i => i.GetProperty("prediction_id").GetInt64() == id);
                await admin.PostAsync($"/api/admin/feedback/{item.GetProperty("id").GetInt64()}/accept", null);
                labelled[id] = era;
            }
            // A rejected answer is no training example.
            long rejected = (await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo("Red/etl-20.webp")), "red.webp")).GetProperty("prediction_id").GetInt64();
            await app.Client.PostAsJsonAsync($"/api/predictions/{rejected}/feedback", new { era = "Lover" });
            var rejectedItem = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback")).EnumerateArray().Single(i => i.GetProperty("prediction_id").GetInt64() == rejected);
            await admin.PostAsync($"/api/admin/feedback/{rejectedItem.GetProperty("id").GetInt64()}/reject", null);

            var export = await admin.GetAsync("/api/admin/dataset/export");
            Assert.Equal("application/zip", export.Content.Headers.ContentType?.MediaType);
            await using (var zip = await export.Content.ReadAsStreamAsync()) ZipFile.ExtractToDirectory(zip, folder);
        }
        finally { await app.DisposeAsync(); }

        var photos = LabelledPhotos.Load(folder);
        Assert.Equal(3, photos.Count);
        Assert.Equal(["Midnights", "Reputation", "TTPD"], photos.Select(p => p.Class).Order());
        Assert.All(photos, p => Assert.Equal(64, p.Group.Length)); // each picture its own group: its content hash
        Assert.Equal(photos.Count, photos.Select(p => p.Group).Distinct().Count());
        Assert.All(photos, p => Assert.True(File.Exists(p.Path)));

        // The train command takes the export beside the shared photos; the head records both.
        var settings = HeadFile.Read(File.ReadAllBytes(TestData.CommittedHead)).Provenance!.Settings;
        var options = new ErasOptions { BackboneSource = TestData.BackboneSource, DataDir = TestData.TrainingDataDir.Value };
        var output = Path.Combine(TestData.NewTempDir("train-export"), "head.json");
        int exit = await TrainCommand.RunAsync([Path.Combine(TestData.PhotosDir, "MANIFEST.tsv"), folder], output, settings, 0, "test", options, CancellationToken.None);
        Assert.Equal(0, exit);
        var head = HeadFile.Read(File.ReadAllBytes(output));
        var shared = LabelledPhotos.Load(TestData.PhotosDir).Count(p => settings.Kinds.Contains(p.Kind));
        Assert.Equal(shared + 3, head.Provenance!.Photos.Count);
        Assert.Contains(head.Provenance.Photos, p => p.Class == "Midnights" && p.Group == photos.Single(x => x.Class == "Midnights").Group);
    }
}
