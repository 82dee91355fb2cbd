using System.CommandLine;
using ErasWeb.Classification;
using ErasWeb.Configuration;

namespace ErasWeb.Training;

/// <summary>erasweb train SOURCE: fits the era head from labelled photos and writes it with its provenance.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var source = new Argument<string[]>("sources") { Description = "One or more MANIFEST.tsv files (file, class, kind, group columns) or folders of class sub-folders, such as the shared photos and a dataset exported from the app.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Where to write the head file.", DefaultValueFactory = _ => "models/era-head.json" };
        var kinds = new Option<string[]>("--kinds") { Description = "Which kinds of photo to train on (manifest 'kind' column); all by default.", AllowMultipleArgumentsPerToken = true };
        var classWeights = new Option<string>("--class-weights") { Description = "inverse-frequency (default) or none.", DefaultValueFactory = _ => "inverse-frequency" };
        classWeights.AcceptOnlyFromAmong("inverse-frequency", "none");
        var l2 = new Option<double>("--l2") { Description = "L2 regularisation strength.", DefaultValueFactory = _ => 0.1 };
        var normalisation = new Option<string>("--normalisation") { Description = "global-scale (default: one scale for all features) or standardise (per feature).", DefaultValueFactory = _ => TrainingSettings.GlobalScale };
        normalisation.AcceptOnlyFromAmong(TrainingSettings.GlobalScale, TrainingSettings.Standardise);
        var views = new Option<string>("--views") { Description = "How the head sees each photo, in training and at prediction: whole (default: the whole photo stretched to the model's square), whole+mirror, center (the backbone's centre crop) or center+mirror.", DefaultValueFactory = _ => "whole" };
        views.AcceptOnlyFromAmong([.. ViewSets.Keys]);
        var cutoutScenes = new Option<int>("--cutout-scenes") { Description = "Generated stage scenes each stage cut-out is also trained in (besides on black).", DefaultValueFactory = _ => 8 };
        var stadiumScenes = new Option<int>("--stadium-scenes") { Description = "Generated stadium frames each stage photo is also trained in, as a small stage seen from the stands through the zoomed view (0: none).", DefaultValueFactory = _ => 0 };
        var minConfidence = new Option<double>("--min-confidence") { Description = "Answers whose winning era is less probable than this are marked uncertain.", DefaultValueFactory = _ => 0.2 };
        var iterations = new Option<int>("--iterations") { Description = "Gradient steps of the optimiser.", DefaultValueFactory = _ => 1500 };
        var cv = new Option<int>("--cv") { Description = "Folds of grouped cross-validation to score the recipe (0: skip).", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed for the fold assignment.", DefaultValueFactory = _ => 42 };

        var command = new Command("train", "Train the era head from labelled photos.") { source, output, kinds, classWeights, l2, normalisation, views, cutoutScenes, stadiumScenes, minConfidence, iterations, cv, seed };
        command.SetAction(async (result, ct) =>
        {
            var viewList = ViewSets[result.GetValue(views)!];
            var settings = new TrainingSettings(result.GetValue(kinds) ?? [], result.GetValue(classWeights)!, result.GetValue(l2), result.GetValue(seed), result.GetValue(iterations),
                viewList, viewList, result.GetValue(normalisation)!, result.GetValue(minConfidence), result.GetValue(cutoutScenes), result.GetValue(stadiumScenes));
            var args = string.Join(' ', Environment.GetCommandLineArgs().Skip(1).SkipWhile(a => a != "train").Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
            return await RunAsync(result.GetValue(source)!, result.GetValue(output)!, settings, result.GetValue(cv), $"erasweb {args}", ErasOptions.FromEnvironment(), ct);
        });
        return command;
    }

    static readonly Dictionary<string, IReadOnlyList<View>> ViewSets = new()
    {
        ["whole"] = [View.Whole],
        ["whole+mirror"] = [View.Whole, View.Whole with { Name = "whole-mirrored", Mirror = true }],
        ["center"] = [View.Center],
        ["center+mirror"] = [View.Center, View.CenterMirrored],
    };

    public static async Task<int> RunAsync(IReadOnlyList<string> sources, string output, TrainingSettings settings, int cvFolds, string command, ErasOptions options, CancellationToken ct)
    {
        try { return await TrainAsync(sources, output, settings, cvFolds, command, options, ct); }
        catch (Exception e) when (e is BackboneUnavailableException or FileNotFoundException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    static async Task<int> TrainAsync(IReadOnlyList<string> sources, string output, TrainingSettings settings, int cvFolds, string command, ErasOptions options, CancellationToken ct)
    {
        var examples = await TrainingSet.LoadAsync(sources, settings, options, Console.Error, ct);
        Console.Error.WriteLine($"Training on {examples.Count} photos ({string.Join(", ", examples.GroupBy(e => e.Photo.Class).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}"))})");
        var sourceName = string.Join(" + ", sources.Select(source =>
        {
            var full = Path.GetFullPath(source);
            return Path.Combine(Path.GetFileName(Path.GetDirectoryName(full)) ?? "", Path.GetFileName(full));
        }));
        var head = HeadTrainer.Train(examples, settings, cvFolds, command, sourceName, BackboneSpec.MobileNetV2Int8);
        await Files.AtomicFile.WriteAllBytesAsync(output, head.ToJson(), ct);

        if (head.Provenance?.CrossValidation is { } report) Console.WriteLine(Report.Format(report));
        Console.WriteLine(head.Uncertainty is { } rule
            ? $"Uncertain below {rule.MinConfidence:0.##} confidence or {rule.MinSimilarity:0.###} similarity; {rule.Calibration}."
            : "No uncertainty rule: it is calibrated by cross-validation, which --cv 0 skipped.");
        Console.WriteLine($"Wrote {output}");
        return 0;
    }
}
