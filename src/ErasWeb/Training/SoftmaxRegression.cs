using System.Numerics.Tensors;

namespace ErasWeb.Training;

/// <summary>
/// Multinomial logistic regression with per-sample weights and an L2 penalty on the weights (not
/// the biases), fitted by full-batch Nesterov accelerated gradient with a step of 1/L. Convex, so
/// the answer depends only on the data and settings; no randomness is involved.
/// </summary>
public static class SoftmaxRegression
{
    public sealed record Model(float[][] Weights, float[] Bias);

    /// <remarks>
    /// Starting from zero, every iterate's weights are a combination of the samples (each gradient is), so the
    /// iteration runs on those coefficients and the samples' dot products (the Gram matrix) and gives the same
    /// iterates. Per class and step that costs n x n instead of twice n x d: several times less work while the
    /// examples (about 300 today) are far fewer than twice the features (2 x 1280). The weights are put together
    /// from the coefficients at the end.
    /// </remarks>
    public static Model Fit(IReadOnlyList<float[]> x, IReadOnlyList<int> y, int classes, IReadOnlyList<double> sampleWeights, double l2, int iterations)
    {
        int n = x.Count, d = x[0].Length;
        var rows = x.Select(r => r.Select(v => (double)v).ToArray()).ToArray();
        var gram = new double[n][];
        for (int i = 0; i < n; i++)
        {
            gram[i] = new double[n];
            for (int j = 0; j <= i; j++) gram[i][j] = TensorPrimitives.Dot<double>(rows[i], rows[j]);
        }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) gram[i][j] = gram[j][i];
        double totalWeight = sampleWeights.Sum();
        // The loss's gradient is Lipschitz with constant at most max|x_i|^2 + 1 (the bias's constant feature), plus l2.
        double step = 1 / (Enumerable.Range(0, n).Max(i => gram[i][i]) + 1 + l2);

        // Per class: the samples' coefficients, and the bias in the last place.
        double[][] Matrix() => Enumerable.Range(0, classes).Select(_ => new double[n + 1]).ToArray();
        var a = Matrix();
        var previous = Matrix();
        var look = Matrix();
        var gradient = Matrix();
        var logits = new double[classes];
        double tPrev = 1;
        for (int it = 0; it < iterations; it++)
        {
            double t = (1 + Math.Sqrt(1 + 4 * tPrev * tPrev)) / 2, momentum = (tPrev - 1) / t;
            for (int c = 0; c < classes; c++)
            {
                // look = a + momentum * (a - previous)
                TensorPrimitives.Subtract<double>(a[c], previous[c], look[c]);
                TensorPrimitives.MultiplyAdd<double>(look[c], momentum, a[c], look[c]);
            }
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < classes; c++) logits[c] = TensorPrimitives.Dot<double>(look[c].AsSpan(0, n), gram[i]) + look[c][n];
                double max = logits.Max(), sum = 0;
                for (int c = 0; c < classes; c++) sum += logits[c] = Math.Exp(logits[c] - max);
                double scale = sampleWeights[i] / totalWeight;
                for (int c = 0; c < classes; c++) gradient[c][i] = scale * (logits[c] / sum - (c == y[i] ? 1 : 0));
            }
            for (int c = 0; c < classes; c++)
            {
                (previous[c], a[c]) = (a[c], previous[c]);
                // weights = look - step * (gradient + l2 * look); the bias is not penalised.
                double bias = look[c][n] - step * TensorPrimitives.Sum<double>(gradient[c].AsSpan(0, n));
                gradient[c][n] = 0;
                TensorPrimitives.MultiplyAdd<double>(look[c], l2, gradient[c], gradient[c]);
                TensorPrimitives.MultiplyAdd<double>(gradient[c], -step, look[c], a[c]);
                a[c][n] = bias;
            }
            tPrev = t;
        }

        var weights = new float[classes][];
        var sums = new double[d];
        for (int c = 0; c < classes; c++)
        {
            Array.Clear(sums);
            for (int i = 0; i < n; i++) TensorPrimitives.MultiplyAdd<double>(rows[i], a[c][i], sums, sums);
            weights[c] = sums.Select(v => (float)v).ToArray();
        }
        return new Model(weights, a.Select(row => (float)row[n]).ToArray());
    }

    /// <summary>Weights that make every class count as much in total: n / (classes present * class count).</summary>
    public static double[] InverseFrequencyWeights(IReadOnlyList<int> y)
    {
        var counts = y.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        return y.Select(c => (double)y.Count / (counts.Count * counts[c])).ToArray();
    }

    public static float[] Logits(Model model, float[] features)
    {
        var logits = new float[model.Bias.Length];
        for (int c = 0; c < logits.Length; c++) logits[c] = model.Bias[c] + TensorPrimitives.Dot(model.Weights[c], features);
        return logits;
    }

    /// <summary>
    /// The temperature T that makes softmax(logits / T) best match the truth (least negative
    /// log-likelihood), searched on log T by golden section. Dividing a linear head's weights and
    /// biases by T changes how sure it says it is, never which class wins.
    /// </summary>
    public static double FitTemperature(IReadOnlyList<float[]> logits, IReadOnlyList<int> truth)
    {
        if (logits.Count == 0) return 1;
        double Loss(double logT)
        {
            double t = Math.Exp(logT), loss = 0;
            foreach (var (z, y) in logits.Zip(truth))
            {
                double max = z.Max(), sum = 0;
                foreach (var v in z) sum += Math.Exp((v - max) / t);
                loss += Math.Log(sum) - (z[y] - max) / t;
            }
            return loss;
        }
        double a = Math.Log(0.05), b = Math.Log(20), ratio = (Math.Sqrt(5) - 1) / 2;
        double c = b - ratio * (b - a), d = a + ratio * (b - a);
        for (int i = 0; i < 60; i++)
        {
            if (Loss(c) < Loss(d)) b = d; else a = c;
            c = b - ratio * (b - a);
            d = a + ratio * (b - a);
        }
        return Math.Round(Math.Exp((a + b) / 2), 4);
    }

    public static Model WithTemperature(Model model, double temperature) => new(
        model.Weights.Select(row => row.Select(w => (float)(w / temperature)).ToArray()).ToArray(),
        model.Bias.Select(b => (float)(b / temperature)).ToArray());

    public static float[] Probabilities(Model model, float[] features) => Classification.EraHead.Softmax(Logits(model, features));

    public static int Predict(Model model, float[] features)
    {
        int best = 0;
        float bestLogit = float.NegativeInfinity;
        for (int c = 0; c < model.Bias.Length; c++)
        {
            float z = model.Bias[c] + TensorPrimitives.Dot(model.Weights[c], features);
            if (z > bestLogit) (best, bestLogit) = (c, z);
        }
        return best;
    }
}
