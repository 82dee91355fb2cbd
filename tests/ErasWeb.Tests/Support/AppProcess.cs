using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ErasWeb.Tests.Support;

/// <summary>The app as its own process (as a user runs it), so a test can kill it outright.</summary>
public sealed partial class AppProcess : IDisposable
{
    readonly Process process;
    readonly System.Collections.Concurrent.ConcurrentQueue<string> output;
    public HttpClient Client { get; }
    /// <summary>Health and metrics: at ERAS_MANAGEMENT_URLS when the environment sets it, else at the public address.</summary>
    public HttpClient Management { get; }
    public int Id => process.Id;

    AppProcess(Process process, System.Collections.Concurrent.ConcurrentQueue<string> output, Uri address, Uri management)
    {
        this.process = process;
        this.output = output;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        Management = new HttpClient { BaseAddress = management, Timeout = TimeSpan.FromSeconds(60) };
    }

    public static async Task<AppProcess> StartAsync(string dataDir, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "ErasWeb.dll"), "--urls", "http://127.0.0.1:0"]) start.ArgumentList.Add(a);
        start.Environment["ERAS_DATA_DIR"] = dataDir;
        start.Environment["ERAS_BACKBONE_SOURCE"] = TestData.BackboneSource;
        start.Environment["ERAS_HEAD_PATH"] = TestData.CommittedHead;
        start.Environment["ERAS_PHOTOS_PER_MINUTE"] = "0";
        start.Environment["ERAS_VIDEOS_PER_HOUR"] = "0";
        start.Environment["ERAS_VIDEO_WORK_SECONDS_PER_MINUTE"] = "300"; // as AppFixture's
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var management = environment.TryGetValue("ERAS_MANAGEMENT_URLS", out var url) ? new Uri(url) : null;
        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } logged) output.Enqueue(logged);
            if (e.Data is { } line && Listening().Match(line) is { Success: true } match && new Uri(match.Groups[1].Value) is var address && address != management)
                listening.TrySetResult(address);
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Uri address;
        // Generous: on a loaded machine a start (migrations, the model) can take long; a failure says what the process wrote.
        try { address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(120)); }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            var lines = output.ToList();
            int firstFailure = Math.Max(0, lines.FindIndex(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)));
            throw new TimeoutException($"The app did not listen within 120 s; what it wrote from its first failure on:\n{string.Join('\n', lines.Skip(firstFailure).Take(80))}");
        }
        var app = new AppProcess(process, output, address, management ?? address);
        await Eventually.WaitForAsync(async () => (await app.Management.GetAsync("/health/ready")).StatusCode, status => status == System.Net.HttpStatusCode.OK,
            "the app to become ready", TimeSpan.FromSeconds(60));
        return app;
    }

    /// <summary>Whether a line the process has written to its console so far holds every one of <paramref name="parts"/>.</summary>
    public bool HasLogged(params string[] parts) => output.Any(line => parts.All(part => line.Contains(part, StringComparison.Ordinal)));

    /// <summary>
    /// The process's resident memory now (VmRSS) and its peak (VmHWM), in bytes, as the kernel counts them: the
    /// peak catches what falls between two looks, and counts only this process, not the test runner's own heap.
    /// </summary>
    public (long Resident, long Peak) Memory()
    {
        var status = File.ReadAllLines($"/proc/{process.Id}/status");
        long Kilobytes(string name) => long.Parse(status.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim().Split(' ')[0]) * 1024;
        return (Kilobytes("VmRSS"), Kilobytes("VmHWM"));
    }

    /// <summary>Starts the peak (VmHWM) over from what is resident now, so it measures only what comes next.</summary>
    public void ResetPeakMemory() => File.WriteAllText($"/proc/{process.Id}/clear_refs", "5");

    /// <summary>SIGSTOP: the process stops where it is, so what its database says next cannot change under the test.</summary>
    public void Freeze() => Process.Start("kill", ["-STOP", process.Id.ToString()])!.WaitForExit();

    /// <summary>
    /// SIGTERM, as an orchestrator stops a container (then SIGCONT, so a frozen process wakes to it): the app shuts down
    /// gracefully; waits until it has exited.
    /// </summary>
    public async Task StopAsync()
    {
        Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
        Process.Start("kill", ["-CONT", process.Id.ToString()])!.WaitForExit();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like kill -9.</summary>
    public void KillHard()
    {
        process.Kill(entireProcessTree: false);
        process.WaitForExit();
    }

    public void Dispose()
    {
        Client.Dispose();
        Management.Dispose();
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
