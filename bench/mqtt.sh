#!/usr/bin/env bash
# MQTT benchmark (docs/mqtt.md, "Benchmark"). Two ways to run it:
#
#   bench/mqtt.sh run ADDR [PID] [CREDS]
#       the load against one broker at ADDR (host:port): QoS 0 and QoS 1
#       throughput with 50 publishers, end-to-end latency at 2,000 msg/s,
#       and, with PID, the broker's RSS while 1,000 clients are connected.
#       CREDS: `id secret` lines (Balai's devices); none for an anonymous broker.
#   bench/mqtt.sh compare [OUTDIR]
#       builds release, starts Balai (1,000 registered devices, every reading
#       persisted) and Debian's Mosquitto (relay only, no persistence) on
#       loopback, and runs the same load against each, one after the other.
#
# Env: BENCH_SECONDS (default 10) per throughput and latency run.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER=${BENCH_SECONDS:-10}
LOAD=target/release/mqtt_load
ulimit -n 8192 2>/dev/null || true

rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

run() {
  local addr=$1 pid=${2:-} creds=${3:-}
  "$LOAD" throughput "$addr" 0 50 "$SECONDS_PER" $creds
  "$LOAD" throughput "$addr" 1 50 "$SECONDS_PER" $creds
  "$LOAD" latency "$addr" 2000 "$SECONDS_PER" $creds
  if [ -n "$pid" ]; then
    echo "rss idle=$(rss_mib "$pid")MiB"
    "$LOAD" hold "$addr" 1000 20 $creds &
    local hold=$!
    # connected within a few seconds; measure while all are held
    sleep 12
    echo "rss clients=1000 rss=$(rss_mib "$pid")MiB"
    wait "$hold"
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

compare() {
  local out=${1:-target/bench-mqtt}
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  command -v mosquitto >/dev/null || { echo "mosquitto missing: apt-get install mosquitto" >&2; exit 1; }
  cargo build --release -p balai --bin balai -p balai-tests --bin mqtt_load >&2
  local bin=target/release/balai data=$out/data
  rm -rf "$data"
  local port https http
  port=$(free_port); https=$(free_port); http=$(free_port)
  export BALAI_DATA_DIR=$data BALAI_HTTP__BIND=127.0.0.1 BALAI_HTTP__HTTPS_PORT=$https BALAI_HTTP__HTTP_PORT=$http
  export BALAI_MQTT__BIND=127.0.0.1 BALAI_MQTT__PORT=$port BALAI_MQTT__PORT_V5=0 BALAI_MQTT__TLS_PORT=0 BALAI_MQTT__TLS_PORT_V5=0
  # The load floods 50 devices far past a sensor's rate; lift the per-device
  # limit so every reading is persisted (and counted).
  export BALAI_MQTT__READINGS_PER_MINUTE=0 BALAI_LOG=warn
  "$bin" serve > "$out/balai.log" 2>&1 &
  local balai=$!
  sleep 3
  echo "registering 1,000 devices" >&2
  : > "$out/creds"
  for i in $(seq -w 1 1000); do
    "$bin" --json device add "bench$i" --kind water --place "Bench" |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["secret"])' >> "$out/creds"
  done
  local pass="bench password $(date +%s)"
  echo "$pass" | "$bin" user add benchadmin --role admin > /dev/null
  local token
  token=$("$bin" token issue --user benchadmin)

  echo "== Balai 127.0.0.1:$port (stores every reading)"
  run "127.0.0.1:$port" "$balai" "$out/creds" | tee "$out/balai.txt"
  curl -sk -H "Authorization: Bearer $token" "https://127.0.0.1:$https/metrics" | grep -v '^#' | grep -v device= | tee -a "$out/balai.txt"
  kill "$balai"; wait "$balai" 2>/dev/null || true

  local mport
  mport=$(free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_inflight_messages 100\nmax_queued_messages 100000\n' "$mport" > "$out/mosquitto.conf"
  mosquitto -c "$out/mosquitto.conf" > "$out/mosquitto.log" 2>&1 &
  local mosq=$!
  sleep 1
  echo "== Mosquitto $(mosquitto -h 2>/dev/null | head -1 | awk '{print $3}') 127.0.0.1:$mport (relay only)"
  run "127.0.0.1:$mport" "$mosq" | tee "$out/mosquitto.txt"
  kill "$mosq"; wait "$mosq" 2>/dev/null || true
}

case "${1:-}" in
  run) shift; [ $# -ge 1 ] || { echo "usage: bench/mqtt.sh run ADDR [PID] [CREDS]" >&2; exit 2; }; run "$@" ;;
  compare) shift; compare "$@" ;;
  *) echo "usage: bench/mqtt.sh run ADDR [PID] [CREDS] | compare [OUTDIR]" >&2; exit 2 ;;
esac
