namespace ErasWeb.Shows;

/// <summary>
/// How one kind of picture (a recording's frames, a night's photos) is read against the set order.
/// Moves with no clock: at each picture a chance <paramref name="LeaveSet"/> of leaving a set and
/// <paramref name="LeaveBetween"/> of leaving a stretch between sets; after a set, a pause is
/// <paramref name="PauseAfterSet"/> times as likely as the next set straight away; each set skipped
/// multiplies a move's chance by <paramref name="SkipFactor"/> (also where the first picture may be).
/// Evidence: a picture unlike any stage photo the model learned from (crowd, black, screens, food) is
/// trusted <paramref name="UnfamiliarTrust"/> as much for its era and is evidence
/// <paramref name="BetweenSetsWhenUnfamiliar"/> for a stretch between sets, one that looks like a stage
/// photo only <paramref name="BetweenSetsWhenStageLike"/> (however unsure of its era, which its
/// probabilities say); <paramref name="Floor"/> keeps one picture the model gets badly wrong from
/// costing more than a few sets' worth of evidence.
/// </summary>
sealed record Reading(double LeaveSet, double LeaveBetween, double PauseAfterSet, double SkipFactor,
    double UnfamiliarTrust, double BetweenSetsWhenUnfamiliar, double BetweenSetsWhenStageLike, double Floor);

/// <summary>
/// One tour's set order as a hidden Markov model, for recordings and nights alike. State 2k is "between
/// sets" after k sets (k = 0: before the first), state 2k + 1 is set k; so a higher state is always later
/// in the show, and moves only go forward. A picture's evidence in a set is the model's probability for the
/// set's era; between sets it is a constant, larger when the picture is unlike any stage photo.
/// </summary>
sealed class TourModel
{
    readonly Reading reading;
    readonly int states;
    /// <summary>For each state, the label index its pictures should show; -1 between sets.</summary>
    readonly int[] eraOf;

    /// <summary>Where the first picture may be, as logs: anywhere, most likely before or at the first set.</summary>
    public double[] Start { get; }

    /// <summary>Moves from one picture to the next when nothing says how much of the show passed: [from, to], as logs; -infinity where the move goes back.</summary>
    public double[,] Moves { get; }

    public static int? SetAt(int state) => state % 2 == 1 ? state / 2 : null;

    public static int StatesOf(Tour tour) => 2 * tour.Sets.Count + 1;

    public TourModel(Tour tour, IReadOnlyList<string> labels, Reading reading)
    {
        this.reading = reading;
        states = StatesOf(tour);
        eraOf = Enumerable.Range(0, states).Select(s => SetAt(s) is int k ? IndexOf(labels, tour.Sets[k].Era) : -1).ToArray();
        var moves = MoveChances(tour, reading);
        Moves = new double[states, states];
        for (int from = 0; from < states; from++)
            for (int to = 0; to < states; to++) Moves[from, to] = Math.Log(moves[from, to]);
        // A night or a recording may start anywhere, most likely before or at the first set.
        var first = Enumerable.Range(0, states).Select(s => Math.Pow(reading.SkipFactor, s / 2)).ToArray();
        Start = first.Select(w => Math.Log(w / first.Sum())).ToArray();
    }

    /// <summary>The clock-free moves as chances: [from, to], 0 where the move goes back.</summary>
    public static double[,] MoveChances(Tour tour, Reading reading)
    {
        int sets = tour.Sets.Count, states = StatesOf(tour);
        var chances = new double[states, states];
        for (int from = 0; from < states; from++)
        {
            // Sets from the first not yet played on, weighted by how many are skipped to reach them.
            var weights = new double[states];
            int next = (from + 1) / 2;
            if (SetAt(from) is not null) weights[from + 1] = reading.PauseAfterSet;
            for (int k = next; k < sets; k++) weights[2 * k + 1] = Math.Pow(reading.SkipFactor, k - next);
            double total = weights.Sum();
            double leave = total == 0 ? 0 : SetAt(from) is null ? reading.LeaveBetween : reading.LeaveSet; // nowhere to go after the last pause
            for (int to = 0; to < states; to++)
                chances[from, to] = to == from ? 1 - leave : weights[to] > 0 ? leave * weights[to] / total : 0;
        }
        return chances;
    }

    static int IndexOf(IReadOnlyList<string> labels, string era)
    {
        for (int i = 0; i < labels.Count; i++) if (labels[i] == era) return i;
        throw new ArgumentException($"The model has no era {era}, which the show's order needs.", nameof(labels));
    }

    double Emission(float[] probabilities, bool unfamiliar, int state)
    {
        double evidence = eraOf[state] >= 0
            ? probabilities[eraOf[state]] * (unfamiliar ? reading.UnfamiliarTrust : 1)
            : unfamiliar ? reading.BetweenSetsWhenUnfamiliar : reading.BetweenSetsWhenStageLike;
        return Math.Log(reading.Floor + evidence);
    }

    /// <summary>The most likely path (Viterbi) and the pictures' log-likelihood over all paths (forward algorithm).</summary>
    /// <param name="transitionInto">For picture t >= 1, the moves from the picture before it; <see cref="Moves"/> when null.</param>
    /// <param name="weights">How much each picture's evidence counts (1 when null): pictures of one moment share one picture's worth.</param>
    /// <param name="start">Where the first picture may be, as logs; <see cref="Start"/> when null.</param>
    public (int[] Path, double LogLikelihood) Decode(IReadOnlyList<(float[] Probabilities, bool Unfamiliar)> pictures,
        Func<int, double[,]>? transitionInto = null, IReadOnlyList<double>? weights = null, double[]? start = null)
    {
        start ??= Start;
        int n = pictures.Count;
        double Evidence(int t, int s) => (weights?[t] ?? 1) * Emission(pictures[t].Probabilities, pictures[t].Unfamiliar, s);
        var best = new double[states];
        var forward = new double[states];
        var came = new int[n, states];
        for (int s = 0; s < states; s++) best[s] = forward[s] = start[s] + Evidence(0, s);

        var nextBest = new double[states];
        var nextForward = new double[states];
        var terms = new double[states];
        for (int t = 1; t < n; t++)
        {
            var transition = transitionInto?.Invoke(t) ?? Moves;
            for (int s = 0; s < states; s++)
            {
                double e = Evidence(t, s);
                int argmax = s;
                double max = double.NegativeInfinity;
                for (int from = 0; from <= s; from++)
                {
                    double score = best[from] + transition[from, s];
                    if (score > max) (max, argmax) = (score, from);
                    terms[from] = forward[from] + transition[from, s];
                }
                nextBest[s] = max + e;
                came[t, s] = argmax;
                nextForward[s] = LogSumExp(terms.AsSpan(0, s + 1)) + e;
            }
            (best, nextBest) = (nextBest, best);
            (forward, nextForward) = (nextForward, forward);
        }

        var path = new int[n];
        path[n - 1] = Array.IndexOf(best, best.Max());
        for (int t = n - 1; t > 0; t--) path[t - 1] = came[t, path[t]];
        return (path, LogSumExp(forward));
    }

    static double LogSumExp(ReadOnlySpan<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (var v in values) max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (var v in values) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }
}
