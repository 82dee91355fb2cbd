using System.CommandLine;
using System.Globalization;
using System.Text;
using ErasWeb.Classification;
using ErasWeb.Cli;
using ErasWeb.Configuration;
using ErasWeb.Media;

namespace ErasWeb.Predictions;

/// <summary>
/// erasweb classify PATHS... [--csv FILE]: the era of every photo in a camera roll, as a table or
/// a CSV with each era's probability. Photos are decoded exactly as uploads are.
/// Exit codes: 0 all classified, 1 some files skipped, 2 nothing classified (or a path is missing), 130 cancelled.
/// </summary>
public static class ClassifyCommand
{
    public const int BatchSize = 8;

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Photos, or folders searched recursively for " + string.Join(" ", ImageFiles.Extensions) + " files.",
            Arity = ArgumentArity.OneOrMore,
        };
        var csv = new Option<string?>("--csv") { Description = "Write the predictions to this CSV file (one probability column per era) instead of printing a table." };
        var command = new Command("classify", "Tell the era of each photo in files or folders.") { paths, csv };
        command.SetAction(async (result, ct) =>
            await RunAsync(result.GetValue(paths) ?? [], result.GetValue(csv), ForBatches(ErasOptions.FromEnvironment()), Console.Out, Console.Error, ct));
        return command;
    }

    /// <summary>
    /// The server keeps one inference thread per request because requests run side by side; here one
    /// batch runs at a time, so unless ERAS_INFERENCE_THREADS says otherwise, let it use the machine.
    /// </summary>
    static ErasOptions ForBatches(ErasOptions options)
    {
        if (Environment.GetEnvironmentVariable("ERAS_INFERENCE_THREADS") is not { Length: > 0 })
            options.InferenceThreads = Math.Clamp(Environment.ProcessorCount, 1, 64);
        return options;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> paths, string? csv, ErasOptions options, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        try
        {
            return await ClassifyAsync(paths, csv, options, stdout, stderr, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await stderr.WriteLineAsync(csv is null ? "Cancelled." : $"Cancelled; {csv} was not written.");
            return 130;
        }
    }

    /// <summary>One photo's answer, as the table and the CSV show it.</summary>
    sealed record Row(string File, string Era, float Confidence, bool Uncertain, float[] Probabilities);

    static async Task<int> ClassifyAsync(IReadOnlyList<string> paths, string? csv, ErasOptions options, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (paths.Count == 0)
        {
            await stderr.WriteLineAsync("Name at least one photo or folder to classify.");
            return 2;
        }
        // Check everything that can fail before the slow part, not after it.
        if (paths.FirstOrDefault(p => !File.Exists(p) && !Directory.Exists(p)) is { } missing)
        {
            await stderr.WriteLineAsync($"'{missing}' does not exist: there is no file or folder at {Path.GetFullPath(missing)}.");
            return 2;
        }
        var files = FindPhotos(paths);
        if (files.Count == 0)
        {
            await stderr.WriteLineAsync($"No photos found in {string.Join(", ", paths.Select(p => $"'{p}'"))}: folders are searched for {string.Join(" ", ImageFiles.Extensions)} files.");
            return 2;
        }
        if (csv is not null && Directory.Exists(csv))
        {
            await stderr.WriteLineAsync($"--csv '{csv}' is a folder; name the CSV file to write.");
            return 2;
        }

        using var models = new ModelFactory();
        IEraModel model;
        try { model = await models.LoadAsync(options, new WriterLogger(stderr), ct); }
        catch (Exception e) when (e is BackboneUnavailableException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"Cannot load the model: {e.Message}");
            return 2;
        }

        List<Row> rows;
        int skipped;
        using (model)
            (rows, skipped) = Classify(model, files, new PixelLimits(options.MaxImagePixels, options.MaxFullDecodePixels), stderr, ct);

        if (rows.Count == 0)
        {
            await stderr.WriteLineAsync($"None of the {files.Count} files could be classified{(csv is null ? "" : $"; {csv} was not written")}.");
            return 2;
        }
        if (csv is not null)
        {
            try { WriteCsvAtomically(csv, model.Labels, rows); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"Cannot write {csv}: {e.Message}");
                return 2;
            }
            await stdout.WriteLineAsync($"Wrote {csv} ({rows.Count} photos)");
        }
        else
        {
            await stdout.WriteAsync(FormatTable(rows));
        }

        int uncertain = rows.Count(r => r.Uncertain);
        await stderr.WriteLineAsync($"Classified {rows.Count} photos ({uncertain} uncertain){(skipped > 0 ? $"; skipped {skipped} {(skipped == 1 ? "file that" : "files that")} could not be read" : "")}.");
        return skipped > 0 ? 1 : 0;
    }

    /// <summary>
    /// Files as given, and image files under folders as found there (not made absolute), each folder's
    /// in ordinal order; a file reached twice is classified once.
    /// </summary>
    static List<string> FindPhotos(IReadOnlyList<string> paths)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var files = new List<string>();
        foreach (var path in paths)
        {
            IEnumerable<string> found = File.Exists(path) ? [path] : ImageFiles.In(path, recursive: true);
            files.AddRange(found.Where(f => seen.Add(Path.GetFullPath(f))));
        }
        return files;
    }

    /// <summary>Decodes batch n+1 on another core while the model runs on batch n; unreadable files are reported and left out.</summary>
    static (List<Row> Rows, int Skipped) Classify(IEraModel model, List<string> files, PixelLimits limits, TextWriter stderr, CancellationToken ct)
    {
        var batches = files.Chunk(BatchSize).ToList();
        var rows = new List<Row>(files.Count);
        int skipped = 0, done = 0;
        var progress = new ConsoleProgress(stderr, "Classifying", files.Count);
        progress.Report(0);
        Task<Decoded[]>? next = DecodeAsync(batches[0], limits, model.PreferredShortSide, ct);
        try
        {
            for (int b = 0; b < batches.Count; b++)
            {
                var decoded = next!.GetAwaiter().GetResult();
                next = null;
                try
                {
                    ct.ThrowIfCancellationRequested();
                    if (b + 1 < batches.Count) next = DecodeAsync(batches[b + 1], limits, model.PreferredShortSide, ct);
                    foreach (var failed in decoded.Where(d => d.Error is not null))
                    {
                        progress.WriteLine($"skipped {failed.File}: {failed.Error}");
                        skipped++;
                    }
                    var good = decoded.Where(d => d.Image is not null).ToList();
                    if (good.Count > 0)
                    {
                        var predictions = model.Classify(good.Select(d => d.Image!.Upright).ToList());
                        rows.AddRange(good.Zip(predictions, (d, p) => new Row(d.File, p.Era, p.Confidence, p.Uncertain, p.Probabilities)));
                    }
                }
                finally
                {
                    foreach (var d in decoded) d.Image?.Dispose();
                }
                done += decoded.Length;
                progress.Report(done);
            }
        }
        finally
        {
            progress.Done();
            // After a cancellation the batch decoded ahead still holds pixels.
            if (next is not null)
            {
                try { foreach (var d in next.GetAwaiter().GetResult()) d.Image?.Dispose(); }
                catch (OperationCanceledException) { }
            }
        }
        return (rows, skipped);
    }

    sealed record Decoded(string File, DecodedImage? Image, string? Error);

    /// <summary>The upload path's checks: the bytes decide the format, whatever the file is called.</summary>
    static Task<Decoded[]> DecodeAsync(string[] batch, PixelLimits limits, int modelShortSide, CancellationToken ct) =>
        Task.Run(() => batch.Select(file =>
        {
            try { return new Decoded(file, ImageFiles.Decode(file, limits, modelShortSide), null); }
            catch (Exception e) when (e is MediaRejectedException or IOException or UnauthorizedAccessException)
            {
                return new Decoded(file, null, e.Message);
            }
        }).ToArray(), ct);


    /// <summary>RFC 4180: header, then one CRLF-terminated record per photo; numbers in the invariant culture.</summary>
    static void WriteCsvAtomically(string path, IReadOnlyList<string> labels, IReadOnlyList<Row> rows)
    {
        // A crash or Ctrl+C never leaves half a CSV under the name.
        Files.AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            writer.NewLine = "\r\n";
            writer.WriteLine(string.Join(",", new[] { "file", "predicted_class", "confidence", "uncertain" }.Concat(labels).Select(CsvField)));
            foreach (var row in rows)
                writer.WriteLine(string.Join(",", new[] { CsvField(row.File), CsvField(row.Era), Number(row.Confidence), row.Uncertain ? "true" : "false" }
                    .Concat(row.Probabilities.Select(Number))));
        });
    }

    static string Number(float value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>Quoted only when it must be: a comma, quote, CR or LF; quotes inside are doubled.</summary>
    static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    static string FormatTable(IReadOnlyList<Row> rows)
    {
        int fileWidth = Math.Max("file".Length, rows.Max(r => r.File.Length));
        int eraWidth = Math.Max("era".Length, rows.Max(r => r.Era.Length));
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{"file".PadRight(fileWidth)}  {"era".PadRight(eraWidth)}  {"confidence",10}");
        foreach (var row in rows)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{row.File.PadRight(fileWidth)}  {row.Era.PadRight(eraWidth)}  {row.Confidence * 100,9:0.0}%{(row.Uncertain ? "  uncertain" : "")}");
            table.AppendLine(line);
        }
        return table.ToString();
    }

    /// <summary>Shows the model loader's messages (a first download, preparing the graph) on stderr.</summary>
    sealed class WriterLogger(TextWriter writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) writer.WriteLine(formatter(state, exception));
        }
    }
}
