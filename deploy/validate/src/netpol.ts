// Evaluates the NetworkPolicies of rendered manifests against the flows the
// system needs and the ones it must refuse, the way a conforming network
// plugin would (networking.k8s.io/v1 semantics):
//
//   node out/js/netpol.js RENDERED.yaml...
//
// The world: the rendered workloads (Deployment, StatefulSets, the backup
// and refresh CronJobs' pods: their pod-template labels and container ports) in the
// rendered namespace (its Namespace object's labels plus the automatic
// kubernetes.io/metadata.name), and the peers a real cluster has: CoreDNS
// (k8s-app: kube-dns in kube-system), the ingress controller (namespace
// ingress-nginx), Prometheus (namespace monitoring), a client of the
// LoadBalancer Service arriving with its own public address
// (externalTrafficPolicy: Local), the API server, an HTTPS site outside the
// cluster, and pods that must be refused (one in another namespace, one
// unlabelled in the app's namespace).
//
// A flow is allowed when the source's egress and the destination's ingress
// both allow it: a pod no policy selects for a direction is open in that
// direction; one that is selected needs a rule whose peer and port match.
// Prints one line per flow and "netpol: N passed, N failed"; exit 1 on a
// failure.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

type Obj = Record<string, any>;
type Labels = Record<string, string>;

interface Port { name?: string; port: number; protocol: string }
interface Endpoint {
  id: string;
  ns?: string;       // undefined: outside the cluster (only ipBlock peers match)
  labels: Labels;
  ip: string;
  ports: Port[];
}
interface Namespace { name: string; labels: Labels }

function SelectorMatches(sel: Obj | undefined, labels: Labels): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== String(v)) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    const vals = (e.values ?? []).map(String);
    switch (e.operator) {
      case "In": if (!has || !vals.includes(labels[e.key])) return false; break;
      case "NotIn": if (has && vals.includes(labels[e.key])) return false; break;
      case "Exists": if (!has) return false; break;
      case "DoesNotExist": if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

function IpToInt(ip: string): number {
  return ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
}
function InCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const n = Number(bits);
  if (n === 0) return true;
  const mask = 2 ** 32 - 2 ** (32 - n);
  return (IpToInt(ip) & mask) >>> 0 === (IpToInt(base) & mask) >>> 0;
}

class World {
  namespaces = new Map<string, Namespace>();
  policies: Obj[] = [];
  NsLabels(ns: string): Labels {
    return this.namespaces.get(ns)?.labels ?? { "kubernetes.io/metadata.name": ns };
  }
  PeerMatches(peer: Obj, policyNs: string, e: Endpoint): boolean {
    if (peer.ipBlock) {
      return InCidr(e.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c: string) => InCidr(e.ip, c));
    }
    if (e.ns === undefined) return false;  // selectors pick pods, never outside addresses
    if (peer.namespaceSelector) {
      if (!SelectorMatches(peer.namespaceSelector, this.NsLabels(e.ns))) return false;
    } else if (e.ns !== policyNs) {
      return false;
    }
    return SelectorMatches(peer.podSelector, e.labels);
  }
  PortMatches(rulePorts: Obj[] | undefined, dst: Endpoint, port: number, protocol: string): boolean {
    if (!rulePorts || rulePorts.length === 0) return true;
    return rulePorts.some((p) => {
      if ((p.protocol ?? "TCP") !== protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === "string" && !/^\d+$/.test(p.port)) {
        return dst.ports.some((cp) => cp.name === p.port && cp.port === port && cp.protocol === protocol);
      }
      const lo = Number(p.port);
      const hi = p.endPort !== undefined ? Number(p.endPort) : lo;
      return port >= lo && port <= hi;
    });
  }
  // Policies of `e`'s namespace that select it for `dir`.
  Selecting(e: Endpoint, dir: "Ingress" | "Egress"): Obj[] {
    if (e.ns === undefined) return [];
    return this.policies.filter((p) => {
      if ((p.metadata?.namespace ?? "") !== e.ns) return false;
      const types: string[] = p.spec?.policyTypes ?? (p.spec?.egress ? ["Ingress", "Egress"] : ["Ingress"]);
      return types.includes(dir) && SelectorMatches(p.spec?.podSelector, e.labels);
    });
  }
  Allowed(src: Endpoint, dst: Endpoint, port: number, protocol: string): { ok: boolean; why: string } {
    const eg = this.Selecting(src, "Egress");
    const egOk = eg.length === 0 || eg.some((p) => (p.spec?.egress ?? []).some((r: Obj) =>
      ((r.to ?? []).length === 0 || r.to.some((peer: Obj) => this.PeerMatches(peer, p.metadata.namespace, dst))) &&
      this.PortMatches(r.ports, dst, port, protocol)));
    const ing = this.Selecting(dst, "Ingress");
    const ingOk = ing.length === 0 || ing.some((p) => (p.spec?.ingress ?? []).some((r: Obj) =>
      ((r.from ?? []).length === 0 || r.from.some((peer: Obj) => this.PeerMatches(peer, p.metadata.namespace, src))) &&
      this.PortMatches(r.ports, dst, port, protocol)));
    const why = !egOk ? `egress of ${src.id} refused (${eg.map((p) => p.metadata.name).join(",")})`
      : !ingOk ? `ingress of ${dst.id} refused (${ing.map((p) => p.metadata.name).join(",")})` : "allowed";
    return { ok: egOk && ingOk, why };
  }
}

function PodOf(id: string, ns: string, tmpl: Obj | undefined, ip: string): Endpoint | undefined {
  if (!tmpl) return undefined;
  const spec = tmpl.spec ?? {};
  const ports: Port[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].flatMap((c: Obj) =>
    (c.ports ?? []).map((p: Obj) => ({ name: p.name, port: Number(p.containerPort), protocol: p.protocol ?? "TCP" })));
  return { id, ns, labels: { ...(tmpl.metadata?.labels ?? {}) }, ip, ports };
}

let passed = 0;
let failed = 0;

function CheckFile(file: string): void {
  const label = path.basename(file);
  const docs = (yaml.loadAll(fs.readFileSync(file, "utf8")) as Obj[]).filter((d) => d && typeof d === "object");
  const w = new World();
  w.policies = docs.filter((d) => d.kind === "NetworkPolicy");
  const find = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata?.name === name);
  const dep = find("Deployment", "ohlcv-rag");
  const appNs: string = dep?.metadata?.namespace ?? "ohlcv-rag";
  for (const n of docs.filter((d) => d.kind === "Namespace")) {
    w.namespaces.set(n.metadata.name, { name: n.metadata.name,
      labels: { ...(n.metadata.labels ?? {}), "kubernetes.io/metadata.name": n.metadata.name } });
  }
  for (const n of [appNs, "kube-system", "ingress-nginx", "monitoring", "other"]) {
    if (!w.namespaces.has(n)) w.namespaces.set(n, { name: n, labels: { "kubernetes.io/metadata.name": n } });
  }
  const missing = (what: string) => {
    failed++;
    console.log(`  FAIL ${label}: ${what} not in the render`);
  };
  const app = PodOf("app", appNs, dep?.spec?.template, "10.244.1.10");
  const chroma = PodOf("chromadb", appNs, find("StatefulSet", "chromadb")?.spec?.template, "10.244.1.20");
  const pg = PodOf("postgres", appNs, find("StatefulSet", "postgres")?.spec?.template, "10.244.1.30");
  const backup = PodOf("backup-job", appNs, find("CronJob", "ohlcv-rag-backup")?.spec?.jobTemplate?.spec?.template, "10.244.1.40");
  const refresh = PodOf("refresh-job", appNs, find("CronJob", "ohlcv-rag-refresh")?.spec?.jobTemplate?.spec?.template, "10.244.1.50");
  const pods: [string, Endpoint | undefined][] = [["app Deployment", app], ["chromadb StatefulSet", chroma],
    ["postgres StatefulSet", pg], ["backup CronJob", backup], ["refresh CronJob", refresh]];
  for (const [what, e] of pods) if (!e) missing(what);
  if (!app) return;
  // A missing workload fails above; the flows of the others are still judged.
  const none: Endpoint = { id: "", labels: {}, ip: "0.0.0.0", ports: [] };

  const dns: Endpoint = { id: "CoreDNS (kube-system, k8s-app=kube-dns)", ns: "kube-system", labels: { "k8s-app": "kube-dns" },
    ip: "10.244.0.2", ports: [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }] };
  const nginx: Endpoint = { id: "ingress controller (ingress-nginx)", ns: "ingress-nginx",
    labels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" }, ip: "10.244.2.5", ports: [] };
  const prom: Endpoint = { id: "Prometheus (monitoring)", ns: "monitoring",
    labels: { "app.kubernetes.io/name": "prometheus", "prometheus": "prometheus-kube-prometheus-prometheus" }, ip: "10.244.3.7", ports: [] };
  const lbClient: Endpoint = { id: "LoadBalancer client 203.0.113.7", labels: {}, ip: "203.0.113.7", ports: [] };
  const apiServer: Endpoint = { id: "API server", labels: {}, ip: "10.96.0.1", ports: [] };
  const web: Endpoint = { id: "HTTPS site outside the cluster", labels: {}, ip: "93.184.216.34", ports: [] };
  const intruder: Endpoint = { id: "pod in another namespace", ns: "other", labels: { run: "intruder" }, ip: "10.244.4.4", ports: [] };
  const debug: Endpoint = { id: `unlabelled pod in ${appNs}`, ns: appNs, labels: { run: "debug" }, ip: "10.244.1.99", ports: [] };

  const chroma_ = chroma ?? none;
  const pg_ = pg ?? none;
  const backup_ = backup ?? none;
  const refresh_ = refresh ?? none;
  const flows: [Endpoint, Endpoint, number, string, boolean][] = ([
    // Names resolve for every pod of the system.
    [app, dns, 53, "UDP", true], [app, dns, 53, "TCP", true], [chroma_, dns, 53, "UDP", true],
    [pg_, dns, 53, "UDP", true], [backup_, dns, 53, "UDP", true],
    // Clients in.
    [nginx, app, 8000, "TCP", true], [lbClient, app, 8000, "TCP", true], [prom, app, 9090, "TCP", true],
    // The app (and its init container) and the backup_ job to the stores.
    [app, chroma_, 8000, "TCP", true], [app, pg_, 5432, "TCP", true],
    [backup_, pg_, 5432, "TCP", true], [backup_, apiServer, 443, "TCP", true],
    [app, web, 443, "TCP", true],
    // The refresh job POSTs to the app's API port, and reaches nothing else.
    [refresh_, dns, 53, "UDP", true], [refresh_, app, 8000, "TCP", true],
    [refresh_, app, 9090, "TCP", false], [refresh_, pg_, 5432, "TCP", false], [refresh_, chroma_, 8000, "TCP", false],
    [refresh_, web, 443, "TCP", false],
    // Refused.
    [intruder, app, 8000, "TCP", false], [intruder, chroma_, 8000, "TCP", false], [intruder, pg_, 5432, "TCP", false],
    [debug, pg_, 5432, "TCP", false], [debug, chroma_, 8000, "TCP", false], [debug, web, 443, "TCP", false],
    [lbClient, app, 9090, "TCP", false], [lbClient, pg_, 5432, "TCP", false], [lbClient, chroma_, 8000, "TCP", false],
    [nginx, pg_, 5432, "TCP", false], [nginx, chroma_, 8000, "TCP", false], [prom, pg_, 5432, "TCP", false],
    [chroma_, pg_, 5432, "TCP", false], [pg_, web, 443, "TCP", false], [chroma_, web, 443, "TCP", false],
    [app, web, 80, "TCP", false], [app, pg_, 5433, "TCP", false],
  ] as [Endpoint, Endpoint, number, string, boolean][]).filter(([s, d]) => s !== none && d !== none);
  for (const [src, dst, port, proto, want] of flows) {
    const r = w.Allowed(src, dst, port, proto);
    const name = `${label}: ${src.id} -> ${dst.id} ${port}/${proto} ${want ? "allowed" : "denied"}`;
    if (r.ok === want) {
      passed++;
      console.log(`  ok   ${name}`);
    } else {
      failed++;
      console.log(`  FAIL ${name}: ${r.why}`);
    }
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: netpol.js RENDERED.yaml...");
  process.exit(2);
}
for (const f of files) CheckFile(f);
console.log(`netpol: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
