using System.Globalization;
using ErasWeb.Localisation;

namespace ErasWeb.Media;

/// <summary>
/// What ffprobe says about a video's first video stream. Width and height are as displayed, after
/// rotation; <see cref="StartTime"/> is the timestamp of its start, which frame times are measured from.
/// <see cref="Packets"/> sums up its packets (coded frames), when they were asked for; the <see cref="Duration"/>
/// is then the real one, where the last packet ends, whatever the header claims.
/// </summary>
public sealed record VideoInfo(TimeSpan Duration, int Width, int Height, int Rotation, string Codec, TimeSpan StartTime = default, PacketSummary? Packets = null);

/// <summary>A keyframe: its time from the video's start, and its number among the video's keyframes, as a keyframe-only FFmpeg run counts them.</summary>
public readonly record struct Keyframe(TimeSpan Time, int Number);

/// <summary>
/// A video's packets in a few kilobytes, however many there are: how many, how many of them are keyframes, and the
/// keyframes in time order: every one up to <see cref="VideoProbe.KeptKeyframes"/>, past that every second, fourth...
/// one, which still leaves several for each frame sampling asks for.
/// </summary>
public sealed record PacketSummary(int Count, int KeyframeCount, IReadOnlyList<Keyframe> Keyframes);

/// <summary>Asks ffprobe about a video and reads its answer into a <see cref="VideoInfo"/>: the one place ffprobe's output is parsed.</summary>
public sealed class VideoProbe(FFmpeg ffmpeg)
{
    /// <summary>
    /// The most frames a video may have for each second of its length (and <see cref="FrameFloor"/> more): twice the 240
    /// a second phones film slow motion at. Every frame costs FFmpeg time however small its picture, so a file with more
    /// (thousands of tiny frames a second) was made to be expensive, not filmed. It is refused, by its header's frame count
    /// when it has one, else as soon as its packets outnumber what the time they cover allows, never read to its end.
    /// </summary>
    public const int MaxFramesPerSecond = 480;

    /// <summary>Frames allowed whatever the length: the first packets come before their times advance, and a clip may be very short.</summary>
    public const int FrameFloor = 1000;

    /// <summary>
    /// The most keyframes remembered of a video (128 KB). Past it, between half as many and as many are kept: at least
    /// three for each of the 1300 frames (by default) sampled from the longest videos.
    /// </summary>
    public const int KeptKeyframes = 8192;

    /// <summary>How many frames a video of <paramref name="length"/> may have.</summary>
    public static long FrameAllowance(TimeSpan length) => FrameFloor + (long)(MaxFramesPerSecond * length.TotalSeconds);

    /// <summary>A length in words: "3 seconds", "4.5 minutes", "2 hours".</summary>
    public static string Describe(TimeSpan t) =>
        t.TotalHours >= 1 ? Texts.Say("Duration.Hours", t.TotalHours) : t.TotalMinutes >= 1 ? Texts.Say("Duration.Minutes", t.TotalMinutes) : Texts.Say("Duration.Seconds", t.TotalSeconds);

    public Task<VideoInfo> ProbeAsync(string path, TimeSpan timeout, CancellationToken ct) => ProbeAsync(path, packets: false, timeout, ct);

    /// <summary>
    /// As <see cref="ProbeAsync(string, TimeSpan, CancellationToken)"/>, also summing up the packets (every packet is read as
    /// ffprobe lists it, none decoded): the frame sampler needs the keyframes, and one ffprobe run is quicker than two.
    /// The packets also tell where the video really ends: a header may claim hours for a clip of seconds.
    /// </summary>
    public Task<VideoInfo> ProbeWithKeyframesAsync(string path, TimeSpan timeout, CancellationToken ct) => ProbeAsync(path, packets: true, timeout, ct);

    const string HeaderEntries = "stream=codec_name,width,height,duration,nb_frames:stream_tags=rotate:stream_side_data=rotation:format=duration,start_time";

    async Task<VideoInfo> ProbeAsync(string path, bool packets, TimeSpan timeout, CancellationToken ct)
    {
        // ffprobe's compact output is a line per packet, then one for the stream and one for the format, each read as it comes.
        string? stream = null, format = null;
        var tally = packets ? new PacketTally() : null;
        try
        {
            await foreach (var line in ffmpeg.ReadLinesAsync("ffprobe", ["-v", "error", .. FFmpeg.SafeInput, "-select_streams", "v:0", "-of", "compact",
                "-show_entries", packets ? HeaderEntries + ":packet=pts_time,dts_time,duration_time,flags" : HeaderEntries, path], timeout, ct))
            {
                if (line.StartsWith("packet|", StringComparison.Ordinal) && tally is not null)
                {
                    tally.Add(line);
                    if (tally.OverAllowance) break;
                }
                else if (line.StartsWith("stream|", StringComparison.Ordinal)) stream = line;
                else if (line.StartsWith("format|", StringComparison.Ordinal)) format = line;
            }
        }
        catch (FFmpegException e) { throw new FFmpegException(Texts.Say("Video.Unreadable", e.Message), e.TimedOut, e); }
        if (tally is { OverAllowance: true }) throw TooManyFrames(tally.Count, Texts.Say("Video.ItsFirst", Describe(tally.Span)));

        if (stream is null) throw new FFmpegException(Texts.Say("Video.NoStream"));
        int width = int.TryParse(Field(stream, "width"), out var w) ? w : 0, height = int.TryParse(Field(stream, "height"), out var h) ? h : 0;
        if (width <= 0 || height <= 0) throw new FFmpegException(Texts.Say("Video.NoSize"));
        int rotation = Rotation(stream);
        if (rotation % 180 != 0) (width, height) = (height, width);
        var claimed = Length(Field(stream, "duration")) ?? Length(Field(format, "duration"))
            ?? throw new FFmpegException(Texts.Say("Video.NoDuration"));
        if (Number(Field(stream, "nb_frames")) is { } frames && frames > FrameAllowance(claimed)) throw TooManyFrames((long)frames, Texts.Say("Video.Its", Describe(claimed)));
        var start = Seconds(Field(format, "start_time")) ?? TimeSpan.Zero;
        var codec = Field(stream, "codec_name");
        var info = new VideoInfo(claimed, width, height, rotation, codec.IsEmpty ? "?" : codec.ToString(), start);
        if (tally is null) return info;

        // Never longer than the header claims, nor past the last packet.
        var duration = tally.End - start is { } end && end > TimeSpan.Zero && end < claimed ? end : claimed;
        if (tally.Count > FrameAllowance(duration)) throw TooManyFrames(tally.Count, Texts.Say("Video.Its", Describe(duration)));
        return info with { Duration = duration, Packets = tally.Summary(start) };
    }

    static FFmpegException TooManyFrames(long frames, string length) =>
        new(Texts.Say("Video.TooManyFrames", frames, length, MaxFramesPerSecond));

    /// <summary>Counts a stream's packets as ffprobe lists them, in decoding order, keeping what sampling needs in bounded memory.</summary>
    sealed class PacketTally
    {
        readonly List<Keyframe> kept = [];
        int keepEvery = 1;
        TimeSpan? first, end;

        public int Count { get; private set; }
        public int KeyframeCount { get; private set; }

        /// <summary>Where the packet ending latest ends: the last to be shown, whatever the decoding order.</summary>
        public TimeSpan? End => end;

        /// <summary>The time the packets read so far cover.</summary>
        public TimeSpan Span => end - first ?? TimeSpan.Zero;

        /// <summary>The packets read so far outnumber what the time they cover allows: reading on could only cost more.</summary>
        public bool OverAllowance => Count > FrameAllowance(Span);

        /// <summary>Adds a packet: "packet|pts_time=1.9|dts_time=1.7|duration_time=0.1|flags=K_".</summary>
        public void Add(string line)
        {
            Count++;
            var shown = Seconds(Field(line, "pts_time"));
            // A packet without a presentation time (B-frames in AVI) still tells where it lies by its decoding time.
            if ((shown ?? Seconds(Field(line, "dts_time"))) is { } at)
            {
                var packetEnd = at + (Seconds(Field(line, "duration_time")) ?? TimeSpan.Zero);
                if (first is null || at < first) first = at;
                if (end is null || packetEnd > end) end = packetEnd;
            }
            if (shown is { } time && Field(line, "flags").Contains('K')) AddKeyframe(time);
        }

        /// <summary>Keeps every <see cref="keepEvery"/>-th keyframe; when they fill the list, every other one kept goes and half as many are kept from then on.</summary>
        void AddKeyframe(TimeSpan time)
        {
            if (KeyframeCount % keepEvery == 0 && kept.Count == KeptKeyframes)
            {
                keepEvery *= 2;
                kept.RemoveAll(k => k.Number % keepEvery != 0);
            }
            if (KeyframeCount % keepEvery == 0) kept.Add(new Keyframe(time, KeyframeCount));
            KeyframeCount++;
        }

        public PacketSummary Summary(TimeSpan start) =>
            new(Count, KeyframeCount, kept.Select(k => k with { Time = k.Time - start }).OrderBy(k => k.Time).ToList());
    }

    /// <summary>The value of <paramref name="name"/> in a line of ffprobe's compact output ("section|name=value|..."); empty when it is not there.</summary>
    static ReadOnlySpan<char> Field(string? line, string name)
    {
        var rest = line.AsSpan();
        while (rest.IndexOf('|') is var bar and >= 0)
        {
            rest = rest[(bar + 1)..];
            var field = rest[..(rest.IndexOf('|') is var next and >= 0 ? next : rest.Length)];
            if (field.Length > name.Length && field[name.Length] == '=' && field.StartsWith(name, StringComparison.Ordinal)) return field[(name.Length + 1)..];
        }
        return default;
    }

    static double? Number(ReadOnlySpan<char> value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number : null;

    /// <summary>A time in seconds; beyond three centuries it is a broken timestamp (and soon past what a TimeSpan holds), so none.</summary>
    static TimeSpan? Seconds(ReadOnlySpan<char> value) => Number(value) is { } seconds && Math.Abs(seconds) < 1e10 ? TimeSpan.FromSeconds(seconds) : null;

    static TimeSpan? Length(ReadOnlySpan<char> value) => Seconds(value) is { } length && length > TimeSpan.Zero ? length : null;

    /// <summary>The display rotation phones record, from the display matrix or the older "rotate" tag, as 0, 90, 180 or 270.</summary>
    static int Rotation(string stream)
    {
        double degrees = Number(Field(stream, "rotation")) ?? 0;
        if (degrees == 0) degrees = Number(Field(stream, "tag:rotate")) ?? 0;
        return ((int)Math.Round(degrees / 90) * 90 % 360 + 360) % 360;
    }
}
