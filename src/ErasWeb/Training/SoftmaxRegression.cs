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

    public static Model Fit(IReadOnlyList<float[]> x, IReadOnlyList<int> y, int classes, IReadOnlyList<double> sampleWeights, double l2, int iterations)
    {
        int n = x.Count, d = x[0].Length;
        // Each row gets a constant 1 at the end, whose weight is the class bias.
        var rows = x.Select(r => r.Select(v => (double)v).Append(1.0).ToArray()).ToArray();
        double totalWeight = sampleWeights.Sum();
        // The loss's gradient is Lipschitz with constant at most max|x_i|^2 (bias feature included), plus l2.
        double step = 1 / (rows.Max(r => TensorPrimitives.Dot<double>(r, r)) + l2);

        double[][] Matrix() => Enumerable.Range(0, classes).Select(_ => new double[d + 1]).ToArray();
        var w = Matrix();
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
                // look = w + momentum * (w - previous)
                TensorPrimitives.Subtract<double>(w[c], previous[c], look[c]);
                TensorPrimitives.MultiplyAdd<double>(look[c], momentum, w[c], look[c]);
                Array.Clear(gradient[c]);
            }
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < classes; c++) logits[c] = TensorPrimitives.Dot<double>(look[c], rows[i]);
                double max = logits.Max(), sum = 0;
                for (int c = 0; c < classes; c++) sum += logits[c] = Math.Exp(logits[c] - max);
                double scale = sampleWeights[i] / totalWeight;
                for (int c = 0; c < classes; c++)
                {
                    double g = scale * (logits[c] / sum - (c == y[i] ? 1 : 0));
                    TensorPrimitives.MultiplyAdd<double>(rows[i], g, gradient[c], gradient[c]);
                }
            }
            for (int c = 0; c < classes; c++)
            {
                (previous[c], w[c]) = (w[c], previous[c]);
                double bias = look[c][d] - step * gradient[c][d];
                // w = look - step * (gradient + l2 * look); the bias is not penalised.
                TensorPrimitives.MultiplyAdd<double>(look[c], l2, gradient[c], gradient[c]);
                TensorPrimitives.MultiplyAdd<double>(gradient[c], -step, look[c], w[c]);
                w[c][d] = bias;
            }
            tPrev = t;
        }

        var weights = w.Select(row => row.Take(d).Select(v => (float)v).ToArray()).ToArray();
        var biases = w.Select(row => (float)row[d]).ToArray();
        return new Model(weights, biases);
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
