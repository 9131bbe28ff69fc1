#include "service/http/request_log.h"

#include <fmt/format.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

namespace ohlcv {
namespace {

spdlog::level::level_enum ParseLevel(std::string_view s) {
  if (s == "trace") return spdlog::level::trace;
  if (s == "debug") return spdlog::level::debug;
  if (s == "warn" || s == "warning") return spdlog::level::warn;
  if (s == "error") return spdlog::level::err;
  if (s == "critical") return spdlog::level::critical;
  if (s == "off") return spdlog::level::off;
  return spdlog::level::info;
}

std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

}  // namespace

RequestLog::RequestLog(const RequestLogOptions& o) : json_(o.json), pod_(o.pod) {
  spdlog::sink_ptr sink;
  if (o.sink) sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*o.sink, /*force_flush=*/true);
  else sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  // Not registered globally: several services (tests) may coexist.
  logger_ = std::make_shared<spdlog::logger>("ohlcv-service", sink);
  logger_->set_pattern("%v");  // the line is built here, whole
  logger_->set_level(ParseLevel(o.level));
  logger_->flush_on(spdlog::level::warn);
}

RequestLog::~RequestLog() { Flush(); }

bool RequestLog::Enabled(std::string_view level) const { return logger_->should_log(ParseLevel(level)); }

void RequestLog::Flush() { logger_->flush(); }

void RequestLog::Log(std::string_view level, std::string_view message, const nlohmann::json& fields) {
  auto lvl = ParseLevel(level);
  if (!logger_->should_log(lvl)) return;
  std::string line;
  if (json_) {
    nlohmann::json j = {{"time", NowIso()}, {"level", level}, {"message", message}};
    if (!pod_.empty()) j["pod"] = pod_;
    if (fields.is_object()) {
      for (auto it = fields.begin(); it != fields.end(); ++it) j[it.key()] = it.value();
    }
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = fmt::format("{} {:<5} {}", NowIso(), level, message);
    if (fields.is_object()) {
      for (auto it = fields.begin(); it != fields.end(); ++it) {
        line += fmt::format(" {}={}", it.key(),
                            it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
      }
    }
  }
  logger_->log(lvl, "{}", line);
}

}  // namespace ohlcv
