using ErasWeb.Classification;

namespace ErasWeb.Training;

/// <summary>A labelled photo with its pooled features through the training views and through the prediction views.</summary>
public sealed record TrainingExample(LabelledPhoto Photo, string Sha256, float[][] TrainingViews, float[][] PredictionViews)
{
    /// <summary>What the head sees at prediction: the prediction views' features averaged.</summary>
    public float[] PredictionFeatures { get; } = Average(PredictionViews);

    static float[] Average(float[][] views)
    {
        var mean = new float[views[0].Length];
        foreach (var v in views) System.Numerics.Tensors.TensorPrimitives.Add(mean, v, mean);
        System.Numerics.Tensors.TensorPrimitives.Divide(mean, views.Length, mean);
        return mean;
    }
}

/// <summary>Held-out probabilities for every example, and the scores they add up to.</summary>
public sealed record CrossValidation(EvaluationReport Report, IReadOnlyList<string> Labels, float[][] Probabilities, bool[] Uncertain);

/// <summary>Fits the era head on pooled features, scores the same recipe by grouped cross-validation, and records how.</summary>
public static class HeadTrainer
{
    public static HeadFile Train(IReadOnlyList<TrainingExample> examples, TrainingSettings settings, int cvFolds, string command, string source, BackboneSpec spec)
    {
        var labels = Labels(examples);
        var cv = cvFolds >= 2 ? CrossValidate(examples, settings, cvFolds).Report : null;
        var final = Fit(examples, labels, settings);
        var photos = examples.Select(e => new TrainingPhoto(e.Photo.RelativePath, e.Sha256, e.Photo.Class, e.Photo.Kind, e.Photo.Group)).ToList();
        var provenance = new HeadProvenance(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"), command, source, settings, photos, cv);
        return new HeadFile(HeadFile.CurrentFormat, labels, spec.Name, spec.Sha256, $"{spec.FeatureMapName} average-pooled ({spec.FeatureChannels})",
            final.Weights, final.Bias, provenance, settings.PredictionViews);
    }

    public static List<string> Labels(IReadOnlyList<TrainingExample> examples) =>
        examples.Select(e => e.Photo.Class).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>K folds split by outfit group: every example is scored by a head that never saw its outfit.</summary>
    public static CrossValidation CrossValidate(IReadOnlyList<TrainingExample> examples, TrainingSettings settings, int folds)
    {
        var labels = Labels(examples);
        var fold = GroupedFolds.Assign(examples.Select(e => e.Photo.Group).ToList(), examples.Select(e => e.Photo.Class).ToList(), folds, settings.Seed);
        var probabilities = new float[examples.Count][];
        var uncertain = new bool[examples.Count];
        for (int f = 0; f < folds; f++)
        {
            var train = examples.Where((_, i) => fold[i] != f).ToList();
            if (train.Count == 0) continue;
            var model = Fit(train, labels, settings);
            for (int i = 0; i < examples.Count; i++)
                if (fold[i] == f) probabilities[i] = SoftmaxRegression.Probabilities(model, examples[i].PredictionFeatures);
        }
        var truth = examples.Select(e => labels.IndexOf(e.Photo.Class)).ToList();
        var predicted = probabilities.Select(p => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p)).ToList();
        var report = Metrics.Evaluate($"{folds}-fold cross-validation grouped by outfit", labels, truth, predicted);
        return new CrossValidation(report, labels, probabilities, uncertain);
    }

    /// <summary>
    /// Fits on standardised features of every training view (which the optimiser converges on far
    /// faster), then folds the standardisation into the weights and biases: the head stays linear
    /// in the raw pooled features, so Grad-CAM stays exact. Each photo weighs the same whatever its
    /// number of views.
    /// </summary>
    static SoftmaxRegression.Model Fit(IReadOnlyList<TrainingExample> examples, List<string> labels, TrainingSettings settings)
    {
        var x = examples.SelectMany(e => e.TrainingViews).ToList();
        var y = examples.SelectMany(e => e.TrainingViews.Select(_ => labels.IndexOf(e.Photo.Class))).ToList();
        var photoClasses = examples.Select(e => labels.IndexOf(e.Photo.Class)).ToList();
        var classWeight = settings.ClassWeights == "inverse-frequency"
            ? SoftmaxRegression.InverseFrequencyWeights(photoClasses)
            : Enumerable.Repeat(1.0, photoClasses.Count).ToArray();
        var sampleWeights = examples.SelectMany((e, i) => e.TrainingViews.Select(_ => classWeight[i] / e.TrainingViews.Length)).ToList();

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
        var model = SoftmaxRegression.Fit(standardised, y, labels.Count, sampleWeights, settings.L2, settings.Iterations);

        var weights = model.Weights.Select(row => row.Select((w, j) => w / std[j]).ToArray()).ToArray();
        var bias = model.Bias.Select((b, c) => b - System.Numerics.Tensors.TensorPrimitives.Dot(weights[c], mean)).ToArray();
        return new SoftmaxRegression.Model(weights, bias);
    }
}
