#include "mcp/mcp_stdio.h"

#include <istream>
#include <ostream>
#include <string>

namespace ohlcv {

void ServeMcpStdio(const McpServer& server, std::istream& in, std::ostream& out) {
  constexpr size_t kMaxMessage = size_t{8} << 20;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::string reply =
        line.size() > kMaxMessage
            ? std::string(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"message over 8 MiB"}})")
            : server.Handle(line);
    if (reply.empty()) continue;
    out << reply << '\n';
    out.flush();
  }
}

}  // namespace ohlcv
