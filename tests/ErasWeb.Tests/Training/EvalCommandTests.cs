using System.Text.Json;
using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Tests.Support;
using ErasWeb.Training;
using SkiaSharp;

namespace ErasWeb.Tests.Training;

public class EvalCommandTests
{
    static readonly Lazy<string> DataDir = new(() => TestData.NewTempDir("eval-data"));

    static async Task<(int Exit, string Stdout, string Stderr, string ReportDir)> Run(string source, int cv = 0, string[]? kinds = null)
    {
        var options = new ErasOptions { BackboneSource = TestData.BackboneSource, DataDir = DataDir.Value, HeadPath = TestData.CommittedHead };
        var reportDir = TestData.NewTempDir("eval-report");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await EvalCommand.RunAsync(source, null, cv, kinds ?? [], null, null, reportDir, options, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString(), reportDir);
    }

    [Fact]
    public async Task Cross_validation_scores_held_out_stage_photos_and_saves_the_matrix_and_the_mistakes()
    {
        var (exit, stdout, stderr, reportDir) = await Run(Path.Combine(TestData.PhotosDir, "MANIFEST.tsv"), cv: 3, kinds: [LabelledPhotos.StagePhoto]);

        Assert.True(exit == 0, stderr);
        Assert.Contains("3-fold cross-validation grouped by outfit, scored on stage_photo: 47 photos", stdout);
        Assert.Contains("confusion (rows: true era, columns: predicted)", stdout);

        var saved = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(reportDir, "report.json"))).RootElement;
        var report = saved.GetProperty("report");
        var confusion = report.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(47, confusion.Sum(r => r.Sum()));
        int correct = Enumerable.Range(0, confusion.Length).Sum(i => confusion[i][i]);
        var mistakes = saved.GetProperty("mistakes").EnumerateArray().ToList();
        Assert.Equal(47 - correct, mistakes.Count);
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
