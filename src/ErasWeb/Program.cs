using System.CommandLine;
using ErasWeb;

// Ctrl+C cancels the verb's token (System.CommandLine does not listen for it unless asked), and a
// verb that has not finished 10 s later is ended.
return await ErasCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });

/// <summary>Visible to integration tests and the benchmark.</summary>
public partial class Program;
