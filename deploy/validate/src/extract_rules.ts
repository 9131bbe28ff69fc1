// Prints the rule groups of every PrometheusRule in the given YAML files as
// one Prometheus rules file, for `promtool check rules`.
//   node out/js/extract_rules.js FILE.yaml... > rules.yml
import * as fs from "fs";
import * as yaml from "js-yaml";

const groups: unknown[] = [];
for (const file of process.argv.slice(2)) {
  for (const d of yaml.loadAll(fs.readFileSync(file, "utf8")) as Record<string, any>[]) {
    if (d?.kind === "PrometheusRule") groups.push(...(d.spec?.groups ?? []));
  }
}
if (groups.length === 0) {
  console.error("extract_rules: no PrometheusRule groups found");
  process.exit(1);
}
process.stdout.write(yaml.dump({ groups }, { lineWidth: 200 }));
