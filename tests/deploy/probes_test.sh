#!/usr/bin/env bash
# Starts the real binary with the rendered production ConfigMap's environment
# and calls the probe paths named in the rendered Deployment on the ports it
# names, the scrape path of its Prometheus annotations, and the container
# HEALTHCHECK command; then SIGTERM: /ready must turn 503 while /health still
# answers, and the process must exit 0 within terminationGracePeriodSeconds.
#
# Loopback adaptations (everything else is the ConfigMap's): OHLCV_BIND
# 127.0.0.1, free ports instead of 8000/9090 (the port numbers themselves are
# compared by consistency.js), a temp data dir, VECTOR_STORE_TYPE=local and
# OHLCV_EMBEDDER=hashing (no ChromaDB server or word vectors here), an empty
# OHLCV_DATABASE_URL (the embedded SQLite bar store: no PostgreSQL server
# here), and the API key from a file through API_KEY_FILE.
#
# Binary: $OHLCV_BIN, else build/ohlcv-rag. Exits 77 (skip) when that binary
# has no `serve` command yet.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
t_binary serve
RENDERED=${1:?usage: probes_test.sh RENDERED_PRODUCTION.yaml}

scratch=$(mktemp -d)
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill -9 "$pid" 2> /dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT

# Pull what the manifests say out of the render (node + js-yaml from deploy/validate).
(cd "$VALIDATE_DIR" && node --input-type=module -e '
import yaml from "js-yaml"; import fs from "fs";
const docs = yaml.loadAll(fs.readFileSync(process.argv[1], "utf8")).filter(Boolean);
const cm = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === "ohlcv-rag-config");
const dep = docs.find((d) => d.kind === "Deployment" && d.metadata.name === "ohlcv-rag");
const c = dep.spec.template.spec.containers.find((x) => x.name === "ohlcv-rag");
const q = (s) => `'"'"'${String(s).replace(/'"'"'/g, "")}'"'"'`;
for (const [k, v] of Object.entries(cm.data)) console.log(`CM_ENV+=(${q(k + "=" + v)})`);
console.log(`STARTUP_PATH=${q(c.startupProbe.httpGet.path)}`);
console.log(`READY_PATH=${q(c.readinessProbe.httpGet.path)}`);
console.log(`LIVE_PATH=${q(c.livenessProbe.httpGet.path)}`);
console.log(`METRICS_PATH=${q(dep.spec.template.metadata.annotations["prometheus.io/path"])}`);
console.log(`GRACE=${q(dep.spec.template.spec.terminationGracePeriodSeconds)}`);
' "$RENDERED") > "$scratch/vars.sh" || { t_fail "could not read $RENDERED"; t_done; exit 1; }
CM_ENV=()
source "$scratch/vars.sh"
[[ ${#CM_ENV[@]} -gt 0 ]] && t_ok "ConfigMap has ${#CM_ENV[@]} variables" || t_fail "ConfigMap empty"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port)
METRICS_PORT=$(free_port)
mkdir -p "$scratch/data" "$scratch/cache"
printf 'probe-test-key' > "$scratch/api_key"
ENV=("${CM_ENV[@]}" OHLCV_BIND=127.0.0.1 OHLCV_HTTP_PORT="$HTTP_PORT" OHLCV_METRICS_PORT="$METRICS_PORT"
     OHLCV_DATA_DIR="$scratch/data" OHLCV_CACHE_DIR="$scratch/cache" VECTOR_STORE_TYPE=local
     OHLCV_EMBEDDER=hashing OHLCV_DATABASE_URL= API_KEY_FILE="$scratch/api_key")

env -i PATH="$PATH" HOME="$scratch" "${ENV[@]}" "$BIN" serve > "$scratch/log" 2>&1 &
pid=$!

code() { curl -s -o /dev/null -m 2 -w '%{http_code}' "$1"; }
up=""
for _ in $(seq 1 120); do  # <= 60 s
  [[ "$(code "http://127.0.0.1:$HTTP_PORT$STARTUP_PATH")" == 200 ]] && { up=1; break; }
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.5
done
if [[ -z "$up" ]]; then
  t_fail "startup probe $STARTUP_PATH never answered 200; log: $(tail -5 "$scratch/log")"
  t_done
  exit 1
fi
t_ok "startupProbe GET $STARTUP_PATH -> 200"
for p in "$READY_PATH" "$LIVE_PATH"; do
  c=""
  for _ in $(seq 1 20); do c=$(code "http://127.0.0.1:$HTTP_PORT$p"); [[ "$c" == 200 ]] && break; sleep 0.5; done
  [[ "$c" == 200 ]] && t_ok "probe GET $p -> 200" || t_fail "probe GET $p -> $c"
done
metrics=$(curl -s -m 2 "http://127.0.0.1:$METRICS_PORT$METRICS_PATH")
grep -q '^ohlcv_requests_total' <<<"$metrics" && t_ok "metrics port serves $METRICS_PATH with ohlcv_requests_total" \
  || t_fail "metrics: no ohlcv_requests_total at :$METRICS_PORT$METRICS_PATH"
c=$(curl -s -o /dev/null -m 2 -w '%{http_code}' -H 'Authorization: Bearer probe-test-key' "http://127.0.0.1:$HTTP_PORT/api/v1/status")
[[ "$c" == 200 ]] && t_ok "API key from API_KEY_FILE accepted" || t_fail "GET /api/v1/status with the file key -> $c"
if env -i PATH="$PATH" HOME="$scratch" "${ENV[@]}" "$BIN" healthcheck > /dev/null 2>&1; then
  t_ok "container HEALTHCHECK command (ohlcv-rag healthcheck) exits 0"
else
  t_fail "ohlcv-rag healthcheck failed against a healthy server"
fi

kill -TERM "$pid"
ready=""
for _ in $(seq 1 20); do
  ready=$(code "http://127.0.0.1:$HTTP_PORT$READY_PATH")
  [[ "$ready" == 503 ]] && break
  sleep 0.1
done
[[ "$ready" == 503 ]] && t_ok "after SIGTERM $READY_PATH -> 503 (draining)" || t_fail "after SIGTERM $READY_PATH -> $ready"
c=$(code "http://127.0.0.1:$HTTP_PORT$LIVE_PATH")
[[ "$c" == 200 ]] && t_ok "while draining $LIVE_PATH still 200" || t_fail "while draining $LIVE_PATH -> $c"
exited=""
for _ in $(seq 1 $((GRACE * 10))); do
  kill -0 "$pid" 2> /dev/null || { exited=1; break; }
  sleep 0.1
done
if [[ -n "$exited" ]]; then
  wait "$pid"
  rc=$?
  pid=""
  [[ $rc -eq 0 ]] && t_ok "exit 0 within terminationGracePeriodSeconds ($GRACE s)" || t_fail "exit status $rc after SIGTERM"
else
  t_fail "still running ${GRACE}s after SIGTERM"
fi
t_done
