#!/usr/bin/env bash
# Configures and builds one build tree. Usage: scripts/build.sh [BUILD_DIR] [cmake args...]
# OHLCV_TARGETS="a b" builds only those targets (and what they need).
# Default BUILD_DIR is build/ (RelWithDebInfo). Uses ninja and ccache when present.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
shift || true
JOBS=${OHLCV_JOBS:-$(nproc)}
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja "$@" >/dev/null
echo "==> building $BUILD_DIR ($JOBS jobs)"
# shellcheck disable=SC2086 # a list of target names
ninja -C "$BUILD_DIR" -j "$JOBS" ${OHLCV_TARGETS:-}
