namespace Tempo.Streaming.Cli.Load.Workload;

/// <summary>
/// Turns a trace index into the span tree of one shop request: a route at the frontend, the calls its handler
/// makes, and the calls those services make, until the trace has its drawn span count. Everything is drawn from
/// a random stream seeded by (seed, trace index), so the result is a pure function of (seed, index, base time).
/// </summary>
internal static class TracePlanner
{
    /// <summary>Median and shape of the span-count distribution (BENCHMARKS.md: 5–60 spans, median ~15).</summary>
    private const double SpanCountMedian = 15;
    private const double SpanCountSigma = 0.55;
    public const int MinSpans = 5;
    public const int MaxSpans = 60;

    /// <summary>Per-span error probability (BENCHMARKS.md: ~2% error spans with exception events).</summary>
    private const double ErrorRate = 0.02;

    /// <summary>Share of root spans linking to the previous request of the session.</summary>
    private const double RootLinkRate = 0.03;

    private const int MaxChildrenPerSpan = 10;

    // Independent hash streams, so that the ID and span count of a trace are O(1) to compute.
    private const ulong StreamTraceIdHigh = 1;
    private const ulong StreamTraceIdLow = 2;
    private const ulong StreamRootSpanId = 3;
    private const ulong StreamSpanCount = 4;
    private const ulong StreamBody = 5;

    public static ulong TraceIdHigh(ulong seed, long index) => WorkloadRandom.Hash(seed, (ulong)index, StreamTraceIdHigh);

    public static ulong TraceIdLow(ulong seed, long index) => WorkloadRandom.Hash(seed, (ulong)index, StreamTraceIdLow) | 1;

    public static ulong RootSpanId(ulong seed, long index) => WorkloadRandom.Hash(seed, (ulong)index, StreamRootSpanId) | 1;

    public static int SpanCount(ulong seed, long index)
    {
        var random = new WorkloadRandom(WorkloadRandom.Hash(seed, (ulong)index, StreamSpanCount));
        var count = (int)Math.Round(random.NextLogNormal(SpanCountMedian, SpanCountSigma));
        return Math.Clamp(count, MinSpans, MaxSpans);
    }

    /// <summary>
    /// Plans trace <paramref name="index"/> into <paramref name="spans"/> starting at <paramref name="firstSpan"/>
    /// (the array must have room for <see cref="MaxSpans"/> more).
    /// </summary>
    public static void Plan(ShopCatalog catalog, ulong seed, long baseTimeUnixNano, long index, int traceSlot,
        ref PlannedTrace trace, PlannedSpan[] spans, int firstSpan, Span<int> expandable)
    {
        var random = new WorkloadRandom(WorkloadRandom.Hash(seed, (ulong)index, StreamBody));
        var spanCount = SpanCount(seed, index);

        trace.Index = index;
        trace.IdHigh = TraceIdHigh(seed, index);
        trace.IdLow = TraceIdLow(seed, index);
        trace.FirstSpan = firstSpan;
        trace.SpanCount = spanCount;
        trace.UserNumber = random.Next(2_000_000);
        trace.ClientAddress = (uint)random.NextUInt64();
        trace.UserAgent = random.Next(catalog.UserAgents.Length);
        trace.CartItems = 1 + random.Next(8);
        trace.ProductCode = random.Next(50_000);
        trace.HasPrevious = index > 0;
        if (trace.HasPrevious)
        {
            trace.PreviousIdHigh = TraceIdHigh(seed, index - 1);
            trace.PreviousIdLow = TraceIdLow(seed, index - 1);
            trace.PreviousRootSpanId = RootSpanId(seed, index - 1);
        }

        var route = PickRoute(catalog, ref random);
        trace.PlacesOrder = route.PlacesOrder;
        trace.OrderId = route.PlacesOrder ? random.NextNonZero() : 0;

        // Which pod of each service handles this request.
        Span<int> pods = stackalloc int[ShopCatalog.ServiceCount];
        for (var s = 0; s < pods.Length; s++)
        {
            pods[s] = (s * ShopCatalog.PodsPerService) + random.Next(ShopCatalog.PodsPerService);
        }

        // --- the span tree ---
        var count = 0;
        var root = AddSpan(catalog, spans, firstSpan, ref count, route.RootTemplate, parent: -1, traceSlot, pods, ref random);
        spans[root].SpanId = RootSpanId(seed, index);
        spans[root].HasLink = trace.HasPrevious && random.Chance(RootLinkRate);

        var expandableCount = 0;
        expandable[expandableCount++] = root;
        var scriptStep = 0;
        while (count < spanCount)
        {
            int parent;
            Call call;
            if (scriptStep < route.Script.Length)
            {
                parent = root;
                call = route.Script[scriptStep++];
            }
            else
            {
                // Prefer the most recent server span half of the time: requests fan out and then go deep.
                var pick = random.Chance(0.5) ? expandableCount - 1 : random.Next(expandableCount);
                parent = expandable[pick];
                if (ChildCount(spans, parent) >= MaxChildrenPerSpan && expandableCount > 1)
                {
                    expandable[pick] = expandable[--expandableCount];
                    continue;
                }
                var service = (int)catalog.Templates[spans[parent].Template].Service;
                call = PickCall(catalog.CallTables[service], ref random);
                if (call.IsPair && spanCount - count < 2)
                {
                    call = catalog.LeafCalls[service];
                }
            }

            var caller = AddSpan(catalog, spans, firstSpan, ref count, call.Template, parent, traceSlot, pods, ref random);
            if (call.IsPair)
            {
                var callee = AddSpan(catalog, spans, firstSpan, ref count, catalog.Templates[call.Template].ServerTemplate, caller,
                    traceSlot, pods, ref random);
                var calleeTemplate = catalog.Templates[spans[callee].Template];
                if (calleeTemplate.Expandable && expandableCount < expandable.Length)
                {
                    expandable[expandableCount++] = callee;
                }
                if (calleeTemplate.Kind == 5 && trace.HasPrevious)
                {
                    spans[callee].HasLink = true; // a consumer links to the previous order it was batched with
                }
            }
        }

        AssignTimes(catalog, spans, root, firstSpan + count - 1, route, baseTimeUnixNano + (index * ShopWorkload.TraceSpacingNanos)
            + random.Next((int)ShopWorkload.TraceSpacingNanos), ref random);
    }

    private static Route PickRoute(ShopCatalog catalog, ref WorkloadRandom random)
    {
        var routes = catalog.Routes;
        var total = 0.0;
        foreach (var route in routes)
        {
            total += route.Weight;
        }
        var draw = random.NextDouble() * total;
        foreach (var route in routes)
        {
            draw -= route.Weight;
            if (draw < 0)
            {
                return route;
            }
        }
        return routes[^1];
    }

    private static Call PickCall(Call[] table, ref WorkloadRandom random)
    {
        var total = 0.0;
        foreach (var call in table)
        {
            total += call.Weight;
        }
        var draw = random.NextDouble() * total;
        foreach (var call in table)
        {
            draw -= call.Weight;
            if (draw < 0)
            {
                return call;
            }
        }
        return table[^1];
    }

    private static int AddSpan(ShopCatalog catalog, PlannedSpan[] spans, int firstSpan, ref int count, int template, int parent,
        int traceSlot, ReadOnlySpan<int> pods, ref WorkloadRandom random)
    {
        var at = firstSpan + count++;
        ref var span = ref spans[at];
        var service = (int)catalog.Templates[template].Service;
        span.Template = template;
        span.Trace = traceSlot;
        span.Parent = parent;
        span.FirstChild = -1;
        span.LastChild = -1;
        span.NextSibling = -1;
        span.Resource = pods[service];
        span.SpanId = random.NextNonZero();
        span.ParentSpanId = parent >= 0 ? spans[parent].SpanId : 0;
        span.Error = random.Chance(ErrorRate);
        span.Value = service == (int)ShopService.Postgres ? 1000 + random.Next(30_000) : 1 + random.Next(24);
        span.HasLink = false;
        if (parent >= 0)
        {
            ref var parentSpan = ref spans[parent];
            if (parentSpan.LastChild < 0)
            {
                parentSpan.FirstChild = at;
            }
            else
            {
                spans[parentSpan.LastChild].NextSibling = at;
            }
            parentSpan.LastChild = at;
        }
        return at;
    }

    private static int ChildCount(PlannedSpan[] spans, int parent)
    {
        var n = 0;
        for (var child = spans[parent].FirstChild; child >= 0; child = spans[child].NextSibling)
        {
            n++;
        }
        return n;
    }

    /// <summary>
    /// Durations: the root's is log-normal around the route's median; a parent's children run one after another
    /// inside it, sharing 60–90% of its time by their template cost (jittered log-normally); a server span sits
    /// inside its client span minus the network round trip. Parents are planned before children (lower index).
    /// </summary>
    private static void AssignTimes(ShopCatalog catalog, PlannedSpan[] spans, int root, int last, Route route, long traceStart,
        ref WorkloadRandom random)
    {
        var rootDuration = (long)(Math.Max(1.0, random.NextLogNormal(route.MedianDurationMs, 0.6)) * 1_000_000);
        spans[root].StartUnixNano = traceStart;
        spans[root].EndUnixNano = traceStart + rootDuration;

        Span<double> weights = stackalloc double[MaxChildrenPerSpan + 4];
        for (var parent = root; parent <= last; parent++)
        {
            ref var p = ref spans[parent];
            if (p.FirstChild < 0)
            {
                continue;
            }
            var start = p.StartUnixNano;
            var duration = p.EndUnixNano - start;
            var parentTemplate = catalog.Templates[p.Template];
            if (parentTemplate.ServerTemplate >= 0 && spans[p.FirstChild].NextSibling < 0)
            {
                // client → server: the server span is the client span minus the network round trip.
                var latency = Math.Min((long)random.NextLogNormal(250_000, 0.5), duration / 10);
                ref var server = ref spans[p.FirstChild];
                server.StartUnixNano = start + latency;
                server.EndUnixNano = Math.Max(server.StartUnixNano + 1_000, p.EndUnixNano - latency);
                continue;
            }

            var childCount = 0;
            var totalWeight = 0.0;
            for (var child = p.FirstChild; child >= 0; child = spans[child].NextSibling)
            {
                var weight = catalog.Templates[spans[child].Template].Weight * random.NextLogNormal(1, 0.4);
                if (childCount < weights.Length)
                {
                    weights[childCount] = weight;
                }
                totalWeight += weight;
                childCount++;
            }
            var busy = (long)(duration * (0.6 + (0.3 * random.NextDouble())));
            var gap = (duration - busy) / (childCount + 1);
            var at = start + gap;
            var i = 0;
            for (var child = p.FirstChild; child >= 0; child = spans[child].NextSibling, i++)
            {
                var weight = i < weights.Length ? weights[i] : 1.0;
                var childDuration = Math.Max(1_000, (long)(busy * (weight / totalWeight)));
                spans[child].StartUnixNano = at;
                spans[child].EndUnixNano = at + childDuration;
                at += childDuration + gap;
            }
        }
    }
}
