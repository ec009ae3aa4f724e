#!/usr/bin/env bash
# Block figures of issue 5 (BENCHMARKS.md) on the standard "shop" workload, as medians of several blocks per backend:
#   write        spans/s writing a block (combine, sort, encode, compress, data.parquet + bloom + index + meta.json)
#                over wall time and over process CPU time (the per-core rate)
#   stored       data.parquet bytes per span, and per column family (ids, times, attributes, names, structure, other)
#   trace by ID  p50/p99 over random known IDs from the block: a first "warming" pass (many lookups are the first to touch
#                their pages) and a second "warm" pass (the page cache holds what the first pass read), local folder and S3 (s3rver)
# Each run writes its own block and deletes it after measuring; s3rver runs on a free loopback port in a temp folder.
#
# Usage: scripts/bench-blocks.sh [-n runs] [-t traces] [-q lookups] [-z zstd|snappy|gzip|none] [--only "local s3"] [--no-build]
set -euo pipefail

runs=3
traces=50000
lookups=2000
compression=zstd
backends="local s3"
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs=$2; shift 2 ;;
    -t) traces=$2; shift 2 ;;
    -q) lookups=$2; shift 2 ;;
    -z) compression=$2; shift 2 ;;
    --only) backends=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-blocks: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cli_dll="$root/src/Tempo.Streaming.Cli/bin/Release/net10.0/tempo-streaming-cli.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bench_name=bench-blocks
server_pid=""
# shellcheck source=lib/bench-server.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-server.sh"
require_tools curl node python3
build_release "$build" "src/Tempo.Streaming.Cli" "$cli_dll"

work=$(mktemp -d /tmp/bench-blocks.XXXXXX)
s3_pid=""
cleanup() {
  if [ -n "$s3_pid" ]; then kill "$s3_pid" 2>/dev/null || true; wait "$s3_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

for backend in $backends; do
  case "$backend" in
    local)
      mkdir -p "$work/local"
      args=(--backend local --path "$work/local") ;;
    s3)
      s3rver="$root/tests/js/node_modules/s3rver/bin/s3rver.js"
      [ -f "$s3rver" ] || { echo "bench-blocks: s3rver is not installed: run scripts/install-test-deps.sh" >&2; exit 2; }
      port=$(free_port)
      mkdir -p "$work/s3"
      node --openssl-legacy-provider "$s3rver" -d "$work/s3" -a 127.0.0.1 -p "$port" --no-vhost-buckets --silent \
        --configure-bucket tempo >"$work/s3rver.log" 2>&1 &
      s3_pid=$!
      for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
      args=(--backend s3 --s3.bucket tempo --s3.endpoint "127.0.0.1:$port" --s3.insecure --s3.access-key S3RVER --s3.secret-key S3RVER) ;;
    *) echo "bench-blocks: unknown backend '$backend' in --only (local s3)" >&2; exit 2 ;;
  esac
  echo "== $backend =="
  dotnet "$cli_dll" blocks bench "${args[@]}" --traces "$traces" --runs "$runs" --lookups "$lookups" \
    --compression "$compression"
  echo
done
