// POST /mcp: the Model Context Protocol over streamable HTTP (MCP revisions
// 2025-03-26 and later), behind the API key like every /api/ route.
//
// Stateless server mode: every POST carries one JSON-RPC message (or a
// batch) and gets the reply as application/json (200), or 202 Accepted with
// no body when it held only notifications or responses. No session id is
// issued; GET and DELETE on /mcp answer 405 (no server-initiated stream, no
// session to end), which the spec and the SDKs accept. A request whose
// MCP-Protocol-Version header names an unsupported revision gets 400; one
// whose Origin header names another host than Host gets 403 (DNS rebinding).
// The protocol core is mcp/mcp_server.h.
#pragma once

namespace ohlcv {

class Router;
class Service;

void RegisterMcpRoute(Router& router, Service& service);

}  // namespace ohlcv
