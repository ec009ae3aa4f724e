namespace Tempo.Streaming.Server.Tests.Support;

/// <summary>
/// WebApplicationFactory finds the host to test by listening to the process-wide hosting diagnostics; a test that
/// builds another host at the same moment could be picked up instead, so these tests run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NonParallel
{
    public const string Name = "non-parallel";
}
