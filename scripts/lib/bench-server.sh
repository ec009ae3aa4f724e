# Shared by the bench-*.sh scripts (sourced, not run): start and stop a Release tempo-streaming server on a fresh data
# folder with free loopback ports. The sourcing script sets bench_name (for messages) and server_dll, and keeps
# server_pid empty until a server runs; start_server sets server_pid, api_port, grpc_port and http_port.

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

start_server() {
  local data=$1
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
        http:
          endpoint: 127.0.0.1:$http_port
ingest:
  embedded:
    path: $data/ingest
live_store:
  path: $data/live-store
storage:
  trace:
    backend: local
    local:
      path: $data/blocks
YAML
  (cd "$data" && exec dotnet "$server_dll" -config.file="$data/tempo-streaming.yaml" -target=all) >"$data/server.log" 2>&1 &
  server_pid=$!
  local deadline=$((SECONDS + 60))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$api_port/ready" || true)" = 200 ]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "$bench_name: the server exited before it was ready:" >&2; cat "$data/server.log" >&2; exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "$bench_name: the server was not ready after 60 s:" >&2; cat "$data/server.log" >&2; exit 1
    fi
    sleep 0.2
  done
}
