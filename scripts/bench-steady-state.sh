#!/usr/bin/env bash
# Steady state at the ingest target (issue 6 "Figures"): a fresh Release single binary (-target=all, default live-store
# flush and compactor settings, local blocks) takes the shop workload at --rate spans/s over OTLP gRPC for --duration,
# and every --interval the script samples:
#   rss          VmRSS of the server process (/proc/<pid>/status)
#   lag          tempo_ingest_group_partition_lag summed over partitions (records appended but not consumed)
#   flush_lag    high watermark - flushed offset summed over partitions, from /status/lineage (records consumed or
#                not, not yet in a block: what a crash would have to re-cut)
#   stored, blocks, unflushed   tempo_live_store_spans_stored_total, tempo_live_store_blocks_flushed_total,
#                tempo_live_store_unflushed_bytes (memtable bytes, bounded by max_live_traces_bytes)
#   cpu, steal   the server's user + system CPU seconds (/proc/<pid>/stat) and the machine's steal time (/proc/stat)
# then keeps sampling for --drain seconds after the push ends (does the backlog go away?). The report gives min /
# median / max and a least-squares trend (per minute, over the second half of the push) of rss, lag and flush_lag,
# the blocks cut, block write times from the server log ("Wrote block ... in N ms": encode + upload of one block), and
# stored spans per server CPU-second (the CPU a run gets on this shared VM varies; that ratio compares builds).
#
# Usage: scripts/bench-steady-state.sh [-r spans/s] [-d duration] [-i interval-s] [-z drain-s] [-m max-block-bytes]
#          [--keep DIR] [--no-build]
#   SERVER_DLL / CLI_DLL override the Release outputs (e.g. builds in another folder).
# Note: the load generator runs on the same 2 cores as the server.
set -euo pipefail

rate=150000
duration=10m
interval=10
drain=60
max_block_bytes=""
keep=""
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    -r) rate=$2; shift 2 ;;
    -d) duration=$2; shift 2 ;;
    -i) interval=$2; shift 2 ;;
    -z) drain=$2; shift 2 ;;
    -m) max_block_bytes=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-steady-state: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
server_dll=${SERVER_DLL:-"$root/src/Tempo.Streaming.Server/bin/Release/net10.0/tempo-streaming.dll"}
cli_dll=${CLI_DLL:-"$root/src/Tempo.Streaming.Cli/bin/Release/net10.0/tempo-streaming-cli.dll"}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bench_name=bench-steady-state
# shellcheck source=lib/bench-server.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-server.sh"
require_tools curl jq python3
if [ -z "${SERVER_DLL:-}${CLI_DLL:-}" ]; then
  build_release "$build" "src/Tempo.Streaming.Server src/Tempo.Streaming.Cli" "$server_dll" "$cli_dll"
else
  build_release 0 "" "$server_dll" "$cli_dll"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tempo-bench-steady.XXXXXX")
server_pid=""
load_pid=""
cleanup() {
  if [ -n "$load_pid" ]; then kill -TERM "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; fi
  stop_server
  if [ -n "$keep" ]; then
    mkdir -p "$keep"
    cp "$work"/data/server.log "$work"/data/tempo-streaming.yaml "$work"/*.tsv "$work"/*.log "$work"/*.json "$keep"/ 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

data="$work/data"
start_server "$data" "${max_block_bytes:+  max_block_bytes: $max_block_bytes}"

metrics() { curl -sf --max-time 5 "http://127.0.0.1:$api_port/metrics" || true; }
metric_sum() { awk -v name="$1" '$1 == name || index($1, name "{") == 1 { s += $NF } END { printf "%.0f", s }'; }

# Records not yet in a block, summed over partitions: each partition's high watermark minus its flushed offset.
flush_lag() {
  curl -sf --max-time 8 "http://127.0.0.1:$api_port/status/lineage" \
    | jq '[.partitions[] | select(.highWatermark != null) | (.highWatermark - (.flushedOffset // 0))] | add // 0' 2>/dev/null || echo nan
}

samples="$work/samples.tsv"
printf 't_s\tphase\trss_mib\tlag_records\tflush_lag_records\tstored_spans\tblocks_flushed\tunflushed_bytes\tappended_records\tfailed_flushes\tpauses\tserver_cpu_s\tsteal_s\n' >"$samples"
clock_ticks=$(getconf CLK_TCK)
sample() {
  local phase=$1 m rss
  m=$(metrics)
  rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status" 2>/dev/null || echo nan)
  # user + system CPU of the server (fields 14 and 15 after the parenthesised command name), and the machine's steal
  # time: on a shared VM the CPU a run gets varies, so throughput is also reported per server CPU-second
  cpu=$(sed 's/^.*) //' "/proc/$server_pid/stat" 2>/dev/null | awk -v hz="$clock_ticks" '{ printf "%.2f", ($12 + $13) / hz }' || echo nan)
  steal=$(awk -v hz="$clock_ticks" '/^cpu / { printf "%.2f", $9 / hz }' /proc/stat)
  printf '%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $((SECONDS - started)) "$phase" "$rss" \
    "$(echo "$m" | metric_sum tempo_ingest_group_partition_lag)" "$(flush_lag)" \
    "$(echo "$m" | metric_sum tempo_live_store_spans_stored_total)" "$(echo "$m" | metric_sum tempo_live_store_blocks_flushed_total)" \
    "$(echo "$m" | metric_sum tempo_live_store_unflushed_bytes)" "$(echo "$m" | metric_sum tempo_ingest_log_appended_records_total)" \
    "$(echo "$m" | metric_sum tempo_live_store_failed_flushes_total)" "$(echo "$m" | metric_sum tempo_live_store_consumption_paused_total)" \
    "$cpu" "$steal" | tee -a "$samples"
}

echo "steady state: $rate spans/s over OTLP gRPC for $duration, sampled every $interval s (+ $drain s after), $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
load_avg_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$SECONDS
dotnet "$cli_dll" load --endpoint "127.0.0.1:$grpc_port" --rate "$rate" --duration "$duration" \
  --summary-json "$work/load.json" >"$work/load.log" 2>&1 &
load_pid=$!
sample load
next=$((SECONDS + interval))
while kill -0 "$load_pid" 2>/dev/null; do
  kill -0 "$server_pid" 2>/dev/null || { echo "bench-steady-state: the server died:" >&2; tail -50 "$data/server.log" >&2; exit 1; }
  if [ $SECONDS -ge $next ]; then sample load; next=$((next + interval)); fi
  sleep 0.5
done
wait "$load_pid" || true
load_pid=""
push_end=$((SECONDS - started))
drain_end=$((SECONDS + drain))
while [ $SECONDS -lt $drain_end ]; do
  sleep 1
  if [ $SECONDS -ge $next ]; then sample drain; next=$((next + interval)); fi
done
load_avg_end=$(cut -d' ' -f1-3 /proc/loadavg)
peak_rss=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")
cp "$data/server.log" "$work/server.log"

echo
[ -s "$work/load.json" ] && jq -c '{acknowledgedSpans, acknowledgedTraces, elapsedSeconds, failedBatches}' "$work/load.json" 2>/dev/null || tail -5 "$work/load.log"
echo "load average: start $load_avg_start, end $load_avg_end; peak RSS (VmHWM) $peak_rss MiB; push ended at ${push_end} s"
python3 "$root/scripts/lib/steady-state-report.py" "$samples" "$work/server.log"
