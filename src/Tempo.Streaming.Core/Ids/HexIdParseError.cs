namespace Tempo.Streaming.Core.Ids;

/// <summary>What was wrong with a hex trace or span ID.</summary>
public enum HexIdErrorKind
{
    None = 0,

    /// <summary>The text was empty.</summary>
    Empty,

    /// <summary>A character outside <c>[0-9a-fA-F]</c>; <see cref="HexIdParseError.Position"/> says where.</summary>
    InvalidCharacter,

    /// <summary>More hex digits than the ID has room for (trace: 128 bits, span: 64 bits).</summary>
    TooLong,
}

/// <summary>
/// A failed hex-ID parse, as a value: parsing user input (URL paths, JSON bodies) is expected to fail sometimes, so the
/// hot path returns this instead of throwing. <see cref="Message"/> renders Tempo's wording
/// (<c>util.HexStringToTraceID</c>) so API clients see the errors they see from Tempo.
/// </summary>
public readonly struct HexIdParseError
{
    private readonly string _idName;
    private readonly int _maxBits;

    internal HexIdParseError(HexIdErrorKind kind, string idName, int maxBits, int position = 0, char character = '\0')
    {
        Kind = kind;
        _idName = idName;
        _maxBits = maxBits;
        Position = position;
        Character = character;
    }

    public HexIdErrorKind Kind { get; }

    /// <summary>1-based position of the offending character (for <see cref="HexIdErrorKind.InvalidCharacter"/>).</summary>
    public int Position { get; }

    /// <summary>The offending character (for <see cref="HexIdErrorKind.InvalidCharacter"/>).</summary>
    public char Character { get; }

    public bool IsError => Kind != HexIdErrorKind.None;

    public string Message => Kind switch
    {
        HexIdErrorKind.None => string.Empty,
        HexIdErrorKind.Empty => $"{_idName} ID is empty",
        HexIdErrorKind.InvalidCharacter =>
            $"{_idName} IDs can only contain hex characters: invalid character '{Character}' at position {Position}",
        HexIdErrorKind.TooLong => $"{_idName} IDs can't be larger than {_maxBits} bits",
        _ => throw new InvalidOperationException($"unknown hex ID error kind {Kind}"),
    };

    public override string ToString() => Message;
}
