using System.Text;

namespace Tempo.Streaming.Server.Api;

/// <summary>
/// Plain-text tables in the box style Tempo's <c>/status</c> pages print (go-pretty's default style: <c>+---+</c>
/// borders, upper-case headers).
/// </summary>
internal static class TextTable
{
    public static void Render(StringBuilder output, IReadOnlyList<string> headers, IReadOnlyList<string[]> rows)
    {
        var widths = new int[headers.Count];
        for (var i = 0; i < headers.Count; i++)
        {
            widths[i] = headers[i].Length;
            foreach (var row in rows)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        Border(output, widths);
        Row(output, widths, headers.Select(h => h.ToUpperInvariant()).ToArray());
        Border(output, widths);
        foreach (var row in rows)
        {
            Row(output, widths, row);
        }

        Border(output, widths);
    }

    private static void Border(StringBuilder output, int[] widths)
    {
        foreach (var width in widths)
        {
            output.Append('+').Append('-', width + 2);
        }

        output.Append("+\n");
    }

    private static void Row(StringBuilder output, int[] widths, IReadOnlyList<string> cells)
    {
        for (var i = 0; i < widths.Length; i++)
        {
            output.Append("| ").Append(cells[i].PadRight(widths[i])).Append(' ');
        }

        output.Append("|\n");
    }
}
