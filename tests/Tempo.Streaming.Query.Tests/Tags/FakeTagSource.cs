using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.Query.Tests.Tags;

/// <summary>An in-memory <see cref="ITagSource"/> that records the queries it was asked.</summary>
internal sealed class FakeTagSource : ITagSource
{
    private readonly Dictionary<AttributeScope, List<string>> _names = [];
    private readonly List<(TagIdentifier Tag, TypedTagValue Value)> _values = [];

    public long InspectedBytesPerCall { get; init; }

    public List<TagNamesQuery> NameQueries { get; } = [];

    public List<TagValuesQuery> ValueQueries { get; } = [];

    public FakeTagSource WithNames(AttributeScope scope, params string[] names)
    {
        if (!_names.TryGetValue(scope, out var list))
        {
            _names[scope] = list = [];
        }

        list.AddRange(names);
        return this;
    }

    public FakeTagSource WithValues(TagIdentifier tag, params TypedTagValue[] values)
    {
        foreach (var value in values)
        {
            _values.Add((tag, value));
        }

        return this;
    }

    public ValueTask<TagNamesResult> GetTagNamesAsync(TagNamesQuery query, CancellationToken cancellationToken)
    {
        NameQueries.Add(query);
        var result = new Dictionary<AttributeScope, IReadOnlyList<string>>();
        foreach (var scope in query.Scopes)
        {
            if (_names.TryGetValue(scope, out var names))
            {
                result[scope] = names.Distinct().Order(StringComparer.Ordinal).ToList();
            }
        }

        return ValueTask.FromResult(new TagNamesResult(result, InspectedBytesPerCall));
    }

    public ValueTask<TagValuesResult> GetTagValuesAsync(TagValuesQuery query, CancellationToken cancellationToken)
    {
        ValueQueries.Add(query);
        var values = _values.Where(v => v.Tag == query.Tag).Select(v => v.Value).Distinct()
            .OrderBy(v => v.Type).ThenBy(v => v.Value, StringComparer.Ordinal).ToList();
        return ValueTask.FromResult(new TagValuesResult(values, InspectedBytesPerCall));
    }
}
