#!/usr/bin/env bash
# Steady state of the live store alone (issue 6 "Figures", measured the way issue 3 measured consumption): the
# Benchmarks harness pre-fills an embedded log with --rate x --duration spans of the shop workload through the
# distributor (a process of its own), then a fresh live store with default settings (it is the flush owner: it cuts
# blocks to a local folder) consumes it while the records are released at --rate spans/s, each stamped with its
# arrival time. Nothing else runs on the machine's cores: no receivers, no load generator, no compactor. Every
# --interval seconds the harness samples what scripts/bench-steady-state.sh samples of a server (RSS, consumption
# lag, flush lag, stored spans, blocks, CPU, steal), keeps sampling --drain seconds after the last record arrived,
# and scripts/lib/steady-state-report.py prints the same report.
#
# Usage: scripts/bench-steady-state-livestore.sh [-r spans/s] [-d duration] [-i interval-s] [-z drain-s]
#          [-m max-block-bytes] [-l zstd-level] [--prefill DIR] [--no-build]
#   --prefill DIR  keep the pre-filled log in DIR and reuse it when it is there (a 10-minute log at 150k spans/s is
#                  ~7.5 GB and takes ~3 minutes to write); by default a fresh one under TMPDIR, removed on exit.
set -euo pipefail

rate=150000
duration=10m
interval=10
drain=60
max_block_bytes=""
zstd_level=""
prefill=""
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    -r) rate=$2; shift 2 ;;
    -d) duration=$2; shift 2 ;;
    -i) interval=$2; shift 2 ;;
    -z) drain=$2; shift 2 ;;
    -m) max_block_bytes=$2; shift 2 ;;
    -l) zstd_level=$2; shift 2 ;;
    --prefill) prefill=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-steady-state-livestore: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$duration" in
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 && "$rate" =~ ^[0-9]+$ && "$rate" -gt 0 ]] \
  || { echo "bench-steady-state-livestore: -d must be N, Ns or Nm and -r a positive number" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
bench_dll="$root/tests/Tempo.Streaming.Benchmarks/bin/Release/net10.0/Tempo.Streaming.Benchmarks.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bench_name=bench-steady-state-livestore
# shellcheck source=lib/bench-server.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-server.sh"
require_tools python3
build_release "$build" "tests/Tempo.Streaming.Benchmarks" "$bench_dll"

work=$(mktemp -d "${TMPDIR:-/tmp}/tempo-bench-steady-livestore.XXXXXX")
dir=${prefill:-$work/prefill}
cleanup() { rm -rf "$work"; [ -n "$prefill" ] || rm -rf "$dir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

spans=$((rate * seconds))
if [ -f "$dir/prefill.json" ] && python3 -c "import json,sys; sys.exit(0 if json.load(open('$dir/prefill.json'))['Spans'] >= $spans else 1)"; then
  echo "reusing the pre-filled log in $dir ($(python3 -c "import json; print(json.load(open('$dir/prefill.json'))['Spans'])") spans)"
else
  rm -rf "$dir"
  echo "pre-filling $spans spans into $dir ..."
  dotnet "$bench_dll" live-store-steady-state prefill --dir "$dir" --spans "$spans"
fi

# The server's runtime settings (tempo-streaming.runtimeconfig.json), so memory and CPU compare with a server's.
export DOTNET_TieredCompilation=0 DOTNET_gcConcurrent=1 DOTNET_gcServer=0 DOTNET_GCRetainVM=1 DOTNET_GCLOHThreshold=100000
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
dotnet "$bench_dll" live-store-steady-state run --dir "$dir" --samples "$work/samples.tsv" --rate "$rate" --interval "$interval" \
  --drain "$drain" ${max_block_bytes:+--max-block-bytes "$max_block_bytes"} ${zstd_level:+--zstd-level "$zstd_level"} \
  >"$work/run.log" 2>&1 || status=$?
grep -v ' info: \| warn: ' "$work/run.log" | grep -v $'^[0-9]*\t' || true
grep ' warn: \| fail: ' "$work/run.log" | sort | uniq -c | sort -rn | head -5 || true
[ "$status" = 0 ] || { echo "bench-steady-state-livestore: the harness failed (exit $status):" >&2; tail -30 "$work/run.log" >&2; exit 1; }
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$root/scripts/lib/steady-state-report.py" "$work/samples.tsv" "$work/run.log"
