using System.Globalization;
using System.Text;
using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Syntax;

/// <summary>
/// Splits a query into tokens the way Tempo's lexer does: operators are the longest known spelling (<c>!&gt;&gt;</c>,
/// <c>&amp;~</c>), a number directly followed by unit letters is a duration (Prometheus units first, then Go's), and an
/// attribute after <c>.</c> / <c>span.</c> / <c>resource.</c> / <c>parent.</c> / <c>event.</c> / <c>link.</c> /
/// <c>instrumentation.</c> runs until whitespace or one of <c>{}()=~!&lt;&gt;&amp;|^,</c>; quoted parts may hold anything.
/// </summary>
internal sealed class Lexer
{
    // Every spelling an operator token can have; the lexer extends a token while the longer spelling is known.
    private static readonly Dictionary<string, TokenKind> Operators = new()
    {
        [","] = TokenKind.Comma, ["{"] = TokenKind.OpenBrace, ["}"] = TokenKind.CloseBrace,
        ["("] = TokenKind.OpenParens, [")"] = TokenKind.CloseParens,
        ["="] = TokenKind.Eq, ["!="] = TokenKind.Neq, ["=~"] = TokenKind.Re, ["!~"] = TokenKind.Nre,
        [">"] = TokenKind.Gt, [">="] = TokenKind.Gte, ["<"] = TokenKind.Lt, ["<="] = TokenKind.Lte,
        ["+"] = TokenKind.Add, ["-"] = TokenKind.Sub, ["/"] = TokenKind.Div, ["%"] = TokenKind.Mod,
        ["*"] = TokenKind.Mul, ["^"] = TokenKind.Pow,
        ["&&"] = TokenKind.And, ["||"] = TokenKind.Or, ["!"] = TokenKind.Not, ["|"] = TokenKind.Pipe,
        [">>"] = TokenKind.Desc, ["<<"] = TokenKind.Ance, ["~"] = TokenKind.Sibl,
        ["!>"] = TokenKind.NotChild, ["!<"] = TokenKind.NotParent, ["!>>"] = TokenKind.NotDesc, ["!<<"] = TokenKind.NotAnce,
        ["&~"] = TokenKind.UnionSibl, ["&>"] = TokenKind.UnionChild, ["&<"] = TokenKind.UnionParent,
        ["&>>"] = TokenKind.UnionDesc, ["&<<"] = TokenKind.UnionAnce,
    };

    /// <summary>Words that are tokens of their own; any other word is an identifier (valid only as a hint name).</summary>
    internal static readonly HashSet<string> Keywords =
    [
        "true", "false", "nil", "ok", "error", "unset", "unspecified", "internal", "server", "client", "producer", "consumer",
        "duration", "childCount", "name", "status", "statusMessage", "kind", "rootName", "rootServiceName", "traceDuration",
        "nestedSetLeft", "nestedSetRight", "nestedSetParent", "parent",
        "count", "avg", "max", "min", "sum", "by", "coalesce", "select",
        "rate", "count_over_time", "min_over_time", "max_over_time", "avg_over_time", "sum_over_time",
        "quantile_over_time", "histogram_over_time", "compare", "topk", "bottomk", "with",
    ];

    // The word before "." that opens an attribute, and its scope.
    private static readonly Dictionary<string, AttributeScope> AttributeScopes = new()
    {
        ["span"] = AttributeScope.Span, ["resource"] = AttributeScope.Resource, ["event"] = AttributeScope.Event,
        ["link"] = AttributeScope.Link, ["instrumentation"] = AttributeScope.Instrumentation,
    };

    // The words before ":" that scope an intrinsic (span:duration).
    internal static readonly HashSet<string> IntrinsicScopes = ["trace", "span", "event", "link", "instrumentation"];

    private readonly string _text;
    private int _position;
    private int _line = 1;
    private int _column = 1;

    private Lexer(string text) => _text = text;

    /// <summary>All tokens of <paramref name="query"/>, ending with <see cref="TokenKind.End"/>.</summary>
    /// <exception cref="TraceQLParseException">A literal or attribute name is malformed.</exception>
    public static List<Token> Tokenize(string query)
    {
        var lexer = new Lexer(query);
        var tokens = new List<Token>();
        while (true)
        {
            var token = lexer.Next();
            tokens.Add(token);
            if (token.Kind == TokenKind.End)
            {
                return tokens;
            }
        }
    }

    private char Peek(int ahead = 0) => _position + ahead < _text.Length ? _text[_position + ahead] : '\0';

    private bool AtEnd(int ahead = 0) => _position + ahead >= _text.Length;

    private char Advance()
    {
        var c = _text[_position++];
        if (c == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }
        return c;
    }

    private TraceQLParseException Error(int line, int column, string message) => new(line, column, message);

    private Token Next()
    {
        while (!AtEnd() && char.IsWhiteSpace(Peek()))
        {
            Advance();
        }

        var (line, column) = (_line, _column);
        if (AtEnd())
        {
            return new Token(TokenKind.End, "", line, column);
        }

        var c = Peek();
        if (char.IsDigit(c) || (c == '.' && char.IsDigit(Peek(1))))
        {
            return Number(line, column);
        }
        if (c == '"' || c == '`')
        {
            var value = c == '"' ? QuotedString(line, column) : RawString(line, column);
            return new Token(TokenKind.String, value, line, column) { Value = value };
        }
        if (char.IsLetter(c) || c == '_')
        {
            return Word(line, column);
        }
        if (c == '.')
        {
            Advance();
            return Attribute(line, column, AttributeScope.None, parent: false, ".");
        }

        var spelling = Advance().ToString();
        while (!AtEnd() && Operators.ContainsKey(spelling + Peek()))
        {
            spelling += Advance();
        }
        if (!Operators.TryGetValue(spelling, out var kind))
        {
            throw Error(line, column, $"syntax error: unexpected character {Quote(spelling)}");
        }
        return new Token(kind, spelling, line, column);
    }

    private Token Word(int line, int column)
    {
        var start = _position;
        while (!AtEnd() && (char.IsLetterOrDigit(Peek()) || Peek() == '_'))
        {
            Advance();
        }
        var word = _text[start.._position];

        if (Peek() == '.' && word == "parent")
        {
            Advance();
            // parent.span.a and parent.resource.a scope the parent's attribute; parent.a is unscoped.
            foreach (var (prefix, scope) in AttributeScopes)
            {
                if (scope is AttributeScope.Span or AttributeScope.Resource && _text.AsSpan(_position).StartsWith(prefix + ".", StringComparison.Ordinal))
                {
                    for (var i = 0; i <= prefix.Length; i++)
                    {
                        Advance();
                    }
                    return Attribute(line, column, scope, parent: true, $"parent.{prefix}.");
                }
            }
            return Attribute(line, column, AttributeScope.None, parent: true, "parent.");
        }
        if (Peek() == '.' && AttributeScopes.TryGetValue(word, out var attributeScope))
        {
            Advance();
            return Attribute(line, column, attributeScope, parent: false, word + ".");
        }
        if (Peek() == ':' && IntrinsicScopes.Contains(word))
        {
            Advance();
            return new Token(TokenKind.ScopedIntrinsic, word + ":", line, column);
        }
        return new Token(Keywords.Contains(word) ? TokenKind.Keyword : TokenKind.Identifier, word, line, column) { Value = word };
    }

    private Token Attribute(int line, int column, AttributeScope scope, bool parent, string prefix)
    {
        var name = new StringBuilder();
        while (!AtEnd())
        {
            var c = Peek();
            if (c == '"')
            {
                QuotedAttributePart(name);
            }
            else if (IsAttributeChar(c))
            {
                name.Append(Advance());
            }
            else
            {
                break;
            }
        }
        if (name.Length == 0)
        {
            // Tempo's lexer ends the attribute at once and its parser expects a name.
            var (l, col) = (_line, _column);
            throw Error(l, col, $"syntax error: unexpected END_ATTRIBUTE, expecting IDENTIFIER after {Quote(prefix)}");
        }
        return new Token(TokenKind.Attribute, prefix + name, line, column) { Value = name.ToString(), Scope = scope, Parent = parent };
    }

    private static bool IsAttributeChar(char c) =>
        !char.IsWhiteSpace(c) && c is not ('{' or '}' or '(' or ')' or '=' or '~' or '!' or '<' or '>' or '&' or '|' or '^' or ',');

    // A quoted part of an attribute name: only \" and \\ are escapes, anything else may appear as is.
    private void QuotedAttributePart(StringBuilder name)
    {
        var (line, column) = (_line, _column);
        Advance();
        while (true)
        {
            if (AtEnd())
            {
                throw Error(line, column, "unexpected EOF, expecting \"");
            }
            var c = Advance();
            if (c == '"')
            {
                return;
            }
            if (c == '\\')
            {
                if (AtEnd() || Peek() is not ('"' or '\\'))
                {
                    throw Error(_line, _column, "invalid escape sequence");
                }
                c = Advance();
            }
            name.Append(c);
        }
    }

    private string RawString(int line, int column)
    {
        Advance();
        var start = _position;
        while (!AtEnd() && Peek() != '`')
        {
            Advance();
        }
        if (AtEnd())
        {
            throw Error(line, column, "literal not terminated");
        }
        var value = _text[start.._position];
        Advance();
        return value;
    }

    // A double-quoted string with Go's escapes (\n, \t, \", \\, \xHH, \uHHHH, \UHHHHHHHH, octal \ooo, ...).
    private string QuotedString(int line, int column)
    {
        Advance();
        var value = new StringBuilder();
        while (true)
        {
            if (AtEnd() || Peek() == '\n')
            {
                throw Error(line, column, "literal not terminated");
            }
            var c = Advance();
            if (c == '"')
            {
                return value.ToString();
            }
            if (c != '\\')
            {
                value.Append(c);
                continue;
            }
            if (AtEnd())
            {
                throw Error(line, column, "literal not terminated");
            }
            var escape = Advance();
            switch (escape)
            {
                case 'a': value.Append('\a'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case 'v': value.Append('\v'); break;
                case '\\': value.Append('\\'); break;
                case '"': value.Append('"'); break;
                case 'x': value.Append((char)HexDigits(2, line, column)); break;
                case 'u': value.Append(char.ConvertFromUtf32(HexDigits(4, line, column))); break;
                case 'U': value.Append(char.ConvertFromUtf32(HexDigits(8, line, column))); break;
                case >= '0' and <= '7':
                    var octal = escape - '0';
                    for (var i = 0; i < 2; i++)
                    {
                        if (Peek() is < '0' or > '7')
                        {
                            throw Error(line, column, "invalid syntax: bad octal escape");
                        }
                        octal = octal * 8 + (Advance() - '0');
                    }
                    value.Append((char)octal);
                    break;
                default:
                    throw Error(line, column, $"invalid syntax: unknown escape sequence \\{escape}");
            }
        }
    }

    private int HexDigits(int count, int line, int column)
    {
        var value = 0;
        for (var i = 0; i < count; i++)
        {
            if (AtEnd() || !char.IsAsciiHexDigit(Peek()))
            {
                throw Error(line, column, "invalid syntax: bad hexadecimal escape");
            }
            value = value * 16 + Convert.ToInt32(Advance().ToString(), 16);
        }
        if (value > 0x10FFFF || value is >= 0xD800 and <= 0xDFFF)
        {
            throw Error(line, column, "invalid syntax: escape is not a valid code point");
        }
        return value;
    }

    private Token Number(int line, int column)
    {
        var start = _position;
        var isFloat = false;
        while (char.IsDigit(Peek()))
        {
            Advance();
        }
        if (Peek() == '.' && (char.IsDigit(Peek(1)) || _position > start))
        {
            isFloat = true;
            Advance();
            while (char.IsDigit(Peek()))
            {
                Advance();
            }
        }
        if (Peek() is 'e' or 'E' && (char.IsDigit(Peek(1)) || (Peek(1) is '+' or '-' && char.IsDigit(Peek(2)))))
        {
            isFloat = true;
            Advance();
            if (Peek() is '+' or '-')
            {
                Advance();
            }
            while (char.IsDigit(Peek()))
            {
                Advance();
            }
        }
        var text = _text[start.._position];

        // A number directly followed by digits, dots and unit letters may be a duration (1s, 1.5ms, 1h30m, 2d).
        var end = _position;
        while (end < _text.Length && (char.IsDigit(_text[end]) || _text[end] == '.' || IsDurationChar(_text[end])))
        {
            end++;
        }
        if (end > _position && DurationParser.TryParse(text + _text[_position..end], out var duration))
        {
            while (_position < end)
            {
                Advance();
            }
            return new Token(TokenKind.Duration, _text[start.._position], line, column) { DurationNanos = duration };
        }

        if (isFloat)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsInfinity(value))
            {
                throw Error(line, column, $"strconv.ParseFloat: parsing {Quote(text)}: value out of range");
            }
            return new Token(TokenKind.Float, text, line, column) { FloatValue = value };
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
        {
            throw Error(line, column, $"strconv.Atoi: parsing {Quote(text)}: value out of range");
        }
        return new Token(TokenKind.Integer, text, line, column) { IntegerValue = integer };
    }

    private static bool IsDurationChar(char c) => c is 'n' or 's' or 'u' or 'm' or 'h' or 'µ' or 'd' or 'w' or 'y';

    internal static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
