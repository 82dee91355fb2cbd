using System.CommandLine;
using System.Numerics.Tensors;
using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Media;
using ErasWeb.Shows;
using SkiaSharp;

namespace ErasWeb.Training;

/// <summary>
/// erasweb eval nights SOURCE --cv K --nights N: what reading a fan's night of photos with the set order
/// gains over reading each photo alone. Each cross-validation run (one per seed) trains the head's recipe
/// on all folds but one, as <c>eval --cv</c> does; N random nights are made from the held-out folds' stage
/// photos (each night from one fold, so the head never saw its outfits) and read by
/// <see cref="ShowDecoder.DecodeNight"/> four ways: with the tour known or not, with capture times or
/// without. The same seed makes the same folds and the same nights.
/// </summary>
public static class NightEvaluation
{
    /// <summary>How a generated night goes: sets skipped, photos a set, bursts, non-concert pictures, and set lengths around the typical ones.</summary>
    const double SkippedSets = 0.25, Bursts = 0.25, NonConcertBeforeShow = 0.3, NonConcertAfterSet = 0.15, SetLengthSpread = 0.4;
    const int MostShotsASet = 4;

    /// <summary>One way of reading the nights: whether the night's date named its tour, whether its photos have capture times.</summary>
    public sealed record Setting(bool TourKnown, bool WithTimes)
    {
        public override string ToString() => $"tour {(TourKnown ? "known" : "unknown")}, {(WithTimes ? "with times" : "no times")}";
    }

    /// <summary>
    /// One setting's scores in one run: the shares of stage photos whose era is right when decoded and when
    /// read alone (the winner of the photo's own probabilities), the share of non-concert pictures decoded
    /// as between sets, and, with the tour unknown, how many nights had their tour named right, left open or named wrong.
    /// </summary>
    public sealed record SettingScores(string Setting, int Seed, double Decoded, double Alone, double BetweenSets, int StagePhotos, int NonConcertPictures,
        int ToursRight, int ToursOpen, int ToursWrong);

    public sealed record NightsReport(string Method, int NightsPerRun, double StagePhotosPerNight, double SetsPerNight, double NonConcertPerNight, IReadOnlyList<SettingScores> Runs);

    public static readonly IReadOnlyList<Setting> Settings = [new(true, true), new(true, false), new(false, true), new(false, false)];

    /// <summary>A photo of a generated night, the set it was taken in (null for a non-concert picture) and its era.</summary>
    sealed record PhotoWithTruth(ShowPhoto Photo, int? Set, string? Era);

    /// <summary>The <c>nights</c> subcommand of <c>eval</c>.</summary>
    public static Command Create()
    {
        var source = new Argument<string[]>("sources") { Description = "One or more MANIFEST.tsv files or folders of class sub-folders.", Arity = ArgumentArity.OneOrMore };
        var head = new Option<string?>("--head") { Description = "The era head whose training recipe is cross-validated; by default the model the app is configured with." };
        var cv = new Option<int>("--cv") { Description = "Folds of the cross-validation grouped by outfit (K >= 2).", DefaultValueFactory = _ => 5 };
        var nights = new Option<int>("--nights") { Description = "Random nights a run.", DefaultValueFactory = _ => 200 };
        var seed = new Option<int?>("--seed") { Description = "Seed of the first run's folds and nights; by default the head's own." };
        var seeds = new Option<int>("--seeds") { Description = "Runs, with seeds seed, seed+1, ...", DefaultValueFactory = _ => 5 };
        var nonConcert = new Option<string?>("--non-concert") { Description = "A folder of pictures that are not stage photos, put between sets with the generated ones." };
        var reportDir = new Option<string>("--report-dir") { Description = "Where to save nights.json.", DefaultValueFactory = _ => Path.Combine("artifacts", "eval") };

        var command = new Command("nights", "Score reading nights of held-out stage photos with the set order against reading each photo alone.")
            { source, head, cv, nights, seed, seeds, nonConcert, reportDir };
        command.SetAction(async (result, ct) => await RunAsync(result.GetValue(source)!, result.GetValue(head), result.GetValue(cv), Math.Max(1, result.GetValue(nights)),
            result.GetValue(seed), Math.Max(1, result.GetValue(seeds)), result.GetValue(nonConcert), result.GetValue(reportDir)!, ErasOptions.FromEnvironment(), Console.Out, Console.Error, ct));
        return command;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> source, string? headPath, int folds, int nights, int? seed, int seeds, string? nonConcert, string reportDir,
        ErasOptions options, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        try
        {
            if (headPath is not null) (options.HeadPath, options.ModelManifest) = (headPath, "");
            var report = await EvaluateAsync(source, folds, nights, seed, seeds, nonConcert, options, stderr, ct);
            stdout.WriteLine(Format(report));
            Directory.CreateDirectory(reportDir);
            var json = Path.Combine(reportDir, "nights.json");
            await File.WriteAllBytesAsync(json, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(report, HeadFile.Json), ct);
            stdout.WriteLine();
            stdout.WriteLine($"Saved {json}");
            return 0;
        }
        catch (Exception e) when (e is BackboneUnavailableException or FileNotFoundException or InvalidDataException or ArgumentException)
        {
            await stderr.WriteLineAsync(e.Message);
            return 1;
        }
    }

    static async Task<NightsReport> EvaluateAsync(IReadOnlyList<string> source, int folds, int nights, int? seed, int seeds, string? nonConcertFolder,
        ErasOptions options, TextWriter log, CancellationToken ct)
    {
        var settings = EvalCommand.Recipe(options);
        var examples = await TrainingSet.LoadAsync(source, settings, options, log, ct);
        var nonConcert = await NonConcertFeaturesAsync(nonConcertFolder, settings, options, log, ct);
        var stage = Enumerable.Range(0, examples.Count).Where(i => examples[i].Photo.Kind == LabelledPhotos.StagePhoto).ToList();
        if (stage.Count == 0) throw new InvalidDataException("None of the photos is a stage photo, so no night can be made.");

        int firstSeed = seed ?? settings.Seed;
        var runs = new List<SettingScores>();
        double stagePhotos = 0, sets = 0, nonConcertPictures = 0;
        for (int run = 0; run < seeds; run++)
        {
            ct.ThrowIfCancellationRequested();
            int runSeed = firstSeed + run;
            var cv = HeadTrainer.CrossValidate(examples, settings with { Seed = runSeed }, folds, outsiders: nonConcert);
            if (!ShowDecoder.CanDecode(cv.Labels)) throw new InvalidDataException($"The photos' eras ({string.Join(", ", cv.Labels)}) lack some of the tours' sets.");
            var random = new Random(runSeed);
            var generated = Enumerable.Range(0, nights).Select(n =>
            {
                int fold = n % folds;
                var heldOut = stage.Where(i => cv.Folds[i] == fold).GroupBy(i => examples[i].Photo.Class)
                    .ToDictionary(g => g.Key, g => g.Select(i => new ShowPhoto(null, cv.Probabilities[i], cv.Similarities[i] < cv.SimilarityThreshold)).ToList());
                var tour = Tours.All[random.Next(Tours.All.Count)];
                return (Tour: tour, Photos: Night(random, tour, heldOut, cv.Outsiders[fold]));
            }).ToList();
            stagePhotos += generated.Average(g => g.Photos.Count(s => s.Era is not null)) / seeds;
            sets += generated.Average(g => g.Photos.Select(s => s.Set).OfType<int>().Distinct().Count()) / seeds;
            nonConcertPictures += generated.Average(g => g.Photos.Count(s => s.Era is null)) / seeds;
            runs.AddRange(Settings.Select(setting => Score(setting, runSeed, cv.Labels, generated)));
        }
        var method = $"{nights} nights a run from held-out stage photos of {folds}-fold cross-validation grouped by outfit group, "
            + (seeds > 1 ? $"{seeds} runs (seeds {firstSeed}-{firstSeed + seeds - 1})" : $"seed {firstSeed}");
        return new NightsReport(method, nights, stagePhotos, sets, nonConcertPictures, runs);
    }

    /// <summary>
    /// A random night of a tour: each set whose era has held-out photos, unless skipped, gets 1 to
    /// <see cref="MostShotsASet"/> shots at random times within it, some of them bursts of 2-4 photos a
    /// second or three apart; sets last their typical length give or take <see cref="SetLengthSpread"/>,
    /// with 1-4 minutes between them; sometimes a non-concert picture before the show or after a set.
    /// </summary>
    static List<PhotoWithTruth> Night(Random random, Tour tour, Dictionary<string, List<ShowPhoto>> heldOut, HeldOutAnswer[] nonConcert)
    {
        // Shows began at different times: the first set between 19:20 and 20:20 local time.
        var start = new DateTime(2024, 6, 21, 19, 20, 0).AddMinutes(60 * random.NextDouble());
        var taken = new List<PhotoWithTruth>();
        void NonConcert(double minutes)
        {
            if (nonConcert.Length == 0) return;
            var answer = nonConcert[random.Next(nonConcert.Length)];
            taken.Add(new PhotoWithTruth(new ShowPhoto(start.AddMinutes(minutes), answer.Probabilities, answer.Unfamiliar), null, null));
        }

        if (random.NextDouble() < NonConcertBeforeShow) NonConcert(-5 - 55 * random.NextDouble());
        double at = 0;
        for (int set = 0; set < tour.Sets.Count; set++)
        {
            double length = tour.SetMinutes[set] * (1 + SetLengthSpread * (2 * random.NextDouble() - 1));
            var era = tour.Sets[set].Era;
            if (heldOut.TryGetValue(era, out var photos) && random.NextDouble() >= SkippedSets)
            {
                var times = Enumerable.Range(0, random.Next(1, MostShotsASet + 1)).Select(_ => at + length * random.NextDouble()).Order().ToList();
                // Each shot a different photo of the era while there are any: a fan's shots of a set are not copies of one another.
                var distinct = photos.ToArray();
                random.Shuffle(distinct);
                for (int shot = 0; shot < times.Count; shot++)
                {
                    var (minutes, photo) = (times[shot], distinct[shot % distinct.Length]);
                    int burst = random.NextDouble() < Bursts ? random.Next(2, 5) : 1;
                    double seconds = 0;
                    for (int b = 0; b < burst; b++, seconds += random.Next(1, 4))
                        taken.Add(new PhotoWithTruth(photo with { TakenAt = start.AddMinutes(minutes).AddSeconds(seconds) }, set, era));
                }
            }
            at += length;
            if (random.NextDouble() < NonConcertAfterSet) NonConcert(at + 0.5);
            at += 1 + 3 * random.NextDouble();
        }
        return taken;
    }

    static SettingScores Score(Setting setting, int seed, IReadOnlyList<string> labels, List<(Tour Tour, List<PhotoWithTruth> Photos)> nights)
    {
        int stage = 0, decodedRight = 0, aloneRight = 0, nonConcert = 0, betweenSets = 0, toursRight = 0, toursOpen = 0, toursWrong = 0;
        foreach (var (tour, taken) in nights)
        {
            var photos = taken.Select(s => setting.WithTimes ? s.Photo : s.Photo with { TakenAt = null }).ToList();
            var night = ShowDecoder.DecodeNight(labels, photos, setting.TourKnown ? tour : null);
            for (int i = 0; i < taken.Count; i++)
            {
                var decodedEra = night.SetOfPhoto[i] is int set ? night.Order.Sets[set].Era : null;
                if (taken[i].Era is { } era)
                {
                    stage++;
                    if (decodedEra == era) decodedRight++;
                    if (labels[TensorPrimitives.IndexOfMax(taken[i].Photo.Probabilities)] == era) aloneRight++;
                }
                else
                {
                    nonConcert++;
                    if (decodedEra is null) betweenSets++;
                }
            }
            if (setting.TourKnown) continue;
            if (night.Tour == tour.Name) toursRight++;
            else if (night.Tour is null) toursOpen++;
            else toursWrong++;
        }
        return new SettingScores(setting.ToString(), seed, Share(decodedRight, stage), Share(aloneRight, stage), Share(betweenSets, nonConcert), stage, nonConcert,
            toursRight, toursOpen, toursWrong);
    }

    static double Share(int part, int all) => all == 0 ? double.NaN : Math.Round((double)part / all, 4);

    /// <summary>The generated non-concert pictures and those in <paramref name="folder"/>, as the head's recipe sees them.</summary>
    static async Task<IReadOnlyList<float[]>> NonConcertFeaturesAsync(string? folder, TrainingSettings settings, ErasOptions options, TextWriter log, CancellationToken ct)
    {
        var pictures = NonConcertImages.Generate().Select(p => p.Image).ToList();
        foreach (var file in folder is null ? [] : ImageFiles.In(folder, recursive: true))
        {
            try
            {
                var decoded = ImageFiles.Decode(file, new PixelLimits(options.MaxImagePixels, options.MaxFullDecodePixels), ModelInput.ResizeShortSide);
                pictures.Add(decoded.Upright);
            }
            catch (Exception e) when (e is MediaRejectedException or IOException or UnauthorizedAccessException)
            {
                log.WriteLine($"skipped {file}: {e.Message}");
            }
        }
        try { return await TrainingSet.PredictionFeaturesAsync(pictures, settings, options, ct); }
        finally { foreach (var picture in pictures) picture.Dispose(); }
    }

    static string Format(NightsReport report)
    {
        static string Spread(IEnumerable<double> values)
        {
            var v = values.Where(x => !double.IsNaN(x)).ToList();
            if (v.Count == 0) return "-";
            double mean = v.Average(), sd = Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
            return $"{mean:0.000} ± {sd:0.000}";
        }
        var lines = new List<string>
        {
            $"Nights: {report.Method}.",
            $"A night has on average {report.StagePhotosPerNight:0.0} stage photos over {report.SetsPerNight:0.0} sets and {report.NonConcertPerNight:0.0} non-concert pictures.",
            "Mean ± spread over runs. Stage photos: share whose era is right; non-concert pictures: share decoded as between sets.",
            "",
            $"{"setting",-28}{"decoded",-18}{"alone",-18}{"between sets",-18}tour named (right / open / wrong)",
        };
        foreach (var setting in Settings.Select(s => s.ToString()))
        {
            var runs = report.Runs.Where(r => r.Setting == setting).ToList();
            int nights = runs.Sum(r => r.ToursRight + r.ToursOpen + r.ToursWrong);
            var tours = nights == 0 ? "" : $"{(double)runs.Sum(r => r.ToursRight) / nights:0.00} / {(double)runs.Sum(r => r.ToursOpen) / nights:0.00} / {(double)runs.Sum(r => r.ToursWrong) / nights:0.00}";
            lines.Add($"{setting,-28}{Spread(runs.Select(r => r.Decoded)),-18}{Spread(runs.Select(r => r.Alone)),-18}{Spread(runs.Select(r => r.BetweenSets)),-18}{tours}");
        }
        lines.Add("");
        lines.Add("decoded, per run: " + string.Join("; ", report.Runs.GroupBy(r => r.Seed).Select(g => $"seed {g.Key} " + string.Join(" ", g.Select(r => r.Decoded.ToString("0.000"))))));
        return string.Join(Environment.NewLine, lines);
    }
}
