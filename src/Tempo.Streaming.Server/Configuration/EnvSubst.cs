using System.Text;

namespace Tempo.Streaming.Server.Configuration;

/// <summary>
/// Environment-variable expansion of the config file text for <c>-config.expand-env</c>. Tempo runs the file through
/// <c>github.com/drone/envsubst</c> before parsing it; this implements the forms that package documents and Tempo's docs
/// use: <c>${VAR}</c> (an unset variable expands to the empty string), <c>${VAR:-default}</c> (unset or empty),
/// <c>${VAR-default}</c> (unset), their <c>=</c> spellings, <c>${VAR:+alternative}</c>, and <c>$$</c> for a literal
/// <c>$</c>. A default may itself contain <c>${...}</c>. A bare <c>$VAR</c> is left alone, as drone/envsubst does.
/// The bash string functions (<c>${VAR^^}</c>, <c>${VAR#pattern}</c>, ...) are rejected with an error naming the line
/// rather than silently expanded differently.
/// </summary>
public static class EnvSubst
{
    public static string Expand(string text, Func<string, string?> lookup)
    {
        var sb = new StringBuilder(text.Length);
        var position = 0;
        ExpandInto(sb, text, ref position, lookup, nested: false);
        return sb.ToString();
    }

    public static string ExpandFromEnvironment(string text) => Expand(text, Environment.GetEnvironmentVariable);

    // Parses text until the end (or, when nested, until the '}' that closes the enclosing ${...}).
    private static void ExpandInto(StringBuilder sb, string text, ref int position, Func<string, string?> lookup, bool nested)
    {
        while (position < text.Length)
        {
            var c = text[position];
            if (nested && c == '}')
            {
                return;
            }

            if (c != '$' || position + 1 >= text.Length)
            {
                sb.Append(c);
                position++;
                continue;
            }

            var next = text[position + 1];
            if (next == '$')
            {
                sb.Append('$');
                position += 2;
                continue;
            }

            if (next != '{')
            {
                sb.Append(c);
                position++;
                continue;
            }

            var start = position;
            position += 2;
            ExpandReference(sb, text, start, ref position, lookup);
        }

        if (nested)
        {
            throw Error(text, position, "unterminated \"${\" in a default value");
        }
    }

    private static void ExpandReference(StringBuilder sb, string text, int start, ref int position, Func<string, string?> lookup)
    {
        var nameStart = position;
        while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '_'))
        {
            position++;
        }

        var name = text[nameStart..position];
        if (position >= text.Length)
        {
            throw Error(text, start, $"unterminated \"${{{name}\"");
        }

        if (name.Length == 0)
        {
            throw Error(text, start, "\"${\" must be followed by a variable name");
        }

        var value = lookup(name);
        if (text[position] == '}')
        {
            sb.Append(value);
            position++;
            return;
        }

        var colon = text[position] == ':';
        var opIndex = colon ? position + 1 : position;
        var op = opIndex < text.Length ? text[opIndex] : '\0';
        if (op is not ('-' or '=' or '+' or '?'))
        {
            var end = text.IndexOf('}', position);
            var expression = end < 0 ? text[start..] : text[start..(end + 1)];
            throw Error(text, start,
                $"unsupported substitution \"{expression}\" (supported: ${{VAR}}, ${{VAR:-default}}, ${{VAR-default}}, ${{VAR:+alternative}}, $$)");
        }

        position = opIndex + 1;
        var wordBuilder = new StringBuilder();
        ExpandInto(wordBuilder, text, ref position, lookup, nested: true);
        position++; // the closing '}'
        var word = wordBuilder.ToString();

        var isSet = value is not null;
        var isUsable = colon ? !string.IsNullOrEmpty(value) : isSet;
        switch (op)
        {
            case '-' or '=':
                sb.Append(isUsable ? value : word);
                break;
            case '+':
                sb.Append(isUsable ? word : "");
                break;
            default: // '?'
                if (!isUsable)
                {
                    throw Error(text, start, word.Length > 0 ? $"{name}: {word}" : $"environment variable {name} is not set");
                }

                sb.Append(value);
                break;
        }
    }

    private static ConfigException Error(string text, int index, string detail)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return ConfigException.At($"-config.expand-env: {detail}", line, index - lineStart + 1);
    }
}
