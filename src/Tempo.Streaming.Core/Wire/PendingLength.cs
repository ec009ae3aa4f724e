namespace Tempo.Streaming.Core.Wire;

/// <summary>
/// A length-delimited field opened by <see cref="ProtoBufferWriter.BeginLengthDelimited"/> whose length is still to be
/// written: where the length goes and how many bytes were left for it.
/// </summary>
public readonly struct PendingLength(int lengthAt, int reserved)
{
    public int LengthAt { get; } = lengthAt;

    public int Reserved { get; } = reserved;

    /// <summary>Where the field's payload starts (until <see cref="ProtoBufferWriter.EndLengthDelimited"/> moves it).</summary>
    public int BodyStart => LengthAt + Reserved;
}
