using ErasWeb.Hosting;

return await ErasCommandLine.RunAsync(args);

/// <summary>Visible to integration tests and the benchmark.</summary>
public partial class Program;
