#include "core/interval.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace ohlcv {
namespace {

struct IntervalSpelling {
  std::string_view text;
  Interval interval;
};

constexpr std::array<IntervalSpelling, 22> kSpellings = {{
    {"1m", Interval::k1m},      {"1min", Interval::k1m},     {"5m", Interval::k5m},
    {"5min", Interval::k5m},    {"15m", Interval::k15m},     {"15min", Interval::k15m},
    {"30m", Interval::k30m},    {"30min", Interval::k30m},   {"1h", Interval::k1h},
    {"60m", Interval::k1h},     {"60min", Interval::k1h},    {"1d", Interval::k1d},
    {"1day", Interval::k1d},    {"d", Interval::k1d},        {"daily", Interval::k1d},
    {"1wk", Interval::k1wk},    {"1w", Interval::k1wk},      {"weekly", Interval::k1wk},
    {"1mo", Interval::k1mo},    {"1month", Interval::k1mo},  {"monthly", Interval::k1mo},
    {"hourly", Interval::k1h},
}};

}  // namespace

std::string_view IntervalName(Interval interval) {
  switch (interval) {
    case Interval::k1m: return "1m";
    case Interval::k5m: return "5m";
    case Interval::k15m: return "15m";
    case Interval::k30m: return "30m";
    case Interval::k1h: return "1h";
    case Interval::k1d: return "1d";
    case Interval::k1wk: return "1wk";
    case Interval::k1mo: return "1mo";
  }
  return "?";
}

Result<Interval> ParseInterval(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& s : kSpellings) {
    if (s.text == lower) return s.interval;
  }
  return Status::InvalidArgument("unknown interval '" + std::string(text) +
                                 "' (expected one of 1m, 5m, 15m, 30m, 1h, 1d, 1wk, 1mo)");
}

int64_t IntervalSeconds(Interval interval) {
  switch (interval) {
    case Interval::k1m: return 60;
    case Interval::k5m: return 300;
    case Interval::k15m: return 900;
    case Interval::k30m: return 1800;
    case Interval::k1h: return 3600;
    case Interval::k1d: return 86400;
    case Interval::k1wk: return 7 * 86400;
    case Interval::k1mo: return 30 * 86400;
  }
  return 86400;
}

double BarsPerYear(Interval interval) {
  constexpr double kTradingDays = 252.0;
  constexpr double kSessionMinutes = 390.0;
  switch (interval) {
    case Interval::k1m: return kTradingDays * kSessionMinutes;
    case Interval::k5m: return kTradingDays * kSessionMinutes / 5;
    case Interval::k15m: return kTradingDays * kSessionMinutes / 15;
    case Interval::k30m: return kTradingDays * kSessionMinutes / 30;
    case Interval::k1h: return kTradingDays * 6.5;
    case Interval::k1d: return kTradingDays;
    case Interval::k1wk: return 52.0;
    case Interval::k1mo: return 12.0;
  }
  return kTradingDays;
}

}  // namespace ohlcv
