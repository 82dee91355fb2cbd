using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using ErasWeb.Localisation;
using SkiaSharp;

namespace ErasWeb.Media;

/// <summary>A frame read from a video, upright, with the time (from the video's start) it was taken from.</summary>
public sealed record SampledFrame(TimeSpan Time, SKBitmap Image) : IDisposable
{
    public void Dispose() => Image.Dispose();
}

/// <summary>
/// Reads frames at chosen times, turned upright from phones' rotation metadata, scaled by FFmpeg
/// and written as raw RGBA to a pipe, so no image file is ever written; each frame's time is the one
/// FFmpeg reports for it. Times with a keyframe within half a sampling step get that keyframe: all
/// from one FFmpeg run that decodes only keyframes or, when they are a few of many, by seeking to
/// each. The others are sought and decoded exactly, several to a run (an FFmpeg start costs about
/// as much CPU as decoding a few dozen frames). Runs go as many at once as
/// the app's <see cref="FFmpeg"/> lets processes run (by default one per core), each waiting for its turn there,
/// so several videos sampled at once share those turns rather than each starting a run per core.
/// BENCHMARKS.md has the measured costs.
/// </summary>
public sealed class FrameSampler(FFmpeg ffmpeg, VideoProbe probe)
{
    /// <summary>The most keyframes fetched by seeking to each (every input reads the file's index again); more come from a keyframe-only run.</summary>
    const int MaxKeyframeSeeks = 32;

    /// <summary>
    /// How many times one run seeks to. Each input keeps its own decoder and a few decoded frames
    /// until the run ends (measured: about 15 MB an input at 1080p, 45 MB at 4K), so a run takes as
    /// many as fit about 12 megapixels of picture: six at 1080p, one at 4K.
    /// </summary>
    static int SeeksPerRun(VideoInfo video) => (int)Math.Max(1, 12_000_000L / ((long)video.Width * video.Height));

    /// <summary>FFmpeg runs one sampling asks for at once: each decodes on one thread (<see cref="OneThread"/>), so each turn the app gives out can take one.</summary>
    int RunsAtOnce => ffmpeg.MaxProcesses;

    /// <summary>
    /// Sampling runs decode on one thread. FFmpeg's frame threads pay a handover for every packet, even
    /// one a keyframe-only run skips (3x slower on a 2 h recording), and speed up an exact seek only about 1.3x.
    /// </summary>
    static readonly string[] OneThread = ["-threads", "1"];

    /// <summary>Evenly spread times: <paramref name="minFrames"/> for a short clip, one every <paramref name="interval"/> for a long one, never more than <paramref name="maxFrames"/>.</summary>
    public static IReadOnlyList<TimeSpan> Plan(TimeSpan duration, int minFrames, TimeSpan interval, int maxFrames)
    {
        int count = Math.Clamp((int)Math.Ceiling(duration / interval), minFrames, maxFrames);
        return Enumerable.Range(0, count).Select(i => duration * ((i + 0.5) / count)).ToList();
    }

    /// <summary>The size frames come out at: the short side <paramref name="shortSide"/> pixels (never enlarged), the aspect kept.</summary>
    public static (int Width, int Height) OutputSize(VideoInfo video, int shortSide) =>
        Scaled(video, Math.Min(1, (double)shortSide / Math.Min(video.Width, video.Height)));

    /// <summary>The size frames come out at with the long side at most <paramref name="longSide"/> pixels (never enlarged), the aspect kept.</summary>
    public static (int Width, int Height) SizeWithin(VideoInfo video, int longSide) =>
        Scaled(video, Math.Min(1, (double)longSide / Math.Max(video.Width, video.Height)));

    static (int Width, int Height) Scaled(VideoInfo video, double scale) =>
        (Math.Max(1, (int)Math.Round(video.Width * scale)), Math.Max(1, (int)Math.Round(video.Height * scale)));

    /// <summary>
    /// About one frame per time, in the order FFmpeg delivers them, at <paramref name="size"/> (see <see cref="OutputSize"/>
    /// and <see cref="SizeWithin"/>), each with the time it really comes from; a time past the last decodable frame
    /// (odd timestamps, variable frame rate) is left out rather than failing the video. <paramref name="timeout"/>
    /// bounds each FFmpeg step. Dispose the frames.
    /// </summary>
    public async IAsyncEnumerable<SampledFrame> SampleAsync(string path, VideoInfo video, IReadOnlyList<TimeSpan> times, (int Width, int Height) size, TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var packets = video.Packets ?? (await probe.ProbeWithKeyframesAsync(path, timeout, ct)).Packets!;
        var keyframeTimes = packets.Keyframes.Select(k => k.Time).ToList();
        var step = times.Count > 1 ? (times[^1] - times[0]) / (times.Count - 1) : video.Duration;
        var assigned = AssignKeyframes(times, keyframeTimes, step / 2);
        var fromKeyframes = Enumerable.Range(0, times.Count).Where(i => assigned[i] is not null).Select(i => (Time: times[i], Keyframe: packets.Keyframes[assigned[i]!.Value])).ToList();
        var sought = times.Where((_, i) => assigned[i] is null).Select(t => SeekTarget(t, step)).ToList();

        var runs = new ConcurrentQueue<Run>();
        if (DecodingAllIsCheaper(video, keyframeTimes, packets.Count, sought))
            runs.Enqueue(new Run(EveryFrameAsync(path, video, times.Select(t => SeekTarget(t, step)).ToList(), step, size, timeout, ct), []));
        else
            EnqueueSeeksAndKeyframeRuns(runs, path, video, packets.KeyframeCount, fromKeyframes, sought, size, timeout, ct);
        var output = Channel.CreateBounded<SampledFrame>(RunsAtOnce);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        int sampled = 0;
        string? failure = null;
        async Task WorkAsync()
        {
            try
            {
                while (runs.TryDequeue(out var run))
                {
                    int given = 0;
                    try
                    {
                        await foreach (var frame in run.Frames.WithCancellation(stop.Token))
                        {
                            given++;
                            Interlocked.Increment(ref sampled);
                            try { await output.Writer.WriteAsync(frame, stop.Token); }
                            catch { frame.Dispose(); throw; }
                        }
                    }
                    // A run of several frames that fails has the times it had not given yet sought exactly, one run each
                    // (it gives its frames in time order).
                    catch (FFmpegException e) when (!e.TimedOut && run.TimesIfFailed.Count > 0)
                    {
                        foreach (var time in run.TimesIfFailed.Skip(given)) runs.Enqueue(new Run(ExactAsync(path, video, time, size, OneThread, timeout, ct), []));
                    }
                    // A frame FFmpeg fails on is left out like a missing one; a hang is not waited out again for every frame.
                    catch (FFmpegException e) when (!e.TimedOut && run.TimesIfFailed.Count == 0) { failure = e.Message; }
                }
            }
            catch (Exception e)
            {
                // The first failure ends the sampling and stops the other runs; once stopping, nothing else matters.
                if (!stop.IsCancellationRequested) output.Writer.TryComplete(e);
                stop.Cancel();
            }
        }
        async Task RunAllAsync()
        {
            await Task.WhenAll(Enumerable.Range(0, RunsAtOnce).Select(_ => Task.Run(WorkAsync, CancellationToken.None)));
            output.Writer.TryComplete();
        }

        var running = RunAllAsync();
        try
        {
            await foreach (var frame in output.Reader.ReadAllAsync(ct)) yield return frame;
        }
        finally
        {
            stop.Cancel();
            await running;
            while (output.Reader.TryRead(out var left)) left.Dispose();
        }
        ct.ThrowIfCancellationRequested();
        if (sampled == 0)
            throw new FFmpegException(failure is null ? Texts.Say("Video.NoFrame") : Texts.Say("Video.NoFrameBecause", failure));
    }

    void EnqueueSeeksAndKeyframeRuns(ConcurrentQueue<Run> runs, string path, VideoInfo video, int keyframeCount,
        List<(TimeSpan Time, Keyframe Keyframe)> fromKeyframes, List<TimeSpan> sought, (int Width, int Height) size, TimeSpan timeout, CancellationToken ct)
    {
        // A keyframe-only run decodes every keyframe in the file; seeking costs about three keyframe decodes a frame
        // (the input is opened and probed again), so it is kept to a few of many keyframes, split over the cores.
        bool seekEach = fromKeyframes.Count * 3 < keyframeCount && fromKeyframes.Count <= MaxKeyframeSeeks;
        int perRun = seekEach ? SeeksPerRunSplitOverTurns(fromKeyframes.Count, video) : fromKeyframes.Count;
        foreach (var part in fromKeyframes.Chunk(Math.Max(1, perRun)))
            runs.Enqueue(new Run(seekEach
                ? SeeksAsync(path, video, part.Select(p => p.Keyframe.Time).ToList(), size, timeout, ct)
                : KeyframesAsync(path, video, part.Select(p => p.Keyframe.Number).ToList(), size, timeout, ct), part.Select(p => p.Time).ToList()));
        // Each exact seek decodes from the keyframe before its time, so a run of several has the time allowance of as many.
        foreach (var part in sought.Chunk(SeeksPerRunSplitOverTurns(sought.Count, video)))
            runs.Enqueue(part.Length == 1
                ? new Run(ExactAsync(path, video, part[0], size, OneThread, timeout, ct), [])
                : new Run(SeeksAsync(path, video, part, size, timeout * part.Length, ct), part));
    }

    /// <summary>Seeks shared evenly by the runs that go at once, within what one run may hold.</summary>
    int SeeksPerRunSplitOverTurns(int seeks, VideoInfo video) => Math.Max(1, Math.Min((seeks + RunsAtOnce - 1) / RunsAtOnce, SeeksPerRun(video)));

    /// <summary>
    /// Where a time without a keyframe of its own is sought: a quarter step early. Decoding starts at the keyframe before
    /// it either way (at least half a step back), so this decodes fewer frames, and the frame stays within half a
    /// step of its time and at least a quarter step from every other sampled frame.
    /// </summary>
    static TimeSpan SeekTarget(TimeSpan time, TimeSpan step) => time - step / 4 > TimeSpan.Zero ? time - step / 4 : TimeSpan.Zero;

    /// <summary>
    /// Whether one run decoding every frame costs less than seeking to each target: many targets (each an FFmpeg run
    /// that opens the file again) that together would decode more frames, from their keyframes on, than the file has.
    /// A long video with few keyframes (a still recorded for hours) would otherwise cost a run of hundreds of frames per sample.
    /// </summary>
    static bool DecodingAllIsCheaper(VideoInfo video, List<TimeSpan> keyframes, int packets, List<TimeSpan> targets)
    {
        if (targets.Count <= MaxKeyframeSeeks || packets == 0) return false;
        double framesPerSecond = packets / video.Duration.TotalSeconds;
        double sought = 0;
        foreach (var target in targets)
        {
            int at = keyframes.BinarySearch(target);
            var from = at >= 0 ? keyframes[at] : ~at > 0 ? keyframes[~at - 1] : TimeSpan.Zero;
            sought += (target - from).TotalSeconds * framesPerSecond + 1;
        }
        return sought > packets;
    }

    /// <summary>
    /// One run decoding every frame and keeping the first at or after each target (targets <paramref name="step"/> apart,
    /// as <see cref="Plan"/> spreads them): a frame is kept when a target lies between the previous frame's time and its own.
    /// </summary>
    IAsyncEnumerable<SampledFrame> EveryFrameAsync(string path, VideoInfo video, IReadOnlyList<TimeSpan> targets, TimeSpan step, (int Width, int Height) size,
        TimeSpan timeout, CancellationToken ct)
    {
        // Which target interval a time falls in: targets[0] starts interval 0.
        string Interval(string t) => $"floor(({t}-{Seconds(video.StartTime + targets[0])})/{Seconds(step)})";
        var select = $"gte({Interval("t")}\\,0)*lt({Interval("t")}\\,{targets.Count})*(isnan(prev_t)+gt({Interval("t")}\\,{Interval("prev_t")}))";
        return RunAsync([.. FFmpeg.SafeInput, "-i", path, "-vf", $"select='{select}',{Scale(size)},{ReportEachFrame}"], [], video, size, timeout, ct);
    }

    /// <summary>One FFmpeg run, and for a run of keyframes the times to seek exactly should it fail before giving a frame.</summary>
    sealed record Run(IAsyncEnumerable<SampledFrame> Frames, IReadOnlyList<TimeSpan> TimesIfFailed);

    /// <summary>The frame at <paramref name="time"/>, exactly, its long side at most <paramref name="longSide"/> (never enlarged).</summary>
    public async Task<SKBitmap> FrameAtAsync(string path, VideoInfo video, TimeSpan time, int longSide, TimeSpan timeout, CancellationToken ct)
    {
        var size = SizeWithin(video, longSide);
        // Alone, it may as well decode with FFmpeg's frame threads.
        var frame = await ExactAsync(path, video, time, size, [], timeout, ct).FirstOrDefaultAsync(ct)
            ?? throw new FFmpegException(string.Create(CultureInfo.InvariantCulture, $"The frame at {time.TotalSeconds:0.##} s could not be decoded."));
        return frame.Image;
    }

    /// <summary>
    /// For each time, the index of the nearest keyframe within <paramref name="reach"/> that no
    /// earlier time took (ties go to the earlier keyframe), or null where there is none. The indices
    /// given out only ever increase.
    /// </summary>
    public static int?[] AssignKeyframes(IReadOnlyList<TimeSpan> times, IReadOnlyList<TimeSpan> keyframes, TimeSpan reach)
    {
        var assigned = new int?[times.Count];
        int next = 0; // keyframes before this one are taken or too early for every later time
        for (int i = 0; i < times.Count; i++)
        {
            while (next < keyframes.Count && keyframes[next] < times[i] - reach) next++;
            int? best = null;
            for (int k = next; k < keyframes.Count && keyframes[k] <= times[i] + reach; k++)
                if (best is null || (keyframes[k] - times[i]).Duration() < (keyframes[best.Value] - times[i]).Duration()) best = k;
            assigned[i] = best;
            if (best is int taken) next = taken + 1;
        }
        return assigned;
    }

    /// <summary>
    /// One run decoding only keyframes and keeping the chosen ones (their numbers in increasing order),
    /// streamed as they are decoded, each with the time FFmpeg reports for it, so a keyframe FFmpeg
    /// counts differently or cannot decode never shifts the times of the others.
    /// </summary>
    IAsyncEnumerable<SampledFrame> KeyframesAsync(string path, VideoInfo video, IReadOnlyList<int> chosen, (int Width, int Height) size, TimeSpan timeout, CancellationToken ct) =>
        RunAsync([.. FFmpeg.SafeInput, .. OneThread, "-skip_frame", "nokey", "-i", path, "-vf", $"select='{AnyOf(chosen)}',{Scale(size)},{ReportEachFrame}"], [], video, size, timeout, ct);

    /// <summary>
    /// One run with an input per time (in increasing order), each sought to and its first frame at or
    /// after the time kept: a keyframe's own time gives that keyframe alone, any other time decodes from
    /// the keyframe before it. interleave puts the frames in time order.
    /// </summary>
    IAsyncEnumerable<SampledFrame> SeeksAsync(string path, VideoInfo video, IReadOnlyList<TimeSpan> times, (int Width, int Height) size, TimeSpan timeout, CancellationToken ct)
    {
        var inputs = times.SelectMany(t => (string[])[.. FFmpeg.SafeInput, .. OneThread, "-ss", Seconds(t), "-i", path]);
        var branches = string.Concat(times.Select((_, i) => $"[{i}:v:0]trim=end_frame=1,{Scale(size)}[f{i}];"));
        var graph = branches + string.Concat(times.Select((_, i) => $"[f{i}]")) + $"interleave=nb_inputs={times.Count},{ReportEachFrame}";
        return RunAsync([.. inputs, "-filter_complex", graph], [], video, size, timeout, ct);
    }

    /// <summary>
    /// "frame number is one of these" (in increasing order), as a binary search: FFmpeg evaluates only the branch
    /// an if() takes, so each frame costs about ten comparisons rather than one per number, however many keyframes
    /// the file has. FFmpeg's expression parser refuses a flat chain of more than about a hundred terms; a tree of
    /// 1000 is only ten levels deep.
    /// </summary>
    static string AnyOf(IReadOnlyList<int> frameNumbers) => frameNumbers.Count == 1
        ? $"eq(n\\,{frameNumbers[0]})"
        : $"if(lt(n\\,{frameNumbers[frameNumbers.Count / 2]})\\,{AnyOf(frameNumbers.Take(frameNumbers.Count / 2).ToList())}\\,{AnyOf(frameNumbers.Skip(frameNumbers.Count / 2).ToList())})";

    /// <summary>The first frame at or after <paramref name="time"/>, as raw RGBA at <paramref name="size"/>, with its own time; none when there is none.</summary>
    IAsyncEnumerable<SampledFrame> ExactAsync(string path, VideoInfo video, TimeSpan time, (int Width, int Height) size, string[] decoding, TimeSpan timeout, CancellationToken ct) =>
        RunAsync([.. FFmpeg.SafeInput, .. decoding, "-ss", Seconds(time), "-i", path, "-vf", $"{Scale(size)},{ReportEachFrame}"], ["-frames:v", "1"], video, size, timeout, ct);

    static string Scale((int Width, int Height) size) => $"scale={size.Width}:{size.Height}:flags=area";

    /// <summary>
    /// The filters every run ends with: timestamps in microseconds, then showinfo logging each frame.
    /// Nothing after showinfo drops or repeats a frame (-fps_mode passthrough), so it reports exactly the frames written.
    /// </summary>
    const string ReportEachFrame = "settb=AVTB,showinfo";

    /// <summary>
    /// Runs FFmpeg with <paramref name="inputsAndFilters"/> (their filters ending in <see cref="ReportEachFrame"/>)
    /// and yields the raw RGBA frames it writes to the pipe, each with the time showinfo logged for it:
    /// the n-th frame written gets the n-th report, awaited, never guessed. Timestamps are kept as in
    /// the file (-copyts), so a time is the frame's own; a frame without one is left out.
    /// </summary>
    async IAsyncEnumerable<SampledFrame> RunAsync(string[] inputsAndFilters, string[] output, VideoInfo video, (int Width, int Height) size, TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken ct)
    {
        string[] arguments = [
            "-hide_banner", "-nostats", "-loglevel", "info", "-nostdin", "-copyts", .. inputsAndFilters,
            "-fps_mode", "passthrough", .. output, "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"];
        long expected = 0;
        await foreach (var (pixels, report) in ffmpeg.StreamAsync("ffmpeg", arguments, size.Width * size.Height * 4, ShowInfoReport, timeout, ct))
        {
            // showinfo numbers the frames it passes; a gap would mean a report was lost and the pairing could no longer be trusted.
            if (report.Frame != expected++) throw new FFmpegException($"FFmpeg reported frame {report.Frame} where frame {expected - 1} was expected.");
            if (report.Time is { } time) yield return new SampledFrame(time - video.StartTime, Bitmap(pixels, size.Width, size.Height));
        }
    }

    /// <summary>What showinfo logs for a frame: its number among the frames it passed, and its timestamp (none when the frame has none).</summary>
    readonly record struct FrameReport(long Frame, TimeSpan? Time);

    /// <summary>Reads showinfo's line for a frame, "[Parsed_showinfo_3 @ 0x...] n:   0 pts:12500000 pts_time:12.5 ...", with pts in microseconds; null for any other line.</summary>
    static FrameReport? ShowInfoReport(string line)
    {
        if (!line.Contains("Parsed_showinfo", StringComparison.Ordinal) || !long.TryParse(Field(line, " n:"), out var frame)) return null;
        return new FrameReport(frame, long.TryParse(Field(line, " pts:"), out var microseconds) ? TimeSpan.FromMicroseconds(microseconds) : null);
    }

    static ReadOnlySpan<char> Field(string line, string name)
    {
        int at = line.IndexOf(name, StringComparison.Ordinal);
        if (at < 0) return default;
        var value = line.AsSpan(at + name.Length).TrimStart();
        int end = value.IndexOf(' ');
        return end < 0 ? value : value[..end];
    }

    /// <summary>Seconds for -ss, rounded down to the microsecond so that seeking to a frame's own time never lands past it.</summary>
    static string Seconds(TimeSpan time) => (time.Ticks / 10 / 1e6).ToString("0.######", CultureInfo.InvariantCulture);

    static SKBitmap Bitmap(byte[] rgba, int width, int height)
    {
        var image = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Marshal.Copy(rgba, 0, image.GetPixels(), width * height * 4);
        return image;
    }
}
