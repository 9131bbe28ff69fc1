#include "service/api/mcp_route.h"

#include <algorithm>
#include <string>

#include "mcp/mcp_server.h"
#include "service/api/service.h"
#include "service/http/api_error.h"
#include "service/http/router.h"

namespace ohlcv {
namespace {

// "http://host:port" -> "host:port" (the authority an Origin names).
std::string_view OriginAuthority(std::string_view origin) {
  size_t scheme = origin.find("://");
  if (scheme != std::string_view::npos) origin.remove_prefix(scheme + 3);
  while (!origin.empty() && origin.back() == '/') origin.remove_suffix(1);
  return origin;
}

ServerResponse PostMcp(Service& s, const ServerRequest& req) {
  std::string_view version = req.Header("mcp-protocol-version");
  const auto& supported = McpServer::SupportedProtocolVersions();
  if (!version.empty() && std::find(supported.begin(), supported.end(), version) == supported.end())
    return ErrorResponse(400, "unsupported MCP-Protocol-Version: " + std::string(version));
  std::string_view origin = req.Header("origin");
  if (!origin.empty() && origin != "null" && OriginAuthority(origin) != req.Header("host"))
    return ErrorResponse(403, "Origin " + std::string(origin) + " is not this server");
  McpServer server(*s.kb());
  std::string reply = server.Handle(req.body);
  ServerResponse r;
  if (reply.empty()) {
    r.status = 202;
    r.content_type = "text/plain";
    return r;
  }
  r.status = 200;
  r.body = std::move(reply);
  return r;
}

}  // namespace

void RegisterMcpRoute(Router& router, Service& s) {
  router.Add("POST", "/mcp", [&s](const ServerRequest& req, const RouteParams&) { return PostMcp(s, req); });
}

}  // namespace ohlcv
