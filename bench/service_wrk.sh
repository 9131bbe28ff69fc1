#!/usr/bin/env bash
# wrk benchmark of the HTTP service against issue 5's targets (2 cores):
#   /api/v1/query  >= 2,000 req/s, p99 < 20 ms (32 keep-alive connections)
#   /health        >= 20,000 req/s
#   resident memory growth < 5% over a 60 s run
#
# Usage: bench/service_wrk.sh [BUILD_DIR]     (default: build)
#   1. Ingests the WHOLE shared dataset (537 CSVs) into the embedded store once,
#      in $BENCH_DATA (default /var/tmp/ohlcv-bench-data; reused when present).
#   2. Starts `ohlcv-rag serve` on it (rate limit off, loopback, no key).
#   3. Runs, RUNS times each (default 3), DURATION s each (default 10), and
#      prints the median and every run:
#        /health                              (service_health.lua)
#        /api/v1/query, cached: 8 questions   (service_query.lua; all cache hits after the first round)
#        /api/v1/query, uncached: ~41k distinct questions at random (service_query_mix.lua)
#   4. A STABILITY_S (default 60) s uncached run; RSS before/after from /metrics.
#   Shared store: run with OHLCV_DATABASE_URL, VECTOR_STORE_TYPE=chromadb,
#        CHROMADB_HOST/CHROMADB_PORT set (and a BENCH_DATA of its own).
#   Env: OHLCV_CACHE_DIR (word vectors; default <repo>/.cache), PORT (default 18000),
#        METRICS_PORT (default 19090), WORKERS (handler threads, default 2),
#        IO_THREADS (default 1).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${1:-$ROOT/build}
BIN=$BUILD/ohlcv-rag
DATA=${BENCH_DATA:-/var/tmp/ohlcv-bench-data}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
STABILITY_S=${STABILITY_S:-60}
PORT=${PORT:-18000}
METRICS_PORT=${METRICS_PORT:-19090}
export OHLCV_CACHE_DIR=${OHLCV_CACHE_DIR:-$ROOT/.cache}
BASE=http://127.0.0.1:$PORT
METRICS=http://127.0.0.1:$METRICS_PORT/metrics
SHARED=${SHARED_DATA:-$ROOT/../shared/data/sp500_2015_2020}
[ -d "$SHARED" ] || SHARED=/work/shared/data/sp500_2015_2020

# With OHLCV_DATABASE_URL (+ VECTOR_STORE_TYPE=chromadb, CHROMADB_HOST/PORT)
# in the environment, the ingest and the server use the shared store; a
# marker file in $DATA says it was filled.
MARK=$DATA/bars.db
[ -n "${OHLCV_DATABASE_URL:-}" ] && MARK=$DATA/.shared-ingested
if [ ! -f "$MARK" ]; then
  echo "==> ingesting the whole shared dataset into $DATA (once)"
  "$BIN" --data-dir "$DATA" ingest --source csv --path "$SHARED" --threads 2 | tail -n 4
  [ -n "${OHLCV_DATABASE_URL:-}" ] && touch "$MARK"
fi
"$BIN" --data-dir "$DATA" status

echo "==> serving $DATA on $BASE"
OHLCV_DATA_DIR=$DATA OHLCV_HTTP_PORT=$PORT OHLCV_METRICS_PORT=$METRICS_PORT OHLCV_RATE_LIMIT_RPS=0 \
  OHLCV_WORKER_THREADS=${WORKERS:-2} OHLCV_IO_THREADS=${IO_THREADS:-1} LOG_LEVEL=warn API_KEY= \
  "$BIN" serve > /tmp/ohlcv-bench-serve.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 600); do
  curl -fs "$BASE/startup" > /dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "$BASE/startup" > /dev/null || { echo "server did not start"; cat /tmp/ohlcv-bench-serve.log; exit 1; }

counter() { curl -fs "$METRICS" | awk -v m="$1" 'index($0, m) == 1 {s += $2} END {printf "%.0f", s}'; }
hits() { counter 'ohlcv_cache_hits_total{cache_type="answer"}'; }
misses() { counter 'ohlcv_cache_misses_total{cache_type="answer"}'; }

# name path script duration -> prints one line; the last run's output is in $LAST
run() {
  local name=$1 path=$2 script=$3 duration=$4 rates=() p99s=() p50s=()
  local h0 m0
  h0=$(hits); m0=$(misses)
  for i in $(seq "$RUNS"); do
    LAST=$(wrk -t2 -c32 -d"${duration}s" --latency -s "$HERE/$script" "$BASE$path")
    rates+=("$(echo "$LAST" | awk '/Requests\/sec/{print $2}')")
    p50s+=("$(echo "$LAST" | awk '$1=="50%"{print $2}')")
    p99s+=("$(echo "$LAST" | awk '$1=="99%"{print $2}')")
    errs=$(echo "$LAST" | awk '/Non-2xx|Socket errors/{print}')
    [ -n "$errs" ] && echo "  run $i: $errs"
  done
  local med
  med=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  local h1 m1
  h1=$(hits); m1=$(misses)
  echo "$name: median ${med} req/s over $RUNS x ${duration}s (runs: ${rates[*]}); p50: ${p50s[*]}; p99: ${p99s[*]};" \
    "answer cache hit rate $(awk -v h=$((h1 - h0)) -v m=$((m1 - m0)) 'BEGIN{if (h+m) printf "%.1f%%", 100*h/(h+m); else print "n/a"}')"
}

echo "==> wrk -t2 -c32, $RUNS runs of ${DURATION}s each"
run "/health" /health service_health.lua "$DURATION"
run "/api/v1/query cached (8 questions)" /api/v1/query service_query.lua "$DURATION"
run "/api/v1/query uncached (random of ~41k)" /api/v1/query service_query_mix.lua "$DURATION"

echo "==> stability: ${STABILITY_S}s uncached query load"
rss_before=$(counter "process_resident_memory_bytes ")
RUNS=1 run "/api/v1/query uncached, ${STABILITY_S}s" /api/v1/query service_query_mix.lua "$STABILITY_S"
rss_after=$(counter "process_resident_memory_bytes ")
awk -v a="$rss_before" -v b="$rss_after" \
  'BEGIN{printf "resident memory over the run: %.1f MB -> %.1f MB (%+.2f%%)\n", a/1e6, b/1e6, (b-a)*100/a}'
