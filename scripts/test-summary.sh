#!/usr/bin/env bash
# Runs every test project and ends with the plain `N passed, N failed, N skipped` line CI reads
# (dotnet test's own "Passed!  - Failed: 0, Passed: 5 ..." lines are summed over the test assemblies).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p .tmp
dotnet test Tempo.Streaming.sln --no-build -c "${CONFIGURATION:-Release}" "$@" 2>&1 | tee .tmp/test.log
rc=${PIPESTATUS[0]}
# CI shows only the tail of the run: name the failed tests (with their first error line) right above the closing line.
# A theory's name has spaces in its arguments ("Name(point: \"x\") [2 s]"): the name runs up to the last " [".
awk '/^ +Failed .+ \[[^]]*\] *$/ { name = $0; sub(/^ +Failed /, "", name); sub(/ \[[^]]*\] *$/, "", name); want = 1; next }
  want && /Error Message:/ { getline msg; sub(/^ +/, "", msg); printf "FAILED %s: %s\n", name, substr(msg, 1, 300); want = 0 }' .tmp/test.log
awk '/(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+/ { gsub(",", ""); for (i = 1; i < NF; i++) {
  if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' .tmp/test.log
exit $rc
