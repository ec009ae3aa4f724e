#!/usr/bin/env bash
# Installs what the tests need besides the runtime packages (idempotent):
#   kcat        an independent Kafka client
#   prometheus  for `promtool check metrics` against /metrics
#   npm packages under tests/js: real OpenTelemetry JS exporters used as clients nobody here wrote
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-runtime-deps.sh" kcat prometheus
js="$root/tests/js"
stamp="$js/node_modules/.installed-from-package.json"
if [ ! -f "$stamp" ] || ! cmp -s "$js/package.json" "$stamp"; then
  echo "installing npm test clients into tests/js"
  # no lockfile: it would record registry addresses; versions are pinned exactly in package.json
  (cd "$js" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
  cp "$js/package.json" "$stamp"
fi
