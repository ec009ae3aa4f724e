using Tempo.Streaming.Blocks.Backend;

namespace Tempo.Streaming.LiveStore.Tests;

/// <summary>
/// A backend whose writes to the keys <c>failsAt</c> picks throw, as if the process died just before them (a crash
/// between a block's data and its meta.json, or before a tenant's block reached the backend); everything else passes through.
/// </summary>
internal sealed class FailingWritesStore(IObjectStore inner, Func<string, bool> failsAt) : ObjectStoreDecorator(inner)
{
    /// <summary>Fails every meta.json of <paramref name="tenant"/>: the crash after a block's data, before its meta.json.</summary>
    public static FailingWritesStore BeforeMeta(IObjectStore inner, string tenant) =>
        new(inner, key => key.StartsWith(tenant + "/", StringComparison.Ordinal) && key.EndsWith("/meta.json", StringComparison.Ordinal));

    /// <summary>Fails every write under <paramref name="tenant"/>: the crash before that tenant's block reached the backend.</summary>
    public static FailingWritesStore ForTenant(IObjectStore inner, string tenant) =>
        new(inner, key => key.StartsWith(tenant + "/", StringComparison.Ordinal));

    public override Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        failsAt(key) ? throw new IOException($"simulated crash before {key}") : Inner.PutAsync(key, content, cancellationToken);

    public override Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) =>
        failsAt(key) ? throw new IOException($"simulated crash before {key}") : Inner.PutAsync(key, content, cancellationToken);
}
