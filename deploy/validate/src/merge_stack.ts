// Merges Compose/Stack files with "override replaces lists" semantics and
// prints the result:
//   node out/js/merge_stack.js BASE.yml OVERRIDE.yml... > merged.yml
// `docker stack deploy -c A -c B` appends lists (a health check's `test`, the
// `ports`), which cannot express "use this health check instead"; the proof's
// override (deploy/swarm/docker-stack.ci.yml) needs replacement. Mappings
// merge recursively; scalars and lists from later files win.
import * as fs from "fs";
import * as yaml from "js-yaml";

type Value = unknown;

function IsMap(v: Value): v is Record<string, Value> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function Merge(base: Value, over: Value): Value {
  if (!IsMap(base) || !IsMap(over)) return over === undefined ? base : over;
  const out: Record<string, Value> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? Merge(out[k], v) : v;
  return out;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: merge_stack.js BASE.yml OVERRIDE.yml...");
  process.exit(2);
}
let merged: Value = {};
for (const f of files) merged = Merge(merged, yaml.load(fs.readFileSync(f, "utf8")));
process.stdout.write(yaml.dump(merged, { lineWidth: 200, noRefs: true }));
