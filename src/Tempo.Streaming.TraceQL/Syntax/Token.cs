namespace Tempo.Streaming.TraceQL.Syntax;

/// <summary>
/// The kinds of token the lexer hands the parser. Names follow Tempo's grammar, so a syntax error reads as Tempo's
/// does (<c>unexpected CLOSE_BRACE</c>).
/// </summary>
internal enum TokenKind
{
    End,
    Identifier,
    String,
    Integer,
    Float,
    Duration,
    // an attribute with its scope: .a, span.a, resource.a, parent.a, parent.span.a, event.a, link.a, instrumentation.a
    Attribute,
    // an intrinsic after a scope and a colon: span:duration, trace:rootService, event:name ...
    ScopedIntrinsic,
    Comma,
    OpenBrace,
    CloseBrace,
    OpenParens,
    CloseParens,
    Eq,
    Neq,
    Re,
    Nre, // also "not sibling" between spansets
    Gt,
    Gte,
    Lt,
    Lte,
    Add,
    Sub,
    Div,
    Mod,
    Mul,
    Pow,
    And,
    Or,
    Not,
    Pipe,
    Desc,
    Ance,
    Sibl,
    NotChild,
    NotParent,
    NotDesc,
    NotAnce,
    UnionChild,
    UnionParent,
    UnionDesc,
    UnionAnce,
    UnionSibl,
    Keyword,
}

/// <summary>A token and where it starts (1-based line and column, as in Tempo's errors).</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column)
{
    /// <summary>The keyword or identifier spelled <paramref name="word"/>.</summary>
    public bool IsWord(string word) => Kind is TokenKind.Keyword && Text == word;

    // Set for Integer, Float and Duration tokens.
    public long IntegerValue { get; init; }

    public double FloatValue { get; init; }

    public long DurationNanos { get; init; }

    // Set for String tokens (unquoted) and Attribute tokens (the name).
    public string Value { get; init; } = "";

    // Set for Attribute tokens.
    public Ast.AttributeScope Scope { get; init; }

    public bool Parent { get; init; }

    /// <summary>How a syntax error names this token, as Tempo's generated parser does.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "$end",
        TokenKind.Keyword => Text.ToUpperInvariant(),
        TokenKind.Attribute => "IDENTIFIER",
        TokenKind.ScopedIntrinsic => "IDENTIFIER",
        _ => Kind.ToString() switch
        {
            var name => string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant(),
        },
    };
}
