#!/usr/bin/env bash
# Builds the web UI (issue 7) into OUT_DIR: index.html + assets/app-<hash>.js|.css.
# Embed it in the binary with: cmake -DOHLCV_WEB_DIST=OUT_DIR ... (cmake/web_assets.cmake).
#
# The pinned npm packages of web/package.json (lightweight-charts, esbuild,
# and playwright-core for tests/web) are installed into
# ${OHLCV_WEB_NODE_DIR:-${OHLCV_CACHE_DIR:-<repo>/.cache}/web-node}, never into
# the source tree. Idempotent and offline-safe: when the pinned versions are
# already there it needs no network. Needs node >= 18 and npm.
#
# Usage: web/build.sh OUT_DIR
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:?usage: web/build.sh OUT_DIR}
NODE_DIR=${OHLCV_WEB_NODE_DIR:-${OHLCV_CACHE_DIR:-$ROOT/.cache}/web-node}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "web/build.sh: node and npm are required (scripts/install-deps.sh installs them)" >&2
  exit 1
fi

# Up to date when every pinned dependency is installed at its pinned version.
pins_installed() {
  node -e '
    const fs = require("fs"), path = require("path");
    const [pkgFile, dir] = process.argv.slice(1);
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
    const want = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const [name, version] of Object.entries(want)) {
      const f = path.join(dir, "node_modules", name, "package.json");
      if (!fs.existsSync(f) || JSON.parse(fs.readFileSync(f, "utf8")).version !== version) process.exit(1);
    }' "$ROOT/web/package.json" "$NODE_DIR"
}

if pins_installed; then
  echo "web/build.sh: pinned packages already in $NODE_DIR"
else
  echo "web/build.sh: installing web/package.json's pinned packages into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  cp "$ROOT/web/package.json" "$ROOT/web/package-lock.json" "$NODE_DIR/"
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund)
fi

node "$ROOT/web/build.mjs" "$OUT" "$NODE_DIR"
