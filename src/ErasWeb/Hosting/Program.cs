using System.Globalization;
using ErasWeb.Hosting;

// The process writes logs, files and tool output alike wherever it runs; only a request takes its reader's language.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
return await ErasCommandLine.RunAsync(args);

/// <summary>Visible to integration tests and the benchmark.</summary>
public partial class Program;
