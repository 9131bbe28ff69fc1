// Offline validation of Kubernetes manifests against the API types.
//
//   node out/js/validate.js [--label NAME] FILE.yaml...
//
// Every document must be a known kind (src/kinds.ts). Two independent checks:
//  1. Types: each object is emitted as a typed constant
//     (`const m0: IDeployment = {...}`) into out/check/NAME.ts and compiled with
//     tsc --strict. Object-literal excess-property checks reject misspelled
//     fields anywhere in the tree; wrong value types, missing required fields and
//     bad enum literals are type errors too.
//  2. Schema: the kubernetes-models class's validate() (JSON schema from the
//     OpenAPI spec: formats such as int-or-string, required fields).
// Also rejects duplicate objects (same kind/namespace/name).
// ESM because the kubernetes-models packages export ESM only.
// Exit status 0 when every object passes, 1 otherwise; errors name the file,
// the document index, the kind and the name.
import * as cp from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { fileURLToPath } from "url";
import { ResolveKind } from "./kinds.js";

const __dirname = path.dirname(fileURLToPath(import.meta.url));

interface Doc {
  file: string;
  index: number;
  obj: Record<string, any>;
}

function Where(d: Doc): string {
  const md = d.obj.metadata ?? {};
  return `${d.file}#${d.index} ${d.obj.kind ?? "?"}/${md.name ?? "?"}`;
}

function LoadDocs(files: string[], errors: string[]): Doc[] {
  const docs: Doc[] = [];
  for (const file of files) {
    let parsed: unknown[];
    try {
      parsed = yaml.loadAll(fs.readFileSync(file, "utf8"));
    } catch (e) {
      errors.push(`${file}: YAML: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    parsed.forEach((obj, index) => {
      if (obj === null || obj === undefined) return;
      if (typeof obj !== "object" || Array.isArray(obj)) {
        errors.push(`${file}#${index}: not a mapping`);
        return;
      }
      docs.push({ file, index, obj: obj as Record<string, any> });
    });
  }
  return docs;
}

async function Main(): Promise<number> {
  const args = process.argv.slice(2);
  let label = "manifests";
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--label") label = args[++i];
    else files.push(args[i]);
  }
  if (files.length === 0) {
    console.error("usage: validate.js [--label NAME] FILE.yaml...");
    return 2;
  }
  const errors: string[] = [];
  const docs = LoadDocs(files, errors);
  if (docs.length === 0 && errors.length === 0) errors.push("no objects found");

  const seen = new Set<string>();
  const imports = new Map<string, string>();  // module -> alias
  const lines: string[] = [];
  const lineToDoc: { line: number; doc: Doc }[] = [];
  let header = 0;

  for (const [i, d] of docs.entries()) {
    const { apiVersion, kind } = d.obj;
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
      errors.push(`${Where(d)}: apiVersion and kind must be strings`);
      continue;
    }
    if (typeof d.obj.metadata?.name !== "string" || d.obj.metadata.name === "") {
      errors.push(`${Where(d)}: metadata.name is required`);
    }
    const key = `${kind}/${d.obj.metadata?.namespace ?? ""}/${d.obj.metadata?.name ?? ""}`;
    if (seen.has(key)) errors.push(`${Where(d)}: duplicate object ${key}`);
    seen.add(key);

    const km = ResolveKind(apiVersion, kind);
    if (!km) {
      errors.push(`${Where(d)}: unknown kind ${apiVersion} ${kind} (no API type to validate against)`);
      continue;
    }
    // Schema check through the model class.
    if (km.className) {
      try {
        const Cls = (await import(km.module))[km.className];
        new Cls(JSON.parse(JSON.stringify(d.obj))).validate();
      } catch (e) {
        errors.push(`${Where(d)}: schema: ${(e as Error).message.split("\n").slice(0, 4).join(" | ")}`);
      }
    }
    let alias = imports.get(km.module);
    if (!alias) {
      alias = `T${imports.size}`;
      imports.set(km.module, alias);
    }
    const body = JSON.stringify(d.obj, null, 2).split("\n");
    lineToDoc.push({ line: lines.length, doc: d });
    lines.push(`// ${Where(d)}`);
    lines.push(`export const m${i}: ${alias}.${km.typeName} = ${body[0]}`);
    lines.push(...body.slice(1));
    lines.push(";");
  }

  // Type check.
  const outDir = path.join(__dirname, "..", "check");
  fs.mkdirSync(outDir, { recursive: true });
  const importLines = [...imports].map(([m, a]) => `import type * as ${a} from "${m}";`);
  header = importLines.length;
  const tsFile = path.join(outDir, `${label}.ts`);
  fs.writeFileSync(tsFile, [...importLines, ...lines, ""].join("\n"));
  const tsconfig = path.join(outDir, `tsconfig.${label}.json`);
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, skipLibCheck: true, target: "ES2022", module: "nodenext",
        moduleResolution: "nodenext", types: [], baseUrl: ".",
        typeRoots: [path.join(__dirname, "..", "..", "node_modules", "@types")],
      },
      files: [`${label}.ts`],
    }),
  );
  const tsc = path.join(__dirname, "..", "..", "node_modules", "typescript", "bin", "tsc");
  const r = cp.spawnSync(process.execPath, [tsc, "-p", tsconfig, "--pretty", "false"], { encoding: "utf8" });
  if (r.status !== 0) {
    const out = `${r.stdout}${r.stderr}`.trim().split("\n").filter((l) => l.includes("error TS"));
    for (const l of out) {
      const m = /\((\d+),\d+\): (error TS\d+: .*)$/.exec(l);
      if (!m) {
        errors.push(`tsc: ${l}`);
        continue;
      }
      const line = Number(m[1]) - 1 - header;
      let owner: Doc | undefined;
      for (const e of lineToDoc) if (e.line <= line) owner = e.doc;
      errors.push(`${owner ? Where(owner) : tsFile}: type: ${m[2]}`);
    }
    if (out.length === 0) errors.push(`tsc failed: ${r.stdout}${r.stderr}`.slice(0, 2000));
  }

  const kinds = new Map<string, number>();
  for (const d of docs) kinds.set(d.obj.kind, (kinds.get(d.obj.kind) ?? 0) + 1);
  if (errors.length > 0) {
    for (const e of errors) console.error(`  ${e}`);
    console.error(`validate[${label}]: ${errors.length} error(s) in ${docs.length} object(s)`);
    return 1;
  }
  const summary = [...kinds].map(([k, n]) => `${k}x${n}`).join(" ");
  console.log(`validate[${label}]: ${docs.length} objects OK (${summary})`);
  return 0;
}

process.exit(await Main());
