// The MCP tools of ohlcv-rag: one table (McpTools()) of name, description,
// JSON Schema of the arguments and handler over the KnowledgeBase. Internal
// to src/mcp/; mcp_server.cc lists and calls them.
//
// A handler gets the "arguments" object and returns the tool's output or a
// Status: InvalidArgument for bad arguments (the message names the field),
// or the knowledge base's error. Arguments are checked here, not trusted to
// the schema: unknown fields, wrong types, out-of-range numbers, bad dates
// and intervals are errors.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "mcp/mcp_server.h"

namespace ohlcv {

struct McpToolOutput {
  std::string text;            // what an agent reads first (the answer, a summary line)
  nlohmann::json structured;   // the full result (structuredContent), a JSON object
};

struct McpTool {
  std::string name;
  std::string title;
  std::string description;
  nlohmann::json input_schema;  // JSON Schema, "type": "object"
  std::function<Result<McpToolOutput>(const KnowledgeBase&, const McpServerOptions&, const nlohmann::json& args)> run;
};

const std::vector<McpTool>& McpTools();

// InvalidArgument unless `args` is an object whose fields are all declared in
// the tool's schema and whose required fields are present.
Status CheckMcpToolArguments(const McpTool& tool, const nlohmann::json& args);

}  // namespace ohlcv
