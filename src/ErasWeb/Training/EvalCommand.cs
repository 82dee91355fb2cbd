using System.CommandLine;
using ErasWeb.Classification;
using ErasWeb.Cli;
using ErasWeb.Configuration;
using ErasWeb.Media;

namespace ErasWeb.Training;

/// <summary>
/// erasweb eval SOURCE: scores a model on labelled photos. Without --cv it runs the model in use
/// (or --head) on every photo, exactly as uploads are classified; with --cv K it scores the recipe
/// that made the head by K-fold cross-validation split by outfit group.
/// </summary>
public static class EvalCommand
{
    /// <summary>What an evaluation found: the scores and the photos it got wrong.</summary>
    public sealed record Evaluation(EvaluationReport Report, IReadOnlyList<Mistake> Mistakes, HonestySummary Honesty, IReadOnlyList<EvaluationReport>? PerSeed = null,
        IReadOnlyList<DistanceScores>? FromTheStands = null);

    /// <summary>
    /// Held-out stage photos scored as close-ups and as a stage at a share of a generated stadium
    /// frame's height: accuracy per fold assignment, their mean and standard deviation, and the
    /// shares of answers read from the zoomed view and marked uncertain.
    /// </summary>
    public sealed record DistanceScores(string Distance, int Photos, double[] AccuracyPerSeed, double Accuracy, double Spread, double Zoomed, double Uncertain);

    /// <summary>The distances scored: the photo itself as uploaded (share 0), and the stage at a share of a stadium frame's height.</summary>
    static readonly (string Name, float Share)[] Distances = [("close-up (the photo itself)", 0), ("stage at 1/2 of the frame", 0.5f), ("stage at 1/3 of the frame", 1 / 3f)];
    /// <summary>Seeds the evaluation's stadium frames are drawn from; training draws its own from others.</summary>
    const int EvaluationFrameSeed = 7;

    public static Command Create()
    {
        var source = new Argument<string[]>("sources") { Description = "One or more MANIFEST.tsv files or folders of class sub-folders.", Arity = ArgumentArity.OneOrMore };
        var head = new Option<string?>("--head") { Description = "The era head to evaluate; by default the model the app is configured with." };
        var cv = new Option<int>("--cv") { Description = "Score the head's training recipe by K-fold cross-validation grouped by outfit instead (K >= 2)." };
        var kinds = new Option<string[]>("--kinds") { Description = "Score only these kinds of photo (e.g. stage_photo); all by default.", AllowMultipleArgumentsPerToken = true };
        var seed = new Option<int?>("--seed") { Description = "Seed for the fold assignment; by default the head's own." };
        var seeds = new Option<int>("--seeds") { Description = "With --cv: repeat the cross-validation with this many fold assignments (seeds seed, seed+1, ...) and pool the answers, since one split of a small set is noisy.", DefaultValueFactory = _ => 5 };
        var nonConcert = new Option<string?>("--non-concert") { Description = "A folder of pictures that are not Eras Tour stage photos, checked with the generated ones for false confident answers." };
        var reportDir = new Option<string>("--report-dir") { Description = "Where to save confusion.png and report.json.", DefaultValueFactory = _ => Path.Combine("artifacts", "eval") };

        var command = new Command("eval", "Evaluate the era model on labelled photos: accuracy, per-era precision/recall/F1, confusion matrix, mistakes.")
            { source, head, cv, kinds, seed, seeds, nonConcert, reportDir };
        command.SetAction(async (result, ct) => await RunAsync(result.GetValue(source)!, result.GetValue(head), result.GetValue(cv),
            result.GetValue(kinds) ?? [], result.GetValue(seed), Math.Max(1, result.GetValue(seeds)), result.GetValue(nonConcert), result.GetValue(reportDir)!,
            ErasOptions.FromEnvironment(), Console.Out, Console.Error, ct));
        return command;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> source, string? headPath, int cvFolds, IReadOnlyList<string> kinds, int? seed, int seeds, string? nonConcert, string reportDir,
        ErasOptions options, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        try
        {
            if (headPath is not null) (options.HeadPath, options.ModelManifest) = (headPath, "");
            var evaluation = cvFolds >= 2
                ? await CrossValidateAsync(source, cvFolds, kinds, seed, seeds, options, stderr, ct)
                : await EvaluateModelAsync(source, kinds, nonConcert, options, stderr, ct);

            stdout.WriteLine(Report.Format(evaluation.Report));
            stdout.WriteLine();
            if (evaluation.PerSeed is { Count: > 1 } perSeed)
            {
                stdout.WriteLine(Report.FormatSeeds(perSeed));
                stdout.WriteLine();
            }
            if (evaluation.FromTheStands is { Count: > 0 } stands)
            {
                stdout.WriteLine(Report.FormatDistances(stands));
                stdout.WriteLine();
            }
            stdout.WriteLine(Report.FormatConfusion(evaluation.Report));
            stdout.WriteLine();
            stdout.WriteLine(Report.FormatMistakes(evaluation.Mistakes));
            stdout.WriteLine();
            stdout.WriteLine(Report.FormatHonesty(evaluation.Honesty));

            Directory.CreateDirectory(reportDir);
            var png = Path.Combine(reportDir, "confusion.png");
            await File.WriteAllBytesAsync(png, ConfusionMatrixChart.RenderPng(evaluation.Report, [.. evaluation.Report.PerClass.Keys]), ct);
            if (ConfusionMatrixChart.FontProblem is { } fontProblem) await stderr.WriteLineAsync(fontProblem);
            var json = Path.Combine(reportDir, "report.json");
            await File.WriteAllBytesAsync(json, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(evaluation, HeadFile.Json), ct);
            stdout.WriteLine();
            stdout.WriteLine($"Saved {png} and {json}");
            return 0;
        }
        catch (Exception e) when (e is BackboneUnavailableException or FileNotFoundException or InvalidDataException or ArgumentException)
        {
            await stderr.WriteLineAsync(e.Message);
            return 1;
        }
    }

    /// <summary>
    /// Grouped K-fold scores of the recipe recorded in the head's provenance (views, kinds,
    /// regularisation), repeated over <paramref name="seeds"/> fold assignments: the answers of all
    /// runs are pooled into one report, and each run's own scores are kept to show the spread.
    /// </summary>
    static async Task<Evaluation> CrossValidateAsync(IReadOnlyList<string> source, int folds, IReadOnlyList<string> kinds, int? seed, int seeds, ErasOptions options, TextWriter log, CancellationToken ct)
    {
        var settings = Recipe(options);
        LabelledPhotos.Load(source, kinds); // the sources and kinds checked before any feature is extracted
        var examples = await TrainingSet.LoadAsync(source, settings, options, log, ct);
        var scored = Enumerable.Range(0, examples.Count).Where(i => kinds.Count == 0 || kinds.Contains(examples[i].Photo.Kind)).ToList();
        if (scored.Count == 0) throw new InvalidDataException($"The recipe trains on none of the kinds {string.Join(", ", kinds)}.");

        var far = await FarFeaturesAsync(examples, scored, settings.ViewsForPrediction, options, log, ct);
        var stagePhotos = scored.Where(i => far[i].Length > 0).ToList();
        // [distance][run]: right answers, zoomed answers, uncertain answers; distance 0 is the close-up.
        var farCounts = new (int Right, int Zoomed, int Uncertain)[Distances.Length, seeds];

        var photos = new List<LabelledPhoto>();
        var probabilities = new List<float[]>();
        var uncertain = new List<bool>();
        var perSeed = new List<EvaluationReport>();
        List<string> labels = [];
        for (int run = 0; run < seeds; run++)
        {
            ct.ThrowIfCancellationRequested();
            var cv = HeadTrainer.CrossValidate(examples, settings with { Seed = (seed ?? settings.Seed) + run }, folds, far: far);
            foreach (var i in stagePhotos)
            {
                bool Right(float[] p) => cv.Labels[System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p)] == examples[i].Photo.Class;
                for (int d = 0; d < Distances.Length; d++)
                {
                    var answer = cv.Far[i][d];
                    var c = farCounts[d, run];
                    farCounts[d, run] = (c.Right + (Right(answer.Probabilities) ? 1 : 0), c.Zoomed + (answer.Zoomed ? 1 : 0), c.Uncertain + (answer.Uncertain ? 1 : 0));
                }
            }
            labels = [.. cv.Labels];
            photos.AddRange(scored.Select(i => examples[i].Photo));
            probabilities.AddRange(scored.Select(i => cv.Probabilities[i]));
            uncertain.AddRange(scored.Select(i => cv.Uncertain[i]));
            perSeed.Add(Scores(cv.Report.Method, labels, scored.Select(i => examples[i].Photo).ToList(), scored.Select(i => cv.Probabilities[i]).ToList()));
        }
        var method = $"{folds}-fold cross-validation grouped by outfit group"
            + (seeds > 1 ? $", {seeds} fold assignments (seeds {seed ?? settings.Seed}-{(seed ?? settings.Seed) + seeds - 1}) pooled" : $", seed {seed ?? settings.Seed}")
            + (kinds.Count > 0 ? $", scored on {string.Join(", ", kinds)}" : "");
        var pooled = Score(method, labels, photos, probabilities, uncertain, []);
        if (stagePhotos.Count > 0)
            pooled = pooled with
            {
                FromTheStands = [.. Distances.Select(d => d.Name).Select((name, d) =>
                {
                    var accuracy = Enumerable.Range(0, seeds).Select(run => Math.Round((double)farCounts[d, run].Right / stagePhotos.Count, 4)).ToArray();
                    double mean = accuracy.Average(), spread = Math.Sqrt(accuracy.Average(a => (a - mean) * (a - mean)));
                    double Share(Func<(int Right, int Zoomed, int Uncertain), int> count) => Math.Round(Enumerable.Range(0, seeds).Sum(run => count(farCounts[d, run])) / (double)(seeds * stagePhotos.Count), 4);
                    return new DistanceScores(name, stagePhotos.Count, accuracy, Math.Round(mean, 4), Math.Round(spread, 4), Share(c => c.Zoomed), Share(c => c.Uncertain));
                })],
            };
        if (seeds == 1) return pooled;
        // Calibration is measured per run (pooling the same photos would smooth it), and each photo is counted once.
        return pooled with
        {
            Report = pooled.Report with { Samples = scored.Count, Runs = seeds, CalibrationError = Math.Round(perSeed.Average(r => r.CalibrationError ?? 0), 4) },
            PerSeed = perSeed,
        };
    }

    /// <summary>Every scored stage photo on the stage of a generated stadium frame at each distance (empty for other photos): frames the eval draws itself, from seeds training never uses.</summary>
    static async Task<FarFeatures[][]> FarFeaturesAsync(IReadOnlyList<TrainingExample> examples, IReadOnlyList<int> scored, IReadOnlyList<View> views, ErasOptions options, TextWriter log, CancellationToken ct)
    {
        var far = examples.Select(_ => Array.Empty<FarFeatures>()).ToArray();
        var stage = scored.Where(i => examples[i].Photo.Kind == LabelledPhotos.StagePhoto).ToList();
        if (stage.Count == 0) return far;
        using var backbone = await TrainingSet.OpenBackboneAsync(options, ct);
        var extractor = TrainingSet.Extractor(backbone, options);
        var progress = new ConsoleProgress(log, "Placing stage photos in stadium frames", stage.Count);
        for (int j = 0; j < stage.Count; j++)
        {
            ct.ThrowIfCancellationRequested();
            far[stage[j]] = extractor.Far(examples[stage[j]].Photo, Distances.Select((d, k) => (d.Share, EvaluationFrameSeed + k)).ToList(), views);
            progress.Report(j + 1);
        }
        progress.Done();
        return far;
    }

    /// <summary>The training recipe recorded in the head's provenance: what cross-validation scores.</summary>
    public static TrainingSettings Recipe(ErasOptions options) =>
        EraHead.Load(options.HeadPath).File.Provenance?.Settings
            ?? throw new InvalidDataException($"The head '{options.HeadPath}' records no training recipe, so there is nothing to cross-validate.");

    /// <summary>The configured model (or --head) on every photo, through the same decoder and model as uploads.</summary>
    static async Task<Evaluation> EvaluateModelAsync(IReadOnlyList<string> source, IReadOnlyList<string> kinds, string? nonConcertFolder, ErasOptions options, TextWriter log, CancellationToken ct)
    {
        var photos = LabelledPhotos.Load(source, kinds);
        using var models = new ModelFactory();
        using var model = await models.LoadAsync(options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, ct);
        if (photos.FirstOrDefault(p => !model.Labels.Contains(p.Class)) is { } unknown)
            throw new InvalidDataException($"'{unknown.RelativePath}' is labelled '{unknown.Class}', which the model does not know (it knows {string.Join(", ", model.Labels)}).");

        var scored = new List<LabelledPhoto>();
        var probabilities = new List<float[]>();
        var uncertain = new List<bool>();
        var progress = new ConsoleProgress(log, "Classifying", photos.Count);
        var trainedOn = model.Head?.File.Provenance?.Photos.Select(p => p.Sha256).ToHashSet() ?? [];
        int seenInTraining = 0;
        for (int i = 0; i < photos.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var (bytes, sniff) = ImageFiles.Read(photos[i].Path);
                if (trainedOn.Contains(ContentHash.Sha256Hex(bytes))) seenInTraining++;
                using var decoded = ImageDecoder.Decode(bytes, sniff, new PixelLimits(options.MaxImagePixels, options.MaxFullDecodePixels), model.PreferredShortSide);
                var prediction = model.Classify(decoded.Upright);
                probabilities.Add(prediction.Probabilities);
                uncertain.Add(prediction.Uncertain);
                scored.Add(photos[i]);
            }
            catch (Exception e) when (e is MediaRejectedException or IOException or UnauthorizedAccessException)
            {
                progress.WriteLine($"skipped {photos[i].RelativePath}: {e.Message}");
            }
            progress.Report(i + 1);
        }
        progress.Done();
        if (seenInTraining > 0)
            log.WriteLine($"Note: {seenInTraining} of these photos trained this head, so the scores below overstate how it does on new photos; --cv K scores its recipe on held-out outfits.");
        return Score($"{model.Version} on {string.Join(" + ", source)}", model.Labels, scored, probabilities, uncertain, NonConcertAnswers(model, nonConcertFolder, options, log));
    }

    /// <summary>The model's answers for pictures that are not stage photos: the generated ones and any in the folder given.</summary>
    static List<NonConcertAnswer> NonConcertAnswers(IEraModel model, string? folder, ErasOptions options, TextWriter log)
    {
        var answers = new List<NonConcertAnswer>();
        void Add(string name, SkiaSharp.SKBitmap image)
        {
            var p = model.Classify(image);
            answers.Add(new NonConcertAnswer(name, p.Era, p.Confidence, p.Uncertain));
        }
        foreach (var (name, image) in NonConcertImages.Generate())
            using (image) Add($"generated/{name}", image);
        if (folder is null) return answers;
        foreach (var file in ImageFiles.In(folder, recursive: true))
        {
            try
            {
                using var decoded = ImageFiles.Decode(file, new PixelLimits(options.MaxImagePixels, options.MaxFullDecodePixels), model.PreferredShortSide);
                Add(Path.GetRelativePath(folder, file), decoded.Upright);
            }
            catch (Exception e) when (e is MediaRejectedException or IOException or UnauthorizedAccessException)
            {
                log.WriteLine($"skipped {file}: {e.Message}");
            }
        }
        return answers;
    }

    static Evaluation Score(string method, IReadOnlyList<string> labels, IReadOnlyList<LabelledPhoto> photos, IReadOnlyList<float[]> probabilities,
        IReadOnlyList<bool> uncertain, IReadOnlyList<NonConcertAnswer> nonConcert)
    {
        var report = Scores(method, labels, photos, probabilities);
        var mistakes = Report.Mistakes(photos.Select(p => p.RelativePath).ToList(), photos.Select(p => p.Class).ToList(), probabilities, labels);
        var wrong = Enumerable.Range(0, photos.Count).Where(i => labels[System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities[i])] != photos[i].Class).ToList();
        var honesty = new HonestySummary(photos.Count, uncertain.Count(u => u), wrong.Count, wrong.Count(i => uncertain[i]), nonConcert);
        return new Evaluation(report, mistakes, honesty);
    }

    static EvaluationReport Scores(string method, IReadOnlyList<string> labels, IReadOnlyList<LabelledPhoto> photos, IReadOnlyList<float[]> probabilities)
    {
        var labelList = labels.ToList();
        var truth = photos.Select(p => labelList.IndexOf(p.Class)).ToList();
        var predicted = probabilities.Select(p => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p)).ToList();
        return Metrics.Evaluate(method, labels, truth, predicted) with { CalibrationError = Metrics.CalibrationError(truth, probabilities) };
    }
}
