using System.Runtime.InteropServices;
using SkiaSharp;

namespace ErasWeb.Media;

/// <summary>A frame read from a video, upright, with the time it was taken from.</summary>
public sealed record SampledFrame(TimeSpan Time, SKBitmap Image) : IDisposable
{
    public void Dispose() => Image.Dispose();
}

/// <summary>
/// Reads frames at chosen times: FFmpeg seeks to each (fast input seeking, then decodes up to the
/// exact frame), turns phone videos upright, scales to what the model needs and writes raw RGBA to
/// a pipe, so no image file is ever written.
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
    public static (int Width, int Height) OutputSize(VideoInfo video, int shortSide)
    {
        double scale = Math.Min(1, (double)shortSide / Math.Min(video.Width, video.Height));
        return (Math.Max(1, (int)Math.Round(video.Width * scale)), Math.Max(1, (int)Math.Round(video.Height * scale)));
    }

    /// <summary>
    /// One frame per time; a time past the last decodable frame (odd timestamps, variable frame
    /// rate) is left out rather than failing the video. Dispose the frames.
    /// </summary>
    public static async Task<List<SampledFrame>> SampleAsync(string path, VideoInfo video, IReadOnlyList<TimeSpan> times, int shortSide, TimeSpan timeoutPerFrame, CancellationToken ct)
    {
        var (width, height) = OutputSize(video, shortSide);
        var frames = new List<SampledFrame>(times.Count);
        try
        {
            foreach (var time in times)
            {
                var pixels = await FFmpeg.RunAsync("ffmpeg", [
                    "-v", "error", "-nostdin", .. FFmpeg.SafeInput,
                    "-ss", time.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), "-i", path,
                    "-frames:v", "1", "-vf", $"scale={width}:{height}:flags=area", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"], timeoutPerFrame, ct);
                if (pixels.Length < width * height * 4) continue;
                var image = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
                Marshal.Copy(pixels, 0, image.GetPixels(), width * height * 4);
                frames.Add(new SampledFrame(time, image));
            }
        }
        catch
        {
            foreach (var frame in frames) frame.Dispose();
            throw;
        }
        if (frames.Count == 0) throw new FFmpegException("No frame of the video could be decoded.");
        return frames;
    }
}
