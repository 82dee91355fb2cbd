using ErasWeb.Classification;

namespace ErasWeb.Training;

/// <summary>A photo the model got wrong, with its three most likely eras (of the first wrong answer) and in how many of the runs scored it was wrong.</summary>
public sealed record Mistake(string File, string Truth, IReadOnlyList<EraScore> Top3, int Runs = 1);

public sealed record EraScore(string Era, float Probability);

/// <summary>A picture that is no stage photo and what the model said of it.</summary>
public sealed record NonConcertAnswer(string Name, string Era, float Confidence, bool Uncertain);

/// <summary>How often the model says "uncertain": on real photos (ideally rarely, and mostly when wrong) and on non-concert pictures (ideally always).</summary>
public sealed record HonestySummary(int Photos, int PhotosUncertain, int Mistakes, int MistakesUncertain, IReadOnlyList<NonConcertAnswer> NonConcert)
{
    public int FalseConfident => NonConcert.Count(a => !a.Uncertain);
}

/// <summary>The evaluation as people read it in a terminal.</summary>
public static class Report
{
    public static string Format(EvaluationReport report)
    {
        var lines = new List<string>
        {
            $"{report.Method}: {report.Samples} photos{(report.Runs > 1 ? $" x {report.Runs} runs" : "")}, accuracy {report.Accuracy:0.000}, macro F1 {report.MacroF1:0.000} (over the eras present)",
            $"{"era",-12} {"precision",9} {"recall",7} {"F1",6} {(report.Runs > 1 ? "answers" : "support"),8}",
        };
        lines.AddRange(report.PerClass.Select(p => $"{p.Key,-12} {p.Value.Precision,9:0.000} {p.Value.Recall,7:0.000} {p.Value.F1,6:0.000} {p.Value.Support,8}"));
        if (report.CalibrationError is { } ece) lines.Add($"expected calibration error {ece:0.000}{(report.Runs > 1 ? ", the mean of the runs'" : "")} (0 when the stated confidence matches how often it is right)");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>The spread between repeated cross-validations: each run's accuracy and macro F1, their mean and standard deviation.</summary>
    public static string FormatSeeds(IReadOnlyList<EvaluationReport> runs)
    {
        static string Spread(IEnumerable<double> values)
        {
            var v = values.ToList();
            double mean = v.Average(), sd = Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
            return $"{mean:0.000} ± {sd:0.000} (runs: {string.Join(", ", v.Select(x => x.ToString("0.000")))})";
        }
        return string.Join(Environment.NewLine,
            $"over {runs.Count} runs: accuracy {Spread(runs.Select(r => r.Accuracy))}",
            $"{"",13}macro F1 {Spread(runs.Select(r => r.MacroF1))}",
            $"{"",13}calibration error {Spread(runs.Select(r => r.CalibrationError ?? 0))}");
    }

    /// <summary>Held-out stage photos close up and from the stands: accuracy per distance over the runs, and how often the zoomed view answered.</summary>
    public static string FormatDistances(IReadOnlyList<EvalCommand.DistanceScores> distances) => string.Join(Environment.NewLine,
        [$"from the stands ({distances[0].Photos} held-out stage photos, each distance scored on the same photos):",
            .. distances.Select(d => $"  {d.Distance,-28} accuracy {d.Accuracy:0.000} ± {d.Spread:0.000} (runs: {string.Join(", ", d.AccuracyPerSeed.Select(a => a.ToString("0.000")))}), zoomed {d.Zoomed:0%}, uncertain {d.Uncertain:0%}")]);

    /// <summary>Rows: the true era; columns: the predicted era (abbreviated to fit a terminal).</summary>
    public static string FormatConfusion(EvaluationReport report)
    {
        var labels = report.PerClass.Keys.ToList();
        static string Short(string label) => label.Length <= 5 ? label : label[..5];
        var lines = new List<string> { $"confusion (rows: true era, columns: predicted{(report.Runs > 1 ? $"; answers of {report.Runs} runs" : "")})", $"{"",-12}" + string.Concat(labels.Select(l => $"{Short(l),6}")) };
        for (int r = 0; r < labels.Count; r++)
            lines.Add($"{labels[r],-12}" + string.Concat(report.Confusion[r].Select(n => $"{(n == 0 ? "." : n.ToString()),6}")));
        return string.Join(Environment.NewLine, lines);
    }

    public static string FormatMistakes(IReadOnlyList<Mistake> mistakes)
    {
        if (mistakes.Count == 0) return "No mistakes.";
        var lines = new List<string> { $"{mistakes.Count} mistakes (true era -> top 3):" };
        lines.AddRange(mistakes.Select(m => $"  {m.File}: {m.Truth} -> {string.Join(", ", m.Top3.Select(t => $"{t.Era} {t.Probability * 100:0}%"))}{(m.Runs > 1 ? $" (wrong in {m.Runs} runs)" : "")}"));
        return string.Join(Environment.NewLine, lines);
    }

    public static string FormatHonesty(HonestySummary h)
    {
        var lines = new List<string>
        {
            $"Uncertain answers on these photos: {h.PhotosUncertain} of {h.Photos} ({Share(h.PhotosUncertain, h.Photos)}), including {h.MistakesUncertain} of the {h.Mistakes} mistakes.",
        };
        if (h.NonConcert.Count > 0)
        {
            lines.Add($"Non-concert pictures given a confident era (false confidence): {h.FalseConfident} of {h.NonConcert.Count} ({Share(h.FalseConfident, h.NonConcert.Count)}).");
            lines.AddRange(h.NonConcert.Where(a => !a.Uncertain).Select(a => $"  {a.Name}: {a.Era} {a.Confidence * 100:0}%"));
        }
        return string.Join(Environment.NewLine, lines);
    }

    static string Share(int part, int whole) => whole == 0 ? "-" : $"{100.0 * part / whole:0}%";

    public static List<Mistake> Mistakes(IReadOnlyList<string> files, IReadOnlyList<string> truth, IReadOnlyList<float[]> probabilities, IReadOnlyList<string> labels) =>
        Enumerable.Range(0, files.Count)
            .Where(i => labels[System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities[i])] != truth[i])
            .GroupBy(i => files[i])
            .Select(g => new Mistake(g.Key, truth[g.First()], probabilities[g.First()].Select((p, c) => new EraScore(labels[c], p))
                .OrderByDescending(s => s.Probability).Take(3).ToList(), g.Count()))
            .ToList();
}
