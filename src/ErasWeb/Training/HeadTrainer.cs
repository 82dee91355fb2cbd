using ErasWeb.Classification;

namespace ErasWeb.Training;

public sealed record TrainingExample(LabelledPhoto Photo, string Sha256, float[] Features);

/// <summary>Fits the era head on pooled features, scores the same recipe by grouped cross-validation, and records how.</summary>
public static class HeadTrainer
{
    public static HeadFile Train(IReadOnlyList<TrainingExample> examples, TrainingSettings settings, int cvFolds, string command, string source, BackboneSpec spec)
    {
        var labels = examples.Select(e => e.Photo.Class).Distinct().Order(StringComparer.Ordinal).ToList();
        var y = examples.Select(e => labels.IndexOf(e.Photo.Class)).ToArray();
        var x = examples.Select(e => e.Features).ToArray();

        EvaluationReport? cv = null;
        if (cvFolds >= 2)
        {
            var folds = GroupedFolds.Assign(examples.Select(e => e.Photo.Group).ToList(), examples.Select(e => e.Photo.Class).ToList(), cvFolds, settings.Seed);
            var predicted = new int[examples.Count];
            for (int fold = 0; fold < cvFolds; fold++)
            {
                var train = Enumerable.Range(0, examples.Count).Where(i => folds[i] != fold).ToArray();
                var model = Fit(train.Select(i => x[i]).ToList(), train.Select(i => y[i]).ToList(), labels.Count, settings);
                foreach (var i in Enumerable.Range(0, examples.Count).Where(i => folds[i] == fold))
                    predicted[i] = SoftmaxRegression.Predict(model, x[i]);
            }
            cv = Metrics.Evaluate($"{cvFolds}-fold cross-validation grouped by outfit", labels, y, predicted);
        }

        var final = Fit(x, y, labels.Count, settings);
        var photos = examples.Select(e => new TrainingPhoto(e.Photo.RelativePath, e.Sha256, e.Photo.Class, e.Photo.Kind, e.Photo.Group)).ToList();
        var provenance = new HeadProvenance(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"), command, source, settings, photos, cv);
        return new HeadFile(HeadFile.CurrentFormat, labels, spec.Name, spec.Sha256, $"{spec.FeatureMapName} average-pooled ({spec.FeatureChannels})",
            final.Weights, final.Bias, provenance);
    }

    /// <summary>
    /// Fits on standardised features (which the optimiser converges on far faster), then folds the
    /// standardisation into the weights and biases: the head stays linear in the raw pooled
    /// features, so Grad-CAM stays exact.
    /// </summary>
    static SoftmaxRegression.Model Fit(IReadOnlyList<float[]> x, IReadOnlyList<int> y, int classes, TrainingSettings settings)
    {
        int d = x[0].Length;
        var mean = new float[d];
        var std = new float[d];
        for (int j = 0; j < d; j++)
        {
            double m = x.Average(r => r[j]);
            double v = x.Average(r => (r[j] - m) * (r[j] - m));
            mean[j] = (float)m;
            std[j] = (float)Math.Max(Math.Sqrt(v), 1e-3);
        }
        var standardised = x.Select(r => r.Select((v, j) => (v - mean[j]) / std[j]).ToArray()).ToList();
        var sampleWeights = settings.ClassWeights == "inverse-frequency"
            ? SoftmaxRegression.InverseFrequencyWeights(y)
            : Enumerable.Repeat(1.0, y.Count).ToArray();
        var model = SoftmaxRegression.Fit(standardised, y, classes, sampleWeights, settings.L2, settings.Iterations);

        var weights = model.Weights.Select(row => row.Select((w, j) => w / std[j]).ToArray()).ToArray();
        var bias = model.Bias.Select((b, c) => b - System.Numerics.Tensors.TensorPrimitives.Dot(weights[c], mean)).ToArray();
        return new SoftmaxRegression.Model(weights, bias);
    }
}
