using System.Collections.Concurrent;

namespace ErasWeb.Shows;

/// <summary>One photo of a night as the decoder reads it; <paramref name="TakenAt"/> is the capture time (local, from EXIF) or null; <paramref name="Unfamiliar"/>: unlike any stage photo the model learned from.</summary>
public sealed record ShowPhoto(DateTime? TakenAt, float[] Probabilities, bool Unfamiliar);

/// <summary>
/// A night's photos read with the set order: per photo (in the order given), the index into
/// <see cref="Order"/>'s sets of its set, or null for a photo between sets; the tour, and each order's
/// log-likelihood (the photos of a burst counted as one moment's worth, so not a true likelihood; only
/// the difference between the two orders means something).
/// </summary>
/// <param name="Tour">The known tour's name when one was given; else the likelier order's when it is clearly likelier, null when both fit about alike.</param>
public sealed record DecodedNight(string? Tour, IReadOnlyList<int?> SetOfPhoto, double LogLikelihood2023, double LogLikelihood2024)
{
    /// <summary>The order <see cref="SetOfPhoto"/> indexes: the known tour, else the likelier one (also when <see cref="Tour"/> is null).</summary>
    public required Tour Order { get; init; }
}

public static partial class ShowDecoder
{
    /// <summary>
    /// Photos. Where no time says how far apart two photos are, a move is as likely as staying, since a
    /// fan may take one photo of a set or thirty, and sets pass unseen (0.3 a set skipped). A photo that
    /// looks like a stage photo is hardly evidence for a stretch between sets (0.005: between sets fans
    /// photograph friends, food and the crowd), an unfamiliar one is (0.25), its era trusted half.
    /// </summary>
    static readonly Reading Photos = new(LeaveSet: 0.5, LeaveBetween: 0.8, PauseAfterSet: 1, SkipFactor: 0.3,
        UnfamiliarTrust: 0.5, BetweenSetsWhenUnfamiliar: 0.25, BetweenSetsWhenStageLike: 0.005, Floor: 1e-3);
    /// <summary>Photos a minute apart show much the same: a photo's evidence counts 1 - exp(-gap / this), so a burst seconds apart pays about once.</summary>
    const double BurstSeconds = 60;
    /// <summary>
    /// Eras Tour shows are evening shows: the time before the show (<see cref="ShowClock"/>) is taken to
    /// begin at this local hour, so a night's first photo at 22:50 is most likely late in the show. Only
    /// half of where the first photo may be comes from the clock; the other half is the clock-free
    /// <see cref="TourModel.Start"/>, as shows start at different times and camera clocks can be wrong.
    /// </summary>
    const int EveningFromHour = 19;
    const double StartFromClock = 0.5;

    /// <summary>
    /// Reads a night's photos, in capture order, with the set order. The show moves on with the time
    /// between photos (<see cref="ShowClock"/>): a gap of an hour passes several sets, ten seconds stays
    /// in the same set, and the photos of a burst count as one moment's evidence. A photo without a time
    /// between two with one is placed evenly between them; where no time says how far apart two photos
    /// are, the moves are the clock-free ones of <see cref="Photos"/>. Photos unlike any stage photo
    /// (friends, food, the crowd) are good evidence for a stretch between sets. No number of photos per
    /// set is assumed. With <paramref name="knownTour"/> (the night's date names its show) only its order
    /// names the sets; both orders' log-likelihoods are reported all the same.
    /// </summary>
    public static DecodedNight DecodeNight(IReadOnlyList<string> labels, IReadOnlyList<ShowPhoto> photos, Tour? knownTour = null)
    {
        if (photos.Count == 0) throw new ArgumentException("A night needs at least one photo.", nameof(photos));
        var gaps = Gaps(photos);
        var weights = gaps.Select(g => g is double seconds ? 1 - Math.Exp(-seconds / BurstSeconds) : 1).ToList();
        var pictures = photos.Select(p => (p.Probabilities, p.Unfamiliar)).ToList();
        (int[] Path, double LogLikelihood) Read(Tour tour)
        {
            var model = new TourModel(tour, labels, Photos);
            var clock = ShowClock.Of(tour);
            return model.Decode(pictures, t => gaps[t] is double seconds ? clock.After(seconds) : model.Moves, weights, StartOf(model, clock, photos[0].TakenAt));
        }

        var results = Tours.All.ToDictionary(t => t, Read);
        double ll2023 = results[Tours.Of2023].LogLikelihood, ll2024 = results[Tours.Of2024].LogLikelihood;
        var order = knownTour ?? Tours.All.MaxBy(t => results[t].LogLikelihood)!;
        var path = results.TryGetValue(order, out var known) ? known.Path : Read(order).Path;
        string? tourName = knownTour?.Name ?? (Math.Abs(ll2024 - ll2023) >= TourMargin ? order.Name : null);
        return new DecodedNight(tourName, path.Select(TourModel.SetAt).ToList(), ll2023, ll2024) { Order = order };
    }

    /// <summary>
    /// Where the first photo may be: by its time of day, how far an evening's show has come by then
    /// (from before it, at <see cref="EveningFromHour"/>), half and half with the clock-free start; the
    /// clock-free start alone for a photo without a time, or one taken before the evening (before 6 a.m.
    /// is still the evening before).
    /// </summary>
    static double[]? StartOf(TourModel model, ShowClock clock, DateTime? first)
    {
        if (first is not DateTime at) return null;
        var evening = at.AddHours(-6).Date.AddHours(EveningFromHour);
        if (at <= evening) return null;
        var byClock = clock.After((at - evening).TotalSeconds);
        return [.. model.Start.Select((clockFree, s) => Math.Log(StartFromClock * Math.Exp(byClock[0, s]) + (1 - StartFromClock) * Math.Exp(clockFree)))];
    }

    /// <summary>
    /// Seconds from each photo to the one before (null for the first, and where no time tells). A photo
    /// without a time between two with one takes a time evenly between theirs; a clock that goes back
    /// tells nothing.
    /// </summary>
    static double?[] Gaps(IReadOnlyList<ShowPhoto> photos)
    {
        var seconds = photos.Select(p => p.TakenAt is DateTime at ? at.Ticks / (double)TimeSpan.TicksPerSecond : (double?)null).ToArray();
        int previous = -1;
        for (int i = 0; i < seconds.Length; i++)
        {
            if (seconds[i] is not double here) continue;
            if (previous >= 0 && seconds[previous] is double before)
                for (int k = previous + 1; k < i; k++) seconds[k] = before + (here - before) * (k - previous) / (i - previous);
            previous = i;
        }
        return seconds.Select((s, i) => i > 0 && s is double here && seconds[i - 1] is double before && here >= before ? here - before : (double?)null).ToArray();
    }

    /// <summary>
    /// How far one tour's show moves on in a given time: a continuous-time chain through its states in
    /// order, each set lasting on average its typical length (<see cref="Tour.SetMinutes"/>), each pause
    /// between sets <see cref="PauseMinutes"/>, the time before the show <see cref="BeforeShowMinutes"/>;
    /// after the last set it stays. The lengths are only means: a set lasts the sum of <see cref="Phases"/>
    /// exponential phases (spread about half its mean, so a set may run long or short), a pause one.
    /// Mixed with a share <see cref="ClockDoubt"/> of the clock-free moves, so a wrong clock or an odd
    /// night costs a little, not everything. Worked out once per tour for gaps on a log scale (within 3%
    /// of any gap).
    /// </summary>
    sealed class ShowClock
    {
        const int Phases = 4;
        const double PauseMinutes = 3, BeforeShowMinutes = 30, ClockDoubt = 0.05;
        const double StepsPerFactorE = 16, LongestGapSeconds = 8 * 3600, IntegrationStepSeconds = 30;
        static readonly ConcurrentDictionary<Tour, ShowClock> Clocks = new();

        /// <summary>Log transitions [from, to] after the gap of each step of the scale.</summary>
        readonly double[][,] after;

        public static ShowClock Of(Tour tour) => Clocks.GetOrAdd(tour, t => new ShowClock(t));

        public double[,] After(double seconds) => after[Step(Math.Min(seconds, LongestGapSeconds))];

        static int Step(double seconds) => (int)Math.Round(StepsPerFactorE * Math.Log(1 + seconds));

        ShowClock(Tour tour)
        {
            int states = TourModel.StatesOf(tour);
            var phasesOf = Enumerable.Range(0, states).Select(s => TourModel.SetAt(s) is null ? 1 : Phases).ToArray();
            var stateOf = Enumerable.Range(0, states).SelectMany(s => Enumerable.Repeat(s, phasesOf[s])).ToArray();
            var rate = stateOf.Select(s =>
                s == 0 ? 1 / (BeforeShowMinutes * 60)
                : s == states - 1 ? 0
                : TourModel.SetAt(s) is int set ? Phases / (tour.SetMinutes[set] * 60) : 1 / (PauseMinutes * 60)).ToArray();
            int n = rate.Length;
            var moves = TourModel.MoveChances(tour, Photos);
            var chances = new double[n, n];
            for (int s = 0; s < n; s++) chances[s, s] = 1;
            after = new double[Step(LongestGapSeconds) + 1][,];
            double time = 0;
            for (int step = 0; step < after.Length; step++)
            {
                double gap = Math.Exp(step / StepsPerFactorE) - 1;
                while (time < gap)
                {
                    double h = Math.Min(IntegrationStepSeconds, gap - time);
                    RungeKutta(chances, rate, h);
                    time += h;
                }
                // From a state, in any of its phases alike (each lasts as long on average), to any phase of another.
                var summed = new double[states, states];
                for (int from = 0; from < n; from++)
                    for (int to = 0; to < n; to++) summed[stateOf[from], stateOf[to]] += Math.Max(0, chances[from, to]) / phasesOf[stateOf[from]];
                after[step] = new double[states, states];
                for (int from = 0; from < states; from++)
                    for (int to = 0; to < states; to++)
                        after[step][from, to] = Math.Log((1 - ClockDoubt) * summed[from, to] + ClockDoubt * moves[from, to]);
            }
        }

        /// <summary>
        /// Moves the chances of being in each phase, from every phase it started in, on by <paramref name="h"/>
        /// seconds (classic Runge-Kutta): d/dt p[s] = rate[s-1] p[s-1] - rate[s] p[s]. Nothing goes back, so a row starting in phase f is 0 before f.
        /// </summary>
        static void RungeKutta(double[,] chances, double[] rate, double h)
        {
            int n = rate.Length;
            Span<double> p = stackalloc double[n], x = stackalloc double[n], slope = stackalloc double[n], sum = stackalloc double[n];
            for (int from = 0; from < n; from++)
            {
                for (int s = from; s < n; s++) (p[s], x[s], sum[s]) = (chances[from, s], chances[from, s], 0);
                foreach (var (ahead, share) in (ReadOnlySpan<(double, double)>)[(h / 2, 1), (h / 2, 2), (h, 2), (0, 1)])
                {
                    for (int s = from; s < n; s++) slope[s] = (s > from ? rate[s - 1] * x[s - 1] : 0) - rate[s] * x[s];
                    for (int s = from; s < n; s++) (sum[s], x[s]) = (sum[s] + share * slope[s], p[s] + ahead * slope[s]);
                }
                for (int s = from; s < n; s++) chances[from, s] = p[s] + h / 6 * sum[s];
            }
        }
    }
}
