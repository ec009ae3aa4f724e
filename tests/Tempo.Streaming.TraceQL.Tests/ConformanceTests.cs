using Xunit.Abstractions;

namespace Tempo.Streaming.TraceQL.Tests;

/// <summary>Every example of Tempo 3.0.3's conformance corpus lands in its section: valid, parse, validation, unsupported.</summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> V303Examples()
    {
        var data = new TheoryData<string, string>();
        foreach (var (section, query) in ConformanceCorpus.Load(ConformanceCorpus.V303))
        {
            data.Add(section, query);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(V303Examples))]
    public void Tempo_3_0_3_example_lands_in_its_section(string section, string query)
    {
        var outcome = Outcome(query);
        outcome.Section.Should().Be(section, $"query `{query}` gave: {outcome.Message}");
    }

    [Fact]
    public void The_corpus_holds_every_section()
    {
        var examples = ConformanceCorpus.Load(ConformanceCorpus.V303);
        examples.Select(e => e.Section).Distinct().Should().BeEquivalentTo(ConformanceCorpus.Sections);
        examples.Should().HaveCountGreaterThan(300);
    }

    /// <summary>
    /// Tempo's newer corpus (a stretch goal): metrics arithmetic and quoted attribute names came after 3.0.3. The counts
    /// of agreeing examples per section may only rise; the report is printed for the issue note.
    /// </summary>
    [Fact]
    public void Head_corpus_agreement_does_not_fall()
    {
        var examples = ConformanceCorpus.Load(ConformanceCorpus.Head);
        var agreeing = 0;
        foreach (var section in ConformanceCorpus.Sections)
        {
            var inSection = examples.Where(e => e.Section == section).ToList();
            var misses = inSection.Where(e => ConformanceCorpus.Classify(e.Query) != section).ToList();
            agreeing += inSection.Count - misses.Count;
            output.WriteLine($"{section}: {inSection.Count - misses.Count} of {inSection.Count}");
            foreach (var (_, query) in misses)
            {
                output.WriteLine($"  differs: {query} -> {ConformanceCorpus.Classify(query)}");
            }
        }
        output.WriteLine($"head corpus: {agreeing} of {examples.Count} agree");
        agreeing.Should().BeGreaterThanOrEqualTo(HeadAgreementFloor);
    }

    // Measured when the parser landed; raise it as the language grows.
    private const int HeadAgreementFloor = 384;

    private static (string Section, string Message) Outcome(string query)
    {
        try
        {
            TraceQLParser.ParseValid(query);
            return ("valid", "no error");
        }
        catch (TraceQLException e)
        {
            return (ConformanceCorpus.Classify(query), e.Message);
        }
    }
}
