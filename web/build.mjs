// Bundles and minifies the page with esbuild into OUT_DIR:
//   OUT_DIR/index.html                 (references the hashed names below)
//   OUT_DIR/assets/app-<sha256/12>.js|.css  (named by content: cached forever)
//   OUT_DIR/assets/app-<hash>.js.gz|.css.gz  (the same, gzip -9)
// Usage: node web/build.mjs OUT_DIR NODE_DIR   (NODE_DIR holds node_modules; see build.sh)
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const [outArg, nodeDirArg] = process.argv.slice(2);
if (!outArg || !nodeDirArg) {
  console.error('usage: node build.mjs OUT_DIR NODE_DIR');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(outArg);
const nodeDir = path.resolve(nodeDirArg);
const esbuild = createRequire(path.join(nodeDir, 'package.json'))('esbuild');

// Only what this script writes is removed, so OUT_DIR may be any folder.
fs.rmSync(path.join(outDir, 'assets'), { recursive: true, force: true });
fs.rmSync(path.join(outDir, 'index.html'), { force: true });
fs.mkdirSync(path.join(outDir, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: [
    { in: path.join(here, 'src/main.js'), out: 'app' },
    { in: path.join(here, 'src/style.css'), out: 'app' },
  ],
  outdir: path.join(outDir, 'assets'),
  entryNames: '[name]',
  write: false,  // named below by content hash
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  nodePaths: [path.join(nodeDir, 'node_modules')],
  legalComments: 'eof',  // keeps lightweight-charts' licence header in the bundle
  logLevel: 'warning',
});

// Names from the bytes alone (esbuild's [hash] also covers input paths, so
// the same bundle built from another node_modules folder got another name).
const names = {};
for (const file of result.outputFiles) {
  const ext = path.extname(file.path);
  const hash = crypto.createHash('sha256').update(file.contents).digest('hex').slice(0, 12);
  names[ext] = `app-${hash}${ext}`;
  fs.writeFileSync(path.join(outDir, 'assets', names[ext]), file.contents);
}
const js = names['.js'];
const css = names['.css'];
const html = fs.readFileSync(path.join(here, 'src/index.html'), 'utf8')
  .replace('__APP_JS__', js).replace('__APP_CSS__', css);
fs.writeFileSync(path.join(outDir, 'index.html'), html);

// The hashed assets also go out precompressed (<name>.gz): the server sends
// those to clients that accept gzip, with no compression at request time.
let raw = 0, gz = 0;
for (const f of ['index.html', `assets/${js}`, `assets/${css}`]) {
  const bytes = fs.readFileSync(path.join(outDir, f));
  const zipped = zlib.gzipSync(bytes, { level: 9 });
  if (f.startsWith('assets/')) fs.writeFileSync(path.join(outDir, `${f}.gz`), zipped);
  const z = zipped.length;
  raw += bytes.length;
  gz += z;
  console.log(`  ${f.padEnd(34)} ${String(bytes.length).padStart(8)} B  (${z} B gzip)`);
}
console.log(`web: bundle ${raw} B (${gz} B gzip) in ${outDir}`);
