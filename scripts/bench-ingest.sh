#!/usr/bin/env bash
# End-to-end ingest figure of BENCHMARKS.md: the `load` generator (standard "shop" workload) against the Release
# server, per protocol, as a median over several runs. Each run gets a fresh server on a fresh data folder (same
# config as `make run` apart from the data path and free loopback ports), so runs are independent and the peak RSS
# (VmHWM) is that run's. Prints per run the median of the per-second acknowledged spans (robust to ramp-up and the
# tail) and the server's peak RSS, then the median over runs per protocol.
#
# Usage: scripts/bench-ingest.sh [-n runs] [-d duration] [-b batch-spans] [-p "otlp-grpc otlp-http otlp-http-json"]
#                                [--no-build] [-- extra load args, e.g. --concurrency 16]
# Note: the load generator runs on the same machine and takes part of its cores from the server.
set -euo pipefail

runs=3
duration=30s
batch_spans=1000
protocols="otlp-grpc otlp-http otlp-http-json"
build=1
extra_load_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs=$2; shift 2 ;;
    -d) duration=$2; shift 2 ;;
    -b) batch_spans=$2; shift 2 ;;
    -p) protocols=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --) shift; extra_load_args=("$@"); break ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-ingest: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
server_dll="$root/src/Tempo.Streaming.Server/bin/Release/net10.0/tempo-streaming.dll"
cli_dll="$root/src/Tempo.Streaming.Cli/bin/Release/net10.0/tempo-streaming-cli.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bench_name=bench-ingest
# shellcheck source=lib/bench-server.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-server.sh"
require_tools curl jq python3

build_release "$build" "src/Tempo.Streaming.Server src/Tempo.Streaming.Cli" "$server_dll" "$cli_dll"

work=$(mktemp -d "${TMPDIR:-/tmp}/tempo-bench-ingest.XXXXXX")
server_pid=""
load_pid=""

cleanup() {
  if [ -n "$load_pid" ]; then kill -TERM "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; fi
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

peak_rss_mib() {
  awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}


echo "shop workload, $runs run(s) of $duration per protocol, $batch_spans spans per request, $(nproc) cores"
summary=()
for protocol in $protocols; do
  rates=()
  peaks=()
  for run in $(seq 1 "$runs"); do
    data="$work/$protocol-$run"
    start_server "$data"
    if [ "$protocol" = otlp-grpc ]; then endpoint="127.0.0.1:$grpc_port"; else endpoint="http://127.0.0.1:$http_port"; fi
    status=0
    # In the background so that a signal to this script is handled at once, not after the run.
    dotnet "$cli_dll" load --protocol "$protocol" --endpoint "$endpoint" --duration "$duration" --batch-spans "$batch_spans" \
      --summary-json "$data/summary.json" "${extra_load_args[@]}" >"$data/load.log" 2>&1 &
    load_pid=$!
    wait "$load_pid" || status=$?
    load_pid=""
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "bench-ingest: the server died during $protocol run $run:" >&2; tail -50 "$data/server.log" >&2; exit 1
    fi
    peak=$(peak_rss_mib "$server_pid")
    stop_server
    if [ ! -s "$data/summary.json" ]; then
      echo "bench-ingest: load wrote no summary ($protocol run $run, exit $status):" >&2; tail -30 "$data/load.log" >&2; exit 1
    fi
    rate=$(jq -r '.medianSpansPerSecond' "$data/summary.json")
    overall=$(jq -r '.spansPerSecond' "$data/summary.json")
    failed=$(jq -r '.failedBatches' "$data/summary.json")
    rejected=$(jq -r '.rejectedSpans' "$data/summary.json")
    p99=$(jq -r '.latencyMs.p99' "$data/summary.json")
    line=$(printf '%-15s run %d/%d: %9.0f spans/s (median of 1 s buckets; %.0f over the run), p99 %6.1f ms, peak RSS %5s MiB' \
      "$protocol" "$run" "$runs" "$rate" "$overall" "$p99" "$peak")
    if [ "$failed" != 0 ] || [ "$rejected" != 0 ]; then
      line="$line  [$failed failed batches, $rejected rejected spans: $(jq -c '.errorsByKind' "$data/summary.json")]"
    fi
    echo "$line"
    rates+=("$rate")
    peaks+=("$peak")
    rm -rf "$data"
  done
  summary+=("$(printf '%-15s median %9.0f spans/s over %d run(s), peak RSS median %5s MiB (max %s MiB)' "$protocol" \
    "$(printf '%s\n' "${rates[@]}" | median)" "$runs" "$(printf '%s\n' "${peaks[@]}" | median)" \
    "$(printf '%s\n' "${peaks[@]}" | sort -g | tail -1)")")
done
echo
printf '%s\n' "${summary[@]}"
