using System.Diagnostics;
using System.Globalization;
using System.Text;
using ErasWeb;
using ErasWeb.Bench;

// dotnet run -c Release --project bench/ErasWeb.Bench -- [photos dir] [output markdown] [videos: only the video and gallery sections | photos: only the photo sections, to stdout and the output file | dataengine, shows or nights: only that section, to stdout and the output file | soak [minutes]: only the soak section | scale: only the several-processes section (PostgreSQL)]
// The soak also runs as `-- soak [--minutes N]`, and a fan's night as `-- nights`, with the default photos and output.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var positional = args.ToList();
double? minutesOption = null;
if (positional.IndexOf("--minutes") is >= 0 and var m)
{
    if (m + 1 >= positional.Count || !double.TryParse(positional[m + 1], CultureInfo.InvariantCulture, out var value) || value <= 0)
    {
        Console.Error.WriteLine("--minutes needs a positive number, e.g. --minutes 1.5");
        return 2;
    }
    minutesOption = value;
    positional.RemoveRange(m, 2);
}
if (positional.Count > 0 && positional[0] is "soak" or "nights") positional.InsertRange(0, ["../shared/eras-photos", "BENCHMARKS.md"]);
var photos = positional.Count > 0 ? positional[0] : "../shared/eras-photos";
var output = positional.Count > 1 ? positional[1] : "BENCHMARKS.md";
var mode = positional.Count > 2 ? positional[2] : null;
var backbone = Environment.GetEnvironmentVariable("ERAS_BACKBONE_SOURCE") is { Length: > 0 } s ? s : "../shared/models";

var report = new StringBuilder();
var bench = new Benchmark(Path.GetFullPath(photos), Path.GetFullPath(backbone), report);
if (mode is "dataengine" or "shows" or "nights")
{
    await (mode switch { "shows" => bench.ShowsAsync(), "nights" => bench.NightsAsync(), _ => bench.DataEngineAsync() });
    Console.Write(report);
    // One section alone never replaces the whole report.
    if (Path.GetFileName(output) != "BENCHMARKS.md")
    {
        await File.WriteAllTextAsync(output, report.ToString());
        Console.WriteLine($"Wrote {Path.GetFullPath(output)}");
    }
    return 0;
}
if (mode is "soak" or "scale")
{
    if (mode == "soak") await bench.SoakAsync(minutesOption ?? (positional.Count > 3 ? double.Parse(positional[3], CultureInfo.InvariantCulture) : 10));
    else await bench.ScaleAsync();
    Console.Write(report);
    var previous = File.Exists(output) ? await File.ReadAllTextAsync(output) : "";
    var heading = mode == "soak" ? ReportSections.SoakHeading : Benchmark.ScaleHeading;
    await File.WriteAllTextAsync(output, ReportSections.Replace(previous, heading, report.ToString()));
    Console.WriteLine($"Wrote the '{heading}' section of {Path.GetFullPath(output)}");
    return 0;
}
await bench.RunAsync(videosOnly: mode == "videos", photosOnly: mode == "photos");
if (mode == "photos")
{
    // Like one section alone, the photo sections never replace the whole report.
    Console.Write(report);
    if (Path.GetFileName(output) != "BENCHMARKS.md") await File.WriteAllTextAsync(output, report.ToString());
    return 0;
}
// The hand-written notes at the end of the report, and the sections run on their own, survive a re-run.
if (File.Exists(output) && await File.ReadAllTextAsync(output) is var earlier)
{
    foreach (var heading in (string[])[ReportSections.SoakHeading, Benchmark.ScaleHeading])
        if (ReportSections.Section(earlier, heading) is { } section) report.Append(section);
    if (earlier.IndexOf(ReportSections.NotesHeading, StringComparison.Ordinal) is >= 0 and var notes)
        report.AppendLine().Append(earlier[notes..]);
}
await File.WriteAllTextAsync(output, report.ToString());
Console.WriteLine($"Wrote {Path.GetFullPath(output)}");
return 0;
