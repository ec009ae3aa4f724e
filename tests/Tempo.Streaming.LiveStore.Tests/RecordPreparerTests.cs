using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore.Consumption;
using static Tempo.Streaming.LiveStore.Tests.TestTraces;

namespace Tempo.Streaming.LiveStore.Tests;

public sealed class RecordPreparerTests
{
    private static readonly LogRecord[] Records = [ToLogRecord(0, Record("tenant-a",
        (TraceId(1), Fragment("api", NewSpan(TraceId(1), 1, attributes: ("http.method", Str("GET"))),
            NewSpan(TraceId(1), 2, parent: 1, attributes: ("http.method", Str("GET"))))),
        (TraceId(2), Fragment("db", NewSpan(TraceId(2), 3, attributes: ("db.rows", Int(7)))))))];

    [Fact]
    public void Builds_each_distinct_tag_key_of_a_fragment_once()
    {
        var batch = new PreparedBatch(partition: 0);
        new RecordPreparer(new WrittenKeyCache()).Prepare(Records, batch);

        batch.Fragments.Should().HaveCount(2);
        var keys = KeysOf(batch);
        KeysOf(batch, batch.Fragments[0]).Should().OnlyHaveUniqueItems("a value repeated on the spans of one fragment is one key");
        keys.Should().Contain(key => key.EndsWith("http.method"), "the name key of the attribute");
        keys.Should().Contain(key => key.EndsWith("GET"), "its value key");
        keys.Should().Contain(key => key.EndsWith("db.rows"));
    }

    [Fact]
    public void Skips_the_keys_the_store_already_wrote_and_builds_the_rest()
    {
        var written = new WrittenKeyCache();
        var first = new PreparedBatch(partition: 0);
        new RecordPreparer(written).Prepare(Records, first);
        var all = KeysOf(first);
        // The applier claims a key when it puts it: claim those of the first fragment only.
        var firstFragment = first.Fragments[0];
        for (var i = firstFragment.KeysFrom; i < firstFragment.KeysTo; i++)
        {
            written.TryClaim(first.TagKeys.Hash(i)).Should().BeTrue();
        }

        var second = new PreparedBatch(partition: 0);
        new RecordPreparer(written).Prepare(Records, second);

        var rebuilt = KeysOf(second);
        rebuilt.Should().NotContain(key => key.EndsWith("GET"), "written keys are not built again");
        rebuilt.Should().Contain(key => key.EndsWith("db.rows"), "keys not yet written still are");
        rebuilt.Count.Should().BeLessThan(all.Count);
        second.Fragments.Should().HaveCount(2, "skipping keys changes nothing else");
        second.Fragments[1].Spans.Should().Be(1);
    }

    private static List<string> KeysOf(PreparedBatch batch) =>
        Enumerable.Range(0, batch.TagKeys.Count).Select(i => System.Text.Encoding.Latin1.GetString(batch.TagKeys.Key(i))).ToList();

    private static List<string> KeysOf(PreparedBatch batch, PreparedFragment fragment) =>
        Enumerable.Range(fragment.KeysFrom, fragment.KeysTo - fragment.KeysFrom)
            .Select(i => System.Text.Encoding.Latin1.GetString(batch.TagKeys.Key(i))).ToList();

    private static LogRecord ToLogRecord(long offset, IngestRecord record) =>
        new(0, offset, record.Timestamp, record.Key, record.Value);
}
