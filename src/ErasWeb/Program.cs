using ErasWeb;

return await ErasCommandLine.Create().Parse(args).InvokeAsync();

/// <summary>Visible to integration tests and the benchmark.</summary>
public partial class Program;
