#!/usr/bin/env bash
# Offline checks of the deployment files (issue 6). No Docker daemon, cluster
# or registry needed; the npm registry once, for deploy/validate's packages.
#
#   scripts/deploy-checks.sh            # all checks; exit 1 if any failed
#
# Steps: yamllint of every YAML file; `docker-compose config` of the Compose
# combinations and `docker stack config` of the Swarm stack (when those CLIs
# exist); `kubectl kustomize` of base and both overlays; the rendered objects
# validated against the Kubernetes API types (tsc + JSON schema, CRDs
# included; deploy/validate); `promtool check rules` and `promtool test rules`
# (tests/deploy/rules_test.yml) on the shipped rules; the NetworkPolicies
# evaluated against the flows that must and must not work (netpol.ts); the
# quotas against the pods at HPA max + surge + jobs (quota.ts);
# the consistency check of every file against the service's settings table,
# probe routes and metric names; and tests/deploy/*_test.sh (a broken
# manifest the validator must reject, drift the consistency check must catch,
# the real binary started with the ConfigMap's environment, the backup
# CronJob's command run against the real binary plus the documented restore,
# and the refresh CronJob's command against the real binary).
#
# Tools: node/npm, yamllint and promtool (Debian yamllint, prometheus) and
# kubectl. Missing ones are installed from Debian when running as root:
# kubectl must bundle kustomize >= 4.2 (kubectl >= 1.22: `labels`,
# components); Debian bookworm's kubernetes-client (1.20) is too old. Set
# OHLCV_DEPLOY_NO_INSTALL=1 to forbid installs (missing tools then fail).
# Ends with "N passed, N failed, N skipped".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VALIDATE="$ROOT/deploy/validate"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
passed=0
failed=0
skipped=0
failures=()

# step NAME CMD...: runs CMD, output to a log shown only on failure; exit 77 = skipped.
step() {
  local name=$1
  shift
  local log="$OUT/step.log"
  local t0=$SECONDS
  "$@" > "$log" 2>&1
  local rc=$?
  local dt=$((SECONDS - t0))
  if [[ $rc -eq 0 ]]; then
    passed=$((passed + 1))
    printf 'PASS  %-58s %3ds  %s\n' "$name" "$dt" "$(tail -n 1 "$log" | cut -c1-80)"
  elif [[ $rc -eq 77 ]]; then
    skipped=$((skipped + 1))
    printf 'SKIP  %-58s       %s\n' "$name" "$(tail -n 1 "$log" | cut -c1-100)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf 'FAIL  %-58s %3ds\n' "$name" "$dt"
    grep -v '^  ok ' "$log" | tail -n 40 | sed 's/^/      /'
  fi
}

ensure_tool() {  # TOOL DEBIAN_PACKAGE
  command -v "$1" > /dev/null 2>&1 && return 0
  if [[ "${OHLCV_DEPLOY_NO_INSTALL:-0}" != 1 && "$(id -u)" == 0 ]]; then
    echo "deploy-checks: installing $2 for $1"
    apt-get update -qq > /dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" > /dev/null 2>&1
  fi
  command -v "$1" > /dev/null 2>&1
}

tools_ready() {
  local ok=0
  ensure_tool node nodejs || { echo "node missing"; ok=1; }
  ensure_tool npm npm || { echo "npm missing"; ok=1; }
  ensure_tool yamllint yamllint || { echo "yamllint missing"; ok=1; }
  ensure_tool promtool prometheus || { echo "promtool missing"; ok=1; }
  ensure_tool kubectl kubernetes-client || { echo "kubectl missing"; ok=1; }
  kustomize_new_enough || { echo "kubectl with kustomize >= 4.2 (kubectl >= 1.22) needed; Debian's 1.20 is too old"; ok=1; }
  # prometheus pulls in a daemon we do not want running.
  if command -v systemctl > /dev/null 2>&1 && systemctl is-active --quiet prometheus 2> /dev/null; then
    systemctl stop prometheus || true
  fi
  echo "kubectl $(kubectl version --client 2> /dev/null | head -n 1)"
  return $ok
}

validator_ready() {
  cd "$VALIDATE" || return 1
  # npm ci only when node_modules is missing or older than the lock file.
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund || return 1
  fi
  node_modules/.bin/tsc -p . && echo "validator built"
}

yaml_files() {
  find "$ROOT/deploy" "$ROOT/tests/deploy" -name node_modules -prune -o -path '*/fixtures/lint' -prune -o -path '*/fixtures/seed' -prune \
    -o \( -name '*.yml' -o -name '*.yaml' \) -type f -print
  ls "$ROOT"/docker-compose*.yml
}

lint_yaml() {
  local files
  mapfile -t files < <(yaml_files)
  yamllint -c "$ROOT/deploy/yamllint.yml" -f parsable "${files[@]}" && echo "${#files[@]} files clean"
}

compose_config() {
  if ! command -v docker-compose > /dev/null 2>&1; then
    echo "docker-compose not installed (Debian docker-compose)"
    return 77
  fi
  cd "$ROOT" || return 1
  docker-compose -f docker-compose.yml config -q &&
    docker-compose -f docker-compose.yml -f docker-compose.embedded.yml config -q &&
    docker-compose -f docker-compose.yml -f docker-compose.ci.yml config -q &&
    echo "3 Compose combinations valid"
}

stack_config() {
  if ! command -v docker > /dev/null 2>&1 || ! docker stack config --help > /dev/null 2>&1; then
    echo "docker CLI with 'stack config' not installed"
    return 77
  fi
  docker stack config -c "$ROOT/deploy/swarm/docker-stack.yml" > /dev/null || return 1
  # The proof's override is merged with list replacement (merge_stack.js).
  mkdir -p "$OUT/swarm" && cp "$ROOT/deploy/swarm/app_config.json" "$OUT/swarm/" &&
    (cd "$VALIDATE" && node out/js/merge_stack.js "$ROOT/deploy/swarm/docker-stack.yml" \
      "$ROOT/deploy/swarm/docker-stack.ci.yml") > "$OUT/swarm/merged.yml" &&
    docker stack config -c "$OUT/swarm/merged.yml" > /dev/null &&
    echo "docker-stack.yml and the CI merge valid"
}

render() {  # OVERLAY_DIR OUT_FILE
  kubectl kustomize "$1" 2> "$OUT/kustomize.err" > "$2" || { cat "$OUT/kustomize.err"; return 1; }
  [[ -s "$2" ]] && echo "$(grep -c '^kind:' "$2") objects"
}

validate() {  # LABEL FILE...
  (cd "$VALIDATE" && node out/js/validate.js --label "$@")
}

check_rules() {
  (cd "$VALIDATE" && node out/js/extract_rules.js "$ROOT/deploy/k8s/components/prometheusrule/prometheusrule.yaml") \
    > "$OUT/rules.yml" && promtool check rules "$OUT/rules.yml" 2>&1 && echo "rules OK"
}

# promtool unit tests (tests/deploy/rules_test.yml) on the rules as rendered
# in the production overlay, with series labelled the prometheus-operator way.
test_rules() {
  mkdir -p "$OUT/rules-test" &&
    (cd "$VALIDATE" && node out/js/extract_rules.js "$OUT/production.yaml") > "$OUT/rules-test/rules.yml" &&
    cp "$ROOT/tests/deploy/rules_test.yml" "$OUT/rules-test/" &&
    promtool test rules "$OUT/rules-test/rules_test.yml"
}

# kustomize >= 4.2 (kubectl >= 1.22): `labels` and components.
kustomize_new_enough() {
  local v
  v=$(kubectl version --client 2> /dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
  [[ -n "$v" ]] && read -r major minor <<< "$v" && ((major > 4 || (major == 4 && minor >= 2)))
}

consistency() {
  (cd "$VALIDATE" && node out/js/consistency.js --root "$ROOT" --k8s "$OUT/staging.yaml" --k8s "$OUT/production.yaml")
}

echo "==> deploy checks ($ROOT)"
step "tools (node, npm, yamllint, promtool, kubectl)" tools_ready
step "validator: npm ci + tsc (deploy/validate)" validator_ready
step "yamllint (deploy/, tests/deploy/, docker-compose*.yml)" lint_yaml
step "docker-compose config (dev, embedded, ci)" compose_config
step "docker stack config (deploy/swarm)" stack_config
step "kubectl kustomize deploy/k8s/base" render "$ROOT/deploy/k8s/base" "$OUT/base.yaml"
step "kubectl kustomize overlays/staging" render "$ROOT/deploy/k8s/overlays/staging" "$OUT/staging.yaml"
step "kubectl kustomize overlays/production" render "$ROOT/deploy/k8s/overlays/production" "$OUT/production.yaml"
step "API types: staging render (tsc + schema, CRDs)" validate staging "$OUT/staging.yaml"
step "API types: production render (tsc + schema, CRDs)" validate production "$OUT/production.yaml"
step "API types: Secret template" validate secret-template "$ROOT/deploy/k8s/base/secret.template.yaml"
step "promtool check rules (PrometheusRule)" check_rules
step "promtool test rules (tests/deploy/rules_test.yml)" test_rules
step "NetworkPolicies: required flows allowed, others denied" \
  bash -c "cd '$VALIDATE' && node out/js/netpol.js '$OUT/base.yaml' '$OUT/staging.yaml' '$OUT/production.yaml'"
step "quotas fit HPA max + surge + StatefulSets + jobs" \
  bash -c "cd '$VALIDATE' && node out/js/quota.js '$OUT/base.yaml' '$OUT/staging.yaml' '$OUT/production.yaml'"
step "consistency: Compose, Swarm, Kubernetes vs the service" consistency
step "test: validator rejects broken manifests" bash "$ROOT/tests/deploy/validator_rejects_broken_test.sh"
step "test: consistency check catches drift" bash "$ROOT/tests/deploy/consistency_mutation_test.sh"
step "test: binary with the ConfigMap env answers the probes" \
  bash "$ROOT/tests/deploy/probes_test.sh" "$OUT/production.yaml"
step "test: backup CronJob pg_dump + documented restore (local PostgreSQL)" \
  bash "$ROOT/tests/deploy/backup_restore_test.sh" "$OUT/production.yaml"
step "test: refresh CronJob command against the real binary (202, 409, 403)" \
  bash "$ROOT/tests/deploy/refresh_cronjob_test.sh" "$OUT/production.yaml"
step "test: new checks reject the seed's manifests" bash "$ROOT/tests/deploy/seed_rejected_test.sh"

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [[ $failed -ne 0 ]]; then
  printf 'failed: %s\n' "${failures[@]}"
  exit 1
fi
