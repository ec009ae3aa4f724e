using SpanEntry = Tempo.Streaming.Blocks.VParquet4.WireTraceLayout.SpanEntry;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// Computes <c>NestedSetLeft</c>, <c>NestedSetRight</c> and <c>ParentID</c> for the spans of one trace exactly as
/// Tempo's <c>assignNestedSetModelBounds</c> (vparquet4/nested_set_model.go) does, so structural TraceQL operators
/// give the same answers on our blocks and on Tempo's:
/// <list type="bullet">
/// <item>roots are the spans without a parent span ID, in span order; children are linked to their parent in span
/// order; a depth-first walk from each root numbers the left bound going down and the right bound going up, one
/// counter for the whole trace starting at 1;</item>
/// <item><c>ParentID</c> of a root is -1, of any other reached span its parent's left bound;</item>
/// <item>Zipkin client/server pairs share a span ID: a span whose parent ID matches two spans picks the SERVER one,
/// or the CLIENT one when it is itself a SERVER span;</item>
/// <item>no root, or a span ID used by more than two spans: every value stays 0 (and the trace counts as
/// disconnected); spans not reachable from a root keep 0.</item>
/// </list>
/// Reused across traces: every array grows to the largest trace seen and nothing is allocated per trace after that.
/// </summary>
internal sealed class NestedSetModel
{
    private const int SpanKindServer = (int)OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server;
    private const int SpanKindClient = (int)OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Client;

    private int[] _left = new int[64];
    private int[] _right = new int[64];
    private int[] _parentId = new int[64];
    private int[] _parentNode = new int[64];
    private int[] _firstChild = new int[64];
    private int[] _lastChild = new int[64];
    private int[] _nextSibling = new int[64];
    private int[] _cursor = new int[64];
    private int[] _roots = new int[64];

    // Open-addressing table from span-ID key to up to two span indexes (Tempo keeps a list per ID; a third span with
    // the same ID voids the whole assignment, so two slots suffice).
    private ulong[] _slotKey = new ulong[128];
    private int[] _slotFirst = new int[128];
    private int[] _slotSecond = new int[128];
    private int[] _slotCount = new int[128];

    public ReadOnlySpan<int> Left => _left;
    public ReadOnlySpan<int> Right => _right;
    public ReadOnlySpan<int> ParentId => _parentId;

    /// <summary>
    /// Assigns the values for <paramref name="spans"/>[0..<paramref name="count"/>) (the trace's spans in row order)
    /// and returns true when the spans form connected trees (Tempo's data-quality "connected" flag).
    /// </summary>
    public bool Assign(SpanEntry[] spans, int count)
    {
        EnsureCapacity(count);
        Array.Clear(_left, 0, count);
        Array.Clear(_right, 0, count);
        Array.Clear(_parentId, 0, count);
        if (count == 0)
        {
            return false;
        }

        var tableSize = TableSize(count);
        Array.Clear(_slotCount, 0, tableSize);
        var mask = tableSize - 1;
        var rootCount = 0;
        var tooManyDuplicates = false;
        for (var i = 0; i < count; i++)
        {
            if (!spans[i].HasParent)
            {
                _roots[rootCount++] = i;
            }

            var slot = FindSlot(spans[i].IdKey, mask);
            switch (_slotCount[slot]++)
            {
                case 0:
                    _slotKey[slot] = spans[i].IdKey;
                    _slotFirst[slot] = i;
                    break;
                case 1:
                    _slotSecond[slot] = i;
                    break;
                default:
                    tooManyDuplicates = true;
                    break;
            }
        }

        if (rootCount == 0 || tooManyDuplicates)
        {
            return false;
        }

        var connected = true;
        Array.Fill(_firstChild, -1, 0, count);
        Array.Fill(_nextSibling, -1, 0, count);
        for (var i = 0; i < count; i++)
        {
            _parentNode[i] = -1;
            if (!spans[i].HasParent)
            {
                continue;
            }

            var parent = FindParent(spans, spans[i], mask);
            if (parent < 0)
            {
                connected = false;
                continue;
            }

            _parentNode[i] = parent;
            if (_firstChild[parent] < 0)
            {
                _firstChild[parent] = i;
            }
            else
            {
                _nextSibling[_lastChild[parent]] = i;
            }
            _lastChild[parent] = i;
        }

        var bound = 1;
        for (var r = 0; r < rootCount; r++)
        {
            var node = _roots[r];
            _left[node] = bound++;
            _parentId[node] = -1;
            _cursor[node] = _firstChild[node];
            while (node >= 0)
            {
                var child = _cursor[node];
                if (child >= 0)
                {
                    _cursor[node] = _nextSibling[child];
                    _left[child] = bound++;
                    _parentId[child] = _left[node];
                    _cursor[child] = _firstChild[child];
                    node = child;
                }
                else
                {
                    _right[node] = bound++;
                    node = _parentNode[node];
                }
            }
        }

        return connected;
    }

    private int FindParent(SpanEntry[] spans, in SpanEntry span, int mask)
    {
        var slot = FindSlot(span.ParentKey, mask);
        switch (_slotCount[slot])
        {
            case 1:
                return _slotFirst[slot];
            case 2:
                var kindWant = span.Kind == SpanKindServer ? SpanKindClient : SpanKindServer;
                if (spans[_slotFirst[slot]].Kind == kindWant)
                {
                    return _slotFirst[slot];
                }
                return spans[_slotSecond[slot]].Kind == kindWant ? _slotSecond[slot] : -1;
            default:
                return -1;
        }
    }

    private int FindSlot(ulong key, int mask)
    {
        var slot = (int)(Mix(key) & (ulong)mask);
        while (_slotCount[slot] != 0 && _slotKey[slot] != key)
        {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static ulong Mix(ulong key)
    {
        key ^= key >> 33;
        key *= 0xff51afd7ed558ccdUL;
        key ^= key >> 33;
        return key;
    }

    private static int TableSize(int count)
    {
        var size = 16;
        while (size < count * 2)
        {
            size <<= 1;
        }
        return size;
    }

    private void EnsureCapacity(int count)
    {
        if (_left.Length < count)
        {
            var size = Math.Max(count, _left.Length * 2);
            _left = new int[size];
            _right = new int[size];
            _parentId = new int[size];
            _parentNode = new int[size];
            _firstChild = new int[size];
            _lastChild = new int[size];
            _nextSibling = new int[size];
            _cursor = new int[size];
            _roots = new int[size];
        }

        var tableSize = TableSize(count);
        if (_slotKey.Length < tableSize)
        {
            _slotKey = new ulong[tableSize];
            _slotFirst = new int[tableSize];
            _slotSecond = new int[tableSize];
            _slotCount = new int[tableSize];
        }
    }
}
