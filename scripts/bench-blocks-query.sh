#!/usr/bin/env bash
# Trace by ID from blocks (issue 6 "Figures": >= 100 blocks, p99 <= 20 ms on the local backend; the s3rver figure is
# reported). Blocks are made the real way: a fresh Release single binary (-target=all) takes the shop workload in
# rounds (`load --traces T --first-trace K --acked-out`), each round ended by /flush, which cuts every partition's
# consumed records into a block (4 partitions: about 4 blocks a round); then `query-bench --mode blocks` passes over
# random acknowledged IDs, so every answer comes from object storage and none from the live store.
# Why rounds and not a small live_store.max_block_bytes: under a continuous push the flush loop keeps cutting the
# first partition while it has a due range and the other partitions wait (seen in issue 6's measurements), so the
# block count would depend on timing; /flush after each round makes it depend on the rounds only. The compactor runs with a compaction_cycle far longer than the run, and the script checks
# tempodb_compaction_blocks_total stays 0 and the block count (tempodb_blocklist_length) stays put while measuring.
# Every server run gets a fresh data folder (and bucket) and free loopback ports; everything is removed on exit.
#
# Usage: scripts/bench-blocks-query.sh [-b "local s3"] [-R rounds] [-t traces-per-round] [-m max-block-bytes] [-k min-blocks] [-n passes]
#          [-q requests] [-c concurrency] [--keep DIR] [--no-build]
#   SERVER_DLL / CLI_DLL override the Release outputs (e.g. builds in another folder).
# Note: the load generator and the query client run on the same 2 cores as the server.
set -euo pipefail

backends="local s3"
rounds=28
traces=1000
# The live store's own cuts stay out of the way with the default size (64 MiB); -m sets live_store.max_block_bytes.
max_block_bytes=""
min_blocks=100
runs=3
requests=5000
# One lookup in flight measures a lookup's latency; more in flight measures the client and server sharing 2 cores.
query_concurrency=1
# Unmeasured requests first (connections, JIT); the server's counters see them too.
warmup=200
keep=""
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    -b) backends=$2; shift 2 ;;
    -R) rounds=$2; shift 2 ;;
    -t) traces=$2; shift 2 ;;
    -m) max_block_bytes=$2; shift 2 ;;
    -k) min_blocks=$2; shift 2 ;;
    -n) runs=$2; shift 2 ;;
    -q) requests=$2; shift 2 ;;
    -c) query_concurrency=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-blocks-query: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
server_dll=${SERVER_DLL:-"$root/src/Tempo.Streaming.Server/bin/Release/net10.0/tempo-streaming.dll"}
cli_dll=${CLI_DLL:-"$root/src/Tempo.Streaming.Cli/bin/Release/net10.0/tempo-streaming-cli.dll"}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bench_name=bench-blocks-query
# shellcheck source=lib/bench-server.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-server.sh"
require_tools curl jq python3 node
if [ -z "${SERVER_DLL:-}${CLI_DLL:-}" ]; then
  build_release "$build" "src/Tempo.Streaming.Server src/Tempo.Streaming.Cli" "$server_dll" "$cli_dll"
else
  build_release 0 "" "$server_dll" "$cli_dll"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tempo-bench-blocks-query.XXXXXX")
server_pid=""
s3_pid=""
cleanup() {
  stop_server
  if [ -n "$s3_pid" ]; then kill -TERM "$s3_pid" 2>/dev/null || true; wait "$s3_pid" 2>/dev/null || true; fi
  if [ -n "$keep" ]; then mkdir -p "$keep" && cp -r "$work"/. "$keep"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

metric_sum() {
  curl -sf "http://127.0.0.1:$api_port/metrics" | awk -v name="$1" '$1 == name || index($1, name "{") == 1 { s += $NF } END { printf "%.0f", s }'
}

check_server_alive() {
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "bench-blocks-query: the server died during $1:" >&2; tail -50 "$data/server.log" >&2; exit 1
  fi
}

# start_blocks_server DATA BACKEND: start_server (lib/bench-server.sh) with -m as max_block_bytes, the compactor idle
# for the run, and local or s3rver block storage.
start_blocks_server() {
  local data=$1 backend=$2 storage
  if [ "$backend" = local ]; then
    storage="    backend: local
    local:
      path: $data/blocks"
  else
    storage="    backend: s3
    s3:
      bucket: tempo
      endpoint: 127.0.0.1:$s3_port
      access_key: S3RVER
      secret_key: S3RVER
      insecure: true
      forcepathstyle: true
      region: us-east-1"
  fi
  start_server "$data" "${max_block_bytes:+  max_block_bytes: $max_block_bytes}" "compactor:
  compaction:
    compaction_cycle: 24h
storage:
  trace:
$storage"
}

start_s3rver() {
  local s3rver="$root/tests/js/node_modules/s3rver/bin/s3rver.js"
  [ -f "$s3rver" ] || { echo "bench-blocks-query: s3rver is not installed: run scripts/install-test-deps.sh" >&2; exit 2; }
  s3_port=$(free_port)
  mkdir -p "$work/s3"
  node --openssl-legacy-provider "$s3rver" -d "$work/s3" -a 127.0.0.1 -p "$s3_port" --no-vhost-buckets --silent \
    --configure-bucket tempo >"$work/s3rver.log" 2>&1 &
  s3_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$s3_port/" >/dev/null && return 0; sleep 0.1; done
  echo "bench-blocks-query: s3rver did not start:" >&2; cat "$work/s3rver.log" >&2; exit 1
}

echo "trace by ID from blocks: $rounds rounds of $traces shop traces per backend, each ended by /flush, $runs pass(es) of $requests" \
  "requests ($query_concurrency in flight), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
summary=()
for backend in $backends; do
  case "$backend" in local|s3) ;; *) echo "bench-blocks-query: unknown backend '$backend' (local s3)" >&2; exit 2 ;; esac
  echo
  echo "== $backend =="
  [ "$backend" = s3 ] && start_s3rver
  data="$work/$backend"
  start_blocks_server "$data" "$backend"
  load_started=$SECONDS
  acked=0
  for round in $(seq 0 $((rounds - 1))); do
    dotnet "$cli_dll" load --endpoint "127.0.0.1:$grpc_port" --traces "$traces" --first-trace $((round * traces)) \
      --acked-out "$data/acked.tsv" --summary-json "$data/load.json" >"$data/load.log" 2>&1 || true
    check_server_alive "load round $round"
    if [ ! -s "$data/load.json" ] || [ "$(jq -r .acknowledgedTraces "$data/load.json")" != "$traces" ]; then
      echo "bench-blocks-query: load round $round did not acknowledge every trace:" >&2; tail -30 "$data/load.log" >&2; exit 1
    fi
    acked=$((acked + $(jq -r .acknowledgedSpans "$data/load.json")))
    rm -f "$data/load.json"
    deadline=$((SECONDS + 300))
    until [ "$(metric_sum tempo_live_store_spans_stored_total)" -ge "$acked" ]; do
      check_server_alive "the catch-up of round $round"
      [ $SECONDS -lt $deadline ] || { echo "bench-blocks-query: the live store did not store $acked spans in 5 minutes" >&2; exit 1; }
      sleep 0.5
    done
    # /flush cuts every partition's consumed records, so after the last round every acknowledged span is in a block.
    flush_status=$(curl -s -o "$data/flush.out" -w '%{http_code}' -X POST "http://127.0.0.1:$api_port/flush")
    [ "$flush_status" = 204 ] || { echo "bench-blocks-query: /flush answered $flush_status: $(cat "$data/flush.out")" >&2; exit 1; }
  done
  blocks_flushed=$(metric_sum tempo_live_store_blocks_flushed_total)
  # The querier's block list must hold every flushed block before measuring (flushed blocks are added at once).
  deadline=$((SECONDS + 120))
  until [ "$(metric_sum tempodb_blocklist_length)" -ge "$blocks_flushed" ]; do
    [ $SECONDS -lt $deadline ] || break
    sleep 1
  done
  blocks=$(metric_sum tempodb_blocklist_length)
  printf 'loaded %s traces (%s spans) in %s rounds and cut %s blocks in %d s; block list %s blocks\n' $((rounds * traces)) "$acked" "$rounds" "$blocks_flushed" \
    $((SECONDS - load_started)) "$blocks"
  if [ "$blocks" -lt "$min_blocks" ]; then
    echo "bench-blocks-query: only $blocks blocks (< $min_blocks): raise -R" >&2; exit 1
  fi
  p50s=(); p99s=()
  for pass in $(seq 1 "$runs"); do
    # tempo_streaming_query_blocks_inspected_total counts the blocks left after time and block-ID pruning, whose
    # bloom filters are then checked.
    inspected_before=$(metric_sum tempo_streaming_query_blocks_inspected_total)
    status=0
    dotnet "$cli_dll" query-bench --query-endpoint "http://127.0.0.1:$api_port" --ids "$data/acked.tsv" --mode blocks \
      --warmup "$warmup" --requests "$requests" --concurrency "$query_concurrency" --random-seed "$pass" --summary-json "$data/query-$pass.json" \
      >"$data/query-$pass.log" 2>&1 || status=$?
    check_server_alive "query pass $pass"
    s="$data/query-$pass.json"
    [ -s "$s" ] || { echo "bench-blocks-query: query-bench wrote no summary (pass $pass, exit $status):" >&2; tail -30 "$data/query-$pass.log" >&2; exit 1; }
    inspected=$(( $(metric_sum tempo_streaming_query_blocks_inspected_total) - inspected_before ))
    line=$(printf '%s pass %d/%d: %6.0f req/s; p50 %6.2f ms, p90 %6.2f ms, p99 %6.2f ms, p99.9 %6.2f ms, max %7.2f ms; %.1f candidate blocks per request' \
      "$backend" "$pass" "$runs" "$(jq -r .requestsPerSecond "$s")" "$(jq -r .latencyMs.p50 "$s")" "$(jq -r .latencyMs.p90 "$s")" \
      "$(jq -r .latencyMs.p99 "$s")" "$(jq -r .latencyMs.p999 "$s")" "$(jq -r .latencyMs.max "$s")" \
      "$(echo "$inspected $(jq -r .requests "$s") $warmup" | awk '{ printf "%.1f", $1 / ($2 + $3) }')")
    if [ "$(jq -r .complete "$s")" != "$(jq -r .requests "$s")" ]; then
      line="$line  [complete $(jq -r .complete "$s") of $(jq -r .requests "$s"), wrong span count $(jq -r .wrongSpanCount "$s"), not found $(jq -r .notFound "$s"), errors $(jq -c .errorsByKind "$s")]"
    fi
    echo "$line"
    p50s+=("$(jq -r .latencyMs.p50 "$s")"); p99s+=("$(jq -r .latencyMs.p99 "$s")")
  done
  compacted=$(metric_sum tempodb_compaction_blocks_total)
  blocks_after=$(metric_sum tempodb_blocklist_length)
  if [ "$compacted" != 0 ] || [ "$blocks_after" != "$blocks" ]; then
    echo "bench-blocks-query: the blocks changed while measuring ($blocks -> $blocks_after, $compacted compacted): the figure is not over $blocks blocks" >&2
  fi
  summary+=("$(printf '%-5s median p50 %6.2f ms, p99 %6.2f ms over %d pass(es) of %s requests, %s blocks, peak RSS %s MiB' \
    "$backend" "$(printf '%s\n' "${p50s[@]}" | median)" "$(printf '%s\n' "${p99s[@]}" | median)" "$runs" "$requests" "$blocks" \
    "$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")")")
  stop_server
done

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${summary[@]}"
