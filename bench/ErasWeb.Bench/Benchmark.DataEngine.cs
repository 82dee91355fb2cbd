using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Training;

namespace ErasWeb.Bench;

/// <summary>
/// The data engine end to end over HTTP: outfits the starting head never saw are taught by fans and
/// an admin, a retraining learns them, and the held-out photos are asked again; then the active head
/// is swapped back and forth while clients upload.
/// </summary>
public sealed partial class Benchmark
{
    const string AdminToken = "erasweb-bench-admin";
    static readonly TimeSpan LoadPeriod = TimeSpan.FromSeconds(25);
    static readonly TimeSpan SwapEvery = TimeSpan.FromSeconds(2);
    const int LoadClients = 8;

    /// <summary>Which photos the starting head learns from, which fans teach, and which the heads are tested on.</summary>
    sealed record HeldOut(IReadOnlyList<LabelledPhoto> Base, IReadOnlyList<LabelledPhoto> Teach, IReadOnlyList<LabelledPhoto> Test, int Unused);

    sealed record Answer(string Era, string Said, string ModelVersion);

    public async Task DataEngineAsync()
    {
        var section = Stopwatch.StartNew();
        var photos = LabelledPhotos.Load(photosDir);
        var split = Split(photos);
        foreach (var era in new[] { "Reputation", "TTPD" })
            if (split.Base.Any(p => p.Class == era && p.Kind == LabelledPhotos.StagePhoto))
                throw new InvalidOperationException($"The split keeps {era}'s concert photos in the base photos; the section is about eras the starting head never saw on stage.");
        var fullHd = photos.Where(p => p.RelativePath.Contains("/etl-")).Take(LoadClients).Select(p => MakeBaselineJpeg(File.ReadAllBytes(p.Path), 1920, 1080)).ToList();

        var work = Directory.CreateTempSubdirectory("erasweb-bench-dataengine-").FullName;
        try
        {
            var basePhotos = BaseCopy(work, split.Base);
            var dataDir = Directory.CreateDirectory(Path.Combine(work, "data")).FullName;
            var headPath = Path.Combine(work, "era-head.json");

            // The starting head, made as the train command makes the shipped one: its recipe, the base photos, the app's feature cache.
            var shippedHead = new ErasOptions().HeadPath;
            var recipe = HeadFile.Read(File.ReadAllBytes(shippedHead)).Provenance?.Settings
                ?? throw new InvalidOperationException($"{shippedHead} records no training recipe.");
            var training = Stopwatch.StartNew();
            var stdout = Console.Out;
            Console.SetOut(Console.Error); // the train command's report is not this section's output
            int code;
            try
            {
                code = await TrainCommand.RunAsync([Path.Combine(basePhotos, "MANIFEST.tsv")], headPath, recipe, 5, "erasweb-bench data engine: base photos",
                    new ErasOptions { BackboneSource = backboneSource, DataDir = dataDir }, CancellationToken.None);
            }
            finally { Console.SetOut(stdout); }
            if (code != 0) throw new InvalidOperationException($"Training the starting head failed ({code}).");
            training.Stop();

            await using var host = await StartAppAsync(new Dictionary<string, string?>
            {
                ["Eras:AdminToken"] = AdminToken,
                ["Eras:BasePhotos"] = basePhotos,
                ["Eras:HeadPath"] = headPath,
                ["Eras:RetrainAfter"] = "0",
            }, dataDir);
            using var fan = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
            using var admin = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);

            md.AppendLine("## Data engine").AppendLine();
            long retrained = await TeachAndRetrainAsync(fan, admin, split, training.Elapsed);
            await SwapUnderLoadAsync(fan, admin, fullHd, retrained);
            md.AppendLine($"This section took {section.Elapsed.TotalSeconds:0} s in all, training the starting head included.").AppendLine();
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// For every era, a third of its stage-photo outfit groups (at least two: one to teach, one to test),
    /// chosen by the SHA-256 of the group's name. An era whose every concert photo goes loses its
    /// cut-outs too (taught), so the starting head knows it from album covers only.
    /// </summary>
    static HeldOut Split(IReadOnlyList<LabelledPhoto> photos)
    {
        var teach = new HashSet<(string, string)>();
        var test = new HashSet<(string, string)>();
        foreach (var era in photos.Select(p => p.Class).Distinct().Order(StringComparer.Ordinal))
        {
            var stage = photos.Where(p => p.Class == era && p.Kind == LabelledPhotos.StagePhoto).Select(p => p.Group).Distinct()
                .OrderBy(g => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(g))), StringComparer.Ordinal).ToList();
            var held = stage.Take(Math.Max(2, (int)Math.Round(stage.Count / 3.0))).ToList();
            for (int i = 0; i < held.Count; i++) (i % 2 == 0 ? test : teach).Add((era, held[i]));
            if (held.Count == stage.Count)
                foreach (var cutout in photos.Where(p => p.Class == era && p.Kind == LabelledPhotos.StageCutout && !test.Contains((era, p.Group)))) teach.Add((era, cutout.Group));
        }
        bool In(HashSet<(string, string)> groups, LabelledPhoto p) => groups.Contains((p.Class, p.Group));
        // A test group's other pictures (a cut-out of the same dress) are neither trained on nor taught.
        return new HeldOut(
            photos.Where(p => !In(teach, p) && !In(test, p)).ToList(),
            photos.Where(p => In(teach, p)).ToList(),
            photos.Where(p => In(test, p) && p.Kind == LabelledPhotos.StagePhoto).ToList(),
            photos.Count(p => In(test, p) && p.Kind != LabelledPhotos.StagePhoto));
    }

    /// <summary>The shared photos' class folders, linked, under a manifest of the base photos only.</summary>
    string BaseCopy(string work, IReadOnlyList<LabelledPhoto> basePhotos)
    {
        var folder = Directory.CreateDirectory(Path.Combine(work, "base")).FullName;
        foreach (var dir in Directory.GetDirectories(photosDir)) Directory.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(dir)), dir);
        var keep = basePhotos.Select(p => p.RelativePath).ToHashSet();
        var lines = File.ReadAllLines(Path.Combine(photosDir, "MANIFEST.tsv"));
        File.WriteAllLines(Path.Combine(folder, "MANIFEST.tsv"), lines.Take(1).Concat(lines.Skip(1).Where(l => keep.Contains(l.Split('\t')[0]))));
        return folder;
    }

    /// <summary>The model version the retraining made.</summary>
    async Task<long> TeachAndRetrainAsync(HttpClient fan, HttpClient admin, HeldOut split, TimeSpan trainingTime)
    {
        var startModel = (await fan.GetFromJsonAsync<JsonElement>("/api/model")).GetProperty("model_version").GetString()!;
        async Task<Answer> Ask(LabelledPhoto p)
        {
            var answer = await UploadAsync(fan, await File.ReadAllBytesAsync(p.Path), Path.GetFileName(p.Path));
            return new Answer(p.Class, answer.GetProperty("predicted_class").GetString()!, answer.GetProperty("model_version").GetString()!);
        }

        var before = new List<Answer>();
        foreach (var photo in split.Test) before.Add(await Ask(photo));

        // Fans upload the taught photos and say which era each is (agreeing with the head or correcting it); the admin accepts every one.
        var taught = new Dictionary<long, (LabelledPhoto Photo, bool RightAlready)>();
        var waitedForVotes = TimeSpan.Zero;
        foreach (var photo in split.Teach)
        {
            var answer = await UploadAsync(fan, await File.ReadAllBytesAsync(photo.Path), Path.GetFileName(photo.Path));
            long id = answer.GetProperty("prediction_id").GetInt64();
            taught[id] = (photo, answer.GetProperty("predicted_class").GetString() == photo.Class);
            while (true)
            {
                using var vote = await fan.PostAsJsonAsync($"/api/predictions/{id}/feedback", new { era = photo.Class });
                if (vote.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    // Twenty votes a minute from one address: a fan this busy waits, as the app tells it to.
                    var wait = vote.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(60);
                    waitedForVotes += wait;
                    await Task.Delay(wait);
                    continue;
                }
                if (vote.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"The vote on {photo.RelativePath} was answered {(int)vote.StatusCode}: {await vote.Content.ReadAsStringAsync()}");
                break;
            }
        }
        var pending = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/feedback?limit=200")).EnumerateArray().ToList();
        int accepted = 0;
        foreach (var item in pending.Where(i => taught.ContainsKey(i.GetProperty("prediction_id").GetInt64())))
        {
            using var accept = await admin.PostAsync($"/api/admin/feedback/{item.GetProperty("id").GetInt64()}/accept", null);
            if (!accept.IsSuccessStatusCode) throw new InvalidOperationException($"Accepting {item} was answered {(int)accept.StatusCode}: {await accept.Content.ReadAsStringAsync()}");
            accepted++;
        }
        if (accepted != taught.Count) throw new InvalidOperationException($"{taught.Count} photos were taught but {accepted} feedback items were found to accept.");

        var retraining = Stopwatch.StartNew();
        using var started = await admin.PostAsync("/api/admin/model/retrain", null);
        if (started.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"POST /api/admin/model/retrain answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        JsonElement run;
        while (true)
        {
            run = await admin.GetFromJsonAsync<JsonElement>(started.Headers.Location!);
            if (run.GetProperty("status").GetString() is "succeeded" or "failed") break;
            if (retraining.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException($"The retraining did not finish in 10 minutes: {run}");
            await Task.Delay(250);
        }
        retraining.Stop();
        if (run.GetProperty("status").GetString() != "succeeded") throw new InvalidOperationException($"The retraining failed: {run}");
        var serverTime = run.GetProperty("finished_at").GetDateTime() - run.GetProperty("created_at").GetDateTime();
        var versions = (await fan.GetFromJsonAsync<JsonElement>("/api/model/versions")).EnumerateArray().ToList();
        long madeId = run.GetProperty("model_version_id").GetInt64();
        var activeModel = (await fan.GetFromJsonAsync<JsonElement>("/api/model")).GetProperty("model_version").GetString()!;

        var after = new List<Answer>();
        foreach (var photo in split.Test) after.Add(await Ask(photo));

        var eras = split.Test.Select(p => p.Class).Distinct().Order(StringComparer.Ordinal).ToList();
        static string Frac(int right, int of) => $"{right}/{of} = {(double)right / of:0.000}";
        int rightBefore = before.Count(a => a.Said == a.Era), rightAfter = after.Count(a => a.Said == a.Era);

        md.AppendLine("### Fans teach outfits the head never saw").AppendLine();
        md.AppendLine($"For every era a third of its stage-photo outfit groups (at least two; chosen by the SHA-256 of the group's name) are held out of the base photos; " +
            $"Reputation and TTPD thereby lose both their concert photos, and their cut-outs go too, so the starting head knows those two eras from album covers only. " +
            $"The held-out groups alternate between **teach** and **test**, so no outfit is in both. " +
            $"Base: {split.Base.Count} photos; teach: {split.Teach.Count} ({split.Teach.Count(p => p.Kind == LabelledPhotos.StagePhoto)} stage photos, {split.Teach.Count(p => p.Kind == LabelledPhotos.StageCutout)} cut-outs); " +
            $"test: {split.Test.Count} stage photos in {split.Test.Select(p => (p.Class, p.Group)).Distinct().Count()} groups" +
            (split.Unused > 0 ? $" ({split.Unused} other picture(s) of the test groups used nowhere)." : ".")).AppendLine();
        md.AppendLine($"The starting head was trained by `TrainCommand.RunAsync` on the base photos with the shipped head's recipe in {trainingTime.TotalSeconds:0.0} s (features extracted from scratch into the app's data directory), " +
            $"and the app started on it (`Eras:HeadPath`, `Eras:BasePhotos` = the base manifest, `Eras:RetrainAfter` = 0). Over HTTP: the test photos were uploaded (before); " +
            $"the teach photos were uploaded, a fan voted each one's true era ({taught.Values.Count(t => t.RightAlready)} agreeing with the head, {taught.Values.Count(t => !t.RightAlready)} correcting it), " +
            $"the admin accepted all {accepted}; `POST /api/admin/model/retrain` ran; the test photos were uploaded again (after)." +
            (waitedForVotes > TimeSpan.Zero ? $" The vote rate limit held the fan back {waitedForVotes.TotalSeconds:0} s." : "")).AppendLine();
        md.AppendLine("| on the test photos | before | after |");
        md.AppendLine("|---|---|---|");
        md.AppendLine($"| accuracy | {Frac(rightBefore, before.Count)} | {Frac(rightAfter, after.Count)} |");
        md.AppendLine($"| macro F1 over the {eras.Count} eras with test photos | {MacroF1(before):0.000} | {MacroF1(after):0.000} |");
        md.AppendLine($"| model version answering | `{string.Join(", ", before.Select(a => a.ModelVersion).Distinct())}` | `{string.Join(", ", after.Select(a => a.ModelVersion).Distinct())}` |");
        md.AppendLine();
        md.AppendLine("| era | test photos | right before | right after | taught (stage photos + cut-outs) | test photos' answers before -> after |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var era in eras)
        {
            var idx = Enumerable.Range(0, split.Test.Count).Where(i => split.Test[i].Class == era).ToList();
            int teachStage = split.Teach.Count(p => p.Class == era && p.Kind == LabelledPhotos.StagePhoto), teachCut = split.Teach.Count(p => p.Class == era && p.Kind == LabelledPhotos.StageCutout);
            md.AppendLine($"| {era} | {idx.Count} | {idx.Count(i => before[i].Said == era)} | {idx.Count(i => after[i].Said == era)} | {teachStage} + {teachCut} | " +
                string.Join("; ", idx.Select(i => $"{Path.GetFileName(split.Test[i].RelativePath)}: {before[i].Said} -> {after[i].Said}")) + " |");
        }
        md.AppendLine().AppendLine("Answers are the predicted era as given, whether or not flagged uncertain. Macro F1 is the mean of each era's F1 = 2TP / (2TP + FP + FN) over the eras with test photos (an answer naming an era without test photos counts only against the true era).").AppendLine();

        md.AppendLine($"Retraining: {retraining.Elapsed.TotalSeconds:0.0} s from `POST /api/admin/model/retrain` to `succeeded` seen by polling every 250 ms ({serverTime.TotalSeconds:0.0} s by the run's own created_at -> finished_at), " +
            $"on the base photos plus {accepted} accepted labels. Model versions right after it (`GET /api/model/versions`); the gate's scores are its grouped 5-fold cross-validation on the base and taught stage photos, not the test photos above:").AppendLine();
        md.AppendLine("| id | status | head | accuracy | macro F1 | baseline accuracy | baseline macro F1 | labels | verdict |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var v in versions)
        {
            static string Num(JsonElement e, string name) => e.GetProperty(name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble().ToString("0.000") : "-";
            md.AppendLine($"| {v.GetProperty("id").GetInt64()}{(v.GetProperty("id").GetInt64() == madeId ? " (this retraining)" : "")} | {v.GetProperty("status").GetString()} | `{v.GetProperty("head_version").GetString()}` | " +
                $"{Num(v, "accuracy")} | {Num(v, "macro_f1")} | {Num(v, "baseline_accuracy")} | {Num(v, "baseline_macro_f1")} | {v.GetProperty("labels").GetInt32()} | {v.GetProperty("verdict").GetString()?.Replace("|", "/")} |");
        }
        md.AppendLine();
        md.AppendLine($"Answering before: `{startModel}`; after the retraining: `{activeModel}`.").AppendLine();
        return madeId;
    }

    /// <summary>Each era with test photos: F1 = 2TP / (2TP + FP + FN); their mean.</summary>
    static double MacroF1(IReadOnlyList<Answer> answers) =>
        answers.Select(a => a.Era).Distinct().Average(era =>
        {
            int tp = answers.Count(a => a.Era == era && a.Said == era);
            int fn = answers.Count(a => a.Era == era) - tp;
            int fp = answers.Count(a => a.Era != era && a.Said == era);
            return tp == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
        });

    sealed record Timed(double Start, double End, bool Ok, string? Error, string? ModelVersion);

    sealed record Swap(double Start, double End, long To, bool Ok, string? Error);

    async Task SwapUnderLoadAsync(HttpClient fan, HttpClient admin, IReadOnlyList<byte[]> fullHd, long retrained)
    {
        // A rejected head is activated by hand here: the first activation keeps the shipped head as a version of its own.
        await ActivateAsync(admin, retrained);
        var versions = (await fan.GetFromJsonAsync<JsonElement>("/api/model/versions")).EnumerateArray().ToList();
        long shipped = versions.Select(v => v.GetProperty("id").GetInt64()).Single(id => id != retrained);
        // Each version's model_version as answers carry it; the retrained one is left active.
        var modelVersion = new Dictionary<long, string>();
        foreach (var id in new[] { shipped, retrained })
        {
            await ActivateAsync(admin, id);
            modelVersion[id] = (await fan.GetFromJsonAsync<JsonElement>("/api/model")).GetProperty("model_version").GetString()!;
        }
        for (int i = 0; i < LoadClients; i++) await PostForVersionAsync(fan, Unique(fullHd[i % fullHd.Count])); // warm-up

        var requests = new ConcurrentBag<Timed>();
        var swaps = new List<Swap>();
        var clock = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, LoadClients).Select(c => Task.Run(async () =>
        {
            for (int i = c; clock.Elapsed < LoadPeriod; i += LoadClients)
            {
                var body = Unique(fullHd[i % fullHd.Count]);
                double start = clock.Elapsed.TotalMilliseconds;
                try
                {
                    var (ok, error, version) = await PostForVersionAsync(fan, body);
                    requests.Add(new Timed(start, clock.Elapsed.TotalMilliseconds, ok, error, version));
                }
                catch (Exception e)
                {
                    requests.Add(new Timed(start, clock.Elapsed.TotalMilliseconds, false, $"{e.GetType().Name}: {e.Message}", null));
                }
            }
        })).ToList();
        var swapper = Task.Run(async () =>
        {
            long to = shipped;
            while (true)
            {
                await Task.Delay(SwapEvery);
                if (clock.Elapsed >= LoadPeriod - TimeSpan.FromMilliseconds(500)) break;
                double start = clock.Elapsed.TotalMilliseconds;
                try
                {
                    using var response = await admin.PostAsync($"/api/admin/model/versions/{to}/activate", null);
                    swaps.Add(new Swap(start, clock.Elapsed.TotalMilliseconds, to, response.IsSuccessStatusCode,
                        response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"));
                }
                catch (Exception e)
                {
                    swaps.Add(new Swap(start, clock.Elapsed.TotalMilliseconds, to, false, $"{e.GetType().Name}: {e.Message}"));
                }
                to = to == shipped ? retrained : shipped;
            }
        });
        await Task.WhenAll([.. clients, swapper]);
        double wall = clock.Elapsed.TotalSeconds;

        var all = requests.OrderBy(r => r.Start).ToList();
        bool Overlaps(Timed r) => swaps.Any(s => r.Start < s.End && s.Start < r.End);
        var overlapping = all.Where(Overlaps).ToList();
        var rest = all.Where(r => !Overlaps(r)).ToList();
        var failed = all.Where(r => !r.Ok).ToList();
        var known = modelVersion.Values.ToHashSet();
        int unknownVersion = all.Count(r => r.Ok && !known.Contains(r.ModelVersion!));
        // A request that overlaps no swap must be answered by the version the last finished swap made active.
        int wrongVersion = rest.Count(r => r.Ok && r.ModelVersion != modelVersion[swaps.Where(s => s.Ok && s.End <= r.Start).Select(s => s.To).LastOrDefault(retrained)]);
        var byVersion = all.Where(r => r.Ok).GroupBy(r => r.ModelVersion!).ToDictionary(g => g.Key, g => g.Count());

        md.AppendLine("### Swapping heads under load").AppendLine();
        md.AppendLine($"{LoadClients} clients upload 1920x1080 baseline JPEGs (unique bytes each, so the stored-prediction shortcut never answers) back to back for {LoadPeriod.TotalSeconds:0} s, " +
            $"while an admin calls `POST /api/admin/model/versions/{{id}}/activate` every {SwapEvery.TotalSeconds:0} s, alternating between the retrained version ({retrained}, `{modelVersion[retrained]}`) " +
            $"and the one the app started with ({shipped}, `{modelVersion[shipped]}`). A request overlaps a swap when it was in flight at any moment between that activation call's start and its answer.").AppendLine();
        md.AppendLine("| requests | n | failed | p50 ms | p95 ms | max ms |");
        md.AppendLine("|---|---|---|---|---|---|");
        void Row(string name, IReadOnlyList<Timed> rows)
        {
            if (rows.Count == 0) { md.AppendLine($"| {name} | 0 | - | - | - | - |"); return; }
            var stats = Stats.Of(rows.Select(r => r.End - r.Start).ToList());
            md.AppendLine($"| {name} | {rows.Count} | {rows.Count(r => !r.Ok)} | {stats.P50:0.0} | {stats.P95:0.0} | {rows.Max(r => r.End - r.Start):0.0} |");
        }
        Row("overlapping a swap", overlapping);
        Row("the rest", rest);
        Row("all", all);
        md.AppendLine();
        var swapTimes = swaps.Select(s => s.End - s.Start).ToList();
        md.AppendLine($"- Swaps: {swaps.Count(s => s.Ok)} succeeded of {swaps.Count}; the activation call took p50 {(swapTimes.Count > 0 ? Stats.Of(swapTimes).P50 : 0):0.0} ms, max {swapTimes.DefaultIfEmpty(0).Max():0.0} ms.");
        md.AppendLine($"- Throughput: {all.Count / wall:0.0} uploads/s over {wall:0.0} s; failed (non-2xx or exception): {failed.Count}" +
            (failed.Count > 0 ? $" ({string.Join("; ", failed.GroupBy(f => f.Error).Select(g => $"{g.Count()} x {g.Key}"))})" : "") + ".");
        md.AppendLine($"- Model versions answering: {string.Join(", ", byVersion.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"`{kv.Key}` {kv.Value}"))}; " +
            $"answers from neither version: {unknownVersion}; answers overlapping no swap yet not from the version then active: {wrongVersion}.");
        if (swaps.Any(s => !s.Ok))
            md.AppendLine($"- Failed swaps: {string.Join("; ", swaps.Where(s => !s.Ok).Select(s => s.Error))}.");
        md.AppendLine();
    }

    static async Task ActivateAsync(HttpClient admin, long id)
    {
        using var response = await admin.PostAsync($"/api/admin/model/versions/{id}/activate", null);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Activating version {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    static async Task<JsonElement> UploadAsync(HttpClient client, byte[] bytes, string fileName)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        using var response = await client.PostAsync("/predict", form);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"/predict answered {(int)response.StatusCode} for {fileName}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    static async Task<(bool Ok, string? Error, string? ModelVersion)> PostForVersionAsync(HttpClient client, byte[] bytes)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", "bench.jpg");
        using var response = await client.PostAsync("/predict", form);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) return (false, $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 200)]}", null);
        using var json = JsonDocument.Parse(body);
        return (true, null, json.RootElement.GetProperty("model_version").GetString());
    }
}
