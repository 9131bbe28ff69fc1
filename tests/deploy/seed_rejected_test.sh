#!/usr/bin/env bash
# The checks added for issue 15 must fail on the manifests they were written
# against: fixtures/seed/ holds the renders of base, staging and production as
# they were before (commonLabels in every selector, no LoadBalancer-client
# rule, no PostgreSQL, quotas without room for the surge pod and the jobs,
# rules filtering on the target label `endpoint`, the memory alert at 84 %).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$VALIDATE_DIR"
seed="$ROOT/tests/deploy/fixtures/seed"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

expect_fail() {  # NAME OUTPUT_FILE RC TEXT...
  local name=$1 out=$2 rc=$3
  shift 3
  if [[ $rc -eq 0 ]]; then
    t_fail "$name: passed on the seed"
    return
  fi
  for text in "$@"; do
    grep -F "FAIL" "$out" | grep -qF -- "$text" && t_ok "$name: fails on the seed ($text)" ||
      t_fail "$name: failed, but not on \"$text\""
  done
}

node out/js/netpol.js "$seed/base.yaml" "$seed/staging.yaml" "$seed/production.yaml" > "$scratch/netpol.txt" 2>&1
expect_fail "netpol" "$scratch/netpol.txt" $? \
  "production.yaml: app -> CoreDNS (kube-system, k8s-app=kube-dns) 53/UDP allowed" \
  "staging.yaml: app -> CoreDNS (kube-system, k8s-app=kube-dns) 53/UDP allowed" \
  "base.yaml: app -> CoreDNS (kube-system, k8s-app=kube-dns) 53/UDP allowed" \
  "production.yaml: LoadBalancer client 203.0.113.7 -> app 8000/TCP allowed" \
  "production.yaml: postgres StatefulSet not in the render"

node out/js/quota.js "$seed/base.yaml" "$seed/staging.yaml" "$seed/production.yaml" > "$scratch/quota.txt" 2>&1
expect_fail "quota" "$scratch/quota.txt" $? \
  "staging.yaml: limits.cpu 13200m fits the quota 10" \
  "production.yaml: quota sets services.loadbalancers" \
  "production.yaml: quota sets limits.ephemeral-storage" \
  "staging.yaml: every claim within the LimitRange's PersistentVolumeClaim bounds"

mkdir -p "$scratch/rules"
node out/js/extract_rules.js "$seed/production.yaml" > "$scratch/rules/rules.yml" &&
  cp "$ROOT/tests/deploy/rules_test.yml" "$scratch/rules/"
promtool test rules "$scratch/rules/rules_test.yml" > "$scratch/promtool.txt" 2>&1
rc=$?
if [[ $rc -ne 0 ]] && grep -q 'alertname: OhlcvRagSlowQueries, time: 20m' "$scratch/promtool.txt" &&
  grep -q 'alertname: OhlcvRagMemoryNearLimit' "$scratch/promtool.txt"; then
  t_ok "promtool test rules: fails on the seed (slow-query alert never fires; memory alert at 84 %)"
else
  t_fail "promtool test rules on the seed: exit $rc, $(grep -c alertname "$scratch/promtool.txt") alert failures"
fi
t_done
