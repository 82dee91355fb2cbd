using System.Diagnostics;
using System.Globalization;
using System.Text;
using ErasWeb;
using ErasWeb.Bench;

// dotnet run -c Release --project bench/ErasWeb.Bench -- [photos dir] [output markdown] [videos: only the video and gallery sections | dataengine: only the data engine section, to stdout and the output file]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var photos = args.Length > 0 ? args[0] : "../shared/eras-photos";
var output = args.Length > 1 ? args[1] : "BENCHMARKS.md";
var backbone = Environment.GetEnvironmentVariable("ERAS_BACKBONE_SOURCE") is { Length: > 0 } s ? s : "../shared/models";

var report = new StringBuilder();
var bench = new Benchmark(Path.GetFullPath(photos), Path.GetFullPath(backbone), report);
if (args.Length > 2 && args[2] == "dataengine")
{
    await bench.DataEngineAsync();
    Console.Write(report);
    // One section alone never replaces the whole report.
    if (Path.GetFileName(output) != "BENCHMARKS.md")
    {
        await File.WriteAllTextAsync(output, report.ToString());
        Console.WriteLine($"Wrote {Path.GetFullPath(output)}");
    }
    return;
}
await bench.RunAsync(videosOnly: args.Length > 2 && args[2] == "videos");
// The hand-written notes at the end of the report survive a re-run.
const string notesHeading = "## Notes";
if (File.Exists(output) && await File.ReadAllTextAsync(output) is var previous && previous.IndexOf(notesHeading, StringComparison.Ordinal) is >= 0 and var notes)
    report.AppendLine().Append(previous[notes..]);
await File.WriteAllTextAsync(output, report.ToString());
Console.WriteLine($"Wrote {Path.GetFullPath(output)}");
