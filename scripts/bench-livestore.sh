#!/usr/bin/env bash
# Live-store figures of issue 3 (BENCHMARKS.md), each as a median over several runs on this machine:
#   consumption  in-process: the Benchmarks harness pre-fills an embedded log through the distributor and times a fresh
#                live store consuming it (spans/s applied to RocksDB; all runs share one pre-fill)
#   e2e          end to end: `consumption` pushes at full speed into a fresh Release server and reads
#                tempo_live_store_spans_stored_total from /metrics until everything acknowledged is stored
#   freshness    `freshness` pushes at --rate (default 75,000 spans/s, half the ingest target) and polls sampled
#                acknowledged traces by ID until complete: p50/p99 of acknowledged -> found
#   by-id        one server loaded with --traces (default 1M) shop traces, then `query-bench` passes over random known
#                IDs: p50/p99 trace-by-ID latency with that many traces in the live store
# Every server run gets a fresh data folder and free loopback ports; everything started or written is removed on exit.
#
# Usage: scripts/bench-livestore.sh [-n runs] [-d duration] [-r freshness-rate] [-t by-id-traces] [-q requests]
#          [-c query-concurrency] [-s harness-spans] [--only "consumption e2e freshness by-id"] [--no-build]
# Note: the load generator and the query clients run on the same machine and take part of its cores from the server.
set -euo pipefail

runs=3
duration=30s
rate=75000
by_id_traces=1000000
requests=20000
# One lookup in flight measures the latency of a lookup; on 2 cores, more in flight measures the .NET query client
# (which verifies every answer) and the server competing for the same cores (-c 4: p99 5.8 ms vs 3.1 ms at -c 1).
query_concurrency=1
harness_spans=3000000
parts="consumption e2e freshness by-id"
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs=$2; shift 2 ;;
    -d) duration=$2; shift 2 ;;
    -r) rate=$2; shift 2 ;;
    -t) by_id_traces=$2; shift 2 ;;
    -q) requests=$2; shift 2 ;;
    -c) query_concurrency=$2; shift 2 ;;
    -s) harness_spans=$2; shift 2 ;;
    --only) parts=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-livestore: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for part in $parts; do
  case "$part" in
    consumption|e2e|freshness|by-id) ;;
    *) echo "bench-livestore: unknown part '$part' in --only (consumption e2e freshness by-id)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
server_dll="$root/src/Tempo.Streaming.Server/bin/Release/net10.0/tempo-streaming.dll"
cli_dll="$root/src/Tempo.Streaming.Cli/bin/Release/net10.0/tempo-streaming-cli.dll"
bench_dll="$root/tests/Tempo.Streaming.Benchmarks/bin/Release/net10.0/Tempo.Streaming.Benchmarks.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bench_name=bench-livestore
# shellcheck source=lib/bench-server.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-server.sh"
require_tools curl jq python3

wants() { case " $parts " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

build_release "$build" "src/Tempo.Streaming.Server src/Tempo.Streaming.Cli tests/Tempo.Streaming.Benchmarks" "$server_dll" "$cli_dll" "$bench_dll"

work=$(mktemp -d "${TMPDIR:-/tmp}/tempo-bench-livestore.XXXXXX")
server_pid=""
child_pid=""

cleanup() {
  if [ -n "$child_pid" ]; then kill -TERM "$child_pid" 2>/dev/null || true; wait "$child_pid" 2>/dev/null || true; fi
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs a command in the background (so a signal to this script is handled at once) and returns its exit status.
run_child() {
  local status=0
  "$@" &
  child_pid=$!
  wait "$child_pid" || status=$?
  child_pid=""
  return "$status"
}

check_server_alive() {
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "bench-livestore: the server died during $1:" >&2; tail -50 "$2/server.log" >&2; exit 1
  fi
}

stored_spans() {
  curl -sf "http://127.0.0.1:$api_port/metrics" | awk '/^tempo_live_store_spans_stored_total[{ ]/ { s += $NF } END { printf "%.0f", s }'
}

values() { printf '%s\n' "$@" | median; }

echo "live-store figures: $runs run(s), pushes of $duration, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
summary=()

if wants consumption; then
  echo
  echo "== consumption (in-process harness: $harness_spans spans pre-filled through the distributor, fresh live store per run)"
  log="$work/harness.log"
  if ! run_child dotnet "$bench_dll" live-store-consumption --spans "$harness_spans" --runs "$runs" --dir "$work/harness" >"$log" 2>&1; then
    echo "bench-livestore: the consumption harness failed:" >&2; tail -30 "$log" >&2; exit 1
  fi
  cat "$log"
  summary+=("consumption (harness)   $(grep '^median' "$log")")
fi

if wants e2e; then
  echo
  echo "== consumption end to end (load at full speed over OTLP gRPC, /metrics read every second)"
  stored_rates=()
  for run in $(seq 1 "$runs"); do
    data="$work/e2e-$run"
    start_server "$data"
    status=0
    run_child dotnet "$cli_dll" consumption --endpoint "127.0.0.1:$grpc_port" --query-endpoint "http://127.0.0.1:$api_port" \
      --duration "$duration" --summary-json "$data/summary.json" >"$data/run.log" 2>&1 || status=$?
    check_server_alive "e2e run $run" "$data"
    stop_server
    if [ ! -s "$data/summary.json" ]; then
      echo "bench-livestore: consumption wrote no summary (run $run, exit $status):" >&2; tail -30 "$data/run.log" >&2; exit 1
    fi
    s="$data/summary.json"
    printf 'e2e run %d/%d: pushed %9.0f spans/s (median s), stored %9.0f spans/s median until caught up (%9.0f while pushing, %9.0f overall), caught up %s after %.1f s, max lag %.0f spans\n' \
      "$run" "$runs" "$(jq -r .pushMedianSpansPerSecond "$s")" "$(jq -r .storedMedianSpansPerSecondUntilCaughtUp "$s")" \
      "$(jq -r .storedMedianSpansPerSecondDuringLoad "$s")" "$(jq -r .storedSpansPerSecondOverall "$s")" "$(jq -r .caughtUp "$s")" \
      "$(jq -r .catchUpSeconds "$s")" "$(jq -r .maxLagSpans "$s")"
    stored_rates+=("$(jq -r .storedMedianSpansPerSecondUntilCaughtUp "$s")")
    rm -rf "$data"
  done
  summary+=("$(printf 'consumption (e2e)       median %9.0f spans/s stored over %d run(s)' "$(values "${stored_rates[@]}")" "$runs")")
fi

if wants freshness; then
  echo
  echo "== freshness (load at $rate spans/s over OTLP gRPC, every 10th acknowledged trace polled by ID every 10 ms, or every 5% of its wait once longer)"
  p50s=(); p99s=()
  for run in $(seq 1 "$runs"); do
    data="$work/freshness-$run"
    start_server "$data"
    status=0
    run_child dotnet "$cli_dll" freshness --endpoint "127.0.0.1:$grpc_port" --query-endpoint "http://127.0.0.1:$api_port" \
      --rate "$rate" --duration "$duration" --summary-json "$data/summary.json" >"$data/run.log" 2>&1 || status=$?
    check_server_alive "freshness run $run" "$data"
    stop_server
    if [ ! -s "$data/summary.json" ]; then
      echo "bench-livestore: freshness wrote no summary (run $run, exit $status):" >&2; tail -30 "$data/run.log" >&2; exit 1
    fi
    s="$data/summary.json"
    line=$(printf 'freshness run %d/%d: pushed %8.0f spans/s; p50 %7.1f ms, p90 %7.1f ms, p99 %7.1f ms, max %7.1f ms over %d traces' \
      "$run" "$runs" "$(jq -r .pushSpansPerSecond "$s")" "$(jq -r .freshnessMs.p50 "$s")" "$(jq -r .freshnessMs.p90 "$s")" \
      "$(jq -r .freshnessMs.p99 "$s")" "$(jq -r .freshnessMs.max "$s")" "$(jq -r .freshnessMs.count "$s")")
    if [ "$(jq -r '.timedOut + .overComplete + .skipped + .failedBatches' "$s")" != 0 ]; then
      line="$line  [timed out $(jq -r .timedOut "$s"), over-complete $(jq -r .overComplete "$s"), skipped $(jq -r .skipped "$s") (biases the percentiles low), failed batches $(jq -r .failedBatches "$s")]"
    fi
    echo "$line"
    p50s+=("$(jq -r .freshnessMs.p50 "$s")"); p99s+=("$(jq -r .freshnessMs.p99 "$s")")
    rm -rf "$data"
  done
  summary+=("$(printf 'freshness               median p50 %7.1f ms, p99 %7.1f ms over %d run(s) at %s spans/s' \
    "$(values "${p50s[@]}")" "$(values "${p99s[@]}")" "$runs" "$rate")")
fi

if wants by-id; then
  echo
  echo "== trace by ID with $by_id_traces traces in the live store ($requests random known IDs per pass, $query_concurrency in flight)"
  data="$work/by-id"
  start_server "$data"
  status=0
  run_child dotnet "$cli_dll" load --endpoint "127.0.0.1:$grpc_port" --traces "$by_id_traces" --acked-out "$data/acked.tsv" \
    --summary-json "$data/load.json" >"$data/load.log" 2>&1 || status=$?
  check_server_alive "the by-ID load" "$data"
  if [ ! -s "$data/load.json" ] || [ "$(jq -r .acknowledgedTraces "$data/load.json")" != "$by_id_traces" ]; then
    echo "bench-livestore: the by-ID load did not acknowledge every trace (exit $status):" >&2; tail -30 "$data/load.log" >&2; exit 1
  fi
  acked=$(jq -r .acknowledgedSpans "$data/load.json")
  printf 'loaded %s traces (%s spans) in %.0f s; waiting for the live store to store them all...\n' "$by_id_traces" "$acked" \
    "$(jq -r .elapsedSeconds "$data/load.json")"
  deadline=$((SECONDS + 600))
  until [ "$(stored_spans)" -ge "$acked" ]; do
    check_server_alive "the by-ID catch-up" "$data"
    if [ $SECONDS -ge $deadline ]; then
      echo "bench-livestore: the live store stored $(stored_spans) of $acked spans after 10 minutes" >&2; exit 1
    fi
    sleep 1
  done
  p50s=(); p99s=()
  for pass in $(seq 1 "$runs"); do
    status=0
    run_child dotnet "$cli_dll" query-bench --query-endpoint "http://127.0.0.1:$api_port" --ids "$data/acked.tsv" \
      --requests "$requests" --concurrency "$query_concurrency" --random-seed "$pass" --summary-json "$data/query-$pass.json" \
      >"$data/query-$pass.log" 2>&1 || status=$?
    check_server_alive "query pass $pass" "$data"
    if [ ! -s "$data/query-$pass.json" ]; then
      echo "bench-livestore: query-bench wrote no summary (pass $pass, exit $status):" >&2; tail -30 "$data/query-$pass.log" >&2; exit 1
    fi
    s="$data/query-$pass.json"
    line=$(printf 'by-ID pass %d/%d: %6.0f req/s; p50 %6.2f ms, p90 %6.2f ms, p99 %6.2f ms, p99.9 %6.2f ms, max %7.2f ms' "$pass" "$runs" \
      "$(jq -r .requestsPerSecond "$s")" "$(jq -r .latencyMs.p50 "$s")" "$(jq -r .latencyMs.p90 "$s")" "$(jq -r .latencyMs.p99 "$s")" \
      "$(jq -r .latencyMs.p999 "$s")" "$(jq -r .latencyMs.max "$s")")
    if [ "$(jq -r .complete "$s")" != "$(jq -r .requests "$s")" ]; then
      line="$line  [complete $(jq -r .complete "$s") of $(jq -r .requests "$s"), wrong span count $(jq -r .wrongSpanCount "$s"), not found $(jq -r .notFound "$s"), errors $(jq -c .errorsByKind "$s")]"
    fi
    echo "$line"
    p50s+=("$(jq -r .latencyMs.p50 "$s")"); p99s+=("$(jq -r .latencyMs.p99 "$s")")
  done
  summary+=("$(printf 'trace by ID             median p50 %6.2f ms, p99 %6.2f ms over %d pass(es), %s traces in the live store, peak RSS %s MiB' \
    "$(values "${p50s[@]}")" "$(values "${p99s[@]}")" "$runs" "$by_id_traces" \
    "$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")")")
  stop_server
  rm -rf "$data"
fi

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${summary[@]}"
