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

Result<PatternKind> ParsePatternKind(std::string_view name) {
  for (size_t i = 0; i < kInfo.size(); ++i) {
    if (kInfo[i].name == name) return static_cast<PatternKind>(i);
  }
  return Status::NotFound("unknown pattern '" + std::string(name) + "'");
}

}  // namespace ohlcv
