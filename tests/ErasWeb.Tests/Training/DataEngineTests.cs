using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Retraining;
using ErasWeb.Tests.Support;
using ErasWeb.Training;

namespace ErasWeb.Tests.Training;

/// <summary>The whole loop through HTTP: fans label what the model gets wrong, an admin accepts, a retraining learns it and swaps in, a rollback undoes it.</summary>
[Collection(TrainingFeatures.Collection)]
public class DataEngineTests
{
    /// <summary>Reputation's and TTPD's concert pictures are left out of the base photos: the head starts from their album covers only.</summary>
    static string BaseWithout(params string[] heldOut)
    {
        var folder = TestData.NewTempDir("base");
        foreach (var dir in Directory.GetDirectories(TestData.PhotosDir)) Directory.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(dir)), dir);
        var lines = File.ReadAllLines(Path.Combine(TestData.PhotosDir, "MANIFEST.tsv"));
        File.WriteAllLines(Path.Combine(folder, "MANIFEST.tsv"), lines.Where(l => !heldOut.Any(h => l.StartsWith(h + "\t"))));
        return folder;
    }

    [Fact]
    public async Task Labels_fans_give_and_an_admin_accepts_teach_a_retrained_head_that_swaps_in_and_rolls_back()
    {
        // Fans teach with a concert photo of each era and its cut-outs; the head is then asked about the other concert photo.
        string[] teach = ["Reputation/ett-rep.png", "Reputation/bd-rep-a.png", "Reputation/bd-rep-b.png", "TTPD/yq-s11111.jpg", "TTPD/bd-ttpd-white.png"];
        string[] test = ["Reputation/mlt-image22.6.jpg", "TTPD/yq-s11.jpg"];
        var basePhotos = BaseWithout([.. teach, .. test]);
        var headPath = Path.Combine(TestData.NewTempDir("head"), "era-head.json");
        var app = new AppFixture
        {
            Settings = new Dictionary<string, string?>
            {
                ["Eras:AdminToken"] = AdminAppFixture.Token,
                ["Eras:BasePhotos"] = basePhotos,
                ["Eras:HeadPath"] = headPath,
                ["Eras:RetrainAfter"] = "0",
            },
        };
        // The head the site starts with, made by the train command from the base photos, in the app's own data directory (its feature cache serves the retraining too).
        var settings = HeadFile.Read(File.ReadAllBytes(TestData.CommittedHead)).Provenance!.Settings;
        Assert.Equal(0, await TrainCommand.RunAsync([Path.Combine(basePhotos, "MANIFEST.tsv")], headPath, settings, 5, "test", new ErasOptions { BackboneSource = TestData.BackboneSource, DataDir = app.DataDir }, CancellationToken.None));
        await app.InitializeAsync();
        try
        {
            using var admin = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminAppFixture.Token);
            async Task<JsonElement> Ask(string photo) => await app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo(photo)), Path.GetFileName(photo));
            string Era(string photo) => photo.Split('/')[0];

            var model = (await app.Client.GetFromJsonAsync<JsonElement>("/api/model")).GetProperty("model_version").GetString();
            var before = new Dictionary<string, JsonElement>();
            foreach (var photo in test) before[photo] = await Ask(photo);
            int rightBefore = test.Count(p => before[p].GetProperty("predicted_class").GetString() == Era(p));

            foreach (var photo in teach)
            {
                long id = (await Ask(photo)).GetProperty("prediction_id").GetInt64();
                Assert.Equal(HttpStatusCode.Created, (await app.Client.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = Era(photo) })).StatusCode);
                var item = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback")).EnumerateArray().Single(i => i.GetProperty("prediction_id").GetInt64() == id);
                Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/feedback/{item.GetProperty("id").GetInt64()}/accept", null)).StatusCode);
            }

            var started = await admin.PostAsync("/api/admin/model/retrain", null);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var run = await FinishedAsync(admin, started.Headers.Location!.ToString());
            Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());

            var versions = (await app.Client.GetFromJsonAsync<JsonElement>("/api/model/versions")).EnumerateArray().ToList();
            var made = versions.Single(v => v.GetProperty("id").GetInt64() == run.GetProperty("model_version_id").GetInt64());
            Assert.True(made.GetProperty("status").GetString() == "active", made.ToString());
            Assert.StartsWith("promoted", made.GetProperty("verdict").GetString());
            Assert.Equal(teach.Length, made.GetProperty("labels").GetInt32());
            var shipped = versions.Single(v => v.GetProperty("status").GetString() == "retired");
            var retrained = (await app.Client.GetFromJsonAsync<JsonElement>("/api/model")).GetProperty("model_version").GetString();
            Assert.NotEqual(model, retrained);

            // The same photos again are analysed afresh by the new head, and answered right more often.
            var after = new Dictionary<string, JsonElement>();
            foreach (var photo in test) after[photo] = await Ask(photo);
            Assert.All(test, p => Assert.Equal(retrained, after[p].GetProperty("model_version").GetString()));
            int rightAfter = test.Count(p => after[p].GetProperty("predicted_class").GetString() == Era(p));
            Assert.True(rightAfter > rightBefore, $"right before {rightBefore}, after {rightAfter}: {string.Join(", ", test.Select(p => after[p].GetProperty("predicted_class").GetString()))}");

            // Rolling back restores the shipped head and its very answers.
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/model/versions/{shipped.GetProperty("id").GetInt64()}/activate", null)).StatusCode);
            Assert.Equal(model, (await app.Client.GetFromJsonAsync<JsonElement>("/api/model")).GetProperty("model_version").GetString());
            foreach (var photo in test)
                Assert.Equal(before[photo].GetProperty("prediction_id").GetInt64(), (await Ask(photo)).GetProperty("prediction_id").GetInt64());
        }
        finally { await app.DisposeAsync(); }
    }

    static async Task<JsonElement> FinishedAsync(HttpClient admin, string url)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(5); ; await Task.Delay(500))
        {
            var run = await admin.GetFromJsonAsync<JsonElement>(url);
            if (run.GetProperty("status").GetString() is "succeeded" or "failed") return run;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The retraining did not finish: {run}");
        }
    }

    [Fact]
    public void The_gate_promotes_a_head_that_holds_its_ground_and_rejects_one_that_loses_an_era_or_too_much_F1()
    {
        static LabelledPhoto Photo(string era, int n) => new($"/{era}/{n}.jpg", $"{era}/{n}.jpg", era, LabelledPhotos.StagePhoto, $"{era}-{n}");
        var examples = new[] { Photo("A", 0), Photo("A", 1), Photo("B", 0), Photo("B", 1) }.Select(p => new TrainingExample(p, p.Group, [[0f]], [[0f]])).ToList();
        string[] labels = ["A", "B"];
        CrossValidation Answers(params int[] eras) => new(new EvaluationReport("", 4, 0, 0, new Dictionary<string, ClassScores>(), []), labels,
            eras.Select(e => e == 0 ? new[] { 0.9f, 0.1f } : [0.1f, 0.9f]).ToArray(), [], [], 0, 1);

        var allRight = Answers(0, 0, 1, 1);
        var oneWrong = Answers(0, 1, 1, 1);
        var noB = Answers(0, 0, 0, 0);

        Assert.True(EvalGate.Judge(examples, allRight, oneWrong, 0.02).Promote);
        var worse = EvalGate.Judge(examples, oneWrong, allRight, 0.02);
        Assert.False(worse.Promote);
        Assert.Contains("macro F1 would drop", worse.Reason);
        Assert.True(EvalGate.Judge(examples, oneWrong, allRight, 0.5).Promote); // within a generous tolerance
        var lost = EvalGate.Judge(examples, noB, oneWrong, 1);
        Assert.False(lost.Promote);
        Assert.Contains("B would no longer be recognised", lost.Reason);
    }
}
