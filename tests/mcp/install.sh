#!/usr/bin/env bash
# Installs the pinned MCP SDK of tests/mcp/package.json (@modelcontextprotocol/sdk,
# the reference MCP client the tests drive) into
# ${OHLCV_MCP_NODE_DIR:-${OHLCV_CACHE_DIR:-<repo>/.cache}/mcp-node}, never into
# the source tree. Idempotent: no network when the pinned version is there.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NODE_DIR=${OHLCV_MCP_NODE_DIR:-${OHLCV_CACHE_DIR:-$ROOT/.cache}/mcp-node}
want=$(node -p 'require(process.argv[1]).dependencies["@modelcontextprotocol/sdk"]' "$ROOT/tests/mcp/package.json")
have=$(node -p 'try { require(process.argv[1]).version } catch (e) { "" }' \
  "$NODE_DIR/node_modules/@modelcontextprotocol/sdk/package.json" 2>/dev/null || true)
if [[ "$have" == "$want" ]]; then
  echo "tests/mcp/install.sh: @modelcontextprotocol/sdk $want already in $NODE_DIR"
  exit 0
fi
echo "tests/mcp/install.sh: installing @modelcontextprotocol/sdk $want into $NODE_DIR"
mkdir -p "$NODE_DIR"
cp "$ROOT/tests/mcp/package.json" "$ROOT/tests/mcp/package-lock.json" "$NODE_DIR/"
(cd "$NODE_DIR" && npm ci --no-audit --no-fund)
