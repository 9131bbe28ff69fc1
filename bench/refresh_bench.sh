#!/usr/bin/env bash
# Cost of a refresh of the stored tickers (issue 16) when the provider has
# nothing new: `ohlcv-rag ingest --refresh --source yahoo` against a
# loopback server replaying Yahoo's chart API (the same 250 daily bars for
# every ticker), versus the same-run baseline, a plain incremental
# `ingest --source yahoo --tickers ...` of the same tickers (what an operator's
# cron ran before). Both fetch every ticker once and write nothing.
#
#   bench/refresh_bench.sh [BINARY]     # env TICKERS (200), RUNS (5)
#
# Prints each run's wall time and the medians, and the load average.
set -euo pipefail
BIN=$(readlink -f "${1:-build/ohlcv-rag}")
TICKERS=${TICKERS:-200}
RUNS=${RUNS:-5}
TMP=$(mktemp -d)
server=""
trap '[[ -n "$server" ]] && kill "$server" 2> /dev/null; rm -rf "$TMP"' EXIT

python3 - "$TMP/chart.json" << 'EOF'
import json, sys
ts = [1546439400 + 86400 * i for i in range(250)]
q = {"open": [], "high": [], "low": [], "close": [], "volume": []}
for i in range(250):
    c = 100 + (i % 17) * 0.7
    q["open"].append(c - 0.3); q["high"].append(c + 1); q["low"].append(c - 1)
    q["close"].append(c); q["volume"].append(1000000 + i)
body = {"chart": {"result": [{"meta": {"currency": "USD", "symbol": "X", "gmtoffset": -18000,
        "exchangeTimezoneName": "America/New_York", "dataGranularity": "1d"},
        "timestamp": ts, "indicators": {"quote": [q], "adjclose": [{"adjclose": q["close"]}]}}], "error": None}}
open(sys.argv[1], "w").write(json.dumps(body))
EOF
python3 -c '
import http.server, sys
body = open(sys.argv[1], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()' "$TMP/chart.json" > "$TMP/port" &
server=$!
for _ in $(seq 1 50); do [[ -s "$TMP/port" ]] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$TMP/port")"
list=$(seq -f 'T%03g' 1 "$TICKERS" | paste -sd, -)
run() { env -u DATA_SOURCE OHLCV_DATA_DIR="$TMP/data" OHLCV_EMBEDDER=hashing "$BIN" "$@" > "$TMP/out" 2>&1; }
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

t0=$(now); run ingest --source yahoo --base-url "$URL" --tickers "$list" --threads 2; t1=$(now)
echo "seed: $TICKERS tickers x 250 bars: $(echo "$t1 - $t0" | bc) s"
refresh=() plain=()
for i in $(seq 1 "$RUNS"); do
  t0=$(now); run ingest --refresh --source yahoo --base-url "$URL" --threads 2 --json; t1=$(now)
  # Every ticker fetched (its 250 rows read), nothing written.
  python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))
ok = s["units"] == int(sys.argv[2]) and s["rows_read"] == 250 * s["units"] and s["bars_inserted"] == 0 and not s["errors"]
sys.exit(0 if ok else 1)' "$TMP/out" "$TICKERS" || { cat "$TMP/out"; exit 1; }
  refresh+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); run ingest --source yahoo --base-url "$URL" --tickers "$list" --threads 2; t1=$(now)
  plain+=("$(echo "$t1 - $t0" | bc)")
  echo "run $i: refresh ${refresh[-1]} s, plain incremental ingest ${plain[-1]} s, load $(cut -d' ' -f1 /proc/loadavg)"
done
echo "MEDIAN refresh (nothing new, $TICKERS tickers): $(printf '%s\n' "${refresh[@]}" | median) s"
echo "MEDIAN plain incremental ingest (baseline):     $(printf '%s\n' "${plain[@]}" | median) s"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
