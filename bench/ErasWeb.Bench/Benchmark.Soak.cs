using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ErasWeb.Training;
using Microsoft.Data.Sqlite;

namespace ErasWeb.Bench;

/// <summary>
/// The soak: the app as its own process under steady mixed load from 16 clients for minutes (photos, a
/// few videos, small nights, fans' votes, a sprinkling of hostile files), its memory sampled every second;
/// then the same with kill -9 halfway and a restart, after which every answer given before the kill must still be there.
/// </summary>
public sealed partial class Benchmark
{
    const int SoakClients = 16;
    static readonly TimeSpan SoakVideoEvery = TimeSpan.FromSeconds(30);
    static readonly TimeSpan SoakNightEvery = TimeSpan.FromSeconds(10);
    static readonly TimeSpan SoakVoteEvery = TimeSpan.FromSeconds(0.5);
    static readonly TimeSpan SoakHostileEvery = TimeSpan.FromSeconds(5);
    const int SoakNightMinPhotos = 5, SoakNightMaxPhotos = 20;
    /// <summary>Votes go to one of the photos answered last.</summary>
    const int SoakVotablePhotos = 500;
    /// <summary>Voters' addresses, sent as X-Forwarded-For: TEST-NET-3 (203.0.113.0/24), documentation addresses that no traffic goes to.</summary>
    const int SoakVoters = 32;
    const long OneGigabyte = 1L << 30;

    /// <summary>
    /// Limits meant for a public site's anonymous clients (0 turns each off), and the job queue's
    /// bounds, set out of the way: the soak is one client sending far more than they allow. Loopback is
    /// the trusted proxy, so the votes' X-Forwarded-For names their voters. A variable already set in
    /// the benchmark's environment wins over these.
    /// </summary>
    static readonly Dictionary<string, string> SoakServerEnvironment = new()
    {
        ["ERAS_PHOTOS_PER_MINUTE"] = "0",
        ["ERAS_VIDEOS_PER_HOUR"] = "0",
        ["ERAS_NIGHTS_PER_HOUR"] = "0",
        ["ERAS_VOTES_PER_MINUTE"] = "0",
        ["ERAS_VIDEO_QUEUE_MAX_JOBS_PER_CLIENT"] = "100000",
        ["ERAS_VIDEO_QUEUE_MAX_JOBS"] = "100000",
        ["ERAS_TRUSTED_PROXIES"] = "127.0.0.1",
    };

    /// <summary>
    /// The process runs as the Docker image runs it (two malloc arenas instead of one per thread), with
    /// the tour's shows, so a night's date names its show.
    /// </summary>
    Dictionary<string, string> SoakServerProcess => new(SoakServerEnvironment) { ["MALLOC_ARENA_MAX"] = "2", ["ERAS_SHOWS"] = ShowsFile };

    /// <summary>One kind of request, made when a client sends it.</summary>
    sealed record SoakInput(string Kind, Func<HttpRequestMessage> Request);

    /// <summary>One request: what was sent, when it was answered (seconds into the run), the status (0: no answer) and what it created.</summary>
    sealed record Outcome(string Kind, double At, double Milliseconds, int Status, int Server, long? PredictionId, long? JobId, string? NightUrl);

    /// <summary>The mixed load's kinds; everything else a client sends is a hostile file.</summary>
    static bool IsHostile(string kind) => kind is not ("photo" or "video" or "night" or "vote");

    sealed record Sample(double At, int Server, long Rss, long Peak, long DatabaseBytes);

    /// <summary>What became of the nights at the end: how many with each status, the photos they read of all they held, and the ones not found.</summary>
    sealed record NightsAtEnd(Dictionary<string, int> Statuses, int PhotosRead, int Photos, IReadOnlySet<string> Missing, List<string> Failures, List<double> Seconds)
    {
        public int Found => Statuses.Values.Sum() - Missing.Count;
    }

    sealed record SoakRun(List<Outcome> Outcomes, List<Sample> Samples, double Seconds, long DatabaseBefore, long DatabaseAfter, long UploadsAfter,
        int StoredPredictions, Dictionary<string, int> VideoJobs, int PredictionsFound, IReadOnlySet<long> MissingPredictions, int JobsFound, IReadOnlySet<long> MissingJobs,
        List<double> VideoSeconds, List<string> VideoFailures, NightsAtEnd Nights, string Integrity, string? IntegrityAfterKill, double? RestartSeconds, int ServerErrorLines, List<string> ServerErrors, double? KilledAt);

    public async Task SoakAsync(double minutes)
    {
        var duration = TimeSpan.FromMinutes(minutes);
        var work = Directory.CreateTempSubdirectory("erasweb-soak-").FullName;
        try
        {
            var inputs = SoakInputs(work);
            md.AppendLine("## Soak").AppendLine();
            md.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `dotnet run -c Release --project bench/ErasWeb.Bench -- soak --minutes {minutes:0.##}` on {Machine()}. " +
                $"The server is the app as its own process (`dotnet ErasWeb.dll`, Release build) on an empty data folder. {SoakClients} clients send one request after another for {minutes:0.##} minutes, a mixed load: " +
                $"the {inputs.Photos} shared photos in turn to `POST /predict`, each with a few unique bytes after its end so every one is analysed; every {SoakVideoEvery.TotalSeconds:0} s one of three 10 s 640x360 H.264 clips " +
                "(FFmpeg test patterns, remuxed with a unique comment so each is a new job) with `Prefer: respond-async`; " +
                $"every {SoakNightEvery.TotalSeconds:0} s a night of {SoakNightMinPhotos}-{SoakNightMaxPhotos} photos to `POST /api/nights`, held for its result as a plain upload is (up to `ERAS_VIDEO_DEFAULT_WAIT_SECONDS`): " +
                "the shared stage photos re-encoded as JPEGs at their own size, spread over the sets of a 2024 show (another show each time) with their capture times in EXIF and unique bytes; " +
                $"every {SoakVoteEvery.TotalSeconds:0.#} s a vote (`POST /api/predictions/{{id}}/feedback`) on one of the last {SoakVotablePhotos} photos answered, the ten eras in turn, " +
                $"from one of {SoakVoters} client addresses sent as X-Forwarded-For (the server trusts loopback as its proxy); " +
                $"every {SoakHostileEvery.TotalSeconds:0} s a hostile file, in turn: {string.Join("; ", inputs.Hostile.Select(h => h.Kind))}. " +
                $"Rate limits and job queue bounds are set out of the way ({string.Join(", ", SoakServerEnvironment.Select(e => $"`{e.Key}={e.Value}`"))}; the app ignores names it does not know), " +
                "`ERAS_SHOWS` is the shared shows.tsv, and `MALLOC_ARENA_MAX=2` as in the Docker image. " +
                "RSS is the server's VmRSS, read from /proc every second; \"peak\" also takes the kernel's own high-water mark (VmHWM), which catches what falls between samples. " +
                "FFmpeg runs as child processes and is not in these figures. The database is `eras.db` with its WAL.").AppendLine();

            Console.Error.WriteLine($"soak: plain run, {minutes:0.##} min");
            var plain = await SoakRunAsync(inputs, duration, killAt: null, work);
            Console.Error.WriteLine($"soak: run with kill -9 at {minutes / 2:0.##} min");
            var killed = await SoakRunAsync(inputs, duration, killAt: duration / 2, work);

            md.AppendLine($"### {minutes:0.##} minutes at concurrency {SoakClients}").AppendLine();
            SoakRequests(plain);
            SoakMinutes(plain);
            var (peak, _) = SoakPeak(plain, 0);
            md.AppendLine("| target | measured | verdict |");
            md.AppendLine("|---|---|---|");
            SoakCommonTargets(plain);
            Target("peak RSS under 1 GB", $"{Mb(peak)} MB (final {Mb(plain.Samples.Last(s => s.At <= plain.Seconds).Rss)} MB)", peak < OneGigabyte);
            SoakGrowth(plain);
            Target("every 2xx still there at the end (`GET /api/predictions/{id}`, `/api/jobs/{id}` and the night's `status_url` = 200)",
                $"{plain.PredictionsFound} of {plain.PredictionsFound + plain.MissingPredictions.Count} predictions, {plain.JobsFound} of {plain.JobsFound + plain.MissingJobs.Count} video jobs, " +
                $"{plain.Nights.Found} of {plain.Nights.Found + plain.Nights.Missing.Count} nights",
                plain.MissingPredictions.Count == 0 && plain.MissingJobs.Count == 0 && plain.Nights.Missing.Count == 0);
            Target("every video job and night done and succeeded", $"video jobs: {Jobs(plain)}; nights: {Nights(plain)}", Succeeded(plain));
            Target("`PRAGMA integrity_check` after the server stopped", plain.Integrity, plain.Integrity == "ok");
            md.AppendLine();
            SoakDatabase(plain);
            SoakErrors(plain);

            md.AppendLine($"### The same with kill -9 at minute {minutes / 2:0.##} and a restart").AppendLine();
            md.AppendLine($"The server was killed with SIGKILL {killed.KilledAt:0} s in, with requests in flight, and started again on the same data folder " +
                $"(ready {killed.RestartSeconds:0.0} s after the kill); the clients paused meanwhile and then went on against the new process.").AppendLine();
            SoakRequests(killed);
            md.AppendLine("| target | measured | verdict |");
            md.AppendLine("|---|---|---|");
            SoakCommonTargets(killed);
            var before = killed.Outcomes.Where(o => o.Server == 0 && o.Status is >= 200 and < 300).ToList();
            var (peakBefore, _) = SoakPeak(killed, 0);
            var (peakAfter, _) = SoakPeak(killed, 1);
            Target("peak RSS under 1 GB", $"{Mb(peakBefore)} MB before the kill, {Mb(peakAfter)} MB after the restart", Math.Max(peakBefore, peakAfter) < OneGigabyte);
            var beforePredictions = before.Where(o => o.PredictionId is not null).Select(o => o.PredictionId!.Value).ToList();
            var beforeJobs = before.Where(o => o.JobId is not null).Select(o => o.JobId!.Value).ToList();
            var beforeNights = before.Where(o => o.NightUrl is not null).Select(o => o.NightUrl!).ToList();
            int lostBefore = beforePredictions.Count(killed.MissingPredictions.Contains) + beforeJobs.Count(killed.MissingJobs.Contains) + beforeNights.Count(killed.Nights.Missing.Contains);
            Target("every 2xx answered before the kill still there after the restart (`GET /api/predictions/{id}`, `/api/jobs/{id}` and the night's `status_url` = 200)",
                $"{beforePredictions.Count - beforePredictions.Count(killed.MissingPredictions.Contains)} of {beforePredictions.Count} predictions, " +
                $"{beforeJobs.Count - beforeJobs.Count(killed.MissingJobs.Contains)} of {beforeJobs.Count} video jobs, " +
                $"{beforeNights.Count - beforeNights.Count(killed.Nights.Missing.Contains)} of {beforeNights.Count} nights",
                lostBefore == 0);
            Target("every 2xx of the whole run there at the end",
                $"{killed.PredictionsFound} of {killed.PredictionsFound + killed.MissingPredictions.Count} predictions, {killed.JobsFound} of {killed.JobsFound + killed.MissingJobs.Count} video jobs, " +
                $"{killed.Nights.Found} of {killed.Nights.Found + killed.Nights.Missing.Count} nights",
                killed.MissingPredictions.Count == 0 && killed.MissingJobs.Count == 0 && killed.Nights.Missing.Count == 0);
            Target("every video job and night done and succeeded, those in the queue at the kill too", $"video jobs: {Jobs(killed)}; nights: {Nights(killed)}", Succeeded(killed));
            Target("`PRAGMA integrity_check` right after the kill (before the restart)", killed.IntegrityAfterKill ?? "-", killed.IntegrityAfterKill == "ok");
            Target("`PRAGMA integrity_check` after the server stopped", killed.Integrity, killed.Integrity == "ok");
            md.AppendLine();
            md.AppendLine($"Requests without an answer: {killed.Outcomes.Count(o => o.Status == 0 && o.Server == 0)} in flight at the kill, {killed.Outcomes.Count(o => o.Status == 0 && o.Server != 0)} after the restart. " +
                $"Video jobs at the end: {Jobs(killed)}. Nights at the end: {Nights(killed)}. " +
                $"Database: {Mb(killed.DatabaseBefore)} MB to {Mb(killed.DatabaseAfter)} MB.").AppendLine();
            SoakErrors(killed);
        }
        finally { Directory.Delete(work, true); }
    }

    /// <summary>What the clients send: each call hands out the next photo, clip, night, vote or hostile file, in turn.</summary>
    sealed class SoakLoad(List<(string Name, byte[] Bytes)> photos, List<string> clips, Func<long, List<(byte[] Bytes, string Name)>> night, IReadOnlyList<string> eras,
        List<SoakInput> hostile, Func<byte[], byte[]> unique, Func<string, byte[]> uniqueClip)
    {
        long photo = -1, video = -1, nights = -1, votes = -1, bad = -1;
        public int Photos => photos.Count;
        public IReadOnlyList<SoakInput> Hostile => hostile;

        public SoakInput NextPhoto()
        {
            var p = photos[(int)(Interlocked.Increment(ref photo) % photos.Count)];
            return new SoakInput("photo", () => Upload(p.Name, ContentTypeOf(p.Name), unique(p.Bytes)));
        }

        public SoakInput NextVideo()
        {
            var clip = clips[(int)(Interlocked.Increment(ref video) % clips.Count)];
            return new SoakInput("video", () => Upload(Path.GetFileName(clip), "video/mp4", uniqueClip(clip), respondAsync: true));
        }

        public SoakInput NextNight()
        {
            long n = Interlocked.Increment(ref nights);
            return new SoakInput("night", () => NightRequest(night(n), respondAsync: false));
        }

        /// <summary>A vote on the prediction for the next era in turn, from the next voter's address.</summary>
        public SoakInput NextVote(long predictionId)
        {
            long n = Interlocked.Increment(ref votes);
            var era = eras[(int)(n % eras.Count)];
            var voter = $"203.0.113.{1 + n % SoakVoters}";
            return new SoakInput("vote", () => new HttpRequestMessage(HttpMethod.Post, $"/api/predictions/{predictionId}/feedback")
            {
                Content = JsonContent.Create(new { era }),
                Headers = { { "X-Forwarded-For", voter } },
            });
        }

        public SoakInput NextHostile() => hostile[(int)(Interlocked.Increment(ref bad) % hostile.Count)];
    }

    /// <summary>The photos answered lately in one run, for fans to vote on.</summary>
    sealed class VotablePhotos
    {
        readonly long[] ids = new long[SoakVotablePhotos];
        long count;

        public void Add(long predictionId) { lock (ids) ids[count++ % ids.Length] = predictionId; }

        public long? Pick() { lock (ids) return count == 0 ? null : ids[Random.Shared.NextInt64(Math.Min(count, ids.Length))]; }
    }

    SoakLoad SoakInputs(string work)
    {
        var photos = LabelledPhotos.Load(photosDir).Select(p => (Name: Path.GetFileName(p.Path), Bytes: File.ReadAllBytes(p.Path))).ToList();
        var clips = new[] { "testsrc", "testsrc2", "smptebars" }.Select(source =>
        {
            var path = Path.Combine(work, $"{source}.mp4");
            Ffmpeg("-f", "lavfi", "-i", $"{source}=size=640x360:rate=25:duration=10", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path);
            return path;
        }).ToList();

        // Nights: each of a 2024 show in turn, 5-20 photos, starting as its first set does.
        var stage = StagePhotosByEra();
        var jpegs = stage.Values.SelectMany(paths => paths).ToDictionary(path => path, PlainJpeg);
        var shows = File.ReadLines(ShowsFile).Skip(1).Select(line => line.Split('\t')).Where(cells => cells.Length > 1 && cells[1] == "2024")
            .Select(cells => DateTime.ParseExact(cells[0], "yyyy-MM-dd", CultureInfo.InvariantCulture).AddHours(19).AddMinutes(50)).ToList();
        List<(byte[] Bytes, string Name)> Night(long n) =>
            NightShots(NightPlan(shows[(int)(n % shows.Count)], SoakNightMinPhotos + (int)(n * 7 % (SoakNightMaxPhotos - SoakNightMinPhotos + 1))), stage, path => jpegs[path]);

        var jpeg = photos.Where(p => p.Name.EndsWith(".jpg") || p.Name.EndsWith(".jpeg")).MaxBy(p => p.Bytes.Length).Bytes;
        var bmp = RleBomb();
        var png = PngBomb();
        var hostile = new List<SoakInput>
        {
            new($"truncated JPEG ({jpeg.Length * 2 / 5 / 1024} KB, the first 40% of a shared photo)", () => Upload("truncated.jpg", "image/jpeg", jpeg[..(jpeg.Length * 2 / 5)])),
            new("64 KB of random bytes named .jpg", () => Upload("random.jpg", "image/jpeg", RandomNumberGenerator.GetBytes(64 * 1024))),
            new($"{bmp.Length} B RLE8 BMP declaring 10000x10000", () => Upload("bomb.bmp", "image/bmp", bmp)),
            new($"{png.Length / 1024} KB PNG declaring 10000x10000", () => Upload("bomb.png", "image/png", png)),
        };
        return new SoakLoad(photos, clips, Night, [.. stage.Keys.Order()], hostile, Unique, clip => UniqueClip(clip, work));
    }

    /// <summary>One file in the field "file" of <c>POST /predict</c>.</summary>
    static HttpRequestMessage Upload(string fileName, string contentType, byte[] bytes, bool respondAsync = false)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = new MultipartFormDataContent { { file, "file", fileName } } };
        if (respondAsync) request.Headers.Add("Prefer", "respond-async");
        return request;
    }

    static string ContentTypeOf(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".webp" => "image/webp",
        _ => "image/jpeg",
    };

    /// <summary>The same clip with a unique comment in its metadata: new bytes, so a new job, without encoding again.</summary>
    byte[] UniqueClip(string clip, string work)
    {
        var copy = Path.Combine(work, $"upload-{Guid.NewGuid():N}.mp4");
        try
        {
            Ffmpeg("-i", clip, "-c", "copy", "-metadata", $"comment=soak {Interlocked.Increment(ref unique)} {Environment.TickCount64}", copy);
            return File.ReadAllBytes(copy);
        }
        finally { File.Delete(copy); }
    }

    async Task<SoakRun> SoakRunAsync(SoakLoad load, TimeSpan duration, TimeSpan? killAt, string work)
    {
        var dataDir = Directory.CreateDirectory(Path.Combine(work, killAt is null ? "data-plain" : "data-kill")).FullName;
        var database = Path.Combine(dataDir, "eras.db");
        long DatabaseBytes() => new[] { database, database + "-wal" }.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0);

        var server = await SoakServer.StartAsync(dataDir, backboneSource, SoakServerProcess);
        int generation = 0, errorLines = 0;
        var errors = new List<string>();
        var open = new TaskCompletionSource();
        open.SetResult();
        var outcomes = new ConcurrentQueue<Outcome>();
        var samples = new List<Sample>();
        long databaseBefore = DatabaseBytes();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        string? integrityAfterKill = null;
        double? restartSeconds = null, killedAt = null;

        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            do
            {
                var current = Volatile.Read(ref server);
                if (current.Memory() is { } memory)
                    lock (samples)
                    {
                        samples.Add(new Sample(clock.Elapsed.TotalSeconds, Volatile.Read(ref generation), memory.Rss, memory.Peak, DatabaseBytes()));
                        if (samples.Count % 30 == 0) Console.Error.WriteLine($"soak: {clock.Elapsed.TotalSeconds:0} s, {outcomes.Count} requests, RSS {Mb(memory.Rss)} MB, database {Mb(samples[^1].DatabaseBytes)} MB");
                    }
            }
            while (await timer.WaitForNextTickAsync(stop.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result));
        });

        // The first video and night early, so that a short run has some too.
        var videoDue = new Schedule(TimeSpan.FromSeconds(10), SoakVideoEvery);
        var nightDue = new Schedule(TimeSpan.FromSeconds(5), SoakNightEvery);
        var voteDue = new Schedule(SoakVoteEvery, SoakVoteEvery);
        var hostileDue = new Schedule(SoakHostileEvery, SoakHostileEvery);
        var votable = new VotablePhotos();
        var clients = Enumerable.Range(0, SoakClients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                await Volatile.Read(ref open).Task;
                var current = Volatile.Read(ref server);
                int serverGeneration = Volatile.Read(ref generation);
                var now = clock.Elapsed;
                var input = videoDue.Due(now) ? load.NextVideo()
                    : nightDue.Due(now) ? load.NextNight()
                    : hostileDue.Due(now) ? load.NextHostile()
                    : voteDue.Due(now) && votable.Pick() is long votedOn ? load.NextVote(votedOn)
                    : load.NextPhoto();
                using var request = input.Request();
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = await current.Client.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    long? predictionId = null, jobId = null;
                    string? nightUrl = null;
                    if (response.IsSuccessStatusCode && input.Kind is "photo" or "video" or "night")
                    {
                        var json = JsonDocument.Parse(text).RootElement;
                        if (input.Kind == "night") nightUrl = json.GetProperty("status_url").GetString();
                        else
                        {
                            if (json.TryGetProperty("job_id", out var job)) jobId = job.GetInt64();
                            if (json.TryGetProperty("prediction_id", out var prediction) && prediction.ValueKind == JsonValueKind.Number) predictionId = prediction.GetInt64();
                        }
                    }
                    if (input.Kind == "photo" && predictionId is long answered) votable.Add(answered);
                    outcomes.Enqueue(new Outcome(input.Kind, clock.Elapsed.TotalSeconds, watch.Elapsed.TotalMilliseconds, (int)response.StatusCode, serverGeneration, predictionId, jobId, nightUrl));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    outcomes.Enqueue(new Outcome(input.Kind, clock.Elapsed.TotalSeconds, watch.Elapsed.TotalMilliseconds, 0, serverGeneration, null, null, null));
                    if (killAt is null) Console.Error.WriteLine($"soak: no answer to a {input.Kind}: {e.Message}");
                }
            }
        })).ToList();

        if (killAt is { } at)
        {
            await Task.Delay(at);
            // The clients wait at the gate from now on; requests already sent are cut off by the kill.
            Volatile.Write(ref open, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            killedAt = clock.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"soak: kill -9 at {killedAt:0} s");
            errorLines += server.ErrorLines;
            errors.AddRange(server.FirstErrors);
            await server.KillHardAsync();
            var restart = Stopwatch.StartNew();
            integrityAfterKill = IntegrityCheck(database, readOnly: true);
            await server.DisposeAsync();
            var restarted = await SoakServer.StartAsync(dataDir, backboneSource, SoakServerProcess);
            restartSeconds = restart.Elapsed.TotalSeconds;
            Volatile.Write(ref server, restarted);
            Interlocked.Increment(ref generation);
            Volatile.Read(ref open).SetResult();
        }
        await Task.WhenAll(clients);
        double seconds = clock.Elapsed.TotalSeconds;
        long databaseAfter = DatabaseBytes();
        Console.Error.WriteLine($"soak: load done after {seconds:0} s, {outcomes.Count} requests; checking what was stored");

        // Video jobs still queued get the time to finish, so what they stored is checked too.
        var all = outcomes.ToList();
        var jobStatuses = new Dictionary<string, int>();
        var videoPredictions = new List<long>();
        int jobsFound = 0;
        var missingJobs = new HashSet<long>();
        var videoFailures = new List<string>();
        var videoSeconds = new List<double>();
        foreach (var id in all.Where(o => o.JobId is not null).Select(o => o.JobId!.Value))
        {
            string status = "missing";
            for (var deadline = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < deadline; await Task.Delay(250))
            {
                using var response = await server.Client.GetAsync($"/api/jobs/{id}");
                if (!response.IsSuccessStatusCode) break;
                var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                status = job.GetProperty("status").GetString()!;
                if (status == "succeeded" && job.TryGetProperty("prediction_id", out var p) && p.ValueKind == JsonValueKind.Number) videoPredictions.Add(p.GetInt64());
                if (status == "failed") videoFailures.Add($"video job {id}: {job.GetProperty("error").GetString()}");
                if (status is "succeeded" or "failed")
                {
                    videoSeconds.Add((job.GetProperty("finished_at").GetDateTime() - job.GetProperty("started_at").GetDateTime()).TotalSeconds);
                    break;
                }
            }
            jobStatuses[status] = jobStatuses.GetValueOrDefault(status) + 1;
            if (status == "missing") missingJobs.Add(id); else jobsFound++;
        }
        var nights = await NightsAtEndAsync(server.Client, all.Where(o => o.NightUrl is not null).Select(o => o.NightUrl!));
        var predictions = all.Where(o => o.PredictionId is not null).Select(o => o.PredictionId!.Value).Concat(videoPredictions).Distinct().ToList();
        var missingPredictions = new ConcurrentDictionary<long, bool>();
        await Parallel.ForEachAsync(predictions, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, ct) =>
        {
            using var response = await server.Client.GetAsync($"/api/predictions/{id}", ct);
            if (!response.IsSuccessStatusCode) missingPredictions[id] = true;
        });
        long uploads = Directory.Exists(Path.Combine(dataDir, "uploads"))
            ? Directory.EnumerateFiles(Path.Combine(dataDir, "uploads"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

        await stop.CancelAsync();
        await sampler;
        errorLines += server.ErrorLines;
        errors.AddRange(server.FirstErrors);
        await server.StopAsync();
        await server.DisposeAsync();
        var integrity = IntegrityCheck(database, readOnly: false);
        SqliteConnection.ClearAllPools();
        Directory.Delete(dataDir, true);
        return new SoakRun(all, samples, seconds, databaseBefore, databaseAfter, uploads, predictions.Count, jobStatuses,
            predictions.Count - missingPredictions.Count, missingPredictions.Keys.ToHashSet(), jobsFound, missingJobs, videoSeconds, videoFailures, nights, integrity, integrityAfterKill, restartSeconds, errorLines, errors, killedAt);
    }

    /// <summary>
    /// Each night's status once it is done (or after 2 minutes), with its photos read and the time from its
    /// upload's end to done (queue included); a night whose status URL no longer answers is missing.
    /// </summary>
    static async Task<NightsAtEnd> NightsAtEndAsync(HttpClient client, IEnumerable<string> statusUrls)
    {
        var statuses = new Dictionary<string, int>();
        var missing = new HashSet<string>();
        var failures = new List<string>();
        var seconds = new List<double>();
        int photosRead = 0, photos = 0;
        foreach (var url in statusUrls)
        {
            string status = "missing";
            for (var deadline = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < deadline; await Task.Delay(250))
            {
                using var response = await client.GetAsync(url);
                if (!response.IsSuccessStatusCode) break;
                var night = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                status = night.GetProperty("status").GetString()!;
                if (status == "succeeded")
                {
                    var read = night.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("prediction_id").ValueKind == JsonValueKind.Number).ToList();
                    (photosRead, photos) = (photosRead + read.Count(r => r), photos + read.Count);
                }
                if (status == "failed") failures.Add($"night {night.GetProperty("night_id").GetInt64()}: {night.GetProperty("error").GetString()}");
                if (status is "succeeded" or "failed")
                {
                    seconds.Add((night.GetProperty("finished_at").GetDateTime() - night.GetProperty("created_at").GetDateTime()).TotalSeconds);
                    break;
                }
            }
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status == "missing") missing.Add(url);
        }
        return new NightsAtEnd(statuses, photosRead, photos, missing, failures, seconds);
    }

    /// <summary>Hands out "now" to one caller per period, whichever client asks first.</summary>
    sealed class Schedule(TimeSpan first, TimeSpan period)
    {
        long next = first.Ticks;

        public bool Due(TimeSpan now)
        {
            long due = Interlocked.Read(ref next);
            return now.Ticks >= due && Interlocked.CompareExchange(ref next, now.Ticks + period.Ticks, due) == due;
        }
    }

    static string IntegrityCheck(string database, bool readOnly)
    {
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = database,
                Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
                Pooling = false,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            using var reader = command.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read()) lines.Add(reader.GetString(0));
            return string.Join("; ", lines);
        }
        catch (SqliteException e) { return $"could not check: {e.Message}"; }
    }

    void SoakRequests(SoakRun run)
    {
        md.AppendLine("| requests | n | p50 ms | p95 ms | p99 ms | max ms | statuses |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var group in run.Outcomes.GroupBy(o => o.Kind).OrderBy(g => g.Key switch { "photo" => 0, "video" => 1, "night" => 2, "vote" => 3, _ => 4 }).ThenBy(g => g.Key))
            Row(group.Key switch
            {
                "video" => "video, `Prefer: respond-async`",
                "night" => $"night of {SoakNightMinPhotos}-{SoakNightMaxPhotos} photos, held for its result",
                "vote" => "vote",
                var kind => kind,
            }, group.ToList());
        Row("**all**", run.Outcomes);
        md.AppendLine();

        void Row(string name, List<Outcome> outcomes)
        {
            var answered = outcomes.Where(o => o.Status != 0).Select(o => o.Milliseconds).Order().ToArray();
            var statuses = string.Join(", ", outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString())}: {g.Count()}"));
            md.AppendLine(answered.Length == 0
                ? $"| {name} | {outcomes.Count} | | | | | {statuses} |"
                : $"| {name} | {outcomes.Count} | {Percentile(answered, 0.5):0} | {Percentile(answered, 0.95):0} | {Percentile(answered, 0.99):0} | {answered[^1]:0} | {statuses} |");
        }
    }

    void SoakCommonTargets(SoakRun run)
    {
        int serverErrors = run.Outcomes.Count(o => o.Status >= 500);
        Target("0 5xx", $"{serverErrors} of {run.Outcomes.Count} (the server logged {run.ServerErrorLines} errors)", serverErrors == 0);
        var hostile = run.Outcomes.Where(o => IsHostile(o.Kind)).ToList();
        Target("hostile files get a 4xx", $"{hostile.Count(o => o.Status is >= 400 and < 500)} of {hostile.Count(o => o.Status != 0)} answers (statuses above)", hostile.All(o => o.Status is 0 or (>= 400 and < 500)));
        var answered = run.Outcomes.Where(o => !IsHostile(o.Kind) && o.Status != 0).ToList();
        Target("every photo, video, night and vote answered with a 2xx", $"{answered.Count(o => o.Status is >= 200 and < 300)} of {answered.Count} answers", answered.All(o => o.Status is >= 200 and < 300));
    }

    /// <summary>The highest RSS of one server process: the samples' and the kernel's high-water mark's.</summary>
    static (long Peak, long SampledPeak) SoakPeak(SoakRun run, int server)
    {
        var mine = run.Samples.Where(s => s.Server == server).ToList();
        return mine.Count == 0 ? (0, 0) : (Math.Max(mine.Max(s => s.Rss), mine.Max(s => s.Peak)), mine.Max(s => s.Rss));
    }

    void SoakMinutes(SoakRun run)
    {
        md.AppendLine("| minute | requests | p50 ms | p99 ms | RSS median MB | RSS max MB | database MB at the end |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        int minutes = (int)Math.Ceiling(run.Seconds / 60 - 0.01);
        for (int m = 0; m < minutes; m++)
        {
            var answered = run.Outcomes.Where(o => o.Status != 0 && o.At >= m * 60 && o.At < (m + 1) * 60).Select(o => o.Milliseconds).Order().ToArray();
            var rss = run.Samples.Where(s => s.At >= m * 60 && s.At < (m + 1) * 60 && s.At <= run.Seconds).ToList();
            if (answered.Length == 0 || rss.Count == 0) continue;
            var sorted = rss.Select(s => (double)s.Rss).Order().ToArray();
            md.AppendLine($"| {m + 1} | {answered.Length} | {Percentile(answered, 0.5):0} | {Percentile(answered, 0.99):0} | {Mb((long)Percentile(sorted, 0.5))} | {Mb(rss.Max(s => s.Rss))} | {Mb(rss[^1].DatabaseBytes)} |");
        }
        md.AppendLine();
    }

    /// <summary>Memory in the second half of the run against the first: the peaks (the target), the medians, and the trend over the second half.</summary>
    void SoakGrowth(SoakRun run)
    {
        double half = run.Seconds / 2;
        var first = run.Samples.Where(s => s.At < half).Select(s => s.Rss).Order().ToList();
        var second = run.Samples.Where(s => s.At >= half && s.At <= run.Seconds).ToList();
        if (second.Count < 2 || first.Count == 0)
        {
            Target("no growth: RSS peak of the second half within 5% of the first half's", "too few samples", false);
            return;
        }
        long firstMax = first[^1], secondMax = second.Max(s => s.Rss);
        long firstMedian = first[first.Count / 2], secondMedian = second.Select(s => s.Rss).Order().ElementAt(second.Count / 2);
        // Least squares over the second half's samples, in MB per minute.
        double meanT = second.Average(s => s.At), meanR = second.Average(s => (double)s.Rss);
        double slope = second.Sum(s => (s.At - meanT) * (s.Rss - meanR)) / second.Sum(s => (s.At - meanT) * (s.At - meanT)) * 60 / (1024 * 1024);
        Target("no growth: RSS peak of the second half within 5% of the first half's",
            $"peak {Mb(secondMax)} against {Mb(firstMax)} MB ({(double)secondMax / firstMax - 1:+0%;-0%;0%}); median {Mb(secondMedian)} against {Mb(firstMedian)} MB " +
            $"({(double)secondMedian / firstMedian - 1:+0%;-0%;0%}); linear fit over the second half: {slope:+0.0;-0.0} MB/min",
            secondMax <= firstMax * 1.05);
    }

    void SoakDatabase(SoakRun run)
    {
        int stored = run.StoredPredictions + run.Nights.PhotosRead;
        md.AppendLine($"Database: {Mb(run.DatabaseBefore)} MB empty, {Mb(run.DatabaseAfter)} MB after the run with {run.StoredPredictions} stored predictions and {run.Nights.PhotosRead} nights' photos " +
            $"({(run.DatabaseAfter - run.DatabaseBefore) / 1024.0 / Math.Max(1, stored):0} KB each, the WAL included); the uploads kept on disk: {Mb(run.UploadsAfter)} MB. " +
            $"Video jobs at the end: {Jobs(run)}. Nights at the end: {Nights(run)}.").AppendLine();
    }

    void SoakErrors(SoakRun run)
    {
        if (run.VideoFailures.Count + run.Nights.Failures.Count > 0)
        {
            md.AppendLine("Jobs that failed, with the reason they give:").AppendLine();
            foreach (var failure in run.VideoFailures.Concat(run.Nights.Failures)) md.AppendLine($"- {failure}");
            md.AppendLine();
        }
        if (run.ServerErrorLines == 0) return;
        md.AppendLine($"The server logged {run.ServerErrorLines} errors; the first {run.ServerErrors.Count}:").AppendLine();
        foreach (var error in run.ServerErrors) md.AppendLine($"- `{(error.Length > 300 ? error[..300] + "..." : error).Replace("`", "'")}`");
        md.AppendLine();
    }

    static string Jobs(SoakRun run) => run.VideoJobs.Count == 0 ? "none"
        : $"{string.Join(", ", run.VideoJobs.Select(j => $"{j.Value} {j.Key}"))}{Took(run.VideoSeconds, "from pickup to done")}";

    static string Nights(SoakRun run) => run.Nights.Statuses.Count == 0 ? "none"
        : $"{string.Join(", ", run.Nights.Statuses.Select(n => $"{n.Value} {n.Key}"))} ({run.Nights.PhotosRead} of {run.Nights.Photos} photos read{Took(run.Nights.Seconds, "from the upload's end to done")})";

    static bool Succeeded(SoakRun run) => run.VideoJobs.Keys.Concat(run.Nights.Statuses.Keys).All(status => status == "succeeded");

    static string Took(List<double> seconds, string what)
    {
        if (seconds.Count == 0) return "";
        var sorted = seconds.Order().ToArray();
        return $"; {what} p50 {Percentile(sorted, 0.5):0.0} s, max {sorted[^1]:0.0} s";
    }

    static double Percentile(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    static string Mb(long bytes) => $"{bytes / (1024.0 * 1024):0}";

    /// <summary>About 1 KB: a BMP header declaring 10000x10000 pixels, 8 bits each, run-length encoded, and a few runs of pixels.</summary>
    static byte[] RleBomb()
    {
        const int width = 10000, height = 10000, paletteSize = 256 * 4, pixelsAt = 14 + 40 + paletteSize;
        byte[] runs = [.. Enumerable.Repeat<byte[]>([255, 1], 8).SelectMany(r => r), 0, 0, 0, 1]; // eight runs, end of line, end of bitmap
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write("BM"u8); w.Write(pixelsAt + runs.Length); w.Write(0); w.Write(pixelsAt);
        w.Write(40); w.Write(width); w.Write(height); w.Write((short)1); w.Write((short)8); w.Write(1 /* BI_RLE8 */); w.Write(runs.Length);
        w.Write(2835); w.Write(2835); w.Write(256); w.Write(0);
        for (int i = 0; i < 256; i++) w.Write(i * 0x010101);
        w.Write(runs);
        w.Flush();
        return stream.ToArray();
    }

    /// <summary>About 12 KB: a valid 1-bit greyscale PNG of 10000x10000 white pixels, which compress to almost nothing.</summary>
    static byte[] PngBomb()
    {
        const int side = 10000, rowBytes = 1 + (side + 7) / 8;
        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[rowBytes];
            Array.Fill(row, (byte)0xFF);
            row[0] = 0; // filter: none
            for (int y = 0; y < side; y++) zlib.Write(row);
        }
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk("IHDR", [.. BigEndian(side), .. BigEndian(side), 1, 0, 0, 0, 0]);
        Chunk("IDAT", pixels.ToArray());
        Chunk("IEND", []);
        return png.ToArray();

        void Chunk(string type, byte[] data)
        {
            byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
            png.Write(BigEndian(data.Length));
            png.Write(typed);
            png.Write(BigEndian((int)Crc32(typed)));
        }
        static byte[] BigEndian(int value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
        static uint Crc32(byte[] bytes)
        {
            uint crc = 0xFFFFFFFF;
            foreach (var b in bytes)
            {
                crc ^= b;
                for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
            return ~crc;
        }
    }
}
