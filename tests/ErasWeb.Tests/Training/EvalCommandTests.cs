using System.Text.Json;
using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Hosting;
using ErasWeb.Tests.Support;
using ErasWeb.Training;
using SkiaSharp;

namespace ErasWeb.Tests.Training;

[Collection(TrainingFeatures.Collection)]
public class EvalCommandTests
{
    static async Task<(int Exit, string Stdout, string Stderr, string ReportDir)> Run(string source, int cv = 0, string[]? kinds = null, int seeds = 1)
    {
        var options = new ErasOptions { BackboneSource = TestData.BackboneSource, DataDir = TestData.TrainingDataDir.Value, HeadPath = TestData.CommittedHead };
        var reportDir = TestData.NewTempDir("eval-report");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await EvalCommand.RunAsync([source], null, cv, kinds ?? [], null, seeds, null, reportDir, options, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString(), reportDir);
    }

    [Fact]
    public async Task Repeated_cross_validation_pools_held_out_stage_photos_and_saves_the_matrix_and_the_mistakes()
    {
        var manifest = Path.Combine(TestData.PhotosDir, "MANIFEST.tsv");
        int stage = LabelledPhotos.Load(manifest).Count(p => p.Kind == LabelledPhotos.StagePhoto);

        var (exit, stdout, stderr, reportDir) = await Run(manifest, cv: 3, kinds: [LabelledPhotos.StagePhoto], seeds: 2);

        Assert.True(exit == 0, stderr);
        Assert.Contains($"3-fold cross-validation grouped by outfit group, 2 fold assignments (seeds 42-43) pooled, scored on stage_photo: {stage} photos x 2 runs", stdout);
        Assert.Contains("over 2 runs: accuracy", stdout);
        Assert.Contains("expected calibration error", stdout);
        Assert.Contains("confusion (rows: true era, columns: predicted; answers of 2 runs)", stdout);

        var saved = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(reportDir, "report.json"))).RootElement;
        var report = saved.GetProperty("report");
        var confusion = report.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(2 * stage, confusion.Sum(r => r.Sum()));
        int correct = Enumerable.Range(0, confusion.Length).Sum(i => confusion[i][i]);
        Assert.Equal((stage, 2), (report.GetProperty("samples").GetInt32(), report.GetProperty("runs").GetInt32()));
        var perSeed = saved.GetProperty("per_seed").EnumerateArray().ToList();
        Assert.Equal(2, perSeed.Count);
        Assert.Equal(Math.Round((double)correct / (2 * stage), 4), perSeed.Average(r => r.GetProperty("accuracy").GetDouble()), 3);
        // The calibration error is each run's, averaged: not that of the same photos binned twice.
        Assert.Equal(perSeed.Average(r => r.GetProperty("calibration_error").GetDouble()), report.GetProperty("calibration_error").GetDouble(), 3);
        // Each photo wrong in either run is listed once, with how many runs got it wrong.
        var mistakes = saved.GetProperty("mistakes").EnumerateArray().ToList();
        Assert.Equal(mistakes.Count, mistakes.Select(m => m.GetProperty("file").GetString()).Distinct().Count());
        Assert.Equal(2 * stage - correct, mistakes.Sum(m => m.GetProperty("runs").GetInt32()));
        foreach (var mistake in mistakes)
        {
            var top = mistake.GetProperty("top3").EnumerateArray().ToList();
            Assert.Equal(3, top.Count);
            Assert.NotEqual(mistake.GetProperty("truth").GetString(), top[0].GetProperty("era").GetString());
            Assert.True(top[0].GetProperty("probability").GetSingle() >= top[1].GetProperty("probability").GetSingle());
            Assert.Contains($"  {mistake.GetProperty("file").GetString()}: {mistake.GetProperty("truth").GetString()} -> {top[0].GetProperty("era").GetString()}", stdout);
        }
        using var png = SKBitmap.Decode(Path.Combine(reportDir, "confusion.png"));
        Assert.NotNull(png);

        // The same held-out photos from the stands: scored at each distance on every photo, the far ones mostly zoomed.
        Assert.Contains($"from the stands ({stage} held-out stage photos", stdout);
        var distances = saved.GetProperty("from_the_stands").EnumerateArray().ToList();
        Assert.Equal(["close-up (the photo itself)", "stage at 1/2 of the frame", "stage at 1/3 of the frame"], distances.Select(d => d.GetProperty("distance").GetString()));
        Assert.All(distances, d => Assert.Equal(2, d.GetProperty("accuracy_per_seed").GetArrayLength()));
        Assert.All(distances.Skip(1), d => Assert.InRange(d.GetProperty("zoomed").GetDouble(), 0.5, 1));
        // Read closer, a far stage is still recognised far more often than chance (one in ten).
        Assert.All(distances.Skip(1), d => Assert.InRange(d.GetProperty("accuracy").GetDouble(), 0.35, 1));
    }

    [Fact]
    public async Task Evaluating_the_model_on_its_own_training_photos_says_the_scores_are_optimistic()
    {
        var folder = TestData.NewTempDir("eval-folder");
        foreach (var (era, file) in new[] { ("Acoustic", "etl-28.jpeg"), ("Red", "etl-18.jpeg"), ("Speak Now", "etl-13.jpeg") })
        {
            Directory.CreateDirectory(Path.Combine(folder, era));
            File.Copy(TestData.Photo($"{era}/{file}"), Path.Combine(folder, era, file));
        }

        var (exit, stdout, stderr, _) = await Run(folder);

        Assert.True(exit == 0, stderr);
        Assert.Contains("3 photos, accuracy", stdout);
        Assert.Contains("Note: 3 of these photos trained this head", stderr);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_kind_no_photo_has_is_refused_by_name_and_nothing_is_written(int cv)
    {
        var (exit, stdout, stderr, reportDir) = await Run(Path.Combine(TestData.PhotosDir, "MANIFEST.tsv"), cv, kinds: [LabelledPhotos.StagePhoto, "stage_foto"]);

        Assert.Equal(1, exit);
        Assert.Contains("No photo is of kind 'stage_foto'; the kinds there are ", stderr);
        Assert.Contains(LabelledPhotos.StagePhoto, stderr);
        Assert.Equal("", stdout);
        Assert.Empty(Directory.EnumerateFileSystemEntries(reportDir));
    }

    [Fact]
    public async Task A_train_command_whose_kinds_take_in_a_mistyped_option_writes_no_head()
    {
        var manifest = Path.Combine(TestData.PhotosDir, "MANIFEST.tsv");
        var output = Path.Combine(TestData.NewTempDir("train-kinds"), "head.json");
        // train has --out, not --output: the parser takes the mistyped option, and the path after it, as kinds.
        var kinds = ErasCommandLine.Create().Parse(["train", manifest, "--out", output, "--kinds", LabelledPhotos.StagePhoto, "--output", "elsewhere.json"]).GetValue<string[]>("--kinds")!;
        Assert.Equal([LabelledPhotos.StagePhoto, "--output", "elsewhere.json"], kinds);
        var settings = HeadFile.Read(File.ReadAllBytes(TestData.CommittedHead)).Provenance!.Settings with { Kinds = kinds };

        int exit = await TrainCommand.RunAsync([manifest], output, settings, 0, "test", new ErasOptions { BackboneSource = TestData.BackboneSource, DataDir = TestData.TrainingDataDir.Value }, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task A_class_the_model_does_not_know_is_named()
    {
        var folder = TestData.NewTempDir("eval-unknown");
        Directory.CreateDirectory(Path.Combine(folder, "Debut"));
        File.Copy(TestData.Photo("Red/etl-18.jpeg"), Path.Combine(folder, "Debut", "x.jpeg"));

        var (exit, _, stderr, _) = await Run(folder);

        Assert.Equal(1, exit);
        Assert.Contains("'Debut", stderr);
        Assert.Contains("which the model does not know", stderr);
    }
}
