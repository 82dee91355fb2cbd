using System.Diagnostics;

namespace ErasWeb.Media;

/// <summary>FFmpeg or ffprobe failed, hung or could not be started; the message says why in words a person understands.</summary>
public sealed class FFmpegException(string message) : Exception(message);

/// <summary>
/// Runs ffmpeg and ffprobe as child processes: arguments passed as a list (never through a
/// shell), stdout read as bytes, a timeout after which the process is killed, and a lower
/// priority so video work never starves the requests the server is answering.
/// </summary>
public static class FFmpeg
{
    /// <summary>
    /// Inputs may only be local files in the container formats we accept: a playlist or a
    /// reference inside an upload cannot make FFmpeg open URLs or other files.
    /// </summary>
    public static readonly string[] SafeInput = ["-protocol_whitelist", "file", "-format_whitelist", "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi"];

    public static async Task<byte[]> RunAsync(string tool, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken ct)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = new Process { StartInfo = start };
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new FFmpegException($"{tool} could not be started ({e.Message}); install FFmpeg (scripts/setup.sh does).");
        }
        try { process.PriorityClass = ProcessPriorityClass.BelowNormal; } catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
        process.StandardInput.Close();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var output = new MemoryStream();
        var error = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.StandardOutput.BaseStream.CopyToAsync(output, deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new FFmpegException($"{tool} took longer than {timeout.TotalSeconds:0} s and was stopped.");
        }
        if (process.ExitCode != 0)
        {
            var message = (await error).Trim().Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "no message";
            throw new FFmpegException($"{tool} failed ({message}).");
        }
        return output.ToArray();
    }
}
