using ErasWeb.Classification;

namespace ErasWeb.Training;

/// <summary>A labelled photo with its pooled features through the training views and through the prediction views.</summary>
public sealed record TrainingExample(LabelledPhoto Photo, string Sha256, float[][] TrainingViews, float[][] PredictionViews)
{
    /// <summary>What the head sees at prediction: the prediction views' features averaged.</summary>
    public float[] PredictionFeatures { get; } = Average(PredictionViews);

    /// <summary>Features of several views of one picture averaged, as the head sees them at prediction.</summary>
    public static float[] Average(float[][] views)
    {
        var mean = new float[views[0].Length];
        foreach (var v in views) System.Numerics.Tensors.TensorPrimitives.Add(mean, v, mean);
        System.Numerics.Tensors.TensorPrimitives.Divide(mean, views.Length, mean);
        return mean;
    }
}

/// <summary>
/// Held-out probabilities (calibrated), similarities to the prototypes and uncertain flags for
/// every example, the scores they add up to, and the temperature that calibrates the whole set.
/// </summary>
public sealed record CrossValidation(EvaluationReport Report, IReadOnlyList<string> Labels, float[][] Probabilities, float[] Similarities, bool[] Uncertain, float SimilarityThreshold, double Temperature)
{
    /// <summary>Each example's fold.</summary>
    public int[] Folds { get; init; } = [];

    /// <summary>Pictures that are none of the examples (not concert photos, say) as each fold's head answers them: [fold][picture].</summary>
    public HeldOutAnswer[][] Outsiders { get; init; } = [];

    /// <summary>Each example seen from the stands ([example][frame], empty where none was given), answered by the head that held it out, as the app answers: zoomed in where that is the better answer.</summary>
    public FarAnswer[][] Far { get; init; } = [];
}

/// <summary>A held-out head's answer for a stadium frame: calibrated probabilities, whether they come from the zoomed view, and whether the answer is uncertain.</summary>
public sealed record FarAnswer(float[] Probabilities, bool Zoomed, bool Uncertain);

/// <summary>What a fold's head says of a picture: calibrated probabilities, and whether the picture is unlike its training photos (under the similarity threshold).</summary>
public sealed record HeldOutAnswer(float[] Probabilities, bool Unfamiliar);

/// <summary>Fits the era head on pooled features, scores the same recipe by grouped cross-validation, and records how.</summary>
public static class HeadTrainer
{
    /// <summary>Share of held-out stage photos allowed to fall under the similarity threshold.</summary>
    public const double FlaggedStagePhotos = 0.05;

    /// <param name="crossValidation">The recipe's cross-validation on these examples, when the caller has run it already.</param>
    public static HeadFile Train(IReadOnlyList<TrainingExample> examples, TrainingSettings settings, int cvFolds, string command, string source, BackboneSpec spec,
        CrossValidation? crossValidation = null)
    {
        var labels = Labels(examples);
        var cv = crossValidation ?? (cvFolds >= 2 ? CrossValidate(examples, settings, cvFolds) : null);
        // Calibrated by the temperature the held-out answers call for; without cross-validation there is nothing to calibrate on.
        var final = SoftmaxRegression.WithTemperature(Fit(examples, labels, settings), cv?.Temperature ?? 1);
        var photos = examples.Select(e => new TrainingPhoto(e.Photo.RelativePath, e.Sha256, e.Photo.Class, e.Photo.Kind, e.Photo.Group)).ToList();
        var provenance = new HeadProvenance(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), command, source, settings, photos, cv?.Report, cv?.Temperature);
        // Without cross-validation there is nothing to calibrate the familiarity threshold on.
        var uncertainty = cv is null ? null : new UncertaintyRule((float)settings.MinConfidence, cv.SimilarityThreshold, Prototypes(examples, labels),
            $"similarity threshold: the {FlaggedStagePhotos:0%} quantile of held-out {(HasStagePhotos(examples) ? "stage " : "")}photos' similarity to the prototypes of their fold's training photos " +
            $"({cv.Uncertain.Count(u => u)} of {cv.Uncertain.Length} held-out photos uncertain)");
        return new HeadFile(HeadFile.CurrentFormat, labels, spec.Name, spec.Sha256, $"{spec.FeatureMapName} average-pooled ({spec.FeatureChannels})",
            final.Weights, final.Bias, provenance, settings.PredictionViews, uncertainty);
    }

    public static List<string> Labels(IReadOnlyList<TrainingExample> examples) =>
        examples.Select(e => e.Photo.Class).Distinct().Order(StringComparer.Ordinal).ToList();

    static bool HasStagePhotos(IReadOnlyList<TrainingExample> examples) => examples.Any(e => e.Photo.Kind == LabelledPhotos.StagePhoto);

    /// <summary>
    /// K folds split by outfit group: every example is scored by a head that never saw its outfit.
    /// Its probabilities are calibrated by a temperature fitted on the other folds' held-out
    /// answers, so the calibration is scored on photos it was not fitted on either.
    /// </summary>
    /// <param name="trainable">Which examples a fold may train on (all by default); the others are only scored. Scoring another
    /// training set on the very same folds and photos is how a retrained head is compared with the one it would replace.</param>
    /// <param name="outsiders">Prediction features of pictures outside the examples, answered by every fold's head.</param>
    /// <param name="far">Per example, the features of stadium frames with it on stage, scored like <paramref name="outsiders"/> but by the head that held the example out.</param>
    public static CrossValidation CrossValidate(IReadOnlyList<TrainingExample> examples, TrainingSettings settings, int folds, Func<TrainingExample, bool>? trainable = null,
        IReadOnlyList<float[]>? outsiders = null, IReadOnlyList<FarFeatures[]>? far = null)
    {
        var labels = Labels(examples);
        var fold = GroupedFolds.Assign(examples.Select(e => e.Photo.Group).ToList(), examples.Select(e => e.Photo.Class).ToList(), folds, settings.Seed);
        var logits = new float[examples.Count][];
        var similarities = new float[examples.Count];
        var outsiderLogits = new float[folds][][];
        var outsiderSimilarities = new float[folds][];
        // [example][frame]: the whole view's and the zoomed view's logits and similarity.
        var farScores = new (float[] Logits, float Similarity, float[]? ZoomedLogits, float ZoomedSimilarity)[examples.Count][];
        for (int f = 0; f < folds; f++)
        {
            var train = examples.Where((e, i) => fold[i] != f && (trainable?.Invoke(e) ?? true)).ToList();
            if (train.Count == 0) continue;
            var model = Fit(train, labels, settings);
            var prototypes = Prototypes(train, labels);
            float Similarity(float[] features) => prototypes.Max(p => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(features, p));
            for (int i = 0; i < examples.Count; i++)
                if (fold[i] == f)
                {
                    logits[i] = SoftmaxRegression.Logits(model, examples[i].PredictionFeatures);
                    similarities[i] = Similarity(examples[i].PredictionFeatures);
                    farScores[i] = (far?[i] ?? []).Select(x => (SoftmaxRegression.Logits(model, x.Whole), Similarity(x.Whole),
                        x.Zoomed is null ? null : SoftmaxRegression.Logits(model, x.Zoomed), x.Zoomed is null ? 0 : Similarity(x.Zoomed))).ToArray();
                }
            outsiderLogits[f] = outsiders?.Select(x => SoftmaxRegression.Logits(model, x)).ToArray() ?? [];
            outsiderSimilarities[f] = outsiders?.Select(Similarity).ToArray() ?? [];
        }
        // Calibrated on the photos fans upload: stage photos, where there are any.
        var reference = Enumerable.Range(0, examples.Count).Where(i => !HasStagePhotos(examples) || examples[i].Photo.Kind == LabelledPhotos.StagePhoto).ToList();
        var truth = examples.Select(e => labels.IndexOf(e.Photo.Class)).ToList();
        double Temperature(Func<int, bool> include)
        {
            var chosen = reference.Where(include).ToList();
            return SoftmaxRegression.FitTemperature(chosen.Select(i => logits[i]).ToList(), chosen.Select(i => truth[i]).ToList());
        }
        var foldTemperature = Enumerable.Range(0, folds).Select(f => Temperature(i => fold[i] != f)).ToArray();
        float[] Calibrated(float[] scores, int f) => EraHead.Softmax(scores.Select(z => (float)(z / foldTemperature[f])).ToArray());
        var probabilities = Enumerable.Range(0, examples.Count).Select(i => Calibrated(logits[i], fold[i])).ToArray();

        var referenceSimilarities = reference.Select(i => similarities[i]).Order().ToList();
        float threshold = referenceSimilarities[(int)Math.Floor(FlaggedStagePhotos * (referenceSimilarities.Count - 1))];
        var uncertain = Enumerable.Range(0, examples.Count).Select(i => similarities[i] < threshold || probabilities[i].Max() < settings.MinConfidence).ToArray();
        var predicted = probabilities.Select(p => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p)).ToList();
        var report = Metrics.Evaluate($"{folds}-fold cross-validation grouped by outfit", labels, truth, predicted)
            with
        { CalibrationError = Metrics.CalibrationError(truth, probabilities) };
        var outsiderAnswers = Enumerable.Range(0, folds).Select(f => (outsiderLogits[f] ?? [])
            .Select((z, j) => new HeldOutAnswer(Calibrated(z, f), outsiderSimilarities[f][j] < threshold)).ToArray()).ToArray();
        var farAnswers = Enumerable.Range(0, examples.Count).Select(i => (farScores[i] ?? []).Select(x =>
        {
            // The app's choice between the views, with the held-out head's calibration and threshold.
            bool zoom = x.ZoomedLogits is not null && EraClassifier.PrefersZoomed(x.Similarity, x.ZoomedSimilarity);
            var probabilities = Calibrated(zoom ? x.ZoomedLogits! : x.Logits, fold[i]);
            return new FarAnswer(probabilities, zoom, (zoom ? x.ZoomedSimilarity : x.Similarity) < threshold || probabilities.Max() < settings.MinConfidence);
        }).ToArray()).ToArray();
        return new CrossValidation(report, labels, probabilities, similarities, uncertain, threshold, Temperature(_ => true)) { Folds = fold, Outsiders = outsiderAnswers, Far = farAnswers };
    }

    /// <summary>Per era, the normalised mean of its photos' normalised features: what "looks like this era's photos" means.</summary>
    static float[][] Prototypes(IReadOnlyList<TrainingExample> examples, List<string> labels) =>
        labels.Select(label => examples.Where(e => e.Photo.Class == label).Select(e => e.PredictionFeatures).ToList())
            .Where(features => features.Count > 0)
            .Select(features =>
            {
                var sum = new float[features[0].Length];
                foreach (var f in features) System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(f, 1 / System.Numerics.Tensors.TensorPrimitives.Norm(f), sum, sum);
                System.Numerics.Tensors.TensorPrimitives.Divide(sum, System.Numerics.Tensors.TensorPrimitives.Norm(sum), sum);
                return sum;
            }).ToArray();

    /// <summary>
    /// Fits on normalised features of every training view (which the optimiser converges on far
    /// faster), then folds the normalisation into the weights and biases: the head stays linear
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
        if (settings.Normalisation == TrainingSettings.GlobalScale)
        {
            float scale = (float)Math.Sqrt(x.Average(r => (double)System.Numerics.Tensors.TensorPrimitives.Dot(r, r)) / d);
            Array.Fill(std, scale);
        }
        else
            for (int j = 0; j < d; j++)
            {
                double m = x.Average(r => r[j]);
                double v = x.Average(r => (r[j] - m) * (r[j] - m));
                mean[j] = (float)m;
                std[j] = (float)Math.Max(Math.Sqrt(v), 1e-3);
            }
        var normalised = x.Select(r => r.Select((v, j) => (v - mean[j]) / std[j]).ToArray()).ToList();
        var model = SoftmaxRegression.Fit(normalised, y, labels.Count, sampleWeights, settings.L2, settings.Iterations);

        var weights = model.Weights.Select(row => row.Select((w, j) => w / std[j]).ToArray()).ToArray();
        var bias = model.Bias.Select((b, c) => b - System.Numerics.Tensors.TensorPrimitives.Dot(weights[c], mean)).ToArray();
        return new SoftmaxRegression.Model(weights, bias);
    }
}
