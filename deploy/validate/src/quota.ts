// Adds up what the rendered pods ask for at the worst moment and compares it
// with the namespace's ResourceQuota and LimitRange:
//
//   node out/js/quota.js RENDERED.yaml...
//
// The worst moment: the Deployment at the HPA's maxReplicas plus its
// rolling-update surge (maxSurge), every StatefulSet at its replicas, and one
// pod of each CronJob (concurrencyPolicy Forbid), all at once. A pod's
// requests and limits are the larger of its biggest init container and the
// sum of its containers (how the scheduler and the quota count them);
// containers that state none get the LimitRange's defaults. Also checked:
// every container within the LimitRange's min/max, every claim within its
// PersistentVolumeClaim bounds, the claims and LoadBalancer Services within
// the quota's counts, and the quota covering ephemeral storage and
// LoadBalancers at all. Exit 1 on any failure.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

type Obj = Record<string, any>;
const kResources = ["cpu", "memory", "ephemeral-storage"];
let passed = 0;
let failed = 0;

function Check(name: string, ok: boolean, detail = ""): void {
  if (ok) passed++;
  else failed++;
  console.log(`  ${ok ? "ok  " : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
}

const kSuffix: Record<string, number> = {
  m: 1e-3, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};
export function Quantity(q: unknown): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q ?? "0").trim());
  if (!m) throw new Error(`bad quantity ${q}`);
  return Number(m[1]) * (m[2] ? kSuffix[m[2]] ?? NaN : 1);
}
function Show(r: string, v: number): string {
  return r === "cpu" ? `${Math.round(v * 1000)}m` : `${(v / 2 ** 30).toFixed(2)}Gi`;
}

type Amounts = Record<string, number>;  // "requests.cpu" -> value

function ContainerAmounts(c: Obj, lr: Obj | undefined): Amounts {
  const out: Amounts = {};
  for (const r of kResources) {
    const lim = c.resources?.limits?.[r] ?? lr?.default?.[r];
    const req = c.resources?.requests?.[r] ?? (c.resources?.limits?.[r] !== undefined ? c.resources.limits[r] : lr?.defaultRequest?.[r]);
    out[`requests.${r}`] = Quantity(req ?? 0);
    out[`limits.${r}`] = Quantity(lim ?? 0);
  }
  return out;
}

function PodAmounts(spec: Obj, lr: Obj | undefined): Amounts {
  const out: Amounts = {};
  const sum = (cs: Obj[]) => cs.map((c) => ContainerAmounts(c, lr));
  const main = sum(spec.containers ?? []);
  const init = sum(spec.initContainers ?? []);
  for (const k of kResources.flatMap((r) => [`requests.${r}`, `limits.${r}`])) {
    const s = main.reduce((a, x) => a + x[k], 0);
    out[k] = Math.max(s, ...init.map((x) => x[k]));
  }
  return out;
}

function CheckFile(file: string): void {
  const label = path.basename(file);
  const docs = (yaml.loadAll(fs.readFileSync(file, "utf8")) as Obj[]).filter((d) => d && typeof d === "object");
  const quota = docs.find((d) => d.kind === "ResourceQuota");
  const limitRange = docs.find((d) => d.kind === "LimitRange");
  const lrC = (limitRange?.spec?.limits ?? []).find((l: Obj) => l.type === "Container");
  const lrPvc = (limitRange?.spec?.limits ?? []).find((l: Obj) => l.type === "PersistentVolumeClaim");
  const hard: Obj = quota?.spec?.hard ?? {};
  Check(`${label}: ResourceQuota present`, quota !== undefined);
  for (const k of ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "requests.ephemeral-storage",
    "limits.ephemeral-storage", "pods", "persistentvolumeclaims", "requests.storage", "services.loadbalancers"]) {
    Check(`${label}: quota sets ${k}`, hard[k] !== undefined);
  }

  // The pods at the worst moment.
  const pods: { what: string; count: number; spec: Obj }[] = [];
  const hpa = docs.find((d) => d.kind === "HorizontalPodAutoscaler");
  for (const d of docs.filter((x) => x.kind === "Deployment")) {
    const h = hpa?.spec?.scaleTargetRef?.name === d.metadata.name ? hpa : undefined;
    const max = Number(h?.spec?.maxReplicas ?? d.spec?.replicas ?? 1);
    const surgeRaw = d.spec?.strategy?.rollingUpdate?.maxSurge ?? "25%";
    const surge = String(surgeRaw).endsWith("%") ? Math.ceil((max * parseInt(String(surgeRaw), 10)) / 100) : Number(surgeRaw);
    pods.push({ what: `${d.metadata.name} x${max}+${surge} surge`, count: max + surge, spec: d.spec.template.spec });
  }
  for (const d of docs.filter((x) => x.kind === "StatefulSet")) {
    pods.push({ what: `${d.metadata.name} x${d.spec?.replicas ?? 1}`, count: Number(d.spec?.replicas ?? 1), spec: d.spec.template.spec });
  }
  for (const d of docs.filter((x) => x.kind === "CronJob")) {
    pods.push({ what: `${d.metadata.name} job`, count: 1, spec: d.spec.jobTemplate.spec.template.spec });
  }
  const total: Amounts = {};
  for (const p of pods) {
    const a = PodAmounts(p.spec, lrC);
    for (const [k, v] of Object.entries(a)) total[k] = (total[k] ?? 0) + v * p.count;
  }
  const what = pods.map((p) => p.what).join(", ");
  for (const r of kResources) {
    for (const kind of ["requests", "limits"]) {
      const k = `${kind}.${r}`;
      if (hard[k] === undefined) continue;
      Check(`${label}: ${k} ${Show(r, total[k])} fits the quota ${hard[k]} (${what})`, total[k] <= Quantity(hard[k]) + 1e-9);
    }
  }
  const podCount = pods.reduce((a, p) => a + p.count, 0);
  if (hard.pods !== undefined) Check(`${label}: ${podCount} pods fit the quota ${hard.pods}`, podCount <= Number(hard.pods));

  // Every container within the LimitRange.
  const bad: string[] = [];
  for (const p of pods) {
    for (const c of [...(p.spec.initContainers ?? []), ...(p.spec.containers ?? [])]) {
      const a = ContainerAmounts(c, lrC);
      for (const r of kResources) {
        if (lrC?.max?.[r] !== undefined && a[`limits.${r}`] > Quantity(lrC.max[r])) bad.push(`${c.name} limits.${r} > max`);
        if (lrC?.min?.[r] !== undefined && a[`requests.${r}`] < Quantity(lrC.min[r])) bad.push(`${c.name} requests.${r} < min`);
        if (a[`requests.${r}`] > a[`limits.${r}`]) bad.push(`${c.name} requests.${r} > limits`);
      }
    }
  }
  Check(`${label}: every container within the LimitRange's min/max`, bad.length === 0, bad.join("; "));

  // Claims: standalone PVCs plus volumeClaimTemplates x replicas.
  const claims: { name: string; size: number }[] = [];
  for (const d of docs.filter((x) => x.kind === "PersistentVolumeClaim")) {
    claims.push({ name: d.metadata.name, size: Quantity(d.spec?.resources?.requests?.storage) });
  }
  for (const d of docs.filter((x) => x.kind === "StatefulSet")) {
    for (const t of d.spec?.volumeClaimTemplates ?? []) {
      for (let i = 0; i < Number(d.spec?.replicas ?? 1); i++) {
        claims.push({ name: `${t.metadata.name}-${d.metadata.name}-${i}`, size: Quantity(t.spec?.resources?.requests?.storage) });
      }
    }
  }
  const storage = claims.reduce((a, c) => a + c.size, 0);
  if (hard.persistentvolumeclaims !== undefined) {
    Check(`${label}: ${claims.length} claims fit the quota ${hard.persistentvolumeclaims}`, claims.length <= Number(hard.persistentvolumeclaims));
  }
  if (hard["requests.storage"] !== undefined) {
    Check(`${label}: ${Show("storage", storage)} of claims fit the quota ${hard["requests.storage"]}`, storage <= Quantity(hard["requests.storage"]));
  }
  const badClaims = claims.filter((c) => (lrPvc?.max?.storage && c.size > Quantity(lrPvc.max.storage)) ||
    (lrPvc?.min?.storage && c.size < Quantity(lrPvc.min.storage))).map((c) => c.name);
  Check(`${label}: every claim within the LimitRange's PersistentVolumeClaim bounds`,
    lrPvc !== undefined && badClaims.length === 0, lrPvc ? badClaims.join(",") : "no PersistentVolumeClaim limits");
  const lbs = docs.filter((d) => d.kind === "Service" && d.spec?.type === "LoadBalancer").length;
  if (hard["services.loadbalancers"] !== undefined) {
    Check(`${label}: ${lbs} LoadBalancer Services fit the quota ${hard["services.loadbalancers"]}`, lbs <= Number(hard["services.loadbalancers"]));
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: quota.js RENDERED.yaml...");
  process.exit(2);
}
for (const f of files) CheckFile(f);
console.log(`quota: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
