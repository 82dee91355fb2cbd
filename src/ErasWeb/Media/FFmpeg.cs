using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;

namespace ErasWeb.Media;

/// <summary>FFmpeg or ffprobe failed, hung or could not be started; the message says why in words a person understands.</summary>
public sealed class FFmpegException(string message, bool timedOut = false, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>It was stopped for taking too long (a hang), rather than failing on the input.</summary>
    public bool TimedOut { get; } = timedOut;
}

/// <summary>
/// Runs ffmpeg and ffprobe as child processes: arguments passed as a list (never through a
/// shell), stdout read as it is written (lines or fixed-size records), never held whole, a timeout
/// after which the process is killed, and a lower priority so video work never starves the
/// requests the server is answering. One instance serves the whole app: at most
/// <see cref="MaxProcesses"/> run at once (a run waits for its turn before its timeout starts),
/// and every running process is known, so that when the host stops none outlives it.
/// Command lines are logged at debug, a failed or hung run's last stderr lines at warning, paths
/// and all (for operators, not uploaders); the log scope of the flow that asked (a job) applies.
/// </summary>
public sealed class FFmpeg : IDisposable
{
    /// <summary>
    /// Inputs may only be local files in the container formats we accept: a playlist or a
    /// reference inside an upload cannot make FFmpeg open URLs or other files.
    /// </summary>
    public static readonly string[] SafeInput = ["-protocol_whitelist", "file", "-format_whitelist", "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi"];

    readonly ILogger<FFmpeg> log;
    readonly SemaphoreSlim turns;
    readonly ConcurrentDictionary<int, Process> running = new();
    readonly CancellationTokenSource stopping = new();

    public FFmpeg(ILogger<FFmpeg> log, int maxProcesses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxProcesses, 1);
        this.log = log;
        MaxProcesses = maxProcesses;
        turns = new SemaphoreSlim(maxProcesses, maxProcesses);
    }

    /// <summary>How many FFmpeg and ffprobe processes may run at once.</summary>
    public int MaxProcesses { get; }

    /// <summary>The ids of the processes running now.</summary>
    public IReadOnlyCollection<int> Running => running.Keys.ToList();

    /// <summary>
    /// Ends every running process and refuses new ones: the host is stopping. Their callers get
    /// <see cref="OperationCanceledException"/>, as for their own cancellation, so a job stopped this
    /// way stays unfinished (and is run again) rather than failing with a reason.
    /// </summary>
    public void StopAll()
    {
        if (stopping.IsCancellationRequested) return;
        stopping.Cancel();
        foreach (var process in running.Values)
        {
            try { process.Kill(entireProcessTree: true); }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { } // already gone
        }
    }

    public void Dispose() => StopAll();

    /// <summary>Waits for a turn to run a process (not counted against its timeout) and gives it back when disposed.</summary>
    async Task<Turn> TakeTurnAsync(CancellationToken ct)
    {
        stopping.Token.ThrowIfCancellationRequested();
        await turns.WaitAsync(ct);
        return new Turn(turns);
    }

    sealed class Turn(SemaphoreSlim turns) : IDisposable
    {
        int released;
        public void Dispose() { if (Interlocked.Exchange(ref released, 1) == 0) turns.Release(); }
    }

    /// <summary>Kills the process (and anything it started) and waits for it to be gone, so "stopped" is true when the caller says it.</summary>
    static async Task StopAsync(Process process)
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // it ended meanwhile
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await process.WaitForExitAsync(patience.Token); }
        catch (OperationCanceledException) { } // a process SIGKILL cannot end is the kernel's to reap
    }

    /// <summary>Stops the process if it still runs, forgets it and gives its turn back.</summary>
    async Task EndAsync(Process process, Turn turn)
    {
        try
        {
            if (!process.HasExited) await StopAsync(process);
        }
        finally
        {
            running.TryRemove(process.Id, out _);
            turn.Dispose();
        }
    }

    /// <summary>The longest line <see cref="ReadLinesAsync"/> takes: the tools' lines are short, and no text in a file (a tag) may make one fill memory.</summary>
    const int MaxLineBytes = 64 * 1024;

    /// <summary>
    /// Runs the tool and yields its stdout line by line as it is written, so no output, however long, is held whole;
    /// killed after <paramref name="timeout"/>, and as soon as the caller stops reading.
    /// </summary>
    public async IAsyncEnumerable<string> ReadLinesAsync(string tool, IReadOnlyList<string> arguments, TimeSpan timeout, [EnumeratorCancellation] CancellationToken caller)
    {
        using var turn = await TakeTurnAsync(caller);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(caller, stopping.Token);
        var ct = cancel.Token;
        using var process = Start(tool, arguments);
        var error = ReadErrorAsync(process, _ => { });
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var stdout = PipeReader.Create(process.StandardOutput.BaseStream);
        try
        {
            while (true)
            {
                ReadResult read;
                try { read = await stdout.ReadAsync(deadline.Token); }
                catch (OperationCanceledException) { throw await TimedOutAsync(); }
                var buffer = read.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    yield return Encoding.UTF8.GetString(buffer.Slice(0, end));
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                }
                if (buffer.Length > MaxLineBytes) throw new FFmpegException($"{tool} wrote a line longer than {MaxLineBytes / 1024} KB.");
                if (read.IsCompleted)
                {
                    if (!buffer.IsEmpty) yield return Encoding.UTF8.GetString(buffer);
                    break;
                }
                stdout.AdvanceTo(buffer.Start, buffer.End);
            }
            try { await process.WaitForExitAsync(deadline.Token); }
            catch (OperationCanceledException) { throw await TimedOutAsync(); }
            ThrowIfFailed(tool, process, arguments, await error);
        }
        finally
        {
            await stdout.CompleteAsync();
            await EndAsync(process, turn);
        }

        async Task<Exception> TimedOutAsync()
        {
            await StopAsync(process);
            ct.ThrowIfCancellationRequested();
            LogFailure(tool, arguments, "was stopped after taking too long", await error);
            return new FFmpegException(string.Create(CultureInfo.InvariantCulture, $"{tool} took longer than {timeout.TotalSeconds:0.#} s and was stopped."), timedOut: true);
        }
    }

    /// <summary>
    /// Runs the tool and yields its stdout in records of exactly <paramref name="recordBytes"/>
    /// (a trailing partial record is dropped), each paired with a report that
    /// <paramref name="parseReport"/> finds in what the tool logs to stderr: the n-th record with the
    /// n-th report. A record is only yielded once its report has been read, however the two pipes'
    /// readers are scheduled; a record whose report never comes fails the run instead of being
    /// matched with a guess. The process is killed when a record or its report takes longer than
    /// <paramref name="idleTimeout"/> (a hang), and when the caller stops reading.
    /// </summary>
    public async IAsyncEnumerable<(byte[] Record, TReport Report)> StreamAsync<TReport>(string tool, IReadOnlyList<string> arguments, int recordBytes,
        Func<string, TReport?> parseReport, TimeSpan idleTimeout, [EnumeratorCancellation] CancellationToken caller) where TReport : struct
    {
        using var turn = await TakeTurnAsync(caller);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(caller, stopping.Token);
        var ct = cancel.Token;
        using var process = Start(tool, arguments);
        var reports = Channel.CreateUnbounded<TReport>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var error = ReadReportsAsync();
        var stdout = process.StandardOutput.BaseStream;
        try
        {
            while (true)
            {
                var record = new byte[recordBytes];
                TReport report;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    idle.CancelAfter(idleTimeout);
                    try
                    {
                        if (await stdout.ReadAtLeastAsync(record, recordBytes, throwOnEndOfStream: false, idle.Token) < recordBytes) break;
                        report = await reports.Reader.ReadAsync(idle.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        LogFailure(tool, arguments, "was stopped after producing nothing for too long", null);
                        throw new FFmpegException(string.Create(CultureInfo.InvariantCulture, $"{tool} produced nothing for {idleTimeout.TotalSeconds:0.#} s and was stopped."), timedOut: true);
                    }
                    catch (ChannelClosedException)
                    {
                        var stderr = await error;
                        ct.ThrowIfCancellationRequested(); // killed because the host is stopping
                        LogFailure(tool, arguments, "wrote a frame it never reported", stderr);
                        throw new FFmpegException($"{tool} wrote a frame it never reported ({WithoutPaths(stderr.Last, arguments) ?? "no message"}).");
                    }
                }
                yield return (record, report);
            }
            using (var exit = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                exit.CancelAfter(idleTimeout);
                await process.WaitForExitAsync(exit.Token);
            }
            ThrowIfFailed(tool, process, arguments, await error);
        }
        finally
        {
            await EndAsync(process, turn);
        }

        // Closing the channel when stderr ends is what turns a missing report into an error rather than a wait.
        async Task<Stderr> ReadReportsAsync()
        {
            try { return await ReadErrorAsync(process, line => { if (parseReport(line) is { } report) reports.Writer.TryWrite(report); }); }
            finally { reports.Writer.TryComplete(); }
        }
    }

    /// <summary>Starts the tool and registers it; one started as the host stops is ended at once.</summary>
    Process Start(string tool, IReadOnlyList<string> arguments)
    {
        log.LogDebug("Running {Tool} {Arguments}", tool, string.Join(' ', arguments.Select(a => a.Contains(' ') ? $"'{a}'" : a)));
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = new Process { StartInfo = start };
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            // The system's message names the working directory; it stays in the inner exception, for the log.
            throw new FFmpegException($"{tool} could not be started; install FFmpeg (scripts/setup.sh does).", inner: e);
        }
        try { process.PriorityClass = ProcessPriorityClass.BelowNormal; } catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
        process.StandardInput.Close();
        running[process.Id] = process;
        if (stopping.IsCancellationRequested)
        {
            // StopAll may have looked at the registry just before this process joined it.
            StopAsync(process).GetAwaiter().GetResult();
            running.TryRemove(process.Id, out _);
            process.Dispose();
            stopping.Token.ThrowIfCancellationRequested();
        }
        return process;
    }

    /// <summary>What a run wrote to stderr: the last line worth showing a person, and the last lines for the log.</summary>
    sealed record Stderr(string? Last, IReadOnlyCollection<string> Tail);

    const int TailLines = 20;

    /// <summary>Drains stderr (a full pipe would stall the tool), passing each line on.</summary>
    static async Task<Stderr> ReadErrorAsync(Process process, Action<string> onLine)
    {
        string? last = null;
        var tail = new Queue<string>(TailLines);
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            onLine(line);
            if (line.Trim().Length == 0 || line.Contains("Parsed_showinfo", StringComparison.Ordinal)) continue;
            last = line.Trim();
            if (tail.Count == TailLines) tail.Dequeue();
            tail.Enqueue(line);
        }
        return new(last, tail);
    }

    void LogFailure(string tool, IReadOnlyList<string> arguments, string what, Stderr? stderr) =>
        log.LogWarning("{Tool} {What}: {Arguments}{NewLine}{Stderr}", tool, what, string.Join(' ', arguments), Environment.NewLine,
            stderr is null ? "(no stderr read)" : string.Join(Environment.NewLine, stderr.Tail));

    /// <summary>
    /// The tool's line with every file it was given called "input": FFmpeg names its input by path
    /// ("/srv/data/uploads/7f3a.video: Invalid data found"), and these messages reach the uploader.
    /// </summary>
    static string? WithoutPaths(string? line, IReadOnlyList<string> arguments)
    {
        if (line is null) return null;
        foreach (var argument in arguments.Where(a => a.Length > 0 && (Path.IsPathFullyQualified(a) || File.Exists(a))).OrderByDescending(a => a.Length))
            line = line.Replace(Path.GetFullPath(argument), "input", StringComparison.Ordinal).Replace(argument, "input", StringComparison.Ordinal);
        return line;
    }

    void ThrowIfFailed(string tool, Process process, IReadOnlyList<string> arguments, Stderr stderr)
    {
        if (process.ExitCode == 0) return;
        stopping.Token.ThrowIfCancellationRequested(); // killed because the host is stopping, not failed on its input
        LogFailure(tool, arguments, $"exited with code {process.ExitCode}", stderr);
        throw new FFmpegException($"{tool} failed ({WithoutPaths(stderr.Last, arguments) ?? "no message"}).");
    }
}
