#!/usr/bin/env bash
# Installs the ChromaDB server used by the ChromaDB store's tests and benchmark
# (tests/testutil/chroma_server.h, bench/index_chroma_bench.cc) into
# ${OHLCV_CHROMA_DIR:-${OHLCV_CACHE_DIR:-<repo>/.cache}/chroma}.
#
# Pinned: chromadb 3.0.14 with chromadb-js-bindings-linux-x64-gnu 1.0.5 (the
# server behind `npx chroma run`). 3.0.14 + 1.0.5 fixes a 3.0.6 bug where one
# add without embeddings breaks a collection for good; bindings 1.0.6+ need a
# newer glibc than Debian 12 has.
#
# Idempotent and offline-safe: when the pinned versions are already installed
# it does nothing and needs no network. Needs node >= 18 and npm.
#
# Usage: scripts/chroma-setup.sh [--run PORT]   (--run: also start a server in
# the foreground on 127.0.0.1:PORT with data in <dir>/data, for manual use)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${OHLCV_CHROMA_DIR:-${OHLCV_CACHE_DIR:-$ROOT/.cache}/chroma}
CHROMA_VERSION=3.0.14
BINDINGS_VERSION=1.0.5

installed_version() {  # prints the installed version of package $1, or nothing
  local pj="$DIR/node_modules/$1/package.json"
  [[ -f "$pj" ]] && node -p "require('$pj').version" 2>/dev/null || true
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "chroma-setup: node and npm are required (scripts/install-deps.sh installs them)" >&2
  exit 1
fi

if [[ "$(installed_version chromadb)" == "$CHROMA_VERSION" &&
      "$(installed_version chromadb-js-bindings-linux-x64-gnu)" == "$BINDINGS_VERSION" ]]; then
  echo "chroma-setup: chromadb $CHROMA_VERSION (bindings $BINDINGS_VERSION) already in $DIR"
else
  echo "chroma-setup: installing chromadb $CHROMA_VERSION (bindings $BINDINGS_VERSION) into $DIR"
  mkdir -p "$DIR"
  [[ -f "$DIR/package.json" ]] || echo '{"name":"ohlcv-chroma-cache","private":true}' > "$DIR/package.json"
  (cd "$DIR" && npm install --no-audit --no-fund --save-exact \
      "chromadb@$CHROMA_VERSION" "chromadb-js-bindings-linux-x64-gnu@$BINDINGS_VERSION")
fi

# Smoke check: the CLI loads its native bindings (fails fast on a glibc mismatch).
(cd "$DIR" && node node_modules/chromadb/dist/cli.mjs run --help >/dev/null)

if [[ "${1:-}" == "--run" ]]; then
  PORT=${2:?usage: chroma-setup.sh --run PORT}
  cd "$DIR" && exec npx chroma run --path "$DIR/data" --host 127.0.0.1 --port "$PORT"
fi
