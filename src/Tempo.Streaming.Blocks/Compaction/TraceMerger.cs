using System.Runtime.CompilerServices;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Core.Ids;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Compaction;

/// <summary>
/// K-way merge of the input blocks' rows, which each block stores in ascending trace-ID order: a priority queue holds
/// the current row of every input, so memory is one row group per input (what <see cref="BlockReader.ReadAllTracesAsync"/>
/// holds), never whole blocks. A trace found in several inputs is combined with <see cref="TraceFragmentCombiner"/> —
/// the same (span ID, kind) dedupe as block cutting and Tempo's combiner — taking inputs in the order given; a trace
/// in one input passes through untouched. With a <see cref="CompactionGate"/>, the merge waits while the gate is held,
/// checked every <see cref="GateCheckInterval"/> traces.
/// </summary>
internal sealed class TraceMerger(IReadOnlyList<BlockReader> inputs, CompactionGate? gate = null)
{
    private const int GateCheckInterval = 256;

    /// <summary>Traces that were found in more than one input and combined (Tempo's compaction_objects_combined).</summary>
    public long CombinedTraces { get; private set; }

    public async IAsyncEnumerable<SortedTrace> MergeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var cursors = new InputCursor[inputs.Count];
        // Ties on the ID are broken by input position, so equal inputs always combine in the same order.
        var queue = new PriorityQueue<int, (TraceId Id, int Input)>(inputs.Count);
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                cursors[i] = new InputCursor(inputs[i], cancellationToken);
                if (await cursors[i].MoveNextAsync().ConfigureAwait(false))
                {
                    queue.Enqueue(i, (cursors[i].Current.Id, i));
                }
            }

            var merged = 0;
            while (queue.TryDequeue(out var input, out var key))
            {
                if (gate is not null && ++merged % GateCheckInterval == 0)
                {
                    await gate.WaitOpenAsync(cancellationToken).ConfigureAwait(false);
                }
                var first = cursors[input].Current;
                await AdvanceAsync(cursors, queue, input).ConfigureAwait(false);

                TraceFragmentCombiner? combiner = null;
                while (queue.TryPeek(out var other, out var otherKey) && otherKey.Id == key.Id)
                {
                    queue.Dequeue();
                    if (combiner is null)
                    {
                        combiner = new TraceFragmentCombiner();
                        combiner.Add(new TraceFragment(key.Id.ToByteArray(), first.Trace));
                    }
                    combiner.Add(new TraceFragment(key.Id.ToByteArray(), cursors[other].Current.Trace));
                    await AdvanceAsync(cursors, queue, other).ConfigureAwait(false);
                }

                if (combiner is null)
                {
                    yield return first;
                }
                else
                {
                    CombinedTraces++;
                    yield return new SortedTrace(key.Id, combiner.SortedTraces()[0].Trace);
                }
            }
        }
        finally
        {
            foreach (var cursor in cursors)
            {
                if (cursor is not null)
                {
                    await cursor.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private static async ValueTask AdvanceAsync(InputCursor[] cursors, PriorityQueue<int, (TraceId, int)> queue, int input)
    {
        if (await cursors[input].MoveNextAsync().ConfigureAwait(false))
        {
            queue.Enqueue(input, (cursors[input].Current.Id, input));
        }
    }

    /// <summary>One input's rows with their IDs; checks the order the merge relies on.</summary>
    private sealed class InputCursor(BlockReader block, CancellationToken cancellationToken) : IAsyncDisposable
    {
        private readonly IAsyncEnumerator<Trace> _rows = block.ReadAllTracesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        private bool _started;

        public SortedTrace Current { get; private set; }

        public async ValueTask<bool> MoveNextAsync()
        {
            while (await _rows.MoveNextAsync().ConfigureAwait(false))
            {
                var trace = _rows.Current;
                // The block reader puts the row's 16-byte TraceID on every span; a row without spans has nothing to keep.
                if (!TryFirstSpanTraceId(trace, out var id))
                {
                    continue;
                }
                if (_started && id <= Current.Id)
                {
                    throw new BlockCorruptException(block.Tenant, block.BlockId,
                        $"rows are not in ascending trace ID order (trace {id} after {Current.Id}); a block's rows must be sorted to be merged");
                }
                _started = true;
                Current = new SortedTrace(id, trace);
                return true;
            }
            return false;
        }

        public ValueTask DisposeAsync() => _rows.DisposeAsync();

        private bool TryFirstSpanTraceId(Trace trace, out TraceId id)
        {
            foreach (var batch in trace.ResourceSpans)
            {
                foreach (var scope in batch.ScopeSpans)
                {
                    if (scope.Spans.Count > 0)
                    {
                        var bytes = scope.Spans[0].TraceId.Span;
                        if (bytes.Length != TraceId.Length)
                        {
                            throw new BlockCorruptException(block.Tenant, block.BlockId, $"a row's trace ID is {bytes.Length} bytes, not {TraceId.Length}");
                        }
                        id = TraceId.FromBytes(bytes);
                        return true;
                    }
                }
            }
            id = default;
            return false;
        }
    }
}
