using Tempo.Streaming.Server;

// tempo-streaming: the Tempo-compatible server binary. All logic lives in ServerProgram / Hosting.TempoServer.
return await ServerProgram.RunAsync(args, Console.Out, Console.Error);

/// <summary>Entry point type, public so tests can use WebApplicationFactory&lt;Program&gt;.</summary>
public partial class Program;
