// `ohlcv-rag mcp`: the knowledge base of the data directory as a Model
// Context Protocol server over stdio (mcp/mcp_server.h), for agents (Claude
// Desktop, IDEs, the MCP SDKs) that start it as a subprocess. stdout carries
// only protocol messages; errors go to stderr.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/cli_common.h"
#include "mcp/mcp_server.h"
#include "mcp/mcp_stdio.h"

namespace ohlcv::cli {

void RegisterMcpCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "mcp", "Serve the knowledge base to agents over the Model Context Protocol (stdio: JSON-RPC, one message a line)");
  cmd->footer(
      "Tools: ask, execute_plan, similar_periods, get_bars, list_tickers, status (docs/mcp.md).\n"
      "Example client config: {\"command\": \"ohlcv-rag\", \"args\": [\"mcp\", \"--data-dir\", \"/path/to/data\"]}");
  cmd->callback([&global, &exit_code] {
    auto kb = OpenKbToRead(global);
    if (!kb.ok()) {
      exit_code = ReportError(kb.status());
      return;
    }
    McpServer server(**kb);
    std::ios::sync_with_stdio(false);
    ServeMcpStdio(server, std::cin, std::cout);
    exit_code = kExitOk;
  });
}

}  // namespace ohlcv::cli
