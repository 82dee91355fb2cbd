using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace ErasWeb.Media;

/// <summary>A frame read from a video, upright, with the time (from the video's start) it was taken from.</summary>
public sealed record SampledFrame(TimeSpan Time, SKBitmap Image) : IDisposable
{
    public void Dispose() => Image.Dispose();
}

/// <summary>
/// Reads frames at chosen times, turned upright from phones' rotation metadata, scaled by FFmpeg
/// to what the model needs and written as raw RGBA to a pipe, so no image file is ever written.
/// Times with a keyframe within half a sampling step get that keyframe, all from one FFmpeg run that
/// decodes only keyframes; the others are sought (fast input seeking) and decoded exactly, one run
/// per frame. BENCHMARKS.md has the measured costs of both.
/// </summary>
public static class FrameSampler
{
    /// <summary>Evenly spread times: <paramref name="minFrames"/> for a short clip, one every <paramref name="interval"/> for a long one, never more than <paramref name="maxFrames"/>.</summary>
    public static IReadOnlyList<TimeSpan> Plan(TimeSpan duration, int minFrames, TimeSpan interval, int maxFrames)
    {
        int count = Math.Clamp((int)Math.Ceiling(duration / interval), minFrames, maxFrames);
        return Enumerable.Range(0, count).Select(i => duration * ((i + 0.5) / count)).ToList();
    }

    /// <summary>The size frames come out at: the short side <paramref name="shortSide"/> pixels (never enlarged), the aspect kept.</summary>
    public static (int Width, int Height) OutputSize(VideoInfo video, int shortSide) =>
        Scaled(video, Math.Min(1, (double)shortSide / Math.Min(video.Width, video.Height)));

    static (int Width, int Height) Scaled(VideoInfo video, double scale) =>
        (Math.Max(1, (int)Math.Round(video.Width * scale)), Math.Max(1, (int)Math.Round(video.Height * scale)));

    /// <summary>
    /// About one frame per time (those from keyframes first, each group in time order), each with
    /// the time it really comes from, as FFmpeg decodes them; a time past the last decodable frame (odd timestamps, variable frame rate) is
    /// left out rather than failing the video. <paramref name="timeout"/> bounds each FFmpeg step.
    /// Dispose the frames.
    /// </summary>
    public static async IAsyncEnumerable<SampledFrame> SampleAsync(string path, VideoInfo video, IReadOnlyList<TimeSpan> times, int shortSide, TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var size = OutputSize(video, shortSide);
        var keyframes = await KeyframeTimesAsync(path, video, timeout, ct);
        var step = times.Count > 1 ? (times[^1] - times[0]) / (times.Count - 1) : video.Duration;
        var assigned = AssignKeyframes(times, keyframes, step / 2);
        var chosen = assigned.OfType<int>().ToList();
        int sampled = 0;
        var left = times.Where((_, i) => assigned[i] is null).ToList();
        if (chosen.Count > 0)
        {
            await using var fromKeyframes = KeyframesAsync(path, video, chosen, keyframes, size, timeout, ct).GetAsyncEnumerator(ct);
            while (true)
            {
                try
                {
                    if (!await fromKeyframes.MoveNextAsync()) break;
                }
                catch (FFmpegException e) when (!e.TimedOut && sampled == 0)
                {
                    break; // the fast path failed before giving anything: the exact one below takes over
                }
                sampled++;
                yield return fromKeyframes.Current;
            }
            // Were the keyframes not decodable after all, every time is sought exactly.
            if (sampled == 0) left = [.. times];
        }

        string? failure = null;
        foreach (var time in left)
        {
            byte[]? pixels;
            // A frame FFmpeg fails on is left out like a missing one; a hang is not waited out again for every frame.
            try { pixels = await ExactAsync(path, time, size, timeout, ct); }
            catch (FFmpegException e) when (!e.TimedOut) { failure = e.Message; continue; }
            if (pixels is null) continue;
            sampled++;
            yield return new SampledFrame(time, Bitmap(pixels, size.Width, size.Height));
        }
        if (sampled == 0)
            throw new FFmpegException("No frame of the video could be decoded: its picture data is damaged or missing" + (failure is null ? "." : $" ({failure})."));
    }

    /// <summary>The frame at <paramref name="time"/>, exactly, its long side at most <paramref name="longSide"/> (never enlarged).</summary>
    public static async Task<SKBitmap> FrameAtAsync(string path, VideoInfo video, TimeSpan time, int longSide, TimeSpan timeout, CancellationToken ct)
    {
        var size = Scaled(video, Math.Min(1, (double)longSide / Math.Max(video.Width, video.Height)));
        var pixels = await ExactAsync(path, time, size, timeout, ct)
            ?? throw new FFmpegException($"The frame at {time.TotalSeconds:0.##} s could not be decoded.");
        return Bitmap(pixels, size.Width, size.Height);
    }

    /// <summary>Presentation times of the video's keyframes from its start, read from packet flags (nothing is decoded).</summary>
    static async Task<List<TimeSpan>> KeyframeTimesAsync(string path, VideoInfo video, TimeSpan timeout, CancellationToken ct)
    {
        var csv = System.Text.Encoding.ASCII.GetString(await FFmpeg.RunAsync("ffprobe",
            ["-v", "error", .. FFmpeg.SafeInput, "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", path], timeout, ct));
        var times = new List<TimeSpan>();
        foreach (var line in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(',');
            if (fields.Length >= 2 && fields[1].Contains('K') && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                times.Add(TimeSpan.FromSeconds(seconds) - video.StartTime);
        }
        times.Sort();
        return times;
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
    /// One run decoding only keyframes and keeping the chosen ones (indices in increasing order),
    /// streamed as they are decoded.
    /// Each frame's time comes from FFmpeg's own report of it (showinfo), so a keyframe FFmpeg
    /// counts differently or cannot decode never shifts the times of the others.
    /// </summary>
    static async IAsyncEnumerable<SampledFrame> KeyframesAsync(string path, VideoInfo video, List<int> chosen, IReadOnlyList<TimeSpan> keyframes, (int Width, int Height) size, TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var select = AnyOf(chosen);
        var reported = new ConcurrentQueue<TimeSpan>();
        string[] arguments = [
            "-hide_banner", "-nostats", "-loglevel", "info", "-nostdin", .. FFmpeg.SafeInput, "-skip_frame", "nokey", "-i", path,
            "-vf", $"select='{select}',showinfo,scale={size.Width}:{size.Height}:flags=area", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"];
        int index = 0;
        await foreach (var pixels in FFmpeg.StreamAsync("ffmpeg", arguments, size.Width * size.Height * 4, timeout, line =>
        {
            if (ShowInfoTime(line) is { } t) reported.Enqueue(t - video.StartTime);
        }, ct))
        {
            // The report goes to stderr just before the pixels go to stdout; the two pipes are read independently.
            // Should it never come, the keyframe this frame was asked for is the best guess.
            TimeSpan time = default;
            bool known = false;
            for (int wait = 0; !(known = reported.TryDequeue(out time)) && wait < 50; wait++) await Task.Delay(10, ct);
            var frame = new SampledFrame(known ? time : keyframes[chosen[Math.Min(index, chosen.Count - 1)]], Bitmap(pixels, size.Width, size.Height));
            index++;
            yield return frame;
        }
    }

    /// <summary>
    /// "frame number is one of these", as a balanced sum: FFmpeg's expression parser refuses a flat
    /// chain of more than about a hundred terms, a tree of 1000 is only ten levels deep.
    /// </summary>
    static string AnyOf(IReadOnlyList<int> frameNumbers) => frameNumbers.Count == 1
        ? $"eq(n\\,{frameNumbers[0]})"
        : $"({AnyOf(frameNumbers.Take(frameNumbers.Count / 2).ToList())}+{AnyOf(frameNumbers.Skip(frameNumbers.Count / 2).ToList())})";

    static TimeSpan? ShowInfoTime(string line)
    {
        int at = line.IndexOf("pts_time:", StringComparison.Ordinal);
        if (at < 0 || !line.Contains("Parsed_showinfo", StringComparison.Ordinal)) return null;
        var value = line.AsSpan(at + "pts_time:".Length).TrimStart();
        int end = value.IndexOf(' ');
        return double.TryParse(end < 0 ? value : value[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds) : null;
    }

    /// <summary>The first frame at or after <paramref name="time"/> as raw RGBA at <paramref name="size"/>; null when there is none.</summary>
    static async Task<byte[]?> ExactAsync(string path, TimeSpan time, (int Width, int Height) size, TimeSpan timeout, CancellationToken ct)
    {
        var pixels = await FFmpeg.RunAsync("ffmpeg", [
            "-v", "error", "-nostdin", .. FFmpeg.SafeInput,
            "-ss", time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture), "-i", path,
            "-frames:v", "1", "-vf", $"scale={size.Width}:{size.Height}:flags=area", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"], timeout, ct);
        return pixels.Length < size.Width * size.Height * 4 ? null : pixels;
    }

    static SKBitmap Bitmap(byte[] rgba, int width, int height)
    {
        var image = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Marshal.Copy(rgba, 0, image.GetPixels(), width * height * 4);
        return image;
    }
}
