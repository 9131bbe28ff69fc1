// The MCP stdio transport: newline-delimited JSON-RPC messages on `in`, one
// reply per line on `out` (flushed after each), in order, until end of
// input. Blank lines are skipped. Nothing else may write to `out` (logs go to
// stderr); a message may not contain a raw newline (JSON escapes them).
#pragma once

#include <iosfwd>

#include "mcp/mcp_server.h"

namespace ohlcv {

// Returns when `in` ends. Messages over 8 MiB get a -32600 error reply.
void ServeMcpStdio(const McpServer& server, std::istream& in, std::ostream& out);

}  // namespace ohlcv
