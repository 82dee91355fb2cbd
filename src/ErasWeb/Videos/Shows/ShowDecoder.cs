using ErasWeb.Configuration;
using ErasWeb.Data;

namespace ErasWeb.Videos.Shows;

/// <summary>What the model saw in one sampled frame, as the decoder reads it; <paramref name="Unfamiliar"/>: unlike any stage photo it learned from.</summary>
public sealed record ShowFrame(TimeSpan Time, float[] Probabilities, bool Unfamiliar);

/// <summary>
/// Reads a recording with the show's set order: a hidden Markov model per tour whose states are the
/// tour's set positions with a "between sets" state after each (and one before the first), decoded
/// with Viterbi. Moves only go forward, any number of sets may be skipped (at a cost per set), and no
/// set length is assumed beyond a constant chance of moving on at each frame. A frame's emission in a
/// set is the model's probability for the set's era; between sets it is a constant that is larger when
/// the model finds the frame unlike any stage photo it learned from (crowd, black, screens).
/// </summary>
public static class ShowDecoder
{
    /// <summary>
    /// The chance of moving on at any sampled frame: from a set, and from a stretch between sets (which
    /// are short: interludes, screens, a phone pointed at the crowd). It is a cost per move, not a set
    /// length: a few frames of clear evidence pay for it.
    /// </summary>
    const double LeaveSet = 0.1, LeaveBetween = 0.3;
    /// <summary>After a set, a pause is twice as likely as the next set straight away.</summary>
    const double PauseAfterSet = 2;
    /// <summary>Each set skipped multiplies a move's chance by this: phones get put away, but rarely for half the show.</summary>
    const double SkipFactor = 0.3;
    /// <summary>
    /// A frame unlike any stage photo the model learned from (crowd, black, screens) is trusted half as
    /// much for its era, and is good evidence for a stretch between sets; one that looks like a stage
    /// photo is hardly evidence for one, however unsure the model is of its era (the probabilities say that).
    /// </summary>
    const double UnfamiliarTrust = 0.5, BetweenSetsWhenUnfamiliar = 0.25, BetweenSetsWhenStageLike = 0.02;
    /// <summary>How much likelier (as a log-likelihood) one order must explain the recording to name its tour: sets both orders share tell nothing.</summary>
    const double TourMargin = 2;
    /// <summary>Keeps one frame the model gets badly wrong from costing more than a few sets' worth of evidence.</summary>
    const double Floor = 1e-3;

    /// <summary>Whether a video of <paramref name="durationSeconds"/> asked to be decoded as <paramref name="mode"/> (<see cref="DecodeModes"/>) is read as a show.</summary>
    public static bool Applies(string mode, double durationSeconds, ErasOptions options) =>
        mode == DecodeModes.Show || (mode == DecodeModes.Auto && durationSeconds >= options.ShowDecodeMinMinutes * 60);

    /// <summary>Whether a model with these labels can be read as a show: it must know every era the tours play.</summary>
    public static bool CanDecode(IReadOnlyList<string> labels) => Tours.All.All(t => t.Sets.All(s => labels.Contains(s.Era)));

    /// <summary>
    /// The likelier order's sets; its tour only when it is likelier by <see cref="TourMargin"/>, else
    /// null (a recording of sets both orders play alike, say Lover then Fearless, fits either).
    /// </summary>
    public static DecodedShow Decode(IReadOnlyList<string> labels, IReadOnlyList<ShowFrame> frames, TimeSpan duration)
    {
        if (frames.Count == 0) throw new ArgumentException("A show needs at least one frame.", nameof(frames));
        var results = Tours.All.ToDictionary(t => t.Name, t => new TourModel(t, labels).Decode(frames));
        var best = Tours.All.MaxBy(t => results[t.Name].LogLikelihood)!;
        double ll2023 = results[Tours.Of2023.Name].LogLikelihood, ll2024 = results[Tours.Of2024.Name].LogLikelihood;
        return new DecodedShow(Math.Abs(ll2024 - ll2023) >= TourMargin ? best.Name : null, Sets(best, results[best.Name].Path, frames, duration), ll2023, ll2024);
    }

    /// <summary>The path's runs of set states as sets; a boundary lies halfway between the frames either side of it.</summary>
    static List<DecodedSet> Sets(Tour tour, int[] path, IReadOnlyList<ShowFrame> frames, TimeSpan duration)
    {
        var sets = new List<DecodedSet>();
        int start = 0;
        for (int i = 1; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] == path[start]) continue;
            if (TourModel.SetAt(path[start]) is int set)
            {
                double from = start == 0 ? 0 : (frames[start - 1].Time + frames[start].Time).TotalSeconds / 2;
                double to = i == path.Length ? Math.Max(duration.TotalSeconds, frames[^1].Time.TotalSeconds) : (frames[i - 1].Time + frames[i].Time).TotalSeconds / 2;
                sets.Add(new DecodedSet(tour.Sets[set].Era, tour.Sets[set].Set, from, to));
            }
            start = i;
        }
        return sets;
    }

    /// <summary>
    /// One tour's model. State 2k is "between sets" after k sets (k = 0: before the first), state
    /// 2k + 1 is set k; so a higher state is always later in the show.
    /// </summary>
    sealed class TourModel
    {
        readonly int states;
        /// <summary>For each state, the label index its frames should show; -1 between sets.</summary>
        readonly int[] eraOf;
        readonly double[] start;
        /// <summary>transition[from, to], as logs; -infinity where the move goes back.</summary>
        readonly double[,] transition;

        public static int? SetAt(int state) => state % 2 == 1 ? state / 2 : null;

        public TourModel(Tour tour, IReadOnlyList<string> labels)
        {
            int sets = tour.Sets.Count;
            states = 2 * sets + 1;
            eraOf = Enumerable.Range(0, states).Select(s => SetAt(s) is int k ? IndexOf(labels, tour.Sets[k].Era) : -1).ToArray();

            // Sets from position k on, weighted by how many are skipped to reach them.
            double Reach(int fromSet, int toSet) => Math.Pow(SkipFactor, toSet - fromSet);
            transition = new double[states, states];
            for (int from = 0; from < states; from++)
            {
                var weights = new double[states];
                int next = (from + 1) / 2; // the first set not yet played
                if (SetAt(from) is not null) weights[from + 1] = PauseAfterSet;
                for (int k = next; k < sets; k++) weights[2 * k + 1] = Reach(next, k);
                double total = weights.Sum();
                double leave = total == 0 ? 0 : SetAt(from) is null ? LeaveBetween : LeaveSet; // nowhere to go after the last pause
                for (int to = 0; to < states; to++)
                    transition[from, to] = to == from ? Math.Log(1 - leave) : weights[to] > 0 ? Math.Log(leave * weights[to] / total) : double.NegativeInfinity;
            }
            // A recording may start anywhere, most likely before or at the first set.
            var first = Enumerable.Range(0, states).Select(s => Reach(0, s / 2)).ToArray();
            start = first.Select(w => Math.Log(w / first.Sum())).ToArray();
        }

        static int IndexOf(IReadOnlyList<string> labels, string era)
        {
            for (int i = 0; i < labels.Count; i++) if (labels[i] == era) return i;
            throw new ArgumentException($"The model has no era {era}, which the show's order needs.", nameof(labels));
        }

        double Emission(ShowFrame frame, int state)
        {
            double evidence = eraOf[state] >= 0
                ? frame.Probabilities[eraOf[state]] * (frame.Unfamiliar ? UnfamiliarTrust : 1)
                : frame.Unfamiliar ? BetweenSetsWhenUnfamiliar : BetweenSetsWhenStageLike;
            return Math.Log(Floor + evidence);
        }

        /// <summary>The most likely path (Viterbi) and the recording's log-likelihood over all paths (forward algorithm).</summary>
        public (int[] Path, double LogLikelihood) Decode(IReadOnlyList<ShowFrame> frames)
        {
            int n = frames.Count;
            var best = new double[states];
            var forward = new double[states];
            var came = new int[n, states];
            for (int s = 0; s < states; s++) best[s] = forward[s] = start[s] + Emission(frames[0], s);

            var nextBest = new double[states];
            var nextForward = new double[states];
            var terms = new double[states];
            for (int t = 1; t < n; t++)
            {
                for (int s = 0; s < states; s++)
                {
                    double e = Emission(frames[t], s);
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
}
