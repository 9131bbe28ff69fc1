#!/usr/bin/env bash
# wrk benchmark of the HTTP service (issue 5 targets, 2 cores):
#   /health        >= 20,000 req/s            (32 keep-alive connections)
#   /api/v1/query  >= 2,000 req/s, p99 < 20 ms (32 keep-alive connections)
#   resident memory growth < 5% over a 60 s run
#
# Usage: bench/service_wrk.sh [BASE_URL] [DURATION_S]
#   Needs a running server (ohlcv-rag serve) with the data ingested, e.g.
#     ohlcv-rag ingest --source csv --path ../shared/data/sp500_2015_2020
#     API_KEY=bench ohlcv-rag serve &
#   Env: API_KEY (sent as X-API-Key), METRICS_URL (default http://127.0.0.1:9090/metrics),
#        RUNS (repetitions, default 3; the median is reported).
set -euo pipefail
BASE=${1:-http://127.0.0.1:8000}
DURATION=${2:-10}
RUNS=${RUNS:-3}
METRICS=${METRICS_URL:-http://127.0.0.1:9090/metrics}
HERE=$(cd "$(dirname "$0")" && pwd)
export API_KEY=${API_KEY:-}

rss() {  # resident bytes from the service's own process metrics
  wget -qO- "$METRICS" 2>/dev/null | awk '/^process_resident_memory_bytes /{print $2}'
}

run() {  # name path script
  local name=$1 path=$2 script=$3
  local rates=() p99s=()
  for i in $(seq "$RUNS"); do
    out=$(wrk -t2 -c32 -d"${DURATION}s" --latency -s "$HERE/$script" "$BASE$path")
    rates+=("$(echo "$out" | awk '/Requests\/sec/{print $2}')")
    p99s+=("$(echo "$out" | awk '$1=="99%"{print $2}')")
    errs=$(echo "$out" | awk '/Non-2xx|Socket errors/{print}')
    [ -n "$errs" ] && echo "  run $i: $errs"
  done
  med_rate=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  echo "$name: median ${med_rate} req/s over $RUNS runs (each: ${rates[*]}); p99 per run: ${p99s[*]}"
}

rss_before=$(rss || true)
run "/health" /health service_health.lua
run "/api/v1/query" /api/v1/query service_query.lua
rss_after=$(rss || true)
if [ -n "$rss_before" ] && [ -n "$rss_after" ]; then
  awk -v a="$rss_before" -v b="$rss_after" 'BEGIN{printf "resident memory: %.1f MB -> %.1f MB (%+.1f%%)\n", a/1e6, b/1e6, (b-a)*100/a}'
fi
