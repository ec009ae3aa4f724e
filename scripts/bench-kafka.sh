#!/usr/bin/env bash
# Distributed-mode ingest figure (issue 4): the `load` generator (standard "shop" workload, OTLP gRPC) against a
# -target=distributor process that produces to Kafka (librdkafka's mock cluster, the tools/mock-kafka process), with a
# -target=live-store process consuming the partition. Each run starts everything fresh. Prints per run the median of
# the per-second acknowledged spans, the p99 push latency, and the spans the live store stored during the run, then
# medians over runs. Compare with `scripts/bench-ingest.sh -p otlp-grpc` (single binary, embedded log).
# The mock broker keeps only a bounded window of each partition in memory: when ingest outruns the live store (they
# share the 2 cores), older records expire before it reads them (the live store logs the gap). The run line says how
# many of the records produced during the run the live store had consumed when the load ended.
#
# Usage: scripts/bench-kafka.sh [-n runs] [-d duration] [-b batch-spans] [-c compression] [--no-build] [-- extra load args]
# Note: broker, distributor, live store and load generator share this machine's cores.
set -euo pipefail

runs=3
duration=30s
batch_spans=1000
compression=lz4
build=1
extra_load_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs=$2; shift 2 ;;
    -d) duration=$2; shift 2 ;;
    -b) batch_spans=$2; shift 2 ;;
    -c) compression=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --) shift; extra_load_args=("$@"); break ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-kafka: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
server_dll="$root/src/Tempo.Streaming.Server/bin/Release/net10.0/tempo-streaming.dll"
cli_dll="$root/src/Tempo.Streaming.Cli/bin/Release/net10.0/tempo-streaming-cli.dll"
mock_dll="$root/tools/mock-kafka/bin/Release/net10.0/mock-kafka.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bench_name=bench-kafka
# shellcheck source=lib/bench-server.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-server.sh"
require_tools curl jq python3

build_release "$build" "src/Tempo.Streaming.Server src/Tempo.Streaming.Cli tools/mock-kafka" "$server_dll" "$cli_dll" "$mock_dll"

work=$(mktemp -d "${TMPDIR:-/tmp}/tempo-bench-kafka.XXXXXX")
pids=()
load_pid=""

cleanup() {
  if [ -n "$load_pid" ]; then kill -TERM "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; fi
  stop_all
  rm -rf "$work"
}
stop_all() {
  local pid
  for pid in "${pids[@]}"; do server_pid=$pid; stop_server; done
  pids=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# start_target <data> <target> <instance-id> <bootstrap>: sets api_port, grpc_port, http_port; waits for /ready.
start_target() {
  local data=$1 target=$2 instance=$3 bootstrap=$4
  mkdir -p "$data"
  api_port=$(free_port); grpc_port=$(free_port); http_port=$(free_port)
  cat >"$data/tempo-streaming.yaml" <<YAML
server:
  http_listen_address: 127.0.0.1
  http_listen_port: $api_port
distributor:
  receivers:
    otlp:
      protocols:
        grpc:
          endpoint: 127.0.0.1:$grpc_port
ingest:
  kafka:
    address: $bootstrap
    producer_compression: $compression
live_store:
  path: $data/live-store
  shutdown_marker_dir: $data/shutdown-marker
  ring:
    instance_id: $instance
    instance_addr: 127.0.0.1
  partition_ring:
    min_partition_owners_duration: 1s
YAML
  (cd "$data" && exec dotnet "$server_dll" -config.file="$data/tempo-streaming.yaml" -target="$target") >"$data/server.log" 2>&1 &
  pids+=("$!")
  wait_ready "${pids[-1]}" "$api_port" "$data/server.log" "$target" 90
}

metric_sum() {
  curl -s "http://127.0.0.1:$1/metrics" | awk -v name="$2" 'index($0, name) == 1 { s += $NF } END { printf "%.0f", s }'
}

spans_stored() {
  curl -s "http://127.0.0.1:$1/metrics" | awk '/^tempo_live_store_spans_stored_total/ { s += $2 } END { printf "%.0f", s }'
}

echo "shop workload over OTLP gRPC -> distributor -> mock Kafka ($compression) -> live store; $runs run(s) of $duration, $batch_spans spans per request, $(nproc) cores"
rates=(); p99s=(); stored_rates=()
for run in $(seq 1 "$runs"); do
  data="$work/run-$run"
  mkdir -p "$data"
  (MOCK_KAFKA_IGNORE_STDIN_EOF=1 exec dotnet "$mock_dll" --topic tempo-ingest:1 --topic tempo-ingest-ring:1 </dev/null) >"$data/mock.out" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 100); do grep -q '^BOOTSTRAP=' "$data/mock.out" 2>/dev/null && break; sleep 0.1; done
  bootstrap=$(sed -n 's/^BOOTSTRAP=//p' "$data/mock.out")
  [ -n "$bootstrap" ] || { echo "bench-kafka: mock-kafka did not start:" >&2; cat "$data/mock.out" >&2; exit 1; }
  start_target "$data/live-store" live-store live-store-zone-a-0 "$bootstrap"; live_api=$api_port
  start_target "$data/distributor" distributor distributor-0 "$bootstrap"; dist_api=$api_port; dist_grpc=$grpc_port
  for _ in $(seq 1 300); do
    # dskit's JSON: state 2 = PartitionActive
    [ "$(curl -s -H 'Accept: application/json' "http://127.0.0.1:$dist_api/partition-ring" | jq '[.partitions[]? | select(.state == 2)] | length' 2>/dev/null)" = 1 ] && break
    sleep 0.1
  done
  stored_before=$(spans_stored "$live_api"); t0=$(date +%s.%N)
  status=0
  dotnet "$cli_dll" load --protocol otlp-grpc --endpoint "127.0.0.1:$dist_grpc" --duration "$duration" --batch-spans "$batch_spans" \
    --summary-json "$data/summary.json" "${extra_load_args[@]}" >"$data/load.log" 2>&1 &
  load_pid=$!
  wait "$load_pid" || status=$?
  load_pid=""
  stored_after=$(spans_stored "$live_api"); t1=$(date +%s.%N)
  produced=$(metric_sum "$dist_api" 'tempo_ingest_kafka_produced_records_total{topic="tempo-ingest"}')
  consumed=$(metric_sum "$live_api" 'tempo_live_store_records_consumed_total')
  stop_all
  [ -s "$data/summary.json" ] || { echo "bench-kafka: load wrote no summary (run $run, exit $status):" >&2; tail -30 "$data/load.log" >&2; exit 1; }
  rate=$(jq -r '.medianSpansPerSecond' "$data/summary.json")
  p99=$(jq -r '.latencyMs.p99' "$data/summary.json")
  failed=$(jq -r '.failedBatches' "$data/summary.json")
  stored_rate=$(python3 -c "print(round(($stored_after - $stored_before) / ($t1 - $t0)))")
  printf 'run %d/%d: %9.0f spans/s acknowledged (median of 1 s buckets), p99 push %6.1f ms, %s failed batches; live store stored %7.0f spans/s, consumed %s of %s records\n' \
    "$run" "$runs" "$rate" "$p99" "$failed" "$stored_rate" "$consumed" "$produced"
  rates+=("$rate"); p99s+=("$p99"); stored_rates+=("$stored_rate")
  rm -rf "$data"
done
echo
printf 'median over %d run(s): %.0f spans/s acknowledged, p99 push %.1f ms, live store %.0f spans/s stored\n' "$runs" \
  "$(printf '%s\n' "${rates[@]}" | median)" "$(printf '%s\n' "${p99s[@]}" | median)" "$(printf '%s\n' "${stored_rates[@]}" | median)"
