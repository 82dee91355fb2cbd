using System.Globalization;
using System.Text.Json;

namespace ErasWeb.Media;

/// <summary>
/// What ffprobe says about a video's first video stream. Width and height are as displayed, after
/// rotation; <see cref="StartTime"/> is the timestamp of its start, which frame times are measured from.
/// </summary>
public sealed record VideoInfo(TimeSpan Duration, int Width, int Height, int Rotation, string Codec, TimeSpan StartTime = default);

public static class VideoProbe
{
    public static async Task<VideoInfo> ProbeAsync(string path, TimeSpan timeout, CancellationToken ct)
    {
        byte[] json;
        try
        {
            json = await FFmpeg.RunAsync("ffprobe", ["-v", "error", .. FFmpeg.SafeInput, "-print_format", "json", "-show_format", "-show_streams", "-select_streams", "v:0", path], timeout, ct);
        }
        catch (FFmpegException e) { throw new FFmpegException($"The file cannot be read as a video: {e.Message}"); }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
            throw new FFmpegException("The file has no video stream (it may be audio only).");
        var stream = streams[0];
        int width = stream.TryGetProperty("width", out var w) ? w.GetInt32() : 0, height = stream.TryGetProperty("height", out var h) ? h.GetInt32() : 0;
        if (width <= 0 || height <= 0) throw new FFmpegException("The video stream has no picture size.");
        int rotation = Rotation(stream);
        if (rotation % 180 != 0) (width, height) = (height, width);
        double seconds = Seconds(stream) ?? (root.TryGetProperty("format", out var format) ? Seconds(format) : null) ?? 0;
        if (seconds <= 0) throw new FFmpegException("The video has no duration (it is empty or its header is broken).");
        double start = root.TryGetProperty("format", out var f) && f.TryGetProperty("start_time", out var st)
            && double.TryParse(st.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s0) && double.IsFinite(s0) ? s0 : 0;
        return new VideoInfo(TimeSpan.FromSeconds(seconds), width, height, rotation, stream.TryGetProperty("codec_name", out var codec) ? codec.GetString() ?? "?" : "?",
            TimeSpan.FromSeconds(start));
    }

    static double? Seconds(JsonElement element) =>
        element.TryGetProperty("duration", out var d) && double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && double.IsFinite(s) ? s : null;

    /// <summary>The display rotation phones record, from the display matrix or the older "rotate" tag, as 0, 90, 180 or 270.</summary>
    static int Rotation(JsonElement stream)
    {
        double degrees = 0;
        if (stream.TryGetProperty("side_data_list", out var sideData))
            foreach (var item in sideData.EnumerateArray())
                if (item.TryGetProperty("rotation", out var r) && r.TryGetDouble(out var value)) degrees = value;
        if (degrees == 0 && stream.TryGetProperty("tags", out var tags) && tags.TryGetProperty("rotate", out var tag)
            && double.TryParse(tag.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var tagged))
            degrees = tagged;
        return ((int)Math.Round(degrees / 90) * 90 % 360 + 360) % 360;
    }
}
