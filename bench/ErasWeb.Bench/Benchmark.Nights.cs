using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ErasWeb.Classification;
using ErasWeb.Shows;
using ErasWeb.Training;
using SkiaSharp;

namespace ErasWeb.Bench;

/// <summary>
/// A fan's night: a phone's worth of 12 MP photos of one 2024 show, posted as one night to the app as
/// its own process; the upload, the time from its end until the night is read, the server's memory,
/// and the decoder alone on the night's own answers.
/// </summary>
public sealed partial class Benchmark
{
    static readonly int[] NightSizes = [100, 300];
    const int NightWarmUpPhotos = 10;
    const int MinutesBetweenSets = 3;
    /// <summary>Wembley, 21 June 2024, a show of the 2024 order; the night's photos start as its first set does.</summary>
    static readonly DateTime NightStart = new(2024, 6, 21, 19, 50, 0);

    sealed record NightRun(int Photos, long Bytes, double UploadSeconds, double DoneSeconds, double ServerSeconds, double CpuSeconds, long IdleRss, long PeakRss,
        string? Show, string? Tour, int Read, int RightDecoded, int RightAlone, List<double> DecodeTimes);

    /// <summary>shows.tsv beside the shared photos (ERAS_SHOWS overrides), so nights name their show.</summary>
    string ShowsFile => Environment.GetEnvironmentVariable("ERAS_SHOWS") is { Length: > 0 } path
        ? Path.GetFullPath(path)
        : Path.Combine(Path.GetDirectoryName(photosDir.TrimEnd('/'))!, "eras-shows", "shows.tsv");

    public async Task NightsAsync()
    {
        var stage = StagePhotosByEra();
        var watch = Stopwatch.StartNew();
        // Each stage photo brought up to 12 MP once; a night uses them in its sets' order, each copy with its own capture time.
        var twelveMp = stage.Values.SelectMany(paths => paths).AsParallel()
            .ToDictionary(path => path, path => MakeBaselineJpeg(File.ReadAllBytes(path), 4000, 3000));
        Console.Error.WriteLine($"nights: {twelveMp.Count} stage photos brought to 12 MP in {watch.Elapsed.TotalSeconds:0} s");

        md.AppendLine("## A fan's night").AppendLine();
        md.AppendLine($"A night of 12 MP photos (4000x3000 baseline JPEGs: the {twelveMp.Count} shared stage photos brought up to that size, mean {twelveMp.Values.Average(b => b.Length) / 1024:0} KB; " +
            "scaled-up photos carry less detail than a phone's, so their files are smaller) of the Wembley show of 21 June 2024: the photos spread evenly over the 2024 order's sets " +
            $"(their typical lengths, {MinutesBetweenSets} minutes between sets), each set's photos its era's stage photos in turn, each with its capture time in EXIF and a few unique bytes after its end, " +
            "so none is answered from a stored prediction. Posted as one night to `POST /api/nights` with `Prefer: respond-async` on a fresh server, the app as its own process " +
            $"(`dotnet ErasWeb.dll`, configured as the soak's, `MALLOC_ARENA_MAX=2` as in the Docker image), after a warm-up night of {NightWarmUpPhotos} such photos. " +
            "*Upload* is from the request's start to its 202; *done* from the 202 until polling `status_url` every 50 ms sees `succeeded` (the night's own `created_at` to `finished_at` in brackets); " +
            "photos/s is photos over *done*; *server CPU* is the CPU time the server used meanwhile (user and system, from /proc/PID/stat), which other work on the machine hardly changes, " +
            "and over *done* how many cores it kept busy. RSS is the server's VmRSS just before the upload and its VmHWM (the kernel's high-water mark over the process's life, " +
            "start-up and warm-up included) once the night is done. " +
            "*Right* counts the photos whose era is their set's, decoded with the set order and read alone.").AppendLine();
        md.AppendLine("| photos | upload MB | upload s | done s | photos/s | server CPU s (ms a photo, cores busy) | server RSS before / peak MB | show named | tour | read | right, decoded | right, alone |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        var runs = new List<NightRun>();
        foreach (int count in NightSizes)
        {
            Console.Error.WriteLine($"nights: a night of {count} photos");
            var run = await NightRunAsync(count, stage, twelveMp);
            runs.Add(run);
            md.AppendLine($"| {run.Photos} | {run.Bytes / (1024.0 * 1024):0} | {run.UploadSeconds:0.00} | {run.DoneSeconds:0.00} ({run.ServerSeconds:0.00}) | {run.Photos / run.DoneSeconds:0.0} | {run.CpuSeconds:0.0} ({run.CpuSeconds * 1000 / run.Photos:0}, {run.CpuSeconds / run.DoneSeconds:0.0}) | " +
                $"{Mb(run.IdleRss)} / {Mb(run.PeakRss)} | {run.Show ?? "none"} | {run.Tour ?? "open"} | {run.Read} | {run.RightDecoded} | {run.RightAlone} |");
        }
        md.AppendLine();
        md.AppendLine("The decoder alone on each night's own answers (the probabilities and capture times the server stored, fetched back), both tours open as when no show is named " +
            "(the server, knowing the show, decodes one order), 30 runs in this process: " +
            string.Join("; ", runs.Select(r => $"{r.Photos} photos p50 {r.DecodeTimes[r.DecodeTimes.Count / 2]:0.00} ms, slowest {r.DecodeTimes[^1]:0.00} ms")) +
            " (the first run of the process works out each tour's clock and is JIT-compiled).").AppendLine();

        var hundred = runs.Single(r => r.Photos == 100);
        md.AppendLine("| target | measured | verdict |");
        md.AppendLine("|---|---|---|");
        Target("a night of 100 12 MP photos is done within 10 s of its upload's end", $"{hundred.DoneSeconds:0.00} s ({hundred.Photos / hundred.DoneSeconds:0.0} photos/s)", hundred.DoneSeconds <= 10);
        foreach (var run in runs)
            Target($"server's peak RSS under 1 GB with a night of {run.Photos} photos", $"{Mb(run.PeakRss)} MB", run.PeakRss < OneGigabyte);
        Target("decoding a night of 100 photos alone: under 20 ms", $"p50 {hundred.DecodeTimes[15]:0.00} ms", hundred.DecodeTimes[15] < 20);
        md.AppendLine();
    }

    async Task<NightRun> NightRunAsync(int count, Dictionary<string, List<string>> stage, Dictionary<string, byte[]> twelveMp)
    {
        var plan = NightPlan(NightStart, count);
        var shots = NightShots(plan, stage, path => twelveMp[path]);
        var dataDir = Directory.CreateTempSubdirectory("erasweb-bench-night-").FullName;
        var server = await SoakServer.StartAsync(dataDir, backboneSource, SoakServerProcess);
        try
        {
            var client = server.Client;
            await RunNightAsync(client, shots.Take(NightWarmUpPhotos).Select(s => (Unique(s.Bytes), s.Name)).ToList());

            long idle = server.Memory()?.Rss ?? 0;
            var upload = Stopwatch.StartNew();
            var accepted = await PostNightAsync(client, shots.Select(s => (s.Bytes, s.Name)).ToList(), respondAsync: true);
            double uploadSeconds = upload.Elapsed.TotalSeconds;
            if (accepted.Status != HttpStatusCode.Accepted) throw new InvalidOperationException($"The night was answered {(int)accepted.Status}: {accepted.Night}");
            var done = Stopwatch.StartNew();
            double cpuBefore = server.CpuSeconds() ?? 0;
            var night = await NightDoneAsync(client, accepted.Night.GetProperty("status_url").GetString()!, TimeSpan.FromMilliseconds(50));
            double doneSeconds = done.Elapsed.TotalSeconds;
            double cpuSeconds = (server.CpuSeconds() ?? 0) - cpuBefore;
            long peak = server.Memory()?.Peak ?? 0;
            if (night.GetProperty("status").GetString() != "succeeded") throw new InvalidOperationException($"The night failed: {night.GetProperty("error")}");

            var photos = night.GetProperty("photos").EnumerateArray().ToList();
            var read = photos.Where(p => p.GetProperty("prediction_id").ValueKind == JsonValueKind.Number).ToList();
            string? Truth(JsonElement photo) => plan[photo.GetProperty("upload_index").GetInt32()].Era;
            var show = night.GetProperty("show");
            var (labels, stored) = await StoredNightAsync(client, read);
            return new NightRun(count, shots.Sum(s => (long)s.Bytes.Length), uploadSeconds, doneSeconds,
                (night.GetProperty("finished_at").GetDateTime() - night.GetProperty("created_at").GetDateTime()).TotalSeconds, cpuSeconds, idle, peak,
                show.ValueKind == JsonValueKind.Null ? null : $"{show.GetProperty("date").GetString()} {show.GetProperty("city").GetString()}",
                night.GetProperty("tour").GetString(), read.Count,
                read.Count(p => p.GetProperty("era").GetString() == Truth(p)), read.Count(p => p.GetProperty("predicted_class").GetString() == Truth(p)),
                NightDecodeTimes(labels, stored));
        }
        finally
        {
            await server.StopAsync();
            await server.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, true);
        }
    }

    /// <summary>The night's photos as the decoder takes them, from what the server stored: each one's probabilities (in one label order) and capture time.</summary>
    static async Task<(IReadOnlyList<string> Labels, List<ShowPhoto> Photos)> StoredNightAsync(HttpClient client, IReadOnlyList<JsonElement> photosInCaptureOrder)
    {
        IReadOnlyList<string>? labels = null;
        var photos = new List<ShowPhoto>();
        foreach (var photo in photosInCaptureOrder)
        {
            // The photo's page URL carries its key: the same address under /api is its JSON.
            var prediction = JsonDocument.Parse(await client.GetStringAsync("/api" + photo.GetProperty("page_url").GetString())).RootElement;
            var probabilities = prediction.GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetSingle());
            labels ??= [.. probabilities.Keys];
            photos.Add(new ShowPhoto(photo.GetProperty("taken_at").GetDateTime(), [.. labels.Select(l => probabilities[l])],
                prediction.GetProperty("uncertain_reason").GetString() == UncertainReasons.Unfamiliar()));
        }
        return (labels!, photos);
    }

    /// <summary>The shared stage photos of each era, in the manifest's order.</summary>
    Dictionary<string, List<string>> StagePhotosByEra() => LabelledPhotos.Load(photosDir).Where(p => p.Kind == LabelledPhotos.StagePhoto)
        .GroupBy(p => p.Class).ToDictionary(g => g.Key, g => g.Select(p => p.Path).ToList());

    /// <summary>
    /// A night of <paramref name="count"/> photos of a 2024 show starting at <paramref name="start"/>: spread evenly
    /// over the sets' typical playing time, with <see cref="MinutesBetweenSets"/> between sets; each photo's set era and capture time.
    /// </summary>
    static List<(string Era, DateTime TakenAt)> NightPlan(DateTime start, int count)
    {
        var tour = Tours.Of2024;
        double playing = tour.SetMinutes.Sum();
        var plan = new List<(string Era, DateTime TakenAt)>();
        for (int i = 0; i < count; i++)
        {
            double minute = (i + 0.5) * playing / count;
            int set = 0;
            for (double before = 0; minute >= before + tour.SetMinutes[set]; set++) before += tour.SetMinutes[set];
            var at = start.AddMinutes(minute + set * MinutesBetweenSets);
            plan.Add((tour.Sets[set].Era, at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond)))); // EXIF keeps whole seconds
        }
        return plan;
    }

    /// <summary>
    /// The planned photos as a phone saves them: each set's photos are its era's stage photos in turn
    /// (<paramref name="jpeg"/> gives a photo's JPEG), with the capture time in EXIF and unique bytes after the end.
    /// </summary>
    List<(byte[] Bytes, string Name)> NightShots(List<(string Era, DateTime TakenAt)> plan, Dictionary<string, List<string>> stage, Func<string, byte[]> jpeg)
    {
        var used = new Dictionary<string, int>();
        return [.. plan.Select((shot, i) =>
        {
            int turn = used[shot.Era] = used.GetValueOrDefault(shot.Era, -1) + 1;
            var paths = stage[shot.Era];
            return (Unique(WithCaptureTime(jpeg(paths[turn % paths.Count]), shot.TakenAt)), $"IMG_{i + 1:0000}.jpg");
        })];
    }

    /// <summary>Posts a night and waits for it to be done (warm-up: the answer must be a success).</summary>
    static async Task RunNightAsync(HttpClient client, List<(byte[] Bytes, string Name)> photos)
    {
        var accepted = await PostNightAsync(client, photos, respondAsync: true);
        var night = await NightDoneAsync(client, accepted.Night.GetProperty("status_url").GetString()!, TimeSpan.FromMilliseconds(250));
        if (night.GetProperty("status").GetString() != "succeeded") throw new InvalidOperationException($"The warm-up night failed: {night}");
    }

    static HttpRequestMessage NightRequest(IReadOnlyList<(byte[] Bytes, string Name)> photos, bool respondAsync)
    {
        var form = new MultipartFormDataContent();
        foreach (var (bytes, name) in photos)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "file", name);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/nights") { Content = form };
        if (respondAsync) request.Headers.Add("Prefer", "respond-async");
        return request;
    }

    static async Task<(HttpStatusCode Status, JsonElement Night)> PostNightAsync(HttpClient client, IReadOnlyList<(byte[] Bytes, string Name)> photos, bool respondAsync)
    {
        using var request = NightRequest(photos, respondAsync);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"/api/nights answered {(int)response.StatusCode}: {text}");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement);
    }

    /// <summary>Polls the night until it has succeeded or failed.</summary>
    static async Task<JsonElement> NightDoneAsync(HttpClient client, string statusUrl, TimeSpan every)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(10); DateTime.UtcNow < deadline; await Task.Delay(every))
        {
            var night = JsonDocument.Parse(await client.GetStringAsync(statusUrl)).RootElement;
            if (night.GetProperty("status").GetString() is "succeeded" or "failed") return night;
        }
        throw new TimeoutException($"{statusUrl} was not done within 10 minutes.");
    }

    /// <summary>Inserts an EXIF block with only a capture time (DateTimeOriginal, as cameras write it: local, no zone) right after the JPEG's start marker.</summary>
    static byte[] WithCaptureTime(byte[] jpeg, DateTime takenAt)
    {
        var text = Encoding.ASCII.GetBytes(takenAt.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture) + "\0");
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0,   // little-endian TIFF header, first IFD at 8
            1, 0,                                      // IFD0: one entry
            0x69, 0x87, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, // tag 0x8769 (Exif IFD), LONG, count 1, at 26
            0, 0, 0, 0,                                // no next IFD
            1, 0,                                      // Exif IFD at 26: one entry
            0x03, 0x90, 2, 0, (byte)text.Length, 0, 0, 0, 44, 0, 0, 0, // tag 0x9003 (DateTimeOriginal), ASCII, 20 bytes at 44
            0, 0, 0, 0,                                // no next IFD
            .. text,
        ];
        byte[] exif = [.. "Exif\0\0"u8, .. tiff];
        int length = exif.Length + 2;
        return [.. jpeg.AsSpan(0, 2), 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. exif, .. jpeg.AsSpan(2)];
    }

    /// <summary>A shared picture re-encoded as a JPEG at its own size, as a phone saves it: no metadata of its own, so the capture time added is the only one.</summary>
    static byte[] PlainJpeg(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
