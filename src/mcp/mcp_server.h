// McpServer: the Model Context Protocol (MCP) core of ohlcv-rag — JSON-RPC
// 2.0 messages in, replies out, tools over one KnowledgeBase — so an LLM
// agent gets exact figures computed from the stored bars instead of
// computing them. Transport-free: the CLI's `ohlcv-rag mcp` feeds it
// newline-delimited messages from stdin (stdio transport, mcp_stdio.h) and
// the service's POST /mcp feeds it request bodies (streamable HTTP,
// service/api/mcp_route.cc). docs/mcp.md lists the tools.
//
// Protocol: revisions 2025-11-25, 2025-06-18, 2025-03-26 and 2024-11-05;
// `initialize` answers the client's revision when supported, else the newest.
// Methods: initialize, ping, tools/list, tools/call; notifications (no "id",
// e.g. notifications/initialized, notifications/cancelled) get no reply.
// Stateless: no session id, every request stands alone, so any replica of
// the service can answer any request.
//
// Errors (JSON-RPC): -32700 parse error (id null), -32600 invalid request,
// -32601 unknown method, -32602 invalid params (tools/call without a string
// "name", an unknown tool). A tool's own failure — bad arguments (a missing
// or mistyped field, an unknown field, a bad date or interval, a ticker not
// stored) or a knowledge-base error — is a result with "isError": true and a
// text naming the problem, as the spec asks, so the model can correct itself.
//
// Thread-safety: Handle() is safe to call concurrently (the KnowledgeBase is).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ohlcv {

class KnowledgeBase;

struct McpServerOptions {
  std::string name = "ohlcv-rag";
  std::string version;          // "" = the build's version (util/build_info.h)
  size_t max_bars = 5000;       // get_bars returns at most this many (the latest)
  size_t max_results = 100;     // similar_periods k, ask n_results
};

class McpServer {
 public:
  // REQUIRES: kb outlives the server.
  explicit McpServer(const KnowledgeBase& kb, McpServerOptions options = {});

  // One message or a batch (JSON array) as text -> the reply as compact JSON
  // text, or "" when there is nothing to send back (notifications,
  // responses, a batch of notifications). Never throws.
  std::string Handle(std::string_view message) const;

  // The tool names, in tools/list order.
  std::vector<std::string> ToolNames() const;

  static const std::vector<std::string>& SupportedProtocolVersions();

 private:
  const KnowledgeBase& kb_;
  McpServerOptions options_;
};

}  // namespace ohlcv
