using System.Globalization;

namespace ErasWeb.Cli;

/// <summary>
/// A progress bar for the command-line verbs, e.g.
/// <c>Classifying [#######.............] 42/120 photos, 3.1/s, ETA 0:25</c>.
/// On a terminal it redraws one line with \r; redirected to a file or CI log it prints a line
/// every 10% instead, so the log stays readable. Safe to call from several threads.
/// </summary>
public sealed class ConsoleProgress
{
    const int BarWidth = 20;
    // A terminal redraw costs little, but hundreds a second would flicker and slow a fast loop.
    static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    readonly TextWriter writer;
    readonly string label;
    readonly string unit;
    readonly int total;
    readonly bool interactive;
    readonly TimeProvider time;
    readonly long started;
    readonly Lock gate = new();
    int done;
    int lastDecile = -1;
    int drawnLength;
    long lastDraw;
    bool finished;

    /// <param name="interactive">Redraw in place; by default only when <paramref name="writer"/> is the console's stderr or stdout and that is not redirected.</param>
    public ConsoleProgress(TextWriter writer, string label, int total, string unit = "photos", bool? interactive = null, TimeProvider? time = null)
    {
        this.writer = writer;
        this.label = label;
        this.total = Math.Max(total, 0);
        this.unit = unit;
        this.interactive = interactive ?? IsTerminal(writer);
        this.time = time ?? TimeProvider.System;
        started = this.time.GetTimestamp();
        lastDraw = long.MinValue;
    }

    /// <summary>Sets how many items are done (not an increment), and redraws if due.</summary>
    public void Report(int completed)
    {
        lock (gate)
        {
            if (finished) return;
            done = Math.Clamp(completed, 0, total);
            if (interactive)
            {
                var now = time.GetTimestamp();
                if (done < total && lastDraw != long.MinValue && time.GetElapsedTime(lastDraw, now) < RedrawInterval) return;
                lastDraw = now;
                Redraw();
            }
            else
            {
                // 100% is left to Done, whose line also gives the time taken.
                int decile = total == 0 ? 10 : done * 10 / total;
                if (decile <= lastDecile || decile >= 10) return;
                lastDecile = decile;
                writer.WriteLine(Line(final: false));
            }
        }
    }

    /// <summary>Prints a message (a skipped file, a warning) on its own line without garbling the bar.</summary>
    public void WriteLine(string message)
    {
        lock (gate)
        {
            if (!interactive || finished)
            {
                writer.WriteLine(message);
                return;
            }
            Clear();
            writer.WriteLine(message);
            Redraw();
        }
    }

    /// <summary>Draws the final state with the elapsed time and ends the line; call it once the work is over (also after a failure). Later reports are ignored.</summary>
    public void Done()
    {
        lock (gate)
        {
            if (finished) return;
            finished = true;
            var line = Line(final: true);
            if (interactive) writer.Write("\r" + line.PadRight(drawnLength) + Environment.NewLine);
            else writer.WriteLine(line);
            writer.Flush();
        }
    }

    void Redraw()
    {
        var line = Line(final: false);
        // Pad over the previous, possibly longer, line: a shrinking ETA would leave a stray digit.
        writer.Write("\r" + line.PadRight(drawnLength));
        drawnLength = line.Length;
        writer.Flush();
    }

    void Clear()
    {
        writer.Write("\r" + new string(' ', drawnLength) + "\r");
        drawnLength = 0;
    }

    string Line(bool final)
    {
        var elapsed = time.GetElapsedTime(started);
        int filled = total == 0 ? BarWidth : (int)((long)done * BarWidth / total);
        var bar = "[" + new string('#', filled) + new string('.', BarWidth - filled) + "]";
        double rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        var counts = string.Create(CultureInfo.InvariantCulture, $"{done}/{total} {unit}, {rate:0.0}/s");
        string when = final ? $"in {Duration(elapsed)}"
            : done >= total ? "ETA 0:00"
            : rate > 0 ? $"ETA {Duration(TimeSpan.FromSeconds((total - done) / rate))}"
            : "ETA --:--";
        return $"{label} {bar} {counts}, {when}";
    }

    static string Duration(TimeSpan span) =>
        span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}:{span.Seconds:00}");

    static bool IsTerminal(TextWriter writer)
    {
        if (Environment.GetEnvironmentVariable("TERM") == "dumb") return false;
        if (ReferenceEquals(writer, Console.Error)) return !Console.IsErrorRedirected;
        if (ReferenceEquals(writer, Console.Out)) return !Console.IsOutputRedirected;
        return false;
    }
}
