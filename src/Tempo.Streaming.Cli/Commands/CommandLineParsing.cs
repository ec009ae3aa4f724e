using System.CommandLine;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>What the benchmark commands share between parsing a command line and binding it to their options.</summary>
internal static class CommandLineParsing
{
    /// <summary>
    /// Parses <paramref name="args"/> against <paramref name="command"/> without running it and binds the result: the
    /// options, or every problem (System.CommandLine's syntax errors first, else the binder's).
    /// </summary>
    public static (TOptions? Options, IReadOnlyList<string> Problems) Parse<TOptions>(Command command,
        Func<ParseResult, List<string>, TOptions?> bind, IReadOnlyList<string> args)
        where TOptions : class
    {
        var parse = command.Parse(args);
        if (parse.Errors.Count > 0)
        {
            return (null, parse.Errors.Select(e => e.Message).ToArray());
        }

        var problems = new List<string>();
        var options = bind(parse, problems);
        return (problems.Count == 0 ? options : null, problems);
    }

    /// <summary>Adds the options' own validation problems not already reported while binding.</summary>
    public static void AddNew(List<string> problems, IEnumerable<string> validation)
    {
        foreach (var problem in validation)
        {
            if (!problems.Contains(problem))
            {
                problems.Add(problem);
            }
        }
    }
}
