#!/usr/bin/env bash
# Balai's population-register benchmark (documented in docs/benchmarks.md).
# Builds release, generates a 50,000-resident village, and measures:
#   import time (3 fresh runs), idle RSS, the resident list page at 32
#   connections (wrk), search latency at 1 connection (wrk), RSS under load;
#   and signed letter PDFs (seal + render + sign, 1,000 letters, p50/p99).
# Usage: bench/run.sh [OUTDIR]   (needs wrk and curl, optionally oha; loopback only)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/bench}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PORT=${BENCH_PORT:-18443}
HPORT=${BENCH_HTTP_PORT:-18080}
DURATION=${BENCH_DURATION:-20s}

cargo build --release -p balai --bin balai --example demo_csv --example bench_letter_pdf >&2

echo "## signed letter PDFs (seal + render + sign), 1,000 letters, one core"
target/release/examples/bench_letter_pdf 1000 | tee "$OUT/letters.txt"
BIN=target/release/balai
CSV="$OUT/village-50k.csv"
target/release/examples/demo_csv 15000 "$CSV"

echo "## import of $(($(wc -l < "$CSV") - 1)) rows (CLI, no daemon, includes indexing), 3 fresh runs"
for i in 1 2 3; do
  rm -rf "$OUT/data"
  s=$(date +%s%N)
  "$BIN" --data-dir "$OUT/data" residents import "$CSV" > /dev/null
  e=$(date +%s%N)
  echo "import run $i: $(( (e - s) / 1000000 )) ms"
done

PASS="benchmark password $(date +%s)"
echo "$PASS" | "$BIN" --data-dir "$OUT/data" user add bench --role admin > /dev/null
TOKEN=$("$BIN" --data-dir "$OUT/data" token issue --user bench)

BALAI_HTTP__BIND=127.0.0.1 BALAI_HTTP__HTTPS_PORT=$PORT BALAI_HTTP__HTTP_PORT=$HPORT BALAI_LOG=warn \
  "$BIN" --data-dir "$OUT/data" serve > "$OUT/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
URL=https://127.0.0.1:$PORT
for _ in $(seq 100); do curl -skf "$URL/healthz" > /dev/null && break; sleep 0.1; done
sleep 2
echo "## idle RSS: $(grep VmRSS /proc/$PID/status)"

# sign in like a browser: pre-session cookie + csrf, then the session cookie
JAR="$OUT/cookies.txt"; rm -f "$JAR"
CSRF=$(curl -sk -c "$JAR" "$URL/signin" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//;s/"//')
curl -sk -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "username=bench" --data-urlencode "password=$PASS" \
  --data-urlencode "csrf=$CSRF" --data-urlencode "next=/residents" "$URL/signin/staff"
SESSION=$(awk '$6 == "__Host-balai_session" {print $7}' "$JAR")
[ -n "$SESSION" ] || { echo "sign-in failed" >&2; exit 1; }
curl -skf -H "Cookie: __Host-balai_session=$SESSION" "$URL/residents" | grep -q 'Halaman 1 dari' || { echo "list page not served" >&2; exit 1; }

peak_rss() { local max=0; while kill -0 "$1" 2>/dev/null; do r=$(awk '/VmRSS/ {print $2}' /proc/$PID/status); [ "$r" -gt "$max" ] && max=$r; sleep 0.2; done; echo "$max"; }

echo "## resident list page (/residents, 25 rows, signed in), 2 threads, 32 connections, $DURATION"
wrk -t2 -c32 -d"$DURATION" --latency -H "Cookie: __Host-balai_session=$SESSION" "$URL/residents" > "$OUT/wrk-list.txt" &
WRK=$!
RSS=$(peak_rss $WRK)
wait $WRK || true
cat "$OUT/wrk-list.txt"
echo "## peak RSS under list load: ${RSS} kB"

if command -v oha > /dev/null; then
  echo "## resident list page at a fixed 2,500 requests/s, 32 connections, $DURATION (oha, latency corrected)"
  oha -z "$DURATION" -c 32 -q 2500 --latency-correction --no-tui --insecure \
    -H "Cookie: __Host-balai_session=$SESSION" "$URL/residents" | tee "$OUT/oha-list-2500.txt"
fi

cat > "$OUT/search.lua" <<'LUA'
local names = {"siti", "sitti", "wahyu", "budi", "bambang", "agus", "sri", "dewi", "rahmat", "nur aini", "suparman", "3310", "33100501", "slamet", "yuliani", "hartono", "kurniawan", "endang"}
local i = 0
request = function()
  i = i + 1
  local q = names[(i % #names) + 1]
  return wrk.format("GET", "/api/v1/search?q=" .. q:gsub(" ", "+") .. "&limit=20", {["Authorization"] = "Bearer " .. os.getenv("TOKEN")})
end
LUA
echo "## search API (18 queries in turn: names with and without typos, NIK prefixes), 1 connection, $DURATION"
TOKEN=$TOKEN wrk -t1 -c1 -d"$DURATION" --latency -s "$OUT/search.lua" "$URL" | tee "$OUT/wrk-search.txt"
echo "## search API, 32 connections"
TOKEN=$TOKEN wrk -t2 -c32 -d"$DURATION" --latency -s "$OUT/search.lua" "$URL" | tee "$OUT/wrk-search32.txt"
echo "## RSS after load: $(grep VmRSS /proc/$PID/status)"
