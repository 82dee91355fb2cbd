using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ErasWeb.Classification;
using ErasWeb.Configuration;
using ErasWeb.Media;
using ErasWeb.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErasWeb.Bench;

/// <summary>Video jobs end to end: clips made with FFmpeg from the shared photos, uploaded, timed from pickup to done.</summary>
public sealed partial class Benchmark
{
    sealed record VideoRun(double JobSeconds, double SamplingSeconds, int Frames, double LongestProgressGap, int ProgressUpdates);

    async Task VideosAsync(AppHost host)
    {
        var dir = Directory.CreateTempSubdirectory("erasweb-bench-videos-").FullName;
        try
        {
            var photos = LabelledPhotos.Load(photosDir).Where(p => p.RelativePath.Contains("/etl-")).Select(p => p.Path).ToList();
            using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
            var options = host.Services.GetRequiredService<IOptions<ErasOptions>>().Value;
            var model = host.Services.GetRequiredService<ModelHost>().Model!;

            md.AppendLine("## Video jobs").AppendLine();
            md.AppendLine("Clips made by FFmpeg from the shared photos (each shown for a while, with light temporal noise so every frame carries real picture data), " +
                "uploaded to `POST /predict`; the job time is from the job being picked up to its result being stored (the row's `started_at` to `finished_at`). " +
                "Sampling alone is the frame sampler by itself on the same file: FFmpeg decoding and scaling the same frames into the pipe, without the model.").AppendLine();
            md.AppendLine("| video | frames | job (s) | sampling alone (s) | job / sampling | longest gap between progress updates (s) |");
            md.AppendLine("|---|---|---|---|---|---|");

            var phone = Clip(dir, "phone-1080p.mp4", photos.Take(6), 10, 1920, 1080, 30, ["-g", "30", "-b:v", "16M", "-maxrate", "16M", "-bufsize", "32M"]);
            var phoneRun = await RunVideoAsync(client, host, options, model, phone);
            VideoRow("60 s 1920x1080 H.264, 16 Mbit/s, a keyframe every second (as phones record)", phoneRun);

            var sparse = Clip(dir, "sparse-1080p.mp4", photos.Skip(6).Take(6), 10, 1920, 1080, 30, ["-b:v", "16M", "-maxrate", "16M", "-bufsize", "32M"]);
            var sparseRun = await RunVideoAsync(client, host, options, model, sparse);
            VideoRow("60 s 1920x1080 H.264, 16 Mbit/s, x264's default keyframe interval (up to 250 frames)", sparseRun);

            // Two hours: ten minutes encoded once, then joined twelve times without re-encoding.
            var tenMinutes = Clip(dir, "ten-minutes-720p.mp4", photos.Take(10), 60, 1280, 720, 25, ["-b:v", "400k"]);
            var list = Path.Combine(dir, "list.txt");
            await File.WriteAllLinesAsync(list, Enumerable.Repeat($"file '{tenMinutes}'", 12));
            var twoHours = Path.Combine(dir, "two-hours-720p.mp4");
            Ffmpeg("-f", "concat", "-safe", "0", "-i", list, "-c", "copy", twoHours);
            var longRun = await RunVideoAsync(client, host, options, model, twoHours);
            VideoRow($"2 h 1280x720 H.264, 400 kbit/s ({new FileInfo(twoHours).Length / (1024 * 1024)} MB), a keyframe every 10 s, one frame every {options.VideoFrameIntervalSeconds:0} s", longRun);

            md.AppendLine().AppendLine("| target | measured | verdict |");
            md.AppendLine("|---|---|---|");
            Target("60 s 1080p clip, 12 frames: done within 1.5 s of pickup (phone keyframes)", $"{phoneRun.JobSeconds:0.00} s", phoneRun.JobSeconds <= 1.5);
            Target("60 s 1080p clip, 12 frames: done within 1.5 s of pickup (sparse keyframes)", $"{sparseRun.JobSeconds:0.00} s", sparseRun.JobSeconds <= 1.5);
            Target("2 h 720p, 720 frames: done within 90 s", $"{longRun.JobSeconds:0.0} s ({longRun.Frames} frames)", longRun.JobSeconds <= 90);
            Target("2 h 720p: progress updates at least every few seconds", $"longest gap {longRun.LongestProgressGap:0.0} s over {longRun.ProgressUpdates} updates", longRun.LongestProgressGap <= 5);
            md.AppendLine();
        }
        finally { Directory.Delete(dir, true); }
    }

    void VideoRow(string name, VideoRun run) =>
        md.AppendLine($"| {name} | {run.Frames} | {run.JobSeconds:0.00} | {run.SamplingSeconds:0.00} | {run.JobSeconds / run.SamplingSeconds:0.00}x | {run.LongestProgressGap:0.0} |");

    /// <summary>Uploads a video answered at once (so its job can be followed from the start); returns the job's status URL.</summary>
    static async Task<string> SubmitVideoAsync(HttpClient client, string path)
    {
        using var form = new MultipartFormDataContent();
        await using var file = File.OpenRead(path);
        form.Add(new StreamContent(file), "file", Path.GetFileName(path));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = form };
        request.Headers.Add("Prefer", "respond-async");
        var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"{path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!.OriginalString;
    }

    async Task<VideoRun> RunVideoAsync(HttpClient client, AppHost host, ErasOptions options, IEraModel model, string path)
    {
        var url = await SubmitVideoAsync(client, path);

        var updates = new List<(DateTime At, int Progress)>();
        JsonElement job;
        while (true)
        {
            job = JsonDocument.Parse(await client.GetStringAsync(url)).RootElement;
            int progress = job.GetProperty("progress").GetInt32();
            var status = job.GetProperty("status").GetString();
            if (status == "running" && (updates.Count == 0 || updates[^1].Progress != progress)) updates.Add((DateTime.UtcNow, progress));
            if (status is "succeeded" or "failed") break;
            await Task.Delay(100);
        }
        if (job.GetProperty("status").GetString() != "succeeded") throw new InvalidOperationException($"{path}: {job}");
        double jobSeconds = (job.GetProperty("finished_at").GetDateTime() - job.GetProperty("started_at").GetDateTime()).TotalSeconds;
        var gaps = updates.Zip(updates.Skip(1), (a, b) => (b.At - a.At).TotalSeconds).DefaultIfEmpty(0);
        double lastGap = updates.Count > 0 ? (job.GetProperty("finished_at").GetDateTime() - updates[^1].At).TotalSeconds : 0;

        // The sampler alone, on the same file with the same plan.
        var video = await host.Services.GetRequiredService<VideoProbe>().ProbeAsync(path, options.FFmpegTimeout, CancellationToken.None);
        var times = FrameSampler.Plan(video.Duration, options.VideoFrames, TimeSpan.FromSeconds(options.VideoFrameIntervalSeconds), options.VideoMaxFrames);
        var watch = Stopwatch.StartNew();
        await foreach (var frame in host.Services.GetRequiredService<FrameSampler>().SampleAsync(path, video, times, FrameSampler.OutputSize(video, model.PreferredShortSide),
            options.FFmpegTimeout, CancellationToken.None)) frame.Dispose();
        return new VideoRun(jobSeconds, watch.Elapsed.TotalSeconds, job.GetProperty("frames").GetArrayLength(), Math.Max(gaps.Max(), lastGap), updates.Count);
    }

    /// <summary>The photos one after another, each for <paramref name="seconds"/>, letterboxed, with light noise; H.264 in MP4.</summary>
    static string Clip(string dir, string name, IEnumerable<string> photos, int seconds, int width, int height, int fps, string[] encoder)
    {
        var list = photos.ToList();
        // One input frame a second, scaled once, then repeated to the frame rate: scaling a large photo 25 times a second is what made this slow.
        var inputs = list.SelectMany(p => new[] { "-framerate", "1", "-loop", "1", "-t", seconds.ToString(), "-i", p });
        var fit = $"scale={width}:{height}:force_original_aspect_ratio=decrease,pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps}";
        var graph = string.Concat(list.Select((_, i) => $"[{i}:v]{fit}[p{i}];")) + string.Concat(list.Select((_, i) => $"[p{i}]")) + $"concat=n={list.Count}:v=1,noise=alls=6:allf=t[v]";
        var output = Path.Combine(dir, name);
        Ffmpeg([.. inputs, "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", .. encoder, "-pix_fmt", "yuv420p", output]);
        return output;
    }

    static void Ffmpeg(params string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-v", "error", "-y", "-nostdin", .. arguments]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed: {error}");
    }
}
