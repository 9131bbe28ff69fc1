#!/usr/bin/env bash
# Soak benchmark (issue 18): mixed load on `ohlcv-rag serve` for SOAK_S seconds
# (default 600) while RSS, open descriptors and probe latency are sampled
# every second. Target: /health and /ready never slower than 100 ms, RSS and
# descriptors flat.
#
# Load, all at once:
#   questions  wrk -t1 -c16, ~41k distinct questions (service_query_mix.lua)
#   status     wrk -t1 -c8 on /api/v1/status
#   ingest     a CSV re-ingest of 20 tickers over the API every INGEST_EVERY s (default 30)
#   slow       SLOW_CLIENTS (default 40) connections sending one byte a second
#              (slowloris) and as many idle connections that never send
#
# Usage: bench/soak.sh [BUILD_DIR]      (default: build)
# Env: SOAK_S, BENCH_DATA (default /var/tmp/ohlcv-bench-data; the whole shared
#      dataset is ingested there once), PORT (18100), METRICS_PORT (19190),
#      WORKERS (2), OUT (samples CSV, default /tmp/ohlcv-soak.csv), PER_ADDRESS
#      (connections per address, default 1000: every client here, probes
#      included, is 127.0.0.1, which the default of 64 would refuse).
# Prints a summary; exits 1 when a probe took more than 100 ms or failed.
# Memory: RSS, split into anonymous (the heap) and file-backed pages (SQLite's
# mmap of windows.db and bars.db, the word vectors); file pages are counted
# per mapping in RSS, so Pss_File is also given.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${1:-$ROOT/build}
BIN=$BUILD/ohlcv-rag
DATA=${BENCH_DATA:-/var/tmp/ohlcv-bench-data}
SOAK_S=${SOAK_S:-600}
PORT=${PORT:-18100}
METRICS_PORT=${METRICS_PORT:-19190}
INGEST_EVERY=${INGEST_EVERY:-30}
SLOW_CLIENTS=${SLOW_CLIENTS:-40}
OUT=${OUT:-/tmp/ohlcv-soak.csv}
export OHLCV_CACHE_DIR=${OHLCV_CACHE_DIR:-$ROOT/.cache}
BASE=http://127.0.0.1:$PORT
SHARED=${SHARED_DATA:-$ROOT/../shared/data/sp500_2015_2020}
[ -d "$SHARED" ] || SHARED=/work/shared/data/sp500_2015_2020

if [ ! -f "$DATA/bars.db" ]; then
  echo "==> ingesting the whole shared dataset into $DATA (once)"
  "$BIN" --data-dir "$DATA" ingest --source csv --path "$SHARED" --threads 2 | tail -n 4
fi

echo "==> serving $DATA on $BASE for ${SOAK_S}s of mixed load"
OHLCV_DATA_DIR=$DATA OHLCV_HTTP_PORT=$PORT OHLCV_METRICS_PORT=$METRICS_PORT OHLCV_RATE_LIMIT_RPS=0 \
  OHLCV_WORKER_THREADS=${WORKERS:-2} OHLCV_INGEST_ROOTS=$SHARED LOG_LEVEL=warn API_KEY= \
  OHLCV_MAX_CONNECTIONS_PER_ADDRESS=${PER_ADDRESS:-1000} \
  "$BIN" serve > /tmp/ohlcv-soak-serve.log 2>&1 &
SERVER=$!
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  kill "$SERVER" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 600); do
  curl -fs "$BASE/startup" > /dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "$BASE/startup" > /dev/null || { echo "server did not start"; cat /tmp/ohlcv-soak-serve.log; exit 1; }

wrk -t1 -c16 -d"${SOAK_S}s" -s "$HERE/service_query_mix.lua" "$BASE/api/v1/query" > /tmp/ohlcv-soak-wrk-query.txt 2>&1 &
PIDS+=($!)
wrk -t1 -c8 -d"${SOAK_S}s" "$BASE/api/v1/status" > /tmp/ohlcv-soak-wrk-status.txt 2>&1 &
PIDS+=($!)
(
  tickers='["AAPL","MSFT","AMZN","GOOGL","JPM","XOM","BA","NVDA","JNJ","WMT","PG","V","MA","HD","DIS","INTC","CSCO","KO","PEP","MRK"]'
  while true; do
    curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' \
      -d "{\"source\":\"csv\",\"path\":\"$SHARED\",\"tickers\":$tickers}" "$BASE/api/v1/ingest" || true
    sleep "$INGEST_EVERY"
  done
) &
PIDS+=($!)
python3 - "$PORT" "$SLOW_CLIENTS" "$SOAK_S" <<'PY' &
import socket, sys, time
port, n, dur = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
req = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * 200 + b"\r\n\r\n"
end = time.time() + dur
slow, idle, pos = [], [], {}
while time.time() < end:
    # Reconnect whatever the server cut off (first-byte and header timeouts).
    while len(slow) < n:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=1); slow.append(s); pos[s] = 0
        except OSError:
            break
    while len(idle) < n:
        try:
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=1))
        except OSError:
            break
    for s in list(slow):
        try:
            s.send(req[pos[s]:pos[s] + 1]); pos[s] = (pos[s] + 1) % len(req)
        except OSError:
            slow.remove(s); s.close()
    for s in list(idle):
        try:
            s.setblocking(False)
            if s.recv(1) == b"":
                idle.remove(s); s.close()
        except BlockingIOError:
            pass
        except OSError:
            idle.remove(s); s.close()
    time.sleep(1)
PY
PIDS+=($!)

echo "t,rss_kb,anon_kb,file_kb,pss_file_kb,fds,health_ms,ready_ms,health_code,ready_code" > "$OUT"
START=$(date +%s)
while [ $(( $(date +%s) - START )) -lt "$SOAK_S" ]; do
  rss=$(awk '/VmRSS/{print $2}' /proc/$SERVER/status)
  # Anonymous memory (heap: caches, arenas) apart from file pages mapped from
  # windows.db, bars.db and the word vectors (page cache the kernel can drop).
  # RssFile counts a page once per mapping, and every SQLite reader
  # connection maps windows.db (mmap_size) on its own, so the same pages
  # count up to once per connection; Pss_File counts each page once.
  anon=$(awk '/RssAnon/{print $2}' /proc/$SERVER/status)
  file=$(awk '/RssFile/{print $2}' /proc/$SERVER/status)
  pss_file=$(awk '/^Pss_File/{print $2}' /proc/$SERVER/smaps_rollup)
  fds=$(ls /proc/$SERVER/fd | wc -l)
  h=$(curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}' "$BASE/health" || echo "000 5")
  r=$(curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}' "$BASE/ready" || echo "000 5")
  echo "$(( $(date +%s) - START )),$rss,$anon,$file,$pss_file,$fds,$(echo "$h" | awk '{printf "%.1f", $2*1000}'),$(echo "$r" | awk '{printf "%.1f", $2*1000}'),${h%% *},${r%% *}" >> "$OUT"
  sleep 1
done

# wrk prints its summary when it exits (it may still be finishing requests).
wait "${PIDS[0]}" "${PIDS[1]}" 2> /dev/null || true
refused=$(curl -fs "http://127.0.0.1:$METRICS_PORT/metrics" | awk '/^ohlcv_connections_refused_total/{s+=$2} END{print s+0}')
echo "==> samples in $OUT; wrk:"
grep -h "Requests/sec\|Non-2xx\|Socket errors" /tmp/ohlcv-soak-wrk-query.txt /tmp/ohlcv-soak-wrk-status.txt || true
python3 - "$OUT" "$refused" <<'PY'
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1])))
def col(n): return [float(r[n]) for r in rows]
h, r = col("health_ms"), col("ready_ms")
probes = sorted(h + r)
p99 = probes[min(len(probes) - 1, int(0.99 * len(probes)))]
bad = [x for x in rows if x["health_code"] != "200" or x["ready_code"] != "200"]
rss, anon, file, pss_file, fds = col("rss_kb"), col("anon_kb"), col("file_kb"), col("pss_file_kb"), col("fds")
n = len(rss)
# Level: the mean of each tenth of the run (a leak keeps climbing to the end).
tenths = [statistics.mean(anon[k * n // 10:(k + 1) * n // 10] or [anon[-1]]) / 1024 for k in range(10)]
print(f"samples: {len(rows)}; probes: median {statistics.median(probes):.1f} ms, p99 {p99:.1f} ms, max {max(probes):.1f} ms; "
      f"non-200 probes: {len(bad)}")
print(f"RSS: start {rss[0]/1024:.0f} MB, max {max(rss)/1024:.0f} MB, end {rss[-1]/1024:.0f} MB; "
      f"descriptors: start {fds[0]:.0f}, max {max(fds):.0f}, end {fds[-1]:.0f}; connections refused: {sys.argv[2]}")
print(f"of which anonymous: start {anon[0]/1024:.0f} MB, max {max(anon)/1024:.0f} MB, end {anon[-1]/1024:.0f} MB; "
      f"file-backed: start {file[0]/1024:.0f} MB, max {max(file)/1024:.0f} MB, end {file[-1]/1024:.0f} MB "
      f"(each page once, Pss_File: start {pss_file[0]/1024:.0f}, max {max(pss_file)/1024:.0f}, end {pss_file[-1]/1024:.0f} MB)")
print("anonymous MB, mean of each tenth of the run: " + " ".join(f"{x:.0f}" for x in tenths))
sys.exit(1 if max(probes) > 100 or bad else 0)
PY
