#!/usr/bin/env bash
# Issue 16, "intraday at scale": ingest + index of N tickers x 1 year of
# synthetic 1-minute bars (default 100 tickers, about 9.8 M bars) through the
# real CLI, against a daily-data ingest in the same run (the shared S&P 500
# CSV folder, 537 tickers, 658k daily bars) as the baseline.
#
# Per run and kind: wall, user and sys CPU seconds and peak resident memory
# (/usr/bin/time -v), bars and windows (the ingest's --json summary), bytes per
# bar of the bar store on disk (bars.db + its WAL, after the process exited),
# and the 1-minute load average when the run started (the machine is shared).
# The data directory of the last intraday run is kept for the question
# benchmark (bench/kb_intraday_bench.cc):
#   OHLCV_BENCH_DATA_DIR=$OUT/intraday build/bench/kb_intraday_bench --benchmark_repetitions=5
#
# Usage: bench/intraday_scale.sh [RUNS]   (default 3; ~3-6 min per run on 2 cores)
# Env: BIN (default build/ohlcv-rag), TICKERS (100), OUT (/tmp/intraday-scale),
#      OHLCV_SHARED_DIR (default ../shared), OHLCV_CACHE_DIR (word vectors),
#      SKIP_BASELINE=1 to skip the daily baseline.
# Not part of CI (minutes of two cores).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${1:-3}
BIN=${BIN:-$ROOT/build/ohlcv-rag}
TICKERS=${TICKERS:-100}
OUT=${OUT:-/tmp/intraday-scale}
SHARED=${OHLCV_SHARED_DIR:-$ROOT/../shared}
CSV_DIR=$SHARED/data/sp500_2015_2020
mkdir -p "$OUT"

tickers=$(for ((i = 0; i < TICKERS; i++)); do printf 'S%03d,' "$i"; done)
tickers=${tickers%,}

# measure KIND DATA_DIR CMD...: one timed ingest; prints one table row.
measure() {
  local kind=$1 dir=$2
  shift 2
  rm -rf "$dir"
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -v -o "$OUT/time.txt" "$BIN" --data-dir "$dir" ingest "$@" --json >"$OUT/summary.json" \
    2>"$OUT/stderr.txt" || { echo "ingest failed:"; tail -5 "$OUT/stderr.txt"; return 1; }
  local wall user sys rss bars windows bytes
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$OUT/time.txt")
  user=$(awk -F': ' '/User time/ {print $2}' "$OUT/time.txt")
  sys=$(awk -F': ' '/System time/ {print $2}' "$OUT/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$OUT/time.txt")
  bars=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["bars_inserted"])' "$OUT/summary.json")
  windows=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["windows"])' "$OUT/summary.json")
  bytes=$(stat -c %s "$dir/bars.db")
  [[ -f "$dir/bars.db-wal" ]] && bytes=$((bytes + $(stat -c %s "$dir/bars.db-wal")))
  printf '| %s | %s | %.1f | %.1f | %.1f | %s | %s | %s | %.1f | %s |\n' "$run" "$kind" "$wall" "$user" "$sys" \
    "$rss" "$bars" "$windows" "$(echo "$bytes / $bars" | bc -l)" "$load"
}

echo "| run | kind | wall s | user s | sys s | peak RSS MB | bars | windows | bytes/bar (bars.db+wal) | load avg (1 min) at start |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for ((run = 1; run <= RUNS; run++)); do
  if [[ -z "${SKIP_BASELINE:-}" ]]; then
    measure "daily CSV baseline" "$OUT/daily" --source csv --path "$CSV_DIR"
  fi
  measure "intraday ${TICKERS}x1y 1m" "$OUT/intraday" --source synthetic --tickers "$tickers" --interval 1m \
    --period 1y
done
