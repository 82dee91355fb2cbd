using System.Diagnostics;
using System.Text.RegularExpressions;
using ErasWeb.Hosting;

namespace ErasWeb.Bench;

/// <summary>
/// The app as its own process (<c>dotnet ErasWeb.dll</c>), as it runs in production: its memory is
/// its own to measure, and kill -9 is a real one.
/// </summary>
sealed partial class SoakServer : IAsyncDisposable
{
    readonly Process process;
    readonly Queue<string> lastLines = new();
    readonly List<string> firstErrors = [];
    bool errorContinues;
    int errorLines;

    public Uri Address { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    /// <summary>Kept apart from the process object, which forgets it once disposed.</summary>
    public int Pid { get; }
    /// <summary>Lines the app logged at error level or worse ("fail:" / "crit:").</summary>
    public int ErrorLines => Volatile.Read(ref errorLines);
    /// <summary>The first few errors the app logged, each with its message line.</summary>
    public IReadOnlyList<string> FirstErrors { get { lock (lastLines) return [.. firstErrors]; } }

    SoakServer(Process process)
    {
        this.process = process;
        Pid = process.Id;
    }

    public static async Task<SoakServer> StartAsync(string dataDir, string backboneSource, IReadOnlyDictionary<string, string> environment)
    {
        var dll = typeof(ErasApp).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[dll, "--urls", "http://127.0.0.1:0"]) start.ArgumentList.Add(a);
        start.Environment["ERAS_DATA_DIR"] = dataDir;
        start.Environment["ERAS_BACKBONE_SOURCE"] = backboneSource;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // A setting already in the benchmark's own environment wins, so a soak can be run with other limits without editing code.
        foreach (var (key, value) in environment)
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(key))) start.Environment[key] = value;

        var server = new SoakServer(Process.Start(start)!);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Both pipes are read to the end: a full pipe would stall the server's logging, and with it the server.
        server.process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            server.Remember(line);
            if (Listening().Match(line) is { Success: true } match) listening.TrySetResult(new Uri(match.Groups[1].Value));
        };
        server.process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) server.Remember(line); };
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        try
        {
            var exited = server.process.WaitForExitAsync();
            if (await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(90))) != listening.Task)
                throw new InvalidOperationException($"The app did not start listening.\n{server.LastLines()}");
            server.Address = listening.Task.Result;
            server.Client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(3) };
            for (var deadline = DateTime.UtcNow.AddSeconds(90); ; await Task.Delay(50))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"The app did not become ready within 90 s.\n{server.LastLines()}");
                try { if ((await server.Client.GetAsync("/health/ready")).IsSuccessStatusCode) break; }
                catch (HttpRequestException) { }
            }
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    void Remember(string line)
    {
        bool error = line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);
        if (error) Interlocked.Increment(ref errorLines);
        lock (lastLines)
        {
            // The console logger writes "fail: Category[id]" and then the message, indented, on the next line.
            if (errorContinues) firstErrors[^1] += " " + line.Trim();
            errorContinues = error && firstErrors.Count < 5;
            if (errorContinues) firstErrors.Add(line.Trim());
            lastLines.Enqueue(line);
            if (lastLines.Count > 40) lastLines.Dequeue();
        }
    }

    public string LastLines() { lock (lastLines) return string.Join('\n', lastLines); }

    /// <summary>Resident memory now and at its peak (the kernel's high-water mark), in bytes; null once the process is gone.</summary>
    public (long Rss, long Peak)? Memory()
    {
        try
        {
            long rss = -1, peak = -1;
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kilobytes(line);
            return rss < 0 ? null : (rss, peak);
        }
        catch (IOException) { return null; }

        // "VmRSS:	  123456 kB"
        static long Kilobytes(string line) => long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0]) * 1024;
    }

    /// <summary>CPU time the process has used so far, user and system, in seconds; null once it is gone.</summary>
    public double? CpuSeconds()
    {
        try
        {
            // "pid (name) state ppid ...": utime and stime are fields 14 and 15, counted after the name, which may hold spaces.
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / ClockTicksPerSecond;
        }
        catch (IOException) { return null; }
    }

    /// <summary>The kernel's USER_HZ, which /proc counts CPU time in: 100 on every Linux that .NET runs on.</summary>
    const double ClockTicksPerSecond = 100;

    /// <summary>SIGKILL: no shutdown code runs, exactly like kill -9.</summary>
    public async Task KillHardAsync()
    {
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager stops the app; SIGKILL if it has not gone within 30 s.</summary>
    public async Task StopAsync()
    {
        if (process.HasExited) return;
        using (var term = Process.Start("kill", ["-TERM", Pid.ToString()])) await term.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { await KillHardAsync(); }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
