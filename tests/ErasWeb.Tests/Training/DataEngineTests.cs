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
    [Trait("Category", "Storage")] // labels, model versions and the head every process follows are the database's
    public async Task Labels_fans_give_and_an_admin_accepts_teach_a_retrained_head_that_swaps_in_and_rolls_back()
    {
        // Fans teach with a concert photo of each era and its cut-outs; the head is then asked about the other concert photo.
        string[] teach = ["Reputation/ett-rep.png", "Reputation/bd-rep-a.png", "Reputation/bd-rep-b.png", "TTPD/yq-s11111.jpg", "TTPD/bd-ttpd-white.png"];
        string[] test = ["Reputation/mlt-image22.6.jpg", "TTPD/yq-s11.jpg"];
        var app = await StartedOnAsync(BaseWithout([.. teach, .. test]));
        try
        {
            using var admin = Admin(app);
            async Task<JsonElement> Ask(string photo) => await AskAsync(app, photo);

            var model = (await app.Client.GetFromJsonAsync<JsonElement>("/api/model")).GetProperty("model_version").GetString();
            var before = new Dictionary<string, JsonElement>();
            foreach (var photo in test) before[photo] = await Ask(photo);
            int rightBefore = test.Count(p => before[p].GetProperty("predicted_class").GetString() == Era(p));

            var taught = new List<(long Id, string DeleteToken)>();
            foreach (var photo in teach) taught.Add(await TeachAsync(app, admin, photo, Era(photo)));

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

            // Re-running the gallery answers the taught photos again with the new head; their old answers stay, and the gallery lists each photo once.
            var rerun = await FinishedAsync(admin, (await admin.PostAsync("/api/admin/gallery/rerun", null)).Headers.Location!.ToString());
            Assert.True(rerun.GetProperty("status").GetString() == "succeeded" && rerun.GetProperty("model_version").GetString() == retrained, rerun.ToString());
            Assert.Equal(teach.Length, rerun.GetProperty("done").GetInt32());
            var listed = (await app.Client.GetFromJsonAsync<JsonElement>("/api/predictions?limit=100")).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(teach.Length + test.Length, listed.Count);
            Assert.All(listed, p => Assert.Equal(retrained, p.GetProperty("model_version").GetString()));
            Assert.Equal(model, (await app.Client.GetFromJsonAsync<JsonElement>($"/api/predictions/{taught[0].Id}")).GetProperty("model_version").GetString());
            var history = WebUtility.HtmlDecode(await app.Client.GetStringAsync($"/predictions/{taught[0].Id}"));
            Assert.Contains($"model {retrained}", history);

            // The uploader's token reaches the re-run's answer too: deleting through it takes the upload and every answer made of it.
            var copy = listed.Single(p => p.GetProperty("file_name").GetString() == Path.GetFileName(teach[0])).GetProperty("prediction_id").GetInt64();
            Assert.NotEqual(taught[0].Id, copy);
            using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/predictions/{copy}") { Headers = { { "X-Delete-Token", taught[0].DeleteToken } } })
                Assert.Equal(HttpStatusCode.NoContent, (await app.Client.SendAsync(delete)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{copy}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/predictions/{taught[0].Id}")).StatusCode);
            Assert.DoesNotContain(Path.GetFileName(teach[0]), await app.Client.GetStringAsync("/api/predictions?limit=100"));

            // Rolling back restores the shipped head and its very answers.
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/model/versions/{shipped.GetProperty("id").GetInt64()}/activate", null)).StatusCode);
            Assert.Equal(model, (await app.Client.GetFromJsonAsync<JsonElement>("/api/model")).GetProperty("model_version").GetString());
            foreach (var photo in test)
                Assert.Equal(before[photo].GetProperty("prediction_id").GetInt64(), (await Ask(photo)).GetProperty("prediction_id").GetInt64());
        }
        finally { await app.DisposeAsync(); }
    }

    static string Era(string photo) => photo.Split('/')[0];

    /// <summary>The app on a head the train command made from <paramref name="basePhotos"/>, which retraining starts from too.</summary>
    static async Task<AppFixture> StartedOnAsync(string basePhotos)
    {
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
        // Made in the app's own data directory, whose feature cache serves the retraining too.
        TestData.ShareTrainingFeatures(app.DataDir);
        var settings = HeadFile.Read(File.ReadAllBytes(TestData.CommittedHead)).Provenance!.Settings;
        Assert.Equal(0, await TrainCommand.RunAsync([Path.Combine(basePhotos, "MANIFEST.tsv")], headPath, settings, 5, "test", new ErasOptions { BackboneSource = TestData.BackboneSource, DataDir = app.DataDir }, CancellationToken.None));
        await app.InitializeAsync();
        return app;
    }

    static HttpClient Admin(AppFixture app)
    {
        var admin = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminAppFixture.Token);
        return admin;
    }

    static Task<JsonElement> AskAsync(AppFixture app, string photo) => app.UploadJsonAsync<JsonElement>(File.ReadAllBytes(TestData.Photo(photo)), Path.GetFileName(photo));

    /// <summary>A fan uploads the photo and says it was <paramref name="era"/>; the admin accepts. The prediction's id and delete token.</summary>
    static async Task<(long Id, string DeleteToken)> TeachAsync(AppFixture app, HttpClient admin, string photo, string era)
    {
        var answer = await AskAsync(app, photo);
        long id = answer.GetProperty("prediction_id").GetInt64();
        Assert.Equal(HttpStatusCode.Created, (await app.Client.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era })).StatusCode);
        var item = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback?limit=200")).EnumerateArray().Single(i => i.GetProperty("prediction_id").GetInt64() == id);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/feedback/{item.GetProperty("id").GetInt64()}/accept", null)).StatusCode);
        return (id, answer.GetProperty("delete_token").GetString()!);
    }

    [Fact]
    public async Task A_retrained_head_that_measures_worse_is_rejected_and_nothing_changes()
    {
        // Every fourth stage photo (as many as one client may vote on in a minute) is held out of the base and comes back from a troll labelled 1989.
        var stage = File.ReadAllLines(Path.Combine(TestData.PhotosDir, "MANIFEST.tsv")).Skip(1).Select(l => l.Split('\t'))
            .Where(c => c[2] == LabelledPhotos.StagePhoto && c[1] != "1989").Select(c => c[0]).ToList();
        var noisy = stage.Where((_, i) => i % 4 == 0).ToList();
        var app = await StartedOnAsync(BaseWithout([.. noisy]));
        try
        {
            using var admin = Admin(app);
            var model = (await app.Client.GetFromJsonAsync<JsonElement>("/api/model")).GetProperty("model_version").GetString();
            var probe = (await AskAsync(app, "Lover/etl-4.jpeg")).GetProperty("prediction_id").GetInt64();
            foreach (var photo in noisy) await TeachAsync(app, admin, photo, "1989");

            var run = await FinishedAsync(admin, (await admin.PostAsync("/api/admin/model/retrain", null)).Headers.Location!.ToString());
            Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
            var versions = (await app.Client.GetFromJsonAsync<JsonElement>("/api/model/versions")).EnumerateArray().ToList();
            var made = versions.Single(v => v.GetProperty("id").GetInt64() == run.GetProperty("model_version_id").GetInt64());
            Assert.True(made.GetProperty("status").GetString() == "rejected", made.ToString());
            Assert.DoesNotContain(versions, v => v.GetProperty("status").GetString() == "active" && v.GetProperty("id").GetInt64() == made.GetProperty("id").GetInt64());
            Assert.StartsWith("rejected", made.GetProperty("verdict").GetString());
            Assert.True(made.GetProperty("macro_f1").GetDouble() < made.GetProperty("baseline_macro_f1").GetDouble(), made.ToString());

            Assert.Equal(model, (await app.Client.GetFromJsonAsync<JsonElement>("/api/model")).GetProperty("model_version").GetString());
            Assert.Equal(probe, (await AskAsync(app, "Lover/etl-4.jpeg")).GetProperty("prediction_id").GetInt64());
        }
        finally { await app.DisposeAsync(); }
    }

    static Task<JsonElement> FinishedAsync(HttpClient admin, string url) =>
        Eventually.WaitForAsync(() => admin.GetFromJsonAsync<JsonElement>(url), run => run.GetProperty("status").GetString() is "succeeded" or "failed",
            "the retraining to finish", TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(500));

    [Fact]
    public void The_gate_promotes_a_head_that_holds_its_ground_and_rejects_one_that_loses_an_era_or_too_much_F1()
    {
        static LabelledPhoto Photo(string era, string name) => new($"/{era}/{name}.jpg", $"{era}/{name}.jpg", era, LabelledPhotos.StagePhoto, $"{era}-{name}");
        // Four curated photos, then two fans' labels (both say A).
        var examples = new[] { Photo("A", "0"), Photo("A", "1"), Photo("B", "0"), Photo("B", "1"), Photo("A", "fan-0"), Photo("A", "fan-1") }
            .Select(p => new TrainingExample(p, p.Group, [[0f]], [[0f]])).ToList();
        static bool Curated(TrainingExample e) => !e.Photo.Group.Contains("fan");
        string[] labels = ["A", "B"];
        CrossValidation Answers(params int[] eras) => new(new EvaluationReport("", 6, 0, 0, new Dictionary<string, ClassScores>(), []), labels,
            eras.Select(e => e == 0 ? new[] { 0.9f, 0.1f } : [0.1f, 0.9f]).ToArray(), [], [], 0, 1);

        var allRight = Answers(0, 0, 1, 1, 1, 1);
        var oneWrong = Answers(0, 1, 1, 1, 1, 1);
        var noB = Answers(0, 0, 0, 0, 0, 0);

        Assert.True(EvalGate.Judge(examples, allRight, oneWrong, 0.02, Curated).Promote);
        var worse = EvalGate.Judge(examples, oneWrong, allRight, 0.02, Curated);
        Assert.False(worse.Promote);
        Assert.Contains("macro F1 would drop", worse.Reason);
        Assert.True(EvalGate.Judge(examples, oneWrong, allRight, 0.5, Curated).Promote); // within a generous tolerance
        var lost = EvalGate.Judge(examples, noB, oneWrong, 1, Curated);
        Assert.False(lost.Promote);
        Assert.Contains("B would no longer be recognised", lost.Reason);

        // Agreeing with the fans' labels earns nothing: a head worse on the curated photos is rejected however well it learned them.
        var learnedTheFans = Answers(0, 1, 1, 1, 0, 0);
        Assert.False(EvalGate.Judge(examples, learnedTheFans, allRight, 0.02, Curated).Promote);
        Assert.True(EvalGate.Judge(examples, learnedTheFans, allRight, 0.02, _ => true).Promote);
    }

}
