using System.Globalization;
using ErasWeb.Training;

namespace ErasWeb.Retraining;

/// <summary>Held-out scores on stage photos: accuracy, macro F1 and each era's recall.</summary>
public sealed record GateScores(double Accuracy, double MacroF1, IReadOnlyDictionary<string, double> Recall);

/// <summary>Whether a retrained head replaces the active one, with both heads' scores and the reason in words.</summary>
public sealed record GateVerdict(bool Promote, GateScores Candidate, GateScores Baseline, string Reason);

/// <summary>
/// The eval gate. Both heads are scored by the same grouped cross-validation, on the same folds: the
/// candidate trained on everything, the baseline only on what the active head learned from. Scores
/// count only the curated stage photos, never fans' labels: labels that are wrong in one direction
/// would otherwise grade the head that learned them as right. The candidate is promoted unless its
/// macro F1 drops by more than the tolerance, or an era the baseline recognised is never recognised.
/// </summary>
public static class EvalGate
{
    public static GateVerdict Judge(IReadOnlyList<TrainingExample> examples, CrossValidation candidate, CrossValidation baseline, double tolerance, Func<TrainingExample, bool> curated)
    {
        var stage = Enumerable.Range(0, examples.Count).Where(i => examples[i].Photo.Kind == LabelledPhotos.StagePhoto && curated(examples[i])).ToList();
        GateScores Scores(CrossValidation cv)
        {
            var labels = cv.Labels.ToList();
            var report = Metrics.Evaluate("gate", labels, stage.Select(i => labels.IndexOf(examples[i].Photo.Class)).ToList(),
                stage.Select(i => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(cv.Probabilities[i])).ToList());
            return new GateScores(report.Accuracy, report.MacroF1, report.PerClass.Where(c => c.Value.Support > 0).ToDictionary(c => c.Key, c => c.Value.Recall));
        }
        var (next, now) = (Scores(candidate), Scores(baseline));
        var lost = now.Recall.Where(r => r.Value > 0 && next.Recall.GetValueOrDefault(r.Key) == 0).Select(r => r.Key).ToList();
        bool worse = next.MacroF1 < now.MacroF1 - tolerance;
        var reason = worse ? string.Create(CultureInfo.InvariantCulture, $"macro F1 would drop from {now.MacroF1:0.000} to {next.MacroF1:0.000}, more than the tolerance of {tolerance:0.###}")
            : lost.Count > 0 ? $"{string.Join(", ", lost)} would no longer be recognised on stage"
            : string.Create(CultureInfo.InvariantCulture, $"macro F1 {now.MacroF1:0.000} -> {next.MacroF1:0.000}, accuracy {now.Accuracy:0.000} -> {next.Accuracy:0.000}, every era recognised before still is");
        return new GateVerdict(!worse && lost.Count == 0, next, now, reason);
    }
}
