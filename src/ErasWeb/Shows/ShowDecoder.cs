using ErasWeb.Configuration;

namespace ErasWeb.Shows;

/// <summary>What the model saw in one sampled frame, as the decoder reads it; <paramref name="Unfamiliar"/>: unlike any stage photo it learned from.</summary>
public sealed record ShowFrame(TimeSpan Time, float[] Probabilities, bool Unfamiliar);

/// <summary>
/// Reads a recording, or a night's photos, with the show's set order: a hidden Markov model per tour
/// (<see cref="TourModel"/>) whose states are the tour's set positions with a "between sets" state after
/// each (and one before the first), decoded with Viterbi. Moves only go forward and any number of sets
/// may be skipped (at a cost per set). For a recording no set length is assumed beyond a constant chance
/// of moving on at each frame; a night's photos move on with the time between them (see <see cref="DecodeNight"/>).
/// </summary>
public static partial class ShowDecoder
{
    /// <summary>
    /// Recordings. The chance of moving on at any sampled frame, from a set (0.1) and from a stretch
    /// between sets (0.3: interludes, screens, a phone pointed at the crowd), is a cost per move, not a
    /// set length: a few frames of clear evidence pay for it. Phones get put away, but rarely for half the
    /// show (0.3 a set skipped). An unfamiliar frame's era is trusted half, and it is good evidence (0.25)
    /// for a stretch between sets; a stage-like one hardly (0.02).
    /// </summary>
    static readonly Reading Frames = new(LeaveSet: 0.1, LeaveBetween: 0.3, PauseAfterSet: 2, SkipFactor: 0.3,
        UnfamiliarTrust: 0.5, BetweenSetsWhenUnfamiliar: 0.25, BetweenSetsWhenStageLike: 0.02, Floor: 1e-3);
    /// <summary>How much likelier (as a log-likelihood) one order must explain the pictures to name its tour: sets both orders share tell nothing.</summary>
    const double TourMargin = 2;

    /// <summary>Whether a video of <paramref name="durationSeconds"/> asked to be decoded as <paramref name="mode"/> is read as a show.</summary>
    public static bool Applies(DecodeMode mode, double durationSeconds, ErasOptions options) =>
        mode == DecodeMode.Show || (mode == DecodeMode.Auto && durationSeconds >= options.ShowDecodeMinMinutes * 60);

    /// <summary>Whether a model with these labels can be read as a show: it must know every era the tours play.</summary>
    public static bool CanDecode(IReadOnlyList<string> labels) => Tours.All.All(t => t.Sets.All(s => labels.Contains(s.Era)));

    /// <summary>
    /// The likelier order's sets; its tour only when it is likelier by <see cref="TourMargin"/>, else
    /// null (a recording of sets both orders play alike, say Lover then Fearless, fits either).
    /// </summary>
    public static DecodedShow Decode(IReadOnlyList<string> labels, IReadOnlyList<ShowFrame> frames, TimeSpan duration)
    {
        if (frames.Count == 0) throw new ArgumentException("A show needs at least one frame.", nameof(frames));
        var pictures = frames.Select(f => (f.Probabilities, f.Unfamiliar)).ToList();
        var results = Tours.All.ToDictionary(t => t.Name, t => new TourModel(t, labels, Frames).Decode(pictures));
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
}
