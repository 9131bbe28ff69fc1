// RequestLog: the service's log lines, JSON objects one per line on stdout
// (time, level, message, and for requests request_id, method, route,
// status, duration_ms, plus pod from POD_NAME when set), or plain text when
// log_format is "text". Built on spdlog; the level comes from LOG_LEVEL.
// API keys never reach it: callers pass only a key's index.
//
// Thread-safety: safe for concurrent use (spdlog's _mt sink serialises lines).
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace spdlog {
class logger;
}

namespace ohlcv {

struct RequestLogOptions {
  std::string level = "info";  // trace | debug | info | warn | error | critical | off
  bool json = true;            // false = human-readable text
  std::string pod;             // POD_NAME; "" = omitted
  std::ostream* sink = nullptr;  // null = stdout; tests pass a stringstream
};

class RequestLog {
 public:
  explicit RequestLog(const RequestLogOptions& options);
  ~RequestLog();

  // level: "debug", "info", "warn", "error". `fields` (an object) is merged
  // into the line.
  void Log(std::string_view level, std::string_view message, const nlohmann::json& fields = nullptr);
  bool Enabled(std::string_view level) const;
  void Flush();

 private:
  std::shared_ptr<spdlog::logger> logger_;
  bool json_;
  std::string pod_;
};

}  // namespace ohlcv
