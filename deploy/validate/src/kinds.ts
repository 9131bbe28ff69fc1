// Maps apiVersion/kind to the module and interface that type it: built-in
// kinds from kubernetes-models, prometheus-operator CRDs from
// @kubernetes-models/prometheus-operator, the VPA from ./vpa. A kind with no
// entry is an error (the validator never waves an object through untyped).
import * as fs from "fs";
import * as path from "path";
import { fileURLToPath } from "url";

export interface KindModule {
  module: string;      // import specifier
  typeName: string;    // exported interface
  className?: string;  // exported model class with validate(), when there is one
}

const kNodeModules = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "node_modules");

export function ResolveKind(apiVersion: string, kind: string): KindModule | undefined {
  if (apiVersion === "autoscaling.k8s.io/v1" && kind === "VerticalPodAutoscaler") {
    return { module: "../js/vpa.js", typeName: "IVerticalPodAutoscaler" };
  }
  const candidates: string[] = [];
  const group = apiVersion.includes("/") ? apiVersion : `${apiVersion}`;  // "v1" is the core group
  candidates.push(`kubernetes-models/${group}/${kind}`);
  candidates.push(`@kubernetes-models/prometheus-operator/${group}/${kind}`);
  for (const c of candidates) {
    if (fs.existsSync(path.join(kNodeModules, `${c}.d.ts`))) {
      return { module: c, typeName: `I${kind}`, className: kind };
    }
  }
  return undefined;
}
