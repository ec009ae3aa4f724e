#!/usr/bin/env bash
# TraceQL search speed beside DuckDB on the standard "shop" workload: the workload is written as two
# vParquet4 blocks, then each query runs in our search engine (condition push-down, candidate traces decoded and
# evaluated) and as the equivalent SQL in DuckDB over the same data.parquet files, one core each:
#   spans/s per core   every span of the blocks / CPU seconds of a run (medians of the timed runs)
#   wall ms            median wall time of a run
#   matched spans      both engines' counts; a MISMATCH line (and exit code 1) when they differ
# Queries: a selective int attribute, a non-selective resource filter, a regex on a span attribute, a descendant (>>).
#
# Usage: scripts/bench-search.sh [-n runs] [-t traces] [--path DIR (reuse or keep the blocks)] [--summary-json FILE] [--no-build]
set -euo pipefail

runs=5
traces=50000
extra=()
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs=$2; shift 2 ;;
    -t) traces=$2; shift 2 ;;
    --path|--summary-json) extra+=("$1" "$2"); shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-search: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cli_dll="$root/src/Tempo.Streaming.Cli/bin/Release/net10.0/tempo-streaming-cli.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bench_name=bench-search
# shellcheck source=lib/bench-server.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-server.sh"
require_tools node
[ -d "$root/tests/js/node_modules/@duckdb/node-api" ] || {
  echo "bench-search: the DuckDB node module is not installed: run scripts/install-test-deps.sh" >&2; exit 2; }
build_release "$build" "src/Tempo.Streaming.Cli" "$cli_dll"

dotnet "$cli_dll" blocks search-bench --traces "$traces" --runs "$runs" \
  --duckdb-script "$root/tests/js/duckdb-bench.mjs" "${extra[@]}"
