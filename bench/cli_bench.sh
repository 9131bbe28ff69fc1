#!/usr/bin/env bash
# Cold-process timings of the real binary on the shared dataset (issue 16):
#   1. incremental ingest: a full ingest of the CSV folder minus each file's
#      last DAYS rows (the same-run baseline), then DAYS daily updates (one
#      new bar per ticker each), then NONE re-runs with nothing new; wall
#      time of each `ohlcv-rag ingest` process, medians; ROUNDS rounds, each
#      in a fresh data directory;
#   2. status / bars / indicators / patterns / windows / query from a cold
#      process (a new process each run; the OS page cache is warm) with
#      hyperfine when installed, else a loop of RUNS runs (median).
# Usage: bench/cli_bench.sh [build/ohlcv-rag]   env: ROUNDS (1), DAYS (3), NONE (3), RUNS (10), KEEP_DIR,
# OHLCV_SHARED_DIR (default ../shared), OHLCV_CACHE_DIR (word vectors).
set -euo pipefail
BIN=$(realpath "${1:-build/ohlcv-rag}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${OHLCV_SHARED_DIR:-$ROOT/../shared}
DATA=$SHARED/data/sp500_2015_2020
ROUNDS=${ROUNDS:-1}
RUNS=${RUNS:-10}
[ -d "$DATA" ] || { echo "skip: $DATA not found"; exit 0; }
TMP=$(mktemp -d /tmp/ohlcv-cli-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
# CPU seconds (user + sys) of the last timed process, from /usr/bin/time.
cpu() { awk '{printf "%.2f", $1 + $2}' "$TMP/time"; }
ingest() { /usr/bin/time -o "$TMP/time" -f "%U %S" "$BIN" --data-dir "$TMP/d" ingest --source csv --path "$TMP/csv" --threads 2 >"$TMP/out" 2>&1 || { cat "$TMP/out"; exit 1; }; }
first_query() { /usr/bin/time -o "$TMP/time" -f "%U %S" "$BIN" --data-dir "$TMP/d" query "How did AAPL perform in 2019?" >/dev/null; }

# Cut points: the folder minus its last K rows, K = DAYS..0. The first is the
# full-ingest baseline; each next one is a daily update (one new bar per
# ticker); then NONE re-runs with nothing new.
DAYS=${DAYS:-3}
NONE=${NONE:-3}
cut_rows() { mkdir -p "$TMP/csv"; for f in "$DATA"/*.csv; do head -n "-$1" "$f" >"$TMP/csv/$(basename "$f")"; done; }
full=() daily=() none=() firstq=() daily_cpu=() none_cpu=()
for r in $(seq "$ROUNDS"); do
  rm -rf "$TMP/d" "$TMP/csv"
  cut_rows "$DAYS"
  t0=$(now); ingest; t1=$(now); full+=("$(echo "$t1 - $t0" | bc)")
  echo "round $r: full ingest ${full[-1]} s (CPU $(cpu) s)  load $(awk '{print $1}' /proc/loadavg)"
  # The first question after the ingest (catches up what the ingest left staged).
  t0=$(now); first_query; t1=$(now); firstq+=("$(echo "$t1 - $t0" | bc)")
  echo "  first query after the full ingest: ${firstq[-1]} s (CPU $(cpu) s)"
  for k in $(seq $((DAYS - 1)) -1 0); do
    cut_rows "$k"
    t0=$(now); ingest; t1=$(now); daily+=("$(echo "$t1 - $t0" | bc)"); daily_cpu+=("$(cpu)")
    echo "  daily update (minus $k rows): ${daily[-1]} s (CPU $(cpu) s)  load $(awk '{print $1}' /proc/loadavg)  $(grep -E 'bars:' "$TMP/out" | xargs)  $(grep -oE 'windows \(new or changed\): [0-9]+' "$TMP/out")"
  done
  for i in $(seq "$NONE"); do
    t0=$(now); ingest; t1=$(now); none+=("$(echo "$t1 - $t0" | bc)"); none_cpu+=("$(cpu)")
    echo "  nothing new: ${none[-1]} s (CPU $(cpu) s)  $(grep -E 'unchanged since' "$TMP/out" | xargs)"
  done
done
echo "MEDIAN full ingest (baseline): $(printf '%s\n' "${full[@]}" | median) s  (${#full[@]} runs)"
echo "MEDIAN first query after it:   $(printf '%s\n' "${firstq[@]}" | median) s  (${#firstq[@]} runs)"
echo "MEDIAN daily update:           $(printf '%s\n' "${daily[@]}" | median) s  CPU $(printf '%s\n' "${daily_cpu[@]}" | median) s  (${#daily[@]} runs)"
echo "MEDIAN nothing new:            $(printf '%s\n' "${none[@]}" | median) s  CPU $(printf '%s\n' "${none_cpu[@]}" | median) s  (${#none[@]} runs)"
echo "windows stored: $(sqlite3 "$TMP/d/index/windows.db" 'SELECT COUNT(*) FROM windows' 2>/dev/null || echo '?')"

# KEEP_DIR: keep a copy of the data directory (e.g. to time another binary on it).
if [ -n "${KEEP_DIR:-}" ]; then rm -rf "$KEEP_DIR"; cp -a "$TMP/d" "$KEEP_DIR"; fi

cmds=(
  "status"
  "bars AAPL"
  "indicators AAPL"
  "patterns AAPL"
  "windows AAPL"
  "query 'How did AAPL perform in 2019?'"
)
for c in "${cmds[@]}"; do
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$TMP/h.json" \
      "$BIN --data-dir $TMP/d $c" >/dev/null 2>&1 || hyperfine --warmup 2 --runs "$RUNS" --export-json "$TMP/h.json" "$BIN --data-dir $TMP/d $c" >/dev/null
    python3 -c "import json,sys; r=json.load(open('$TMP/h.json'))['results'][0]; print(f\"{sys.argv[1]:<40} median {r['median']*1000:7.1f} ms  min {r['min']*1000:7.1f} ms  CPU {(r['user']+r['system'])*1000:6.1f} ms  (hyperfine, {len(r['times'])} runs)\")" "$c"
  else
    ts=()
    for i in $(seq "$RUNS"); do
      t0=$(now); eval "\"$BIN\" --data-dir \"$TMP/d\" $c" >/dev/null; t1=$(now)
      ts+=("$(echo "($t1 - $t0) * 1000" | bc)")
    done
    printf '%-40s median %7.1f ms  (loop, %s runs)\n' "$c" "$(printf '%s\n' "${ts[@]}" | median)" "$RUNS"
  fi
done
