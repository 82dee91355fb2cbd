using ErasWeb.Classification;

namespace ErasWeb.Training;

public static class Metrics
{
    /// <summary>Accuracy, per-class precision/recall/F1 and the confusion matrix (rows: truth, columns: prediction). Macro F1 averages the classes that occur in the truth.</summary>
    public static EvaluationReport Evaluate(string method, IReadOnlyList<string> labels, IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        int k = labels.Count;
        var confusion = Enumerable.Range(0, k).Select(_ => new int[k]).ToArray();
        for (int i = 0; i < truth.Count; i++) confusion[truth[i]][predicted[i]]++;
        var perClass = new Dictionary<string, ClassScores>();
        var f1s = new List<double>();
        for (int c = 0; c < k; c++)
        {
            int tp = confusion[c][c], support = confusion[c].Sum(), predictedAs = confusion.Sum(row => row[c]);
            double precision = predictedAs == 0 ? 0 : (double)tp / predictedAs;
            double recall = support == 0 ? 0 : (double)tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass[labels[c]] = new ClassScores(Math.Round(precision, 4), Math.Round(recall, 4), Math.Round(f1, 4), support);
            if (support > 0) f1s.Add(f1);
        }
        double accuracy = truth.Count == 0 ? 0 : (double)Enumerable.Range(0, truth.Count).Count(i => truth[i] == predicted[i]) / truth.Count;
        return new EvaluationReport(method, truth.Count, Math.Round(accuracy, 4), Math.Round(f1s.Count == 0 ? 0 : f1s.Average(), 4), perClass, confusion);
    }

    /// <summary>Expected calibration error over <paramref name="bins"/> equal-width confidence bins, weighted by how many answers fall in each.</summary>
    public static double CalibrationError(IReadOnlyList<int> truth, IReadOnlyList<float[]> probabilities, int bins = 10)
    {
        var confidence = new double[bins];
        var correct = new double[bins];
        var count = new int[bins];
        for (int i = 0; i < truth.Count; i++)
        {
            int predicted = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities[i]);
            float p = probabilities[i][predicted];
            int bin = Math.Min((int)(p * bins), bins - 1);
            confidence[bin] += p;
            correct[bin] += predicted == truth[i] ? 1 : 0;
            count[bin]++;
        }
        double error = 0;
        for (int b = 0; b < bins; b++)
            if (count[b] > 0) error += Math.Abs(correct[b] - confidence[b]) / truth.Count;
        return Math.Round(error, 4);
    }
}
