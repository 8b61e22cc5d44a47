#!/usr/bin/env bash
# Backup benchmark (see docs/backup.md): a village of 50,000 residents,
# 100,000 signed letters, 1,000,000 sensor readings and PHOTOS_MB of photos.
# Measures backup (through the running daemon, as `balai backup create` does
# on a box), verify and restore times, the file size, end-to-end MB/s, and
# the live server's request latency while the backup runs (oha, fixed rate).
# Usage: bench/backup.sh [PHOTOS_MB]   (default 200; 1100 gives a backup over 1 GB)
# Everything is made under $BENCH_DIR (default /tmp/balai-bench-backup) and deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PHOTOS_MB=${1:-200}
WORK=${BENCH_DIR:-/tmp/balai-bench-backup}
PORT=${BENCH_PORT:-18543}
HPORT=${BENCH_HTTP_PORT:-18180}
RATE=${BENCH_RATE:-50}
WINDOW=${BENCH_WINDOW:-60}

[ -n "${BENCH_NO_BUILD:-}" ] || cargo build --release -p balai --bin balai --example bench_backup >&2
BIN=$PWD/target/release/balai
rm -rf "$WORK" && mkdir -p "$WORK"
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
ms() { echo $(( ($2 - $1) / 1000000 )); }

s=$(date +%s%N)
target/release/examples/bench_backup "$WORK/data" "$PHOTOS_MB"
echo "## fill: $(ms "$s" "$(date +%s%N)") ms"
PASS="benchmark password $(date +%s)"
echo "$PASS" | "$BIN" --data-dir "$WORK/data" user add bench --role admin > /dev/null
TOKEN=$("$BIN" --data-dir "$WORK/data" token issue --user bench)
DATA_BYTES=$(du -sb "$WORK/data" | cut -f1)
echo "## data dir: $((DATA_BYTES / 1000000)) MB ($(du -sb "$WORK/data/store" | cut -f1 | awk '{print int($1/1e6)}') MB store, $(du -sb "$WORK/data/files" | cut -f1 | awk '{print int($1/1e6)}') MB photos)"

BALAI_HTTP__BIND=127.0.0.1 BALAI_HTTP__HTTPS_PORT=$PORT BALAI_HTTP__HTTP_PORT=$HPORT BALAI_LOG=warn \
  BALAI_BACKUP__DAILY=false "$BIN" --data-dir "$WORK/data" serve > "$WORK/serve.log" 2>&1 &
PID=$!
URL=https://127.0.0.1:$PORT
for _ in $(seq 600); do curl -skf "$URL/healthz" > /dev/null && break; sleep 0.2; done
TARGET="$URL/api/v1/residents?limit=20"
curl -skf -H "Authorization: Bearer $TOKEN" "$TARGET" > /dev/null

echo "## baseline: $TARGET at $RATE req/s, 10 s, no backup"
oha -z 10s -c 2 -q "$RATE" --latency-correction --no-tui --insecure -H "Authorization: Bearer $TOKEN" "$TARGET" \
  | grep -E "Slowest|Fastest|Average|99.00%|Success rate" || true

echo "## backup through the daemon while oha runs at $RATE req/s for ${WINDOW} s"
oha -z "${WINDOW}s" -c 2 -q "$RATE" --latency-correction --no-tui --insecure -H "Authorization: Bearer $TOKEN" "$TARGET" \
  > "$WORK/oha.txt" &
OHA=$!
sleep 3
s=$(date +%s%N)
"$BIN" --data-dir "$WORK/data" backup create --out "$WORK/bench.balai-backup"
BACKUP_MS=$(ms "$s" "$(date +%s%N)")
wait $OHA || true
grep -E "Slowest|Fastest|Average|99.00%|99.90%|Success rate|Requests/sec" "$WORK/oha.txt" || cat "$WORK/oha.txt"
[ "$BACKUP_MS" -lt $(( (WINDOW - 3) * 1000 )) ] || echo "WARNING: the backup outlasted the latency window; raise BENCH_WINDOW"
SIZE=$(stat -c %s "$WORK/bench.balai-backup")
echo "## backup: $BACKUP_MS ms, file $((SIZE / 1000000)) MB, $(( DATA_BYTES / 1000 / BACKUP_MS )) MB/s of data dir"
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=

s=$(date +%s%N)
"$BIN" --data-dir "$WORK/data" backup verify "$WORK/bench.balai-backup"
VERIFY_MS=$(ms "$s" "$(date +%s%N)")
echo "## verify: $VERIFY_MS ms, $(( SIZE / 1000 / VERIFY_MS )) MB/s of backup file"
s=$(date +%s%N)
"$BIN" --data-dir "$WORK/restored" backup restore "$WORK/bench.balai-backup" --key "$WORK/data/keys/backup.age-identity"
RESTORE_MS=$(ms "$s" "$(date +%s%N)")
echo "## restore: $RESTORE_MS ms, $(( DATA_BYTES / 1000 / RESTORE_MS )) MB/s of data dir"
"$BIN" --data-dir "$WORK/restored" audit verify
echo "## restored photos: $(find "$WORK/restored/files" -name '*.jpg' | wc -l) of $(find "$WORK/data/files" -name '*.jpg' | wc -l)"
