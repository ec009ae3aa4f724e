using System.Buffers.Binary;
using System.Text;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.LiveStore.Storage;
using Tempo.Streaming.RocksDb;

namespace Tempo.Streaming.LiveStore.Querying;

/// <summary>
/// Answers tag-name and tag-value queries from the <c>index</c> column family. Keys are
/// <c>tenant \0 kind minute scope rest</c> (<see cref="LiveStoreKeys"/>), so the entries of one scope (and name) in one
/// minute are contiguous. A query walks the minutes of its window with a skip-scan: read the matching run of a minute,
/// then seek straight to the same scope/name in the next minute present — the cost follows the matching entries and the
/// number of minutes, not the size of the index.
/// </summary>
internal sealed class TagIndexReader
{
    private readonly LiveStoreDatabase _db;

    public TagIndexReader(LiveStoreDatabase db) => _db = db;

    public TagNamesResult GetTagNames(TagNamesQuery query)
    {
        var tenantPrefix = LiveStoreKeys.TenantPrefix(query.Tenant);
        var scopes = new Dictionary<AttributeScope, IReadOnlyList<string>>();
        long inspected = 0;
        using var snapshot = _db.Db.CreateSnapshot();
        foreach (var scope in query.Scopes)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            inspected += Scan(snapshot, tenantPrefix, LiveStoreKeys.TagNameTag, [(byte)scope], query.Window, remainder =>
            {
                return names.Add(Encoding.UTF8.GetString(remainder));
            }, query.LimitPerScope, query.MaxStaleValues);
            var sorted = names.ToList();
            sorted.Sort(StringComparer.Ordinal);
            if (query.LimitPerScope > 0 && sorted.Count > query.LimitPerScope)
            {
                sorted.RemoveRange(query.LimitPerScope, sorted.Count - query.LimitPerScope);
            }

            scopes[scope] = sorted;
        }

        return new TagNamesResult(scopes, inspected);
    }

    public TagValuesResult GetTagValues(TagValuesQuery query)
    {
        var tag = query.Tag;
        AttributeScope[] scopes = tag.Kind switch
        {
            TagIdentifierKind.UnscopedAttribute => [AttributeScope.Span, AttributeScope.Resource],
            TagIdentifierKind.Intrinsic when !Intrinsics.Indexed.Contains(tag.Name) => [],
            TagIdentifierKind.Intrinsic => [AttributeScope.Intrinsic],
            _ => [tag.Scope],
        };

        var name = Encoding.UTF8.GetBytes(tag.Name);
        var values = new HashSet<TypedTagValue>();
        long inspected = 0;
        if (name.Length is > 0 and <= LiveStoreKeys.MaxIndexedNameLength && scopes.Length > 0)
        {
            var tenantPrefix = LiveStoreKeys.TenantPrefix(query.Tenant);
            using var snapshot = _db.Db.CreateSnapshot();
            foreach (var scope in scopes)
            {
                var wanted = new byte[3 + name.Length];
                wanted[0] = (byte)scope;
                BinaryPrimitives.WriteUInt16BigEndian(wanted.AsSpan(1), (ushort)name.Length);
                name.CopyTo(wanted, 3);
                inspected += Scan(snapshot, tenantPrefix, LiveStoreKeys.TagValueTag, wanted, query.Window, remainder =>
                {
                    if (remainder.Length == 0 || remainder[0] is < (byte)TagValueType.String or > (byte)TagValueType.Keyword)
                    {
                        return false;
                    }

                    return values.Add(new TypedTagValue((TagValueType)remainder[0], Encoding.UTF8.GetString(remainder[1..])));
                }, query.Limit, query.MaxStaleValues, values);
            }
        }

        var sorted = values.ToList();
        sorted.Sort(static (a, b) => a.Type != b.Type ? a.Type.CompareTo(b.Type) : string.CompareOrdinal(a.Value, b.Value));
        if (query.Limit > 0 && sorted.Count > query.Limit)
        {
            sorted.RemoveRange(query.Limit, sorted.Count - query.Limit);
        }

        return new TagValuesResult(sorted, inspected);
    }

    private delegate bool Collect(ReadOnlySpan<byte> remainder);

    /// <summary>
    /// Visits every key <c>tenant \0 kind minute wanted remainder</c> with a minute inside the window, passing the
    /// remainder to <paramref name="collect"/> (true = a new distinct item). Stops at <paramref name="limit"/> distinct
    /// items or after <paramref name="maxStale"/> consecutive known ones. Returns the key bytes inspected.
    /// </summary>
    private long Scan(RocksSnapshot snapshot, byte[] tenantPrefix, byte kind, byte[] wanted, QueryWindow window, Collect collect,
        int limit, int maxStale, ICollection<TypedTagValue>? alreadyFound = null)
    {
        var (firstMinute, lastMinute) = window.IsAll
            ? (0u, uint.MaxValue)
            : (LiveStoreKeys.MinuteOfSeconds(window.StartUnixSeconds), LiveStoreKeys.MinuteOfSeconds(window.EndUnixSeconds));
        var kindPrefix = new byte[tenantPrefix.Length + 1];
        tenantPrefix.CopyTo(kindPrefix, 0);
        kindPrefix[^1] = kind;

        var lower = SeekKey(kindPrefix, firstMinute, wanted);
        var upper = lastMinute == uint.MaxValue ? LiveStoreKeys.Successor(kindPrefix) : MinuteKey(kindPrefix, lastMinute + 1);
        using var iterator = _db.Db.NewIterator(_db.Index, lower, upper, snapshot);

        var minuteOffset = kindPrefix.Length;
        var restOffset = minuteOffset + 4;
        var found = alreadyFound?.Count ?? 0;
        var stale = 0;
        long inspected = 0;
        iterator.Seek(lower);
        while (iterator.Valid)
        {
            var key = iterator.Key;
            inspected += key.Length;
            var minute = BinaryPrimitives.ReadUInt32BigEndian(key[minuteOffset..]);
            var rest = key[restOffset..];
            var head = rest[..Math.Min(rest.Length, wanted.Length)];
            var order = head.SequenceCompareTo(wanted);
            if (order == 0 && rest.Length < wanted.Length)
            {
                order = -1; // the key's rest is a strict prefix of what is wanted, so it sorts before it
            }

            if (order == 0)
            {
                if (collect(rest[wanted.Length..]))
                {
                    found++;
                    stale = 0;
                    if (limit > 0 && found >= limit)
                    {
                        break;
                    }
                }
                else if (maxStale > 0 && ++stale >= maxStale)
                {
                    break;
                }

                iterator.Next();
            }
            else if (order < 0)
            {
                iterator.Seek(SeekKey(kindPrefix, minute, wanted));
            }
            else
            {
                if (minute == uint.MaxValue)
                {
                    break;
                }

                iterator.Seek(SeekKey(kindPrefix, minute + 1, wanted));
            }
        }

        iterator.ThrowIfFailed();
        return inspected;
    }

    private static byte[] MinuteKey(byte[] kindPrefix, uint minute)
    {
        var key = new byte[kindPrefix.Length + 4];
        kindPrefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(kindPrefix.Length), minute);
        return key;
    }

    private static byte[] SeekKey(byte[] kindPrefix, uint minute, byte[] wanted)
    {
        var key = new byte[kindPrefix.Length + 4 + wanted.Length];
        kindPrefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(kindPrefix.Length), minute);
        wanted.CopyTo(key, kindPrefix.Length + 4);
        return key;
    }
}
