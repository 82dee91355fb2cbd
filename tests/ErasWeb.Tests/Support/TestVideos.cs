using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace ErasWeb.Tests.Support;

/// <summary>
/// Videos made by the real ffmpeg for tests. FFmpeg makes the same bytes from the same arguments, so each
/// video is made once per run and shared, read-only: by the tests of this process, and with the other test
/// processes of the run when ERAS_TEST_CACHE names a folder for it (scripts/test.sh does).
/// </summary>
public static class TestVideos
{
    static readonly ConcurrentDictionary<string, Lazy<string>> Made = new();

    static readonly Lazy<string> CacheDir = new(() =>
        Environment.GetEnvironmentVariable("ERAS_TEST_CACHE") is { Length: > 0 } shared
            ? Directory.CreateDirectory(Path.Combine(shared, "videos")).FullName
            : TestData.NewTempDir("videos"));

    /// <summary>Runs ffmpeg with the arguments (inputs, filters, codecs) and returns the path of the output file; do not change the file.</summary>
    public static string Make(string fileName, params string[] arguments)
    {
        // An input file counts by its content, not its path: pictures a test process draws live in a temporary folder of its own.
        var said = arguments.Select(a => File.Exists(a) && !a.StartsWith("/dev/") ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(a))) : a);
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', [fileName, .. said]))))[..24];
        return Made.GetOrAdd(key, _ => new Lazy<string>(() => MakeOnce(Path.Combine(CacheDir.Value, key, fileName), arguments))).Value;
    }

    static string MakeOnce(string output, string[] arguments)
    {
        if (File.Exists(output)) return output; // made by another test process of this run
        var dir = Directory.CreateDirectory(Path.GetDirectoryName(output)!).FullName;
        // Made under a name of its own and renamed whole, so a process running at the same time never reads half a file.
        var making = Path.Combine(dir, $"{Guid.NewGuid():N}{Path.GetExtension(output)}");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-v", "error", "-y", "-nostdin", .. arguments, making]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed making {Path.GetFileName(output)}: {error}");
        File.Move(making, output, overwrite: true);
        return output;
    }

    /// <summary>
    /// <paramref name="frames"/> black 2x2 raw frames at 1000 a second (AVI, Matroska... by the name). Copied from /dev/zero
    /// rather than made by a test source (<c>color=s=2x2:r=1000 -c:v rawvideo</c>, as many packets of the same size):
    /// FFmpeg copies packets several times faster than it makes and encodes frames one at a time.
    /// </summary>
    public static string TinyFrames(string fileName, int frames) =>
        Make(fileName, "-f", "rawvideo", "-pix_fmt", "gray", "-s", "2x2", "-framerate", "1000", "-i", "/dev/zero", "-frames:v", frames.ToString(), "-c", "copy");

    /// <summary>A clip of solid colours, each shown for the given seconds, H.264 in MP4 at 10 frames a second.</summary>
    public static string Colours(string fileName, int width, int height, params (string Colour, double Seconds)[] parts) =>
        Colours(fileName, width, height, keyframeEvery: 250, parts);

    /// <summary>As above, with a keyframe every <paramref name="keyframeEvery"/> frames.</summary>
    public static string Colours(string fileName, int width, int height, int keyframeEvery, params (string Colour, double Seconds)[] parts)
    {
        var inputs = parts.SelectMany(p => new[] { "-f", "lavfi", "-i", $"color=c={p.Colour}:s={width}x{height}:d={p.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}:r=10" });
        var concat = string.Concat(parts.Select((_, i) => $"[{i}:v]")) + $"concat=n={parts.Length}:v=1[v]";
        return Make(fileName, [.. inputs, "-filter_complex", concat, "-map", "[v]", "-c:v", "libx264", "-g", keyframeEvery.ToString(), "-pix_fmt", "yuv420p"]);
    }

    /// <summary>Photos shown one after another, each for the given seconds, letterboxed into width x height, H.264 in MP4 at 10 frames a second.</summary>
    public static string Slideshow(string fileName, int width, int height, params (string Photo, int Seconds)[] parts)
    {
        // Each photo read once a second and repeated by fps=10: the same frames as reading it ten times a second, with a tenth of the decodes.
        var inputs = parts.SelectMany(p => new[] { "-loop", "1", "-framerate", "1", "-t", p.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", p.Photo });
        var fit = $"scale={width}:{height}:force_original_aspect_ratio=decrease,pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=10";
        var graph = string.Concat(parts.Select((_, i) => $"[{i}:v]{fit}[p{i}];")) + string.Concat(parts.Select((_, i) => $"[p{i}]")) + $"concat=n={parts.Length}:v=1[v]";
        return Make(fileName, [.. inputs, "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-pix_fmt", "yuv420p"]);
    }
}
