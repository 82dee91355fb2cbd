using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using ErasWeb.Classification;
using ErasWeb.Data;
using ErasWeb.Hosting;
using ErasWeb.Media;
using ErasWeb.Predictions;
using ErasWeb.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace ErasWeb.Bench;

/// <summary>Times the image pipeline stage by stage in-process, then end to end over HTTP, and writes a Markdown report.</summary>
public sealed partial class Benchmark(string photosDir, string backboneSource, StringBuilder md)
{
    const int Repeats = 40;
    long unique;

    /// <param name="photosOnly">Only the photo sections (per stage, HTTP, targets): what a change to the image pipeline is compared by.</param>
    public async Task RunAsync(bool videosOnly = false, bool photosOnly = false)
    {
        var shared = LabelledPhotos.Load(photosDir).Select(p => (Name: p.RelativePath, Bytes: File.ReadAllBytes(p.Path))).ToList();
        // The largest shared photo (6000x4000) brought to 4000x3000 keeps a real photo's detail, and so its file size.
        var twelveMp = MakeBaselineJpeg(shared.First(p => p.Name == "Acoustic/etl-28.jpeg").Bytes, 4000, 3000);
        var fullHd = shared.Where(p => p.Name.Contains("/etl-")).Take(8).Select(p => MakeBaselineJpeg(p.Bytes, 1920, 1080)).ToList();
        var fromTheStands = shared.Where(p => p.Name.Contains("/etl-")).Take(8).Select((p, i) =>
        {
            using var photo = SKBitmap.Decode(p.Bytes);
            using var frame = StadiumScenes.Frame(photo, 1 / 3f, seed: i);
            return ImageEncoder.Jpeg(frame, 90);
        }).ToList();

        md.AppendLine("# Benchmarks").AppendLine();
        md.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `dotnet run -c Release --project bench/ErasWeb.Bench` on {Machine()}.");
        md.AppendLine("Latencies in milliseconds. Every figure below comes from that run; targets are from the issues.").AppendLine();

        await using var host = await StartAppAsync();
        if (videosOnly)
        {
            await VideosAsync(host);
            await GalleryAsync(host);
            return;
        }
        var classifier = host.Services.GetRequiredService<ModelHost>().Model as EraClassifier ?? throw new InvalidOperationException("The benchmark measures the built-in model.");

        md.AppendLine("## In-process pipeline, per stage (p50 / p95 ms)").AppendLine();
        md.AppendLine("| input | n | decode | preprocess | inference | Grad-CAM | closer look | encode | store | total | thumbnail, later | overlay, later |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        Stages("12 MP baseline JPEG (4000x3000)", Enumerable.Repeat(twelveMp, Repeats).ToList(), classifier, host.Services);
        Stages("1920x1080 baseline JPEGs", Enumerable.Range(0, Repeats).Select(i => fullHd[i % fullHd.Count]).ToList(), classifier, host.Services);
        Stages($"shared photos ({shared.Count}, as they are)", shared.Select(p => p.Bytes).ToList(), classifier, host.Services);
        Stages("1920x1080 JPEGs from the stands (a shared stage photo at 1/3 of a generated stadium frame's height)", Enumerable.Range(0, Repeats).Select(i => fromTheStands[i % fromTheStands.Count]).ToList(), classifier, host.Services);
        md.AppendLine().AppendLine($"decode: at the reduced scale, with EXIF orientation (SKCodec reads the header; JPEG pixels come from libjpeg-turbo); preprocess: crop, resize to 224, normalise, for each of the head's {classifier.Views.Count} prediction views ({string.Join(", ", classifier.Views.Select(v => v.Name))}); " +
            "inference: one backbone run over those views; Grad-CAM: the head, the uncertainty check and the map; " +
            "closer look: the stage finder, and where it finds a small stage the zoomed views' resampling, their backbone run and the choice between views; " +
            "encode: the display copy as JPEG; store: one SQLite row with it and the heatmap; total: all of these, what an upload's answer waits for. " +
            "Made when first asked for, not in the total: the thumbnail (the display copy read at a reduced JPEG scale, resampled, encoded) and the overlay (the display copy read, the heatmap drawn over it, encoded).").AppendLine();
        JpegEncoders(twelveMp, classifier);

        var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var warmUp = await WarmUpAsync(client, fullHd);
        md.AppendLine("## HTTP `POST /predict`, end to end").AppendLine();
        md.AppendLine("| input | concurrency | requests | p50 | p95 | images/s |");
        md.AppendLine("|---|---|---|---|---|---|");
        serverTimings.Clear();
        var http12 = await HttpAsync(client, "12 MP baseline JPEG", 1, Enumerable.Repeat(twelveMp, Repeats).ToList());
        var server12 = (Upload: Stats.Of(serverTimings.Select(t => t.Upload).ToList()), Predict: Stats.Of(serverTimings.Select(t => t.Predict).ToList()));
        await HttpAsync(client, "12 MP baseline JPEG", 8, Enumerable.Repeat(twelveMp, Repeats * 2).ToList());
        await HttpAsync(client, "1920x1080 baseline JPEGs", 1, Enumerable.Range(0, Repeats * 2).Select(i => fullHd[i % fullHd.Count]).ToList());
        var hd8 = await HttpAsync(client, "1920x1080 baseline JPEGs", 8, Enumerable.Range(0, 240).Select(i => fullHd[i % fullHd.Count]).ToList());
        await HttpAsync(client, "shared photos", 1, shared.Select(p => p.Bytes).ToList(), unique: false);
        await CurlAsync(host.BaseAddress, "12 MP baseline JPEG, curl as the client", twelveMp);
        md.AppendLine().AppendLine($"For the 12 MP file ({twelveMp.Length / 1024} KB) at concurrency 1 the server reports (Server-Timing) p50 {server12.Upload.P50:0.0} ms receiving the upload " +
            $"and p50 {server12.Predict.P50:0.0} ms predicting and storing; the rest of the {http12.P50:0.0} ms is the client and the connection, both on the same 2 cores.");
        md.AppendLine().AppendLine("Each repeated upload carries a few unique bytes after the JPEG's end marker, so none is answered from the stored-prediction shortcut; " +
            "the shared photos are sent once each.").AppendLine();
        md.AppendLine($"Before these, the server was warmed up with {warmUp.Uploads} uploads of the 1920x1080 JPEGs at concurrency 8 ({warmUp.Seconds:0} s), " +
            "until the JIT compiler's share of a round of them fell under 2 %: the first round ran at " +
            $"{warmUp.FirstRound:0.0} images/s while hot methods were compiled again with full optimisation (tiered compilation), the last at {warmUp.LastRound:0.0}.").AppendLine();
        await ResultPageAsync(client, fullHd);

        // In-process and HTTP alternate, so drift in the machine's speed affects both alike.
        var inProcessTimes = new List<double>();
        var httpTimes = new List<double>();
        for (int i = 0; i < Repeats; i++)
        {
            inProcessTimes.Add(Stats.Time(() => Pipeline(twelveMp, classifier, host.Services)));
            var body = Unique(twelveMp);
            httpTimes.Add(await Stats.TimeAsync(() => PostAsync(client, body)));
        }
        var inProcess12 = Stats.Of(inProcessTimes);
        var httpInterleaved = Stats.Of(httpTimes);
        md.AppendLine("## Targets").AppendLine();
        md.AppendLine("| target | measured | verdict |");
        md.AppendLine("|---|---|---|");
        Target("12 MP baseline JPEG through `POST /predict`: p50 <= 60 ms", $"{http12.P50:0.0} ms", http12.P50 <= 60);
        Target("1920x1080 at concurrency 8: >= 40 images/s", $"{hd8.Throughput:0.0} images/s", hd8.Throughput >= 40);
        Target("1920x1080 at concurrency 8: >= 90 images/s (the thumbnail and overlay made when first asked for)", $"{hd8.Throughput:0.0} images/s", hd8.Throughput >= 90);
        double ratio = httpInterleaved.P50 / inProcess12.P50;
        Target("HTTP p50 <= 1.3x in-process pipeline p50 (12 MP file)", $"{httpInterleaved.P50:0.0} / {inProcess12.P50:0.0} ms = {ratio:0.00}x (alternating runs)", ratio <= 1.3);
        var (startup, firstRequests) = await StartUpToReadyAsync(twelveMp);
        Target("start-up to ready with the prepared model cached: < 3 s", $"{startup:0} ms (process start to /health/ready = 200)", startup < 3000);
        md.AppendLine("| one InferenceSession for the process, reused | by design, not measured: `ModelHost` holds the one `Backbone` | - |");
        md.AppendLine();
        md.AppendLine($"The figures above are for a warmed-up process. Right after a fresh start the first {firstRequests.Count} uploads of the 12 MP file " +
            $"took p50 {firstRequests.P50:0.0} ms and p95 {firstRequests.P95:0.0} ms, while the JIT compiler and the pools warm up.");
        md.AppendLine();
        if (photosOnly) return;
        await VideosAsync(host);
        await ShowsAsync(host);
        await NightsAsync();
        await GalleryAsync(host);
        await DataEngineAsync();
    }

    void Stages(string name, IReadOnlyList<byte[]> inputs, EraClassifier classifier, IServiceProvider services)
    {
        Pipeline(inputs[0], classifier, services); // warm-up
        var times = new Dictionary<string, List<double>>();
        void Add(string stage, double ms) => (times.TryGetValue(stage, out var l) ? l : times[stage] = []).Add(ms);
        foreach (var bytes in inputs)
        {
            var total = Stopwatch.StartNew();
            var sniff = FileSniffer.SniffImage(bytes);
            DecodedImage decoded = null!;
            Add("decode", Stats.Time(() => decoded = ImageDecoder.Decode(bytes, sniff, PixelLimits.None, classifier.PreferredShortSide)));
            using var _ = decoded;
            float[] input = [];
            Add("preprocess", Stats.Time(() => input = ModelInput.RentBatch([decoded.Upright], classifier.Views)));
            BackboneOutput output = null!;
            Add("inference", Stats.Time(() => output = classifier.Backbone.Run(input, classifier.Views.Count)));
            System.Buffers.ArrayPool<float>.Shared.Return(input);
            using var __ = output;
            EraPrediction[] predictions = [];
            float[][] pooled = [];
            Add("gradcam", Stats.Time(() => predictions = classifier.Interpret(output, [decoded.Upright], default, out pooled)));
            Add("closer", Stats.Time(() => predictions = classifier.LookCloser([decoded.Upright], predictions, pooled)));
            var heatmap = ImagePipeline.KeepHeatmap(predictions[0], decoded.Upright.Width, decoded.Upright.Height);
            byte[] display = [];
            Add("encode", Stats.Time(() =>
            {
                var fitted = ImageEncoder.FitWithin(decoded.Upright, ImageDecoder.DisplayLongSide);
                display = ImageEncoder.Jpeg(fitted);
                if (fitted != decoded.Upright) fitted.Dispose();
            }));
            Add("store", Stats.Time(() => Store(services, display, heatmap)));
            Add("total", total.Elapsed.TotalMilliseconds);
            Add("thumbnail", Stats.Time(() => ImagePipeline.Thumbnail(display)));
            Add("overlay", Stats.Time(() => ImagePipeline.Overlay(display, heatmap)));
        }
        string Cell(string stage) { var st = Stats.Of(times[stage]); return $"{st.P50:0.0} / {st.P95:0.0}"; }
        md.AppendLine($"| {name} | {inputs.Count} | {Cell("decode")} | {Cell("preprocess")} | {Cell("inference")} | {Cell("gradcam")} | {Cell("closer")} | {Cell("encode")} | {Cell("store")} | {Cell("total")} | {Cell("thumbnail")} | {Cell("overlay")} |");
    }

    /// <summary>
    /// The display copy of the 12 MP photo encoded by each JPEG encoder at hand, and with other settings:
    /// why the app encodes through the system's TurboJPEG, at 4:2:0 and quality 85.
    /// </summary>
    void JpegEncoders(byte[] photo, EraClassifier classifier)
    {
        using var decoded = ImageDecoder.Decode(photo, FileSniffer.SniffImage(photo), PixelLimits.None, classifier.PreferredShortSide);
        using var display = ImageEncoder.FitWithin(decoded.Upright, ImageDecoder.DisplayLongSide);
        md.AppendLine($"Encoding that display copy ({display.Width}x{display.Height}), {Repeats} times each after one warm-up:").AppendLine();
        md.AppendLine("| encoder | settings | p50 ms | p95 ms | KB |");
        md.AppendLine("|---|---|---|---|---|");
        void Row(string encoder, string settings, Func<byte[]> encode)
        {
            var bytes = encode();
            var times = Enumerable.Range(0, Repeats).Select(_ => Stats.Time(() => encode())).ToList();
            var stats = Stats.Of(times);
            md.AppendLine($"| {encoder} | {settings} | {stats.P50:0.00} | {stats.P95:0.00} | {bytes.Length / 1024} |");
        }
        if (TurboJpeg.IsAvailable)
        {
            Row("system libjpeg-turbo (TurboJPEG, with SIMD)", "quality 85, 4:2:0 (stored)", () => TurboJpeg.Encode(display, 85));
            Row("system libjpeg-turbo (TurboJPEG, with SIMD)", "quality 85, 4:4:4", () => TurboJpeg.Encode(display, 85, JpegChroma.Full444));
            Row("system libjpeg-turbo (TurboJPEG, with SIMD)", "quality 75, 4:2:0", () => TurboJpeg.Encode(display, 75));
        }
        Row("SkiaSharp (its own libjpeg-turbo, without SIMD)", "quality 85, 4:2:0", () => ImageEncoder.SkiaJpeg(display, 85));
        md.AppendLine();
    }

    void Store(IServiceProvider services, byte[] display, StoredHeatmap heatmap)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ErasDb>();
        db.Predictions.Add(new Prediction
        {
            CreatedAtUtc = DateTime.UtcNow,
            Kind = PredictionKind.Image,
            FileName = "bench.jpg",
            ContentSha256 = Guid.NewGuid().ToString("N"),
            SizeBytes = 1,
            Width = 1,
            Height = 1,
            Format = "JPEG",
            PredictedClass = "Lover",
            Confidence = 1,
            Probabilities = new() { ["Lover"] = 1 },
            ModelVersion = "bench",
            Explanation = "grad-cam",
            Pictures = new PredictionPictures { Display = display, Heatmap = heatmap },
        });
        db.SaveChanges();
    }

    /// <summary>The whole use case in-process, as the endpoint runs it minus HTTP.</summary>
    void Pipeline(byte[] bytes, EraClassifier classifier, IServiceProvider services)
    {
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<ImagePredictionService>()
            .PredictAsync(new Upload(Unique(bytes), "bench.jpg"), unlisted: false, CancellationToken.None).GetAwaiter().GetResult();
    }

    async Task<(double P50, double Throughput)> HttpAsync(HttpClient client, string name, int concurrency, IReadOnlyList<byte[]> inputs, bool unique = true)
    {
        for (int i = 0; i < 5; i++) await PostAsync(client, Unique(inputs[0])); // warm-up
        var wall = Stopwatch.StartNew();
        var latencies = await SendAtOnceAsync(client, concurrency, inputs, unique);
        double throughput = inputs.Count / wall.Elapsed.TotalSeconds;
        var stats = Stats.Of(latencies);
        md.AppendLine($"| {name} | {concurrency} | {inputs.Count} | {stats.P50:0.0} | {stats.P95:0.0} | {throughput:0.0} |");
        return (stats.P50, throughput);
    }

    /// <summary>Posts the inputs from <paramref name="concurrency"/> clients at once; each upload's latency.</summary>
    async Task<List<double>> SendAtOnceAsync(HttpClient client, int concurrency, IReadOnlyList<byte[]> inputs, bool unique)
    {
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < inputs.Count)
            {
                var body = unique ? Unique(inputs[i]) : inputs[i];
                latencies.Add(await Stats.TimeAsync(() => PostAsync(client, body)));
            }
        })));
        return [.. latencies];
    }

    /// <summary>
    /// Uploads rounds of 1080p photos at concurrency 8 until the JIT compiler's time in a round (this
    /// process's, the app's included) is under 2 % of it, or for a minute at most: throughput is measured
    /// on the warmed-up process a server becomes, not during the recompilation of its first seconds.
    /// </summary>
    async Task<(int Uploads, double Seconds, double FirstRound, double LastRound)> WarmUpAsync(HttpClient client, IReadOnlyList<byte[]> photos)
    {
        const int RoundSize = 80;
        var watch = Stopwatch.StartNew();
        var throughputs = new List<double>();
        while (true)
        {
            var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
            var round = Stopwatch.StartNew();
            await SendAtOnceAsync(client, 8, Enumerable.Range(0, RoundSize).Select(i => photos[i % photos.Count]).ToList(), unique: true);
            throughputs.Add(RoundSize / round.Elapsed.TotalSeconds);
            if ((System.Runtime.JitInfo.GetCompilationTime() - jitBefore) / round.Elapsed < 0.02 || watch.Elapsed > TimeSpan.FromMinutes(1)) break;
        }
        return (throughputs.Count * RoundSize, watch.Elapsed.TotalSeconds, throughputs[0], throughputs[^1]);
    }

    /// <summary>
    /// The result page as a browser shows it right after an upload: the page, then its two pictures (the
    /// display copy and the overlay) at once; then the same page seen again.
    /// </summary>
    async Task ResultPageAsync(HttpClient client, IReadOnlyList<byte[]> photos)
    {
        List<double> first = [], again = [];
        for (int i = 0; i < Repeats + 5; i++)
        {
            var body = Unique(photos[i % photos.Count]);
            using var form = new MultipartFormDataContent { { new ByteArrayContent(body), "file", "bench.jpg" } };
            using var response = await client.PostAsync("/predict", form);
            var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            string Url(string field) => answer.GetProperty(field).GetString()!;
            async Task ShowAsync()
            {
                await client.GetStringAsync(Url("page_url"));
                await Task.WhenAll(client.GetByteArrayAsync(Url("image_url")), client.GetByteArrayAsync(Url("gradcam_url")));
            }
            var shown = await Stats.TimeAsync(ShowAsync);
            var shownAgain = await Stats.TimeAsync(ShowAsync);
            if (i < 5) continue; // warm-up
            first.Add(shown);
            again.Add(shownAgain);
        }
        md.AppendLine("## Result page").AppendLine();
        md.AppendLine("Right after each upload of a 1920x1080 baseline JPEG: `GET` of the page, then of its two pictures at once (the display copy and the overlay), as a browser shows it; then all of it again.").AppendLine();
        md.AppendLine("| view | n | p50 | p95 |");
        md.AppendLine("|---|---|---|---|");
        foreach (var (name, times) in new[] { ("first, right after the upload", first), ("again", again) })
        {
            var stats = Stats.Of(times);
            md.AppendLine($"| {name} | {times.Count} | {stats.P50:0.0} | {stats.P95:0.0} |");
        }
        md.AppendLine();
    }

    /// <summary>The same upload from curl, a separate process, timed by curl itself (time_total).</summary>
    async Task CurlAsync(Uri baseAddress, string name, byte[] bytes)
    {
        var file = Path.Combine(Path.GetTempPath(), $"erasweb-bench-{Guid.NewGuid():N}.jpg");
        var times = new List<double>();
        try
        {
            for (int i = 0; i < Repeats + 5; i++)
            {
                await File.WriteAllBytesAsync(file, Unique(bytes));
                var info = new ProcessStartInfo("curl", ["-s", "-o", "/dev/null", "-w", "%{time_total}", "-F", $"file=@{file}", new Uri(baseAddress, "/predict").ToString()]) { RedirectStandardOutput = true };
                using var curl = Process.Start(info)!;
                var seconds = double.Parse(await curl.StandardOutput.ReadToEndAsync(), System.Globalization.CultureInfo.InvariantCulture);
                await curl.WaitForExitAsync();
                if (i >= 5) times.Add(seconds * 1000); // the first five warm up
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            md.AppendLine($"| {name} | 1 | - | curl is not installed | | |");
            return;
        }
        finally
        {
            File.Delete(file);
        }
        var stats = Stats.Of(times);
        md.AppendLine($"| {name} | 1 | {times.Count} | {stats.P50:0.0} | {stats.P95:0.0} | |");
    }

    readonly System.Collections.Concurrent.ConcurrentBag<(double Upload, double Predict)> serverTimings = [];

    async Task PostAsync(HttpClient client, byte[] bytes)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", "bench.jpg");
        using var response = await client.PostAsync("/predict", form);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"/predict answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        // "upload;dur=3.1, predict;dur=40.2"
        if (response.Headers.TryGetValues("Server-Timing", out var values))
        {
            var parts = string.Join(",", values).Split(',').Select(p => double.Parse(p.Split("dur=")[1])).ToArray();
            serverTimings.Add((parts[0], parts[1]));
        }
    }

    /// <summary>Same picture, different bytes: a counter after the end of the file.</summary>
    byte[] Unique(byte[] bytes) => [.. bytes, .. BitConverter.GetBytes(Interlocked.Increment(ref unique)), .. BitConverter.GetBytes(Environment.TickCount64)];

    void Target(string target, string measured, bool met) => md.AppendLine($"| {target} | {measured} | {(met ? "met" : "**missed**")} |");

    static byte[] MakeBaselineJpeg(byte[] source, int width, int height)
    {
        using var original = SKBitmap.Decode(source);
        using var canvas = new SKBitmap(width, height);
        using (var c = new SKCanvas(canvas))
        using (var image = SKImage.FromBitmap(original))
        {
            // Cover: scale to fill, crop the overflow.
            float scale = Math.Max((float)width / original.Width, (float)height / original.Height);
            float w = original.Width * scale, h = original.Height * scale;
            c.DrawImage(image, new SKRect((width - w) / 2, (height - h) / 2, (width + w) / 2, (height + h) / 2), new SKSamplingOptions(SKCubicResampler.Mitchell));
        }
        using var data = canvas.Encode(SKEncodedImageFormat.Jpeg, 90); // Skia writes baseline JPEGs
        return data.ToArray();
    }

    sealed class AppHost(WebApplication app, Uri baseAddress, string dataDir) : IAsyncDisposable
    {
        public IServiceProvider Services => app.Services;
        public Uri BaseAddress => baseAddress;
        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, true);
        }
    }

    /// <summary>The app in-process on a free port; <paramref name="settings"/> on top, in <paramref name="dataDir"/> if given (deleted with the host either way).</summary>
    async Task<AppHost> StartAppAsync(IReadOnlyDictionary<string, string?>? settings = null, string? dataDir = null)
    {
        dataDir ??= Directory.CreateTempSubdirectory("erasweb-bench-").FullName;
        var configuration = new Dictionary<string, string?>
        {
            ["Eras:BackboneSource"] = backboneSource,
            ["Eras:DataDir"] = dataDir,
            ["Logging:LogLevel:Default"] = "Warning",
            // One client measuring throughput, not a visitor: the per-address limits would only measure themselves.
            ["Eras:PhotosPerMinute"] = "0",
            ["Eras:VideosPerHour"] = "0",
            ["Eras:VotesPerMinute"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        var app = ErasApp.Build(["--urls", "http://127.0.0.1:0"], builder => builder.Configuration.AddInMemoryCollection(configuration));
        await app.StartAsync();
        var host = new AppHost(app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), dataDir);
        while (!app.Services.GetRequiredService<ModelHost>().IsReady) await Task.Delay(20);
        return host;
    }

    /// <summary>
    /// Starts the app as its own process twice (the first prepares the model), times the second to
    /// readiness, then times its first uploads.
    /// </summary>
    async Task<(double Startup, Stats FirstRequests)> StartUpToReadyAsync(byte[] photo)
    {
        var first = new List<double>();
        var dll = typeof(ErasApp).Assembly.Location;
        var dataDir = Directory.CreateTempSubdirectory("erasweb-startup-").FullName;
        double elapsed = 0;
        for (int run = 0; run < 2; run++)
        {
            int port = FreePort();
            var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["ERAS_BACKBONE_SOURCE"] = backboneSource;
            info.Environment["ERAS_DATA_DIR"] = dataDir;
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(info)!;
            // Drained, or the app blocks on a full log pipe and stops answering.
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            while (watch.Elapsed < TimeSpan.FromSeconds(60))
            {
                try { if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode) break; }
                catch (HttpRequestException) { }
                await Task.Delay(10);
            }
            elapsed = watch.Elapsed.TotalMilliseconds;
            if (run == 1)
                for (int i = 0; i < 20; i++)
                {
                    var body = Unique(photo);
                    first.Add(await Stats.TimeAsync(() => PostAsync(client, body)));
                }
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        Directory.Delete(dataDir, true);
        return (elapsed, Stats.Of(first));
    }

    static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), .NET {Environment.Version}";
    }
}
