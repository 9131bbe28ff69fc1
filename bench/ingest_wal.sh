#!/usr/bin/env bash
# WAL sizes during ingest (issue 18: index/windows.db-wal reached 550 MB in a
# re-ingest). Two `ohlcv-rag ingest` runs on one fresh data directory, the
# largest bars.db-wal and index/windows.db-wal sampled every 0.2 s in each:
#   1. whole-folder ingest of an "older revision" of the shared folder (every
#      price scaled by a factor drifting from 0.96 to 1, as a dividend
#      adjustment of the whole history does; written to a scratch folder);
#   2. re-ingest of the real folder: every bar changes, every window is
#      rewritten under its id (the issue's re-ingest).
# Bound: the index's WAL under 2 x 64 MB plus one write, bars.db's under
# its journal_size_limit (64 MB) plus one ticker's bars.
#
# Usage: bench/ingest_wal.sh [BUILD_DIR]   Env: WORK (scratch, default
# /var/tmp/ohlcv-ingest-wal; removed first), SHARED_DATA, OHLCV_CACHE_DIR.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BIN=${1:-$ROOT/build}/ohlcv-rag
WORK=${WORK:-/var/tmp/ohlcv-ingest-wal}
SHARED=${SHARED_DATA:-$ROOT/../shared/data/sp500_2015_2020}
[ -d "$SHARED" ] || SHARED=/work/shared/data/sp500_2015_2020
export OHLCV_CACHE_DIR=${OHLCV_CACHE_DIR:-$ROOT/.cache}
rm -rf "$WORK" && mkdir -p "$WORK/older"
python3 - "$SHARED" "$WORK/older" <<'PY'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(src)):
    if not name.endswith(".csv"):
        continue
    lines = open(os.path.join(src, name)).read().splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:], start=1):
        f = line.split(",")
        k = 0.96 + 0.04 * i / len(lines)
        f[1:5] = ["%.6f" % (float(x) * k) for x in f[1:5]]
        out.append(",".join(f))
    open(os.path.join(dst, name), "w").write("\n".join(out) + "\n")
PY

run() {  # label, csv folder
  local label=$1 path=$2 max_bars=0 max_index=0 start
  start=$(date +%s.%N)
  env -u OHLCV_DATABASE_URL -u VECTOR_STORE_TYPE "$BIN" --data-dir "$WORK/data" ingest --source csv --path "$path" \
    --threads 2 > "$WORK/$label.log" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2> /dev/null; do
    b=$(stat -c %s "$WORK/data/bars.db-wal" 2> /dev/null || echo 0)
    w=$(stat -c %s "$WORK/data/index/windows.db-wal" 2> /dev/null || echo 0)
    (( b > max_bars )) && max_bars=$b
    (( w > max_index )) && max_index=$w
    sleep 0.2
  done
  wait "$pid"
  printf '%-10s wall %6.1f s  max bars.db-wal %6.1f MB  max index/windows.db-wal %6.1f MB  (%s)\n' "$label" \
    "$(echo "$(date +%s.%N) - $start" | bc)" "$(echo "$max_bars / 1048576" | bc -l)" \
    "$(echo "$max_index / 1048576" | bc -l)" "$(grep -o 'windows (new or changed): [0-9]*' "$WORK/$label.log")"
}
echo "==> load average: $(cut -d' ' -f1-3 /proc/loadavg)"
run ingest "$WORK/older"
run reingest "$SHARED"
echo "==> load average: $(cut -d' ' -f1-3 /proc/loadavg)"
