using System.Text;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Wire;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore.Indexing;

namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>
/// Decodes ingest-log records (key = tenant, value = <c>tempopb.PushBytesRequest</c>: field 2 the marshalled traces,
/// field 3 their 16-byte IDs, parallel) and indexes every fragment. A record is all or nothing: if its key is not a
/// valid tenant, the request does not parse, the ID and trace lists do not pair up, or any fragment is malformed, the
/// whole record is skipped and reported — never retried, so one bad record cannot stall a partition (invariant 5).
/// The tag-index keys of each fragment are built and deduplicated here, outside the store's lock, where the
/// partitions' consumers work in parallel.
/// </summary>
internal sealed class RecordPreparer
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly FragmentIndexer _indexer = new();
    private readonly TagKeyBuilder _tagKeys;
    private readonly Dictionary<string, TenantKey> _tenants = new(StringComparer.Ordinal);
    private readonly List<(int Start, int Length)> _traces = [];
    private readonly List<(int Start, int Length)> _ids = [];
    private byte[] _lastTenantBytes = [];
    private TenantKey? _lastTenant;

    /// <param name="writtenTagKeys">The store's record of tag-index keys already written: those are not built again
    /// (null: every key is built).</param>
    public RecordPreparer(WrittenKeyCache? writtenTagKeys)
    {
        _tagKeys = new TagKeyBuilder(writtenTagKeys);
    }

    public void Prepare(IReadOnlyList<LogRecord> records, PreparedBatch batch)
    {
        batch.Clear();
        foreach (var record in records)
        {
            batch.Records++;
            batch.RecordBytes += record.Value.Length;
            batch.NextOffset = record.Offset + 1;
            batch.RecordsRead.Add(new PreparedRecord(record.Offset, record.Timestamp.ToUnixTimeMilliseconds(), record.Value.Length));
            PrepareRecord(record, batch);
        }
    }

    private void PrepareRecord(LogRecord record, PreparedBatch batch)
    {
        var tenant = ResolveTenant(record.Key.Span, out var tenantError);
        if (tenant is null)
        {
            batch.Skipped.Add(new SkippedRecord(record.Offset, "", 1, tenantError!));
            return;
        }

        var fragmentsBefore = batch.Fragments.Count;
        var keysBefore = batch.TagKeys.Count;
        try
        {
            PushBytesRequestLayout.Split(record.Value.Span, _traces, _ids);
            for (var i = 0; i < _traces.Count; i++)
            {
                var (idStart, idLength) = _ids[i];
                if (idLength != 16)
                {
                    ProtoReader.ThrowInvalid($"trace ID {i} is {idLength} bytes, not 16");
                }

                var (traceStart, traceLength) = _traces[i];
                var bytes = record.Value.Slice(traceStart, traceLength);
                var keysFrom = batch.TagKeys.Count;
                _tagKeys.Begin(tenant.Prefix, tenant.HashSeed, batch.TagKeys);
                _indexer.Index(bytes.Span, _tagKeys);
                batch.Fragments.Add(new PreparedFragment(tenant, record.Value.Slice(idStart, 16), bytes, record.Offset, i,
                    _indexer.Spans, _indexer.StartUnixNanos, _indexer.EndUnixNanos, keysFrom, batch.TagKeys.Count));
            }
        }
        catch (InvalidProtobufException e)
        {
            // Count what was decodable so the discard metric says roughly how much was lost; at least the record itself.
            long spans = 0;
            for (var i = fragmentsBefore; i < batch.Fragments.Count; i++)
            {
                spans += batch.Fragments[i].Spans;
            }

            batch.Fragments.RemoveRange(fragmentsBefore, batch.Fragments.Count - fragmentsBefore);
            batch.TagKeys.Truncate(keysBefore);
            batch.Skipped.Add(new SkippedRecord(record.Offset, tenant.Tenant, Math.Max(1, spans), e.Message));
        }
    }

    private TenantKey? ResolveTenant(ReadOnlySpan<byte> key, out string? error)
    {
        error = null;
        if (_lastTenant is not null && key.SequenceEqual(_lastTenantBytes))
        {
            return _lastTenant;
        }

        string tenant;
        try
        {
            tenant = StrictUtf8.GetString(key);
        }
        catch (DecoderFallbackException)
        {
            error = "record key is not UTF-8";
            return null;
        }

        error = Tenants.ValidateTenantId(tenant);
        if (error is not null)
        {
            error = $"record key is not a valid tenant: {error}";
            return null;
        }

        if (!_tenants.TryGetValue(tenant, out var interned))
        {
            interned = TenantKey.Of(tenant);
            _tenants[tenant] = interned;
        }

        _lastTenantBytes = key.ToArray();
        _lastTenant = interned;
        return interned;
    }
}
