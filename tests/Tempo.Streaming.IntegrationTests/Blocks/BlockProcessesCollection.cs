namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>
/// The block pipeline tests start whole servers (and crash them); they run one after another so they do not compete
/// for the CPU with each other, which would only make them slower, not more thorough.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BlockProcessesCollection
{
    public const string Name = "block pipeline processes";
}
