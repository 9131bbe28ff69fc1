#!/usr/bin/env bash
# Runs the rendered refresh CronJob's own shell command (its OHLCV_URL
# pointed at loopback) against the real binary (issue 16):
#   - a data directory seeded with one CSV ticker; `ohlcv-rag serve` with
#     DATA_SOURCE=yahoo whose OHLCV_SOURCE_BASE_URL is a server that never
#     answers in time, so a refresh job keeps the ingest slot
#   - the command with the right API key: exit 0, "job submitted" (202), and
#     a job of kind refresh is listed by GET /api/v1/jobs
#   - again while that job runs: exit 0, "another ingest is running" (409)
#   - a wrong key: exit 1 (HTTP 403); an address nobody listens on: exit 1
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RENDERED=${1:?usage: refresh_cronjob_test.sh RENDERED_PRODUCTION.yaml}
t_binary serve
command -v curl > /dev/null || { echo "$(basename "$0"): SKIP: curl missing"; exit 77; }
scratch=$(mktemp -d)
pid=""
slow_pid=""
cleanup() {
  # In braces: bash's "Killed" job report goes to /dev/null too.
  [[ -n "$pid" ]] && { kill -9 "$pid" && wait "$pid"; } 2> /dev/null
  [[ -n "$slow_pid" ]] && { kill "$slow_pid" && wait "$slow_pid"; } 2> /dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT

(cd "$VALIDATE_DIR" && node --input-type=module -e '
import yaml from "js-yaml"; import fs from "fs";
const docs = yaml.loadAll(fs.readFileSync(process.argv[1], "utf8")).filter(Boolean);
const cron = docs.find((d) => d.kind === "CronJob" && d.metadata.name === "ohlcv-rag-refresh");
const c = cron.spec.jobTemplate.spec.template.spec.containers[0];
if (c.command[0] !== "sh" || c.command[1] !== "-c") throw new Error("expected sh -c: " + JSON.stringify(c.command));
process.stdout.write(c.command[2]);
' "$RENDERED") > "$scratch/cron.sh" || { t_fail "could not read the refresh CronJob from $RENDERED"; t_done; exit 1; }
grep -q '/api/v1/ingest' "$scratch/cron.sh" && t_ok "CronJob command read: $(head -c 60 "$scratch/cron.sh" | tr '\n' ' ')..." ||
  t_fail "CronJob command does not POST to /api/v1/ingest"

# A provider that accepts connections and never answers within the test.
python3 -c '
import http.server, sys, time
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self): time.sleep(60)
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()' > "$scratch/slow.port" &
slow_pid=$!
for _ in $(seq 1 50); do [[ -s "$scratch/slow.port" ]] && break; sleep 0.1; done
slow_port=$(cat "$scratch/slow.port")

mkdir -p "$scratch/csv" "$scratch/data"
{
  echo "Date,Open,High,Low,Close,Volume"
  for d in 04 05 06 07 08; do echo "2021-01-$d,10,11,9,10.5,1000"; done
} > "$scratch/csv/ZZC.csv"
env -i PATH="$PATH" HOME="$scratch" OHLCV_DATA_DIR="$scratch/data" OHLCV_EMBEDDER=hashing \
  "$BIN" ingest --source csv --path "$scratch/csv" > "$scratch/seed.log" 2>&1 ||
  { t_fail "seed ingest failed: $(tail -3 "$scratch/seed.log")"; t_done; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
env -i PATH="$PATH" HOME="$scratch" OHLCV_DATA_DIR="$scratch/data" OHLCV_EMBEDDER=hashing OHLCV_HTTP_PORT="$port" \
  OHLCV_METRICS_PORT=-1 API_KEY=cron-test-key DATA_SOURCE=yahoo OHLCV_SOURCE_BASE_URL="http://127.0.0.1:$slow_port" \
  "$BIN" serve > "$scratch/serve.log" 2>&1 &
pid=$!
up=""
for _ in $(seq 1 100); do
  [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/startup")" == 200 ]] && { up=1; break; }
  sleep 0.2
done
[[ -n "$up" ]] || { t_fail "serve did not start: $(tail -5 "$scratch/serve.log")"; t_done; exit 1; }

run_cron() {  # URL KEY -> output in $scratch/out, exit code returned
  env -i PATH="$PATH" OHLCV_URL="$1" API_KEY="$2" sh "$scratch/cron.sh" > "$scratch/out" 2>&1
}
run_cron "http://127.0.0.1:$port" cron-test-key
rc=$?
[[ $rc -eq 0 ]] && grep -q 'job submitted' "$scratch/out" && t_ok "202: exit 0, job submitted" ||
  t_fail "first run: exit $rc: $(cat "$scratch/out")"
jobs=$(curl -s -m 2 -H 'Authorization: Bearer cron-test-key' "http://127.0.0.1:$port/api/v1/jobs")
grep -q '"kind":"refresh"' <<< "$jobs" && t_ok "GET /api/v1/jobs lists the refresh job" || t_fail "jobs: $jobs"
run_cron "http://127.0.0.1:$port" cron-test-key
rc=$?
[[ $rc -eq 0 ]] && grep -q 'another ingest is running' "$scratch/out" && t_ok "409 while it runs: exit 0, skipped" ||
  t_fail "second run: exit $rc: $(cat "$scratch/out")"
run_cron "http://127.0.0.1:$port" wrong-key
rc=$?
[[ $rc -eq 1 ]] && grep -q 'HTTP 403' "$scratch/out" && t_ok "wrong key: exit 1 (HTTP 403)" ||
  t_fail "wrong key: exit $rc: $(cat "$scratch/out")"
run_cron "http://127.0.0.1:$(free_port)" cron-test-key
rc=$?
[[ $rc -ne 0 ]] && t_ok "nobody listening: exit $rc" || t_fail "unreachable app: exit 0: $(cat "$scratch/out")"
t_done
