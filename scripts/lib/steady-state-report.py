#!/usr/bin/env python3
# Report of a steady-state run: python3 steady-state-report.py SAMPLES.tsv LOG
#   SAMPLES.tsv  the columns scripts/bench-steady-state.sh (a server) or the live-store-steady-state harness write
#   LOG          the server's log or the harness output (same single-line console format)
import datetime, re, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
head, rows = rows[0], rows[1:]
col = {name: i for i, name in enumerate(head)}
def values(name, phase=None, rows=rows):
    out = []
    for r in rows:
        if phase and r[col["phase"]] != phase:
            continue
        try:
            out.append((float(r[col["t_s"]]), float(r[col[name]])))
        except ValueError:
            pass
    return out
def slope(points):
    if len(points) < 2:
        return float("nan")
    n = len(points); mx = sum(t for t, _ in points) / n; my = sum(v for _, v in points) / n
    den = sum((t - mx) ** 2 for t, _ in points)
    return sum((t - mx) * (v - my) for t, v in points) / den * 60 if den else float("nan")
for name, unit in (("rss_mib", "MiB"), ("rss_anon_mib", "MiB"), ("gc_heap_mib", "MiB"),
                   ("rocks_memtables_mib", "MiB"), ("rocks_pinned_memtables_mib", "MiB"), ("rocks_block_cache_mib", "MiB"),
                   ("rocks_table_readers_mib", "MiB"), ("malloc_used_mib", "MiB"), ("malloc_free_mib", "MiB"), ("lag_records", "records"),
                   ("flush_lag_records", "records"), ("unflushed_bytes", "bytes")):
    load = values(name, "load") if name in col else []
    if not load:
        continue
    vs = [v for _, v in load]
    half = load[len(load) // 2:]
    drain = values(name, "drain")
    print(f"{name:26} during push: min {min(vs):.0f}, median {statistics.median(vs):.0f}, max {max(vs):.0f} {unit}; "
          f"trend (2nd half) {slope(half):+.0f} {unit}/min; after drain {drain[-1][1] if drain else float('nan'):.0f}")
stored = values("stored_spans")
load_rows = values("stored_spans", "load")
if len(load_rows) >= 2:
    (t0, s0), (t1, s1) = load_rows[0], load_rows[-1]
    print(f"stored spans/s during push: {(s1 - s0) / (t1 - t0):.0f}")
    # Flushed = appended - flush lag, in records; in spans at the consumed records' average (stored spans per record).
    appended, lag, flush_lag = (dict(values(name, "load")) for name in ("appended_records", "lag_records", "flush_lag_records"))
    consumed_records = lambda t: appended[t] - lag[t]
    flushed_records = lambda t: appended[t] - flush_lag[t]
    flushed = float("nan")
    if all(t in d for d in (appended, lag, flush_lag) for t in (t0, t1)) and consumed_records(t1) > consumed_records(t0):
        flushed = (flushed_records(t1) - flushed_records(t0)) * (s1 - s0) / (consumed_records(t1) - consumed_records(t0))
        print(f"flushed spans/s during push: {flushed / (t1 - t0):.0f} (records now in blocks, at the consumed spans per record)")
    cpu, steal = values("server_cpu_s", "load"), values("steal_s", "load")
    if len(cpu) >= 2 and len(steal) >= 2:
        used = cpu[-1][1] - cpu[0][1]
        print(f"server CPU during push: {used / (t1 - t0):.2f} cores; stored spans per server CPU-second: {(s1 - s0) / used:.0f}; "
              f"stored + flushed spans per server CPU-second: {(s1 - s0 + flushed) / used:.0f}; "
              f"steal {(steal[-1][1] - steal[0][1]) / (t1 - t0):.2f} cores")
blocks = values("blocks_flushed")
if blocks:
    print(f"blocks cut: {blocks[-1][1]:.0f} (during push {values('blocks_flushed', 'load')[-1][1]:.0f}); "
          f"failed flushes {values('failed_flushes')[-1][1]:.0f}; consumption pauses {values('pauses')[-1][1]:.0f}")
# The live store logs "partition P: flushed offsets A..B" after each cut; the writer logs "Wrote block T/ID ... in N ms"
# (encode + upload) for cut and compacted blocks alike, and the compactor logs "Compacted ... into ID" for its own.
lines = open(sys.argv[2], errors="replace").read().splitlines()
stamp = lambda line: datetime.datetime.fromisoformat(line.split("Z ", 1)[0])
compacted = {m.group(1) for line in lines if (m := re.search(r"Compacted \d+ blocks of tenant \S+ into ([0-9a-f-]{36})", line))}
cut_writes, compaction_writes, cuts = [], [], []
for line in lines:
    if m := re.search(r"Wrote block [^/\s]+/([0-9a-f-]{36}): .* in (\d+) ms", line):
        (compaction_writes if m.group(1) in compacted else cut_writes).append(int(m.group(2)))
    elif m := re.search(r"LiveStore\[3007\] partition (\d+): flushed offsets", line):
        cuts.append((stamp(line), int(m.group(1))))
def spread(name, values, unit):
    if values:
        values = sorted(values)
        q = lambda p: values[min(len(values) - 1, int(p * len(values)))]
        print(f"{name}: {len(values)}, p50 {q(0.5):.0f} {unit}, p90 {q(0.9):.0f} {unit}, max {values[-1]:.0f} {unit}")
per_partition = {}
for _, p in cuts:
    per_partition[p] = per_partition.get(p, 0) + 1
print(f"live-store cuts by partition: {dict(sorted(per_partition.items()))}")
spread("cut block writes (encode + upload)", cut_writes, "ms")
# Cuts run one after another while a partition owes blocks, so the time between two cuts is one whole cut (reading
# and decoding the range's fragments from RocksDB, then the write) whenever the flusher is behind.
spread("time between consecutive cuts", [(b[0] - a[0]).total_seconds() for a, b in zip(cuts, cuts[1:])], "s")
spread("compaction block writes", compaction_writes, "ms")
