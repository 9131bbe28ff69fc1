#include "core/pattern.h"

#include <array>
#include <string>

namespace ohlcv {
namespace {

struct PatternInfo {
  std::string_view name;
  std::string_view phrase;
  int direction;
};

// Indexed by PatternKind; order must follow the enum.
constexpr std::array<PatternInfo, static_cast<size_t>(PatternKind::kCount)> kInfo = {{
    {"uptrend", "uptrend began", +1},
    {"downtrend", "downtrend began", -1},
    {"sideways", "trend turned sideways", 0},
    {"golden_cross", "golden cross (SMA50 above SMA200)", +1},
    {"death_cross", "death cross (SMA50 below SMA200)", -1},
    {"macd_bullish_cross", "MACD bullish crossover", +1},
    {"macd_bearish_cross", "MACD bearish crossover", -1},
    {"rsi_overbought", "RSI overbought", -1},
    {"rsi_overbought_exit", "RSI left overbought", -1},
    {"rsi_oversold", "RSI oversold", +1},
    {"rsi_oversold_exit", "RSI left oversold", +1},
    {"bollinger_squeeze", "Bollinger squeeze", 0},
    {"bollinger_breakout_up", "close above upper Bollinger band", +1},
    {"bollinger_breakout_down", "close below lower Bollinger band", -1},
    {"breakout_20_high", "20-day high breakout", +1},
    {"breakdown_20_low", "20-day low breakdown", -1},
    {"breakout_52w_high", "52-week high breakout", +1},
    {"breakdown_52w_low", "52-week low breakdown", -1},
    {"gap_up", "gap up", +1},
    {"gap_down", "gap down", -1},
    {"volume_spike", "volume spike", 0},
    {"support", "support", +1},
    {"resistance", "resistance", -1},
    {"bullish_reversal", "bullish reversal", +1},
    {"bearish_reversal", "bearish reversal", -1},
    {"consolidation", "consolidation", 0},
    {"doji", "doji", 0},
    {"hammer", "hammer", +1},
    {"shooting_star", "shooting star", -1},
    {"bullish_engulfing", "bullish engulfing", +1},
    {"bearish_engulfing", "bearish engulfing", -1},
    {"morning_star", "morning star", +1},
    {"evening_star", "evening star", -1},
}};

const PatternInfo& Info(PatternKind kind) {
  auto i = static_cast<size_t>(kind);
  return kInfo[i < kInfo.size() ? i : 0];
}

}  // namespace

std::string_view PatternKindName(PatternKind kind) { return Info(kind).name; }
std::string_view PatternKindPhrase(PatternKind kind) { return Info(kind).phrase; }
int PatternDirection(PatternKind kind) { return Info(kind).direction; }

std::string_view PatternKindPhrase(PatternKind kind, Interval interval) {
  // Rows: the four lookback kinds; columns: intraday, weekly, monthly.
  static constexpr std::string_view kByBars[4][3] = {
      {"20-bar high breakout", "20-week high breakout", "20-month high breakout"},
      {"20-bar low breakdown", "20-week low breakdown", "20-month low breakdown"},
      {"252-bar high breakout", "252-week high breakout", "252-month high breakout"},
      {"252-bar low breakdown", "252-week low breakdown", "252-month low breakdown"},
  };
  int row = -1;
  switch (kind) {
    case PatternKind::kBreakout20High: row = 0; break;
    case PatternKind::kBreakdown20Low: row = 1; break;
    case PatternKind::kBreakout52wHigh: row = 2; break;
    case PatternKind::kBreakdown52wLow: row = 3; break;
    default: break;
  }
  if (row < 0 || interval == Interval::k1d) return PatternKindPhrase(kind);
  return kByBars[row][interval == Interval::k1wk ? 1 : interval == Interval::k1mo ? 2 : 0];
}

Result<PatternKind> ParsePatternKind(std::string_view name) {
  for (size_t i = 0; i < kInfo.size(); ++i) {
    if (kInfo[i].name == name) return static_cast<PatternKind>(i);
  }
  return Status::NotFound("unknown pattern '" + std::string(name) + "'");
}

}  // namespace ohlcv
