#!/usr/bin/env bash
# The consistency check must notice drift: each case copies the files it reads
# into a scratch tree, changes one thing the way a careless edit would, and
# expects `consistency.js --root COPY` to fail naming the right check. The
# unmodified copy must pass (control).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$VALIDATE_DIR"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

make_copy() {  # fresh copy of everything consistency.js reads, in $scratch/r
  rm -rf "$scratch/r"
  mkdir -p "$scratch/r/src" "$scratch/r/deploy"
  cp -r "$ROOT/src/config" "$ROOT/src/service" "$ROOT/src/kb" "$ROOT/src/cli" "$scratch/r/src/"
  cp -r "$ROOT/deploy/docker" "$ROOT/deploy/swarm" "$ROOT/deploy/k8s" "$scratch/r/deploy/"
  cp "$ROOT"/docker-compose*.yml "$scratch/r/"
}
render() {  # rendered production overlay of the copy
  kubectl kustomize "$scratch/r/deploy/k8s/overlays/production" 2>/dev/null > "$scratch/prod.yaml"
}
run_case() {  # NAME EXPECTED_FAILING_CHECK_SUBSTRING
  render
  local out
  out=$(node out/js/consistency.js --root "$scratch/r" --k8s "$scratch/prod.yaml" 2>&1)
  local rc=$?
  if [[ $rc -eq 0 ]]; then
    t_fail "$1: drift not detected"
  elif ! grep "FAIL" <<<"$out" | grep -qF -- "$2"; then
    t_fail "$1: failed, but not on \"$2\": $(grep FAIL <<<"$out" | head -3)"
  else
    t_ok "$1 detected ($2)"
  fi
}

make_copy
render
if node out/js/consistency.js --root "$scratch/r" --k8s "$scratch/prod.yaml" > /dev/null 2>&1; then
  t_ok "unmodified copy passes (control)"
else
  t_fail "unmodified copy should pass"
fi

make_copy; sed -i 's/  CHROMADB_HOST: chromadb/  CHROMADB_HSOT: chromadb/' "$scratch/r/deploy/k8s/base/configmap.yaml"
run_case "misspelled env name in the ConfigMap" "ConfigMap: env names are settings"

make_copy; sed -i 's|path: /ready|path: /readyz|' "$scratch/r/deploy/k8s/base/deployment.yaml"
run_case "readiness probe path the service does not serve" "readinessProbe GET /ready"

make_copy; sed -i 's|prometheus.io/port: "9090"|prometheus.io/port: "9091"|' "$scratch/r/deploy/k8s/base/deployment.yaml"
run_case "scrape annotation on the wrong port" "prometheus.io/port"

make_copy; sed -i 's|"8000:8000"|"8000:8080"|' "$scratch/r/docker-compose.yml"
run_case "compose publishes the wrong container port" "compose: app publishes http and metrics ports"

make_copy; sed -i 's|target: /app/config.json|target: /etc/ohlcv/config.json|' "$scratch/r/deploy/swarm/docker-stack.yml"
run_case "swarm config mounted where the service does not look" "app_config mounted at the service's config path"

make_copy; sed -i 's|"chromadb_port": 8000,|"chromadb_port": 8000,\n  "chroma_prot": 1,|' "$scratch/r/deploy/swarm/app_config.json"
run_case "unknown key in the swarm app_config" "app_config.json keys are settings"

make_copy; sed -i 's|        target: api_key|        target: apikey|' "$scratch/r/deploy/swarm/docker-stack.yml"
run_case "swarm secret at a path the service does not read" "secret api_key"

make_copy; sed -i 's|VECTOR_STORE_TYPE: chromadb|VECTOR_STORE_TYPE: chroma|' "$scratch/r/docker-compose.yml"
run_case "invalid VECTOR_STORE_TYPE value" "docker-compose.yml app: env values valid"

make_copy; sed -i 's|terminationGracePeriodSeconds: 30|terminationGracePeriodSeconds: 12|' "$scratch/r/deploy/k8s/base/deployment.yaml"
run_case "grace period shorter than preStop + drain" "terminationGracePeriodSeconds"

make_copy; sed -i 's|{"http_port", "http_port", "OHLCV_HTTP_PORT"|{"http_port", "http_port", "OHLCV_PORT"|' "$scratch/r/src/config/settings_table.cc"
run_case "service renames an env var the deploy files set" "env names are settings"

make_copy; sed -i 's|router.Add("GET", "/startup"|router.Add("GET", "/started"|' "$scratch/r/src/service/api/probes.cc"
run_case "service moves a probe route" "startupProbe GET /startup"

make_copy; sed -i 's|as: "http_requests_per_second"|as: "http_requests_rate"|' "$scratch/r/deploy/k8s/components/prometheus-adapter/prometheus-adapter-rules.yaml"
run_case "HPA metric the adapter does not provide" "HPA pods metric"

make_copy; sed -i 's|                      key: OHLCV_DATABASE_URL|                      key: OHLCV_DATABASE_URI|' "$scratch/r/deploy/k8s/base/backup-cronjob.yaml"
run_case "backup dumps another database than the app's" "backup dumps the ConfigMap's OHLCV_DATABASE_URL"

make_copy; sed -i 's|postgresql://ohlcv@postgres:5432/ohlcv|postgresql://ohlcv@postgresql:5432/ohlcv|' "$scratch/r/deploy/k8s/base/configmap.yaml"
run_case "database URL naming no Service" "OHLCV_DATABASE_URL names a Service"

make_copy; sed -i 's|targetLabel: route|targetLabel: endpoint|' "$scratch/r/deploy/k8s/components/servicemonitor/servicemonitor.yaml"
run_case "ServiceMonitor without the route relabeling" "renames the clashing endpoint label"

make_copy; sed -i 's|persistentVolumeClaimName: data-chromadb-0|persistentVolumeClaimName: chromadb-data|' "$scratch/r/deploy/k8s/base/backup-cronjob.yaml"
run_case "ChromaDB snapshot of a claim that does not exist" "backup snapshots ChromaDB's claim"

make_copy; sed -i 's|  concurrencyPolicy: Forbid|  concurrencyPolicy: Allow|' "$scratch/r/deploy/k8s/base/refresh-cronjob.yaml"
run_case "refresh CronJobs allowed to overlap" "refresh concurrencyPolicy"

make_copy; sed -i 's|                      key: api-key|                      key: db-password|' "$scratch/r/deploy/k8s/base/refresh-cronjob.yaml"
run_case "refresh with another Secret key than the app's API key" "refresh's API_KEY is the app's"

make_copy; sed -i 's|409) echo|410) echo|' "$scratch/r/deploy/k8s/base/refresh-cronjob.yaml"
run_case "refresh failing on 409 (another writer running)" "refresh treats 202 and 409 as success"

make_copy; sed -i 's|  OHLCV_REFRESH_INTERVAL_SECONDS: "0"|  OHLCV_REFRESH_INTERVAL_SECONDS: "3600"|' "$scratch/r/deploy/k8s/base/configmap.yaml"
run_case "in-process scheduler on beside the CronJob" "in-process refresh scheduler off"
t_done
