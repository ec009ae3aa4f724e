# Shared by the bench-*.sh scripts (sourced, not run): tool checks, the Release build, medians, and starting and
# stopping a Release tempo-streaming server on a fresh data folder with free loopback ports. The sourcing script sets
# bench_name (for messages), root and server_dll, and keeps server_pid empty until a server runs; start_server sets
# server_pid, api_port, grpc_port and http_port.

# require_tools TOOL...: exits 2 naming the first tool that is missing.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$bench_name: '$tool' is required (apt-get install $tool)" >&2; exit 2; }
  done
}

# build_release BUILD "PROJECT..." DLL...: when BUILD is 1, builds each project (a path under $root) in Release; then
# checks that every DLL exists.
build_release() {
  local build=$1 projects=$2 project dll out
  shift 2
  if [ "$build" = 1 ]; then
    echo "building $projects (Release)..."
    for project in $projects; do
      if ! out=$(dotnet build "$root/$project" -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1); then
        echo "$out" >&2; exit 1
      fi
    done
  fi
  for dll in "$@"; do
    [ -f "$dll" ] || { echo "$bench_name: $dll is missing; build in Release (or drop --no-build)" >&2; exit 2; }
  done
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# wait_ready PID PORT LOG WHAT [SECONDS]: waits until /ready on PORT answers 200; exits showing LOG when PID dies first
# or the time (default 60 s) runs out.
wait_ready() {
  local pid=$1 port=$2 log=$3 what=$4 limit=${5:-60}
  local deadline=$((SECONDS + limit))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ready" || true)" = 200 ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$bench_name: $what exited before it was ready:" >&2; cat "$log" >&2; exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "$bench_name: $what was not ready after $limit s:" >&2; cat "$log" >&2; exit 1
    fi
    sleep 0.2
  done
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

# start_server DATA [LIVE_STORE_LINES] [TRAILING_YAML]: a Release single binary (-target=all) on DATA with free loopback
# ports, waited for until ready. LIVE_STORE_LINES go under live_store: (indented, e.g. "  max_block_bytes: 1000");
# TRAILING_YAML replaces the default storage section (local blocks under DATA) and may add other top-level sections.
start_server() {
  local data=$1 live_store_lines=${2:-} trailing=${3:-}
  mkdir -p "$data"
  api_port=$(free_port); grpc_port=$(free_port); http_port=$(free_port)
  [ -n "$trailing" ] || trailing="storage:
  trace:
    backend: local
    local:
      path: $data/blocks"
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
        http:
          endpoint: 127.0.0.1:$http_port
ingest:
  embedded:
    path: $data/ingest
live_store:
  path: $data/live-store${live_store_lines:+
$live_store_lines}
$trailing
YAML
  (cd "$data" && exec dotnet "$server_dll" -config.file="$data/tempo-streaming.yaml" -target=all) >"$data/server.log" 2>&1 &
  server_pid=$!
  wait_ready "$server_pid" "$api_port" "$data/server.log" "the server"
}
