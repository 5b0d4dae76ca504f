using Orchestrator.Node.Hosting;

await NodeHost.Build(args).RunAsync();

/// <summary>Exposed for tests that start the real node.</summary>
public partial class Program;
