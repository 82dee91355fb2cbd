using System.Globalization;
using System.Text.Json;

namespace ErasWeb.Media;

/// <summary>
/// What ffprobe says about a video's first video stream. Width and height are as displayed, after
/// rotation; <see cref="StartTime"/> is the timestamp of its start, which frame times are measured from.
/// <see cref="Keyframes"/> are its keyframes' times from the start, in order, and <see cref="Packets"/> how many
/// packets (coded frames) the stream has, when they were asked for; the <see cref="Duration"/> is then the
/// real one, where the last packet ends, whatever the header claims.
/// </summary>
public sealed record VideoInfo(TimeSpan Duration, int Width, int Height, int Rotation, string Codec, TimeSpan StartTime = default, IReadOnlyList<TimeSpan>? Keyframes = null,
    int Packets = 0);

public static class VideoProbe
{
    public static Task<VideoInfo> ProbeAsync(string path, TimeSpan timeout, CancellationToken ct) => ProbeAsync(path, keyframes: false, timeout, ct);

    /// <summary>
    /// As <see cref="ProbeAsync(string, TimeSpan, CancellationToken)"/>, also listing the keyframes from the packets' flags
    /// (every packet is read, none decoded): the frame sampler needs them, and one ffprobe run is quicker than two.
    /// The packets also tell where the video really ends: a header may claim hours for a clip of seconds.
    /// </summary>
    public static Task<VideoInfo> ProbeWithKeyframesAsync(string path, TimeSpan timeout, CancellationToken ct) => ProbeAsync(path, keyframes: true, timeout, ct);

    static async Task<VideoInfo> ProbeAsync(string path, bool keyframes, TimeSpan timeout, CancellationToken ct)
    {
        byte[] json;
        try
        {
            json = await FFmpeg.RunAsync("ffprobe", ["-v", "error", .. FFmpeg.SafeInput, "-print_format", "json=c=1", "-show_format", "-show_streams", "-select_streams", "v:0",
                .. keyframes ? (string[])["-show_entries", "packet=pts_time,duration_time,flags"] : [], path], timeout, ct);
        }
        catch (FFmpegException e) { throw new FFmpegException($"The file cannot be read as a video: {e.Message}", e.TimedOut, e); }

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
        var info = new VideoInfo(TimeSpan.FromSeconds(seconds), width, height, rotation, stream.TryGetProperty("codec_name", out var codec) ? codec.GetString() ?? "?" : "?",
            TimeSpan.FromSeconds(start));
        return keyframes ? WithPackets(info, root) : info;
    }

    /// <summary>The keyframes, the packet count and the real end, from the packets: never longer than the header claims, nor past the last packet.</summary>
    static VideoInfo WithPackets(VideoInfo info, JsonElement root)
    {
        var keyframes = new List<TimeSpan>();
        TimeSpan? end = null;
        int count = 0;
        if (root.TryGetProperty("packets", out var packets))
            foreach (var packet in packets.EnumerateArray())
            {
                count++;
                if (Time(packet, "pts_time") is not { } pts) continue;
                var time = pts - info.StartTime;
                if (packet.TryGetProperty("flags", out var flags) && flags.GetString()?.Contains('K') == true) keyframes.Add(time);
                // Packets come in decoding order, so the last to be shown is the one ending latest.
                var packetEnd = time + (Time(packet, "duration_time") ?? TimeSpan.Zero);
                if (end is null || packetEnd > end) end = packetEnd;
            }
        keyframes.Sort();
        var duration = end is { } e && e > TimeSpan.Zero && e < info.Duration ? e : info.Duration;
        return info with { Duration = duration, Keyframes = keyframes, Packets = count };
    }

    static TimeSpan? Time(JsonElement packet, string name) =>
        packet.TryGetProperty(name, out var value) && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds)
            ? TimeSpan.FromSeconds(seconds) : null;

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
