using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Tests.Support;
using ErasWeb.Training;

namespace ErasWeb.Tests.Training;

[Collection(TrainingFeatures.Collection)]
public class TrainingTests
{
    [Fact]
    public void Metrics_match_a_hand_checked_confusion_matrix()
    {
        // truth:     A A A B B C      predicted: A A B B C C
        string[] labels = ["A", "B", "C", "D"];
        var report = Metrics.Evaluate("test", labels, [0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2]);
        Assert.Equal([[2, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 0], [0, 0, 0, 0]], report.Confusion);
        Assert.Equal(Math.Round(4 / 6.0, 4), report.Accuracy);
        Assert.Equal(new ClassScores(1, Math.Round(2 / 3.0, 4), 0.8, 3), report.PerClass["A"]);
        Assert.Equal(new ClassScores(0.5, 0.5, 0.5, 2), report.PerClass["B"]);
        Assert.Equal(new ClassScores(0.5, 1, Math.Round(2 / 3.0, 4), 1), report.PerClass["C"]);
        // D never occurs in the truth, so it does not drag the macro average down.
        Assert.Equal(Math.Round((0.8 + 0.5 + 2 / 3.0) / 3, 4), report.MacroF1);
    }

    [Fact]
    public void Grouped_folds_never_put_one_outfit_on_both_sides_and_spread_each_class()
    {
        var photos = LabelledPhotos.Load(TestData.PhotosDir);
        var groups = photos.Select(p => p.Group).ToList();
        var folds = GroupedFolds.Assign(groups, photos.Select(p => p.Class).ToList(), 5, seed: 7);
        foreach (var group in groups.Distinct())
            Assert.Single(Enumerable.Range(0, groups.Count).Where(i => groups[i] == group).Select(i => folds[i]).Distinct());
        // Acoustic has 12 outfits: every fold gets some.
        Assert.Equal(5, photos.Select((p, i) => (p, i)).Where(x => x.p.Class == "Acoustic").Select(x => folds[x.i]).Distinct().Count());
        Assert.Equal(folds, GroupedFolds.Assign(groups, photos.Select(p => p.Class).ToList(), 5, seed: 7));
        Assert.Contains(photos, p => p.Group == "surprise-dress-cotton-candy" && p.RelativePath.EndsWith("-med.jpg"));
    }

    [Fact]
    public void Softmax_regression_is_deterministic_and_separates_separable_data()
    {
        var x = new List<float[]> { new[] { 1f, 0f }, new[] { 0.9f, 0.1f }, new[] { 0f, 1f }, new[] { 0.1f, 0.8f } };
        int[] y = [0, 0, 1, 1];
        var weights = SoftmaxRegression.InverseFrequencyWeights(y);
        var a = SoftmaxRegression.Fit(x, y, 2, weights, 1e-3, 500);
        var b = SoftmaxRegression.Fit(x, y, 2, weights, 1e-3, 500);
        Assert.Equal(a.Weights, b.Weights);
        Assert.Equal(a.Bias, b.Bias);
        Assert.Equal(y, x.Select(r => SoftmaxRegression.Predict(a, r)));
    }

    [Fact]
    public void Softmax_stays_finite_for_logits_far_beyond_what_exp_can_hold()
    {
        var probabilities = EraHead.Softmax([1000f, 0f, 999f]);
        Assert.Equal([1 / (1 + MathF.Exp(-1)), 0f, MathF.Exp(-1) / (1 + MathF.Exp(-1))], probabilities, new Classification.FloatTolerance(1e-6f));
    }

    [Fact]
    public void A_temperature_fitted_to_overconfident_logits_softens_them_and_never_changes_the_winner()
    {
        // Logits twice as sharp as the truth they were drawn from: the best temperature is about 2.
        var random = new Random(5);
        var logits = new List<float[]>();
        var truth = new List<int>();
        for (int i = 0; i < 4000; i++)
        {
            var z = new[] { (float)random.NextDouble() * 3, (float)random.NextDouble() * 3, (float)random.NextDouble() * 3 };
            var p = EraHead.Softmax(z);
            double u = random.NextDouble();
            truth.Add(u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2);
            logits.Add(z.Select(v => 2 * v).ToArray());
        }
        Assert.InRange(SoftmaxRegression.FitTemperature(logits, truth), 1.8, 2.2);

        var model = new SoftmaxRegression.Model([[1f, -2f], [0.5f, 3f]], [0.1f, -0.2f]);
        var calibrated = SoftmaxRegression.WithTemperature(model, 2);
        float[] x = [0.3f, 0.7f];
        Assert.Equal(SoftmaxRegression.Logits(model, x).Select(z => z / 2), SoftmaxRegression.Logits(calibrated, x), new Classification.FloatTolerance(1e-6f));
    }

    [Fact]
    public void Inverse_frequency_weights_give_every_class_the_same_total()
    {
        var weights = SoftmaxRegression.InverseFrequencyWeights([0, 0, 0, 1]);
        Assert.Equal(weights[0] * 3, weights[3], 10);
        Assert.Equal(4, weights.Sum(), 10);
    }

    [Fact]
    public async Task The_documented_train_command_reproduces_the_committed_head()
    {
        var committed = HeadFile.Read(File.ReadAllBytes(TestData.CommittedHead));
        var provenance = committed.Provenance!;
        var output = Path.Combine(TestData.NewTempDir("train"), "head.json");
        var options = new ErasOptions { BackboneSource = TestData.BackboneSource, DataDir = TestData.TrainingDataDir.Value };

        int exit = await TrainCommand.RunAsync([Path.Combine(TestData.PhotosDir, "MANIFEST.tsv")], output, provenance.Settings, 5, provenance.Command, options, CancellationToken.None);

        Assert.Equal(0, exit);
        var retrained = HeadFile.Read(File.ReadAllBytes(output));
        Assert.Equal(committed.Labels, retrained.Labels);
        Assert.Equal(provenance.Photos, retrained.Provenance!.Photos);
        Assert.Equal(provenance.CrossValidation!.Confusion, retrained.Provenance.CrossValidation!.Confusion);
        for (int c = 0; c < committed.Labels.Count; c++)
        {
            Assert.Equal(committed.Bias[c], retrained.Bias[c], 1e-4f);
            Assert.Equal(committed.Weights[c], retrained.Weights[c], new Classification.FloatTolerance(1e-4f));
        }
        Assert.Equal(committed.PredictionViews, retrained.PredictionViews);
        Assert.Equal(provenance.Temperature!.Value, retrained.Provenance.Temperature!.Value, 1e-3);
        Assert.Equal(committed.Uncertainty!.MinSimilarity, retrained.Uncertainty!.MinSimilarity, 1e-4f);
        Assert.Equal(committed.Uncertainty.Prototypes.SelectMany(p => p), retrained.Uncertainty.Prototypes.SelectMany(p => p), new Classification.FloatTolerance(1e-4f));
    }

    [Fact]
    public async Task Held_out_Reputation_and_TTPD_stage_photos_are_recognised_by_heads_that_never_saw_their_photo_group()
    {
        var settings = HeadFile.Read(File.ReadAllBytes(TestData.CommittedHead)).Provenance!.Settings;
        var options = new ErasOptions { BackboneSource = TestData.BackboneSource, DataDir = TestData.TrainingDataDir.Value };
        var examples = await TrainingSet.LoadAsync([Path.Combine(TestData.PhotosDir, "MANIFEST.tsv")], settings, options, TextWriter.Null, CancellationToken.None);

        var cv = HeadTrainer.CrossValidate(examples, settings, 5);

        var stage = Enumerable.Range(0, examples.Count).Where(i => examples[i].Photo.Kind == LabelledPhotos.StagePhoto).ToList();
        string Answer(int i) => cv.Labels[System.Numerics.Tensors.TensorPrimitives.IndexOfMax(cv.Probabilities[i])];
        foreach (var era in new[] { "Reputation", "TTPD" })
            Assert.Contains(stage, i => examples[i].Photo.Class == era && Answer(i) == era);
        // Every era is recognised on stage at least once, and most stage photos are.
        Assert.All(stage.Select(i => examples[i].Photo.Class).Distinct(), era => Assert.Contains(stage, i => examples[i].Photo.Class == era && Answer(i) == era));
        Assert.True(stage.Count(i => Answer(i) == examples[i].Photo.Class) >= 0.65 * stage.Count);
        // Calibrated on photos it was not fitted on, the stated confidence is within 0.15 of how often it is right.
        Assert.InRange(cv.Report.CalibrationError!.Value, 0, 0.15);
    }
}
