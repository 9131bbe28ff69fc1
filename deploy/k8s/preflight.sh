#!/usr/bin/env bash
# Lists what the target cluster (current kubectl context) lacks for
# deploy/k8s/overlays/production; read-only, kubectl only.
#   deploy/k8s/preflight.sh [NAMESPACE]     # default ohlcv-rag
# Exit 0 when nothing is missing, 1 otherwise (each gap printed as MISSING
# with what to install); WARN lines are things to check by hand.
set -uo pipefail
NS=${1:-ohlcv-rag}
missing=0
ok() { echo "ok       $*"; }
miss() { echo "MISSING  $*"; missing=$((missing + 1)); }
warn() { echo "WARN     $*"; }

kubectl version > /dev/null 2>&1 || { echo "MISSING  a reachable cluster (kubectl version failed)"; exit 1; }
server=$(kubectl version -o json 2> /dev/null | sed -n 's/.*"gitVersion": *"\(v[0-9.]*\).*/\1/p' | tail -n 1)
ok "API server $server"

crd() {  # NAME WHAT
  if kubectl get crd "$1" > /dev/null 2>&1; then ok "CRD $1"; else miss "CRD $1 ($2)"; fi
}
crd verticalpodautoscalers.autoscaling.k8s.io "VPA: components/vpa"
crd servicemonitors.monitoring.coreos.com "prometheus-operator: components/servicemonitor"
crd prometheusrules.monitoring.coreos.com "prometheus-operator: components/prometheusrule"
crd volumesnapshots.snapshot.storage.k8s.io "CSI snapshot controller: the backup CronJob's ChromaDB snapshot"

if kubectl get clusterissuer letsencrypt-prod > /dev/null 2>&1; then ok "cert-manager ClusterIssuer letsencrypt-prod"
else miss "cert-manager ClusterIssuer letsencrypt-prod (the Ingress's certificate; staging: letsencrypt-staging)"; fi
if kubectl get ingressclass nginx > /dev/null 2>&1; then ok "IngressClass nginx"; else miss "IngressClass nginx (ingress-nginx)"; fi
for ns in ingress-nginx monitoring kube-system; do
  if kubectl get namespace "$ns" > /dev/null 2>&1; then ok "namespace $ns (the NetworkPolicies name it)"
  else miss "namespace literally named $ns (NetworkPolicies admit it by name)"; fi
done
if [[ -n "$(kubectl -n kube-system get pods -l k8s-app=kube-dns -o name 2> /dev/null)" ]]; then ok "CoreDNS pods labelled k8s-app=kube-dns"
else miss "DNS pods labelled k8s-app=kube-dns in kube-system (allow-dns-egress selects them)"; fi
if kubectl get --raw /apis/metrics.k8s.io/v1beta1 > /dev/null 2>&1; then ok "metrics-server (metrics.k8s.io: HPA cpu/memory)"
else miss "metrics-server (metrics.k8s.io): the HPA's cpu and memory targets"; fi
if kubectl get --raw "/apis/custom.metrics.k8s.io/v1beta1/namespaces/$NS/pods/*/http_requests_per_second" > /dev/null 2>&1; then
  ok "prometheus-adapter serves http_requests_per_second"
elif kubectl get --raw /apis/custom.metrics.k8s.io/v1beta1 > /dev/null 2>&1; then
  warn "custom.metrics.k8s.io is served but not http_requests_per_second in $NS yet: merge components/prometheus-adapter's rule into the adapter's config (or the app is not deployed/scraped yet)"
else
  miss "prometheus-adapter (custom.metrics.k8s.io) with the rule of components/prometheus-adapter: without it the HPA never scales down"
fi
prom=$(kubectl get prometheus -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} sm={.spec.serviceMonitorSelector.matchLabels.release} rule={.spec.ruleSelector.matchLabels.release}{"\n"}{end}' 2> /dev/null)
if grep -q 'sm=prometheus rule=prometheus' <<< "$prom"; then ok "a Prometheus selecting release: prometheus ($(grep -m1 'sm=prometheus rule=prometheus' <<< "$prom" | cut -d' ' -f1))"
elif [[ -n "$prom" ]]; then warn "Prometheus objects found, none selects ServiceMonitors and rules by release: prometheus: $prom"
else miss "a Prometheus (prometheus-operator) selecting ServiceMonitors and PrometheusRules with release: prometheus"; fi
if [[ -n "$(kubectl get storageclass -o jsonpath='{.items[?(@.metadata.annotations.storageclass\.kubernetes\.io/is-default-class=="true")].metadata.name}' 2> /dev/null)" ]]; then
  ok "a default StorageClass (ChromaDB, PostgreSQL and backup claims)"
else miss "a default StorageClass (the claims name none)"; fi
if [[ -n "$(kubectl get volumesnapshotclass -o name 2> /dev/null)" ]]; then ok "a VolumeSnapshotClass"
else warn "no VolumeSnapshotClass: the backup's ChromaDB snapshot will fail"; fi
if kubectl -n "$NS" get secret ohlcv-rag-secrets > /dev/null 2>&1; then
  keys=$(kubectl -n "$NS" get secret ohlcv-rag-secrets -o jsonpath='{.data}' 2> /dev/null)
  for k in api-key db-password; do
    grep -q "\"$k\"" <<< "$keys" && ok "Secret ohlcv-rag-secrets has $k" || miss "key $k in Secret $NS/ohlcv-rag-secrets"
  done
else
  miss "Secret $NS/ohlcv-rag-secrets (api-key, db-password, chromadb-token; see docs/deployment.md)"
fi
warn "NetworkPolicies need a CNI that enforces them (Calico, Cilium, ...); kubectl cannot tell"
echo "$missing missing"
[[ $missing -eq 0 ]]
