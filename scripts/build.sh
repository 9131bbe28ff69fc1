#!/usr/bin/env bash
# Configures and builds one build tree. Usage: scripts/build.sh [BUILD_DIR] [cmake args...]
# Default BUILD_DIR is build/ (RelWithDebInfo). Uses ninja and ccache when present.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
shift || true
JOBS=${OHLCV_JOBS:-$(nproc)}
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja "$@" >/dev/null
echo "==> building $BUILD_DIR ($JOBS jobs)"
ninja -C "$BUILD_DIR" -j "$JOBS"
