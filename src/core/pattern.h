// PatternKind and PatternEvent: what the detectors in patterns/ report.
//
// A PatternEvent dated at bar t was decided from bars [0, t] only (no
// look-ahead). Events whose confirmation needs later bars (a pivot high needs
// its right side) are dated at the confirming bar, and `ref_ts` names the bar
// the pattern refers to (the pivot itself).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/interval.h"
#include "core/status.h"

namespace ohlcv {

// Persisted (bar store, vector store metadata, API output by name): never
// renumber, only append before kCount.
enum class PatternKind : uint8_t {
  kUptrend = 0,            // trend state turned up
  kDowntrend = 1,          // trend state turned down
  kSideways = 2,           // trend state turned sideways
  kGoldenCross = 3,        // SMA50 crossed above SMA200
  kDeathCross = 4,         // SMA50 crossed below SMA200
  kMacdBullishCross = 5,   // MACD line crossed above its signal
  kMacdBearishCross = 6,   // MACD line crossed below its signal
  kRsiOverbought = 7,      // RSI14 entered > 70
  kRsiOverboughtExit = 8,  // RSI14 fell back to <= 70
  kRsiOversold = 9,        // RSI14 entered < 30
  kRsiOversoldExit = 10,   // RSI14 rose back to >= 30
  kBollingerSqueeze = 11,  // bandwidth at a 120-bar low
  kBollingerBreakoutUp = 12,    // close above the upper band
  kBollingerBreakoutDown = 13,  // close below the lower band
  kBreakout20High = 14,    // close above the prior 20-bar high, volume confirmed
  kBreakdown20Low = 15,    // close below the prior 20-bar low, volume confirmed
  kBreakout52wHigh = 16,   // close above the prior 52-week high, volume confirmed
  kBreakdown52wLow = 17,   // close below the prior 52-week low, volume confirmed
  kGapUp = 18,
  kGapDown = 19,
  kVolumeSpike = 20,       // volume >= 2x its 20-bar average
  kSupport = 21,           // confirmed pivot low (ref_ts = the pivot bar)
  kResistance = 22,        // confirmed pivot high (ref_ts = the pivot bar)
  kBullishReversal = 23,   // downtrend ended by a confirmed higher low / trend flip
  kBearishReversal = 24,
  kConsolidation = 25,     // tight range over the last 20 bars
  kDoji = 26,
  kHammer = 27,
  kShootingStar = 28,
  kBullishEngulfing = 29,
  kBearishEngulfing = 30,
  kMorningStar = 31,
  kEveningStar = 32,
  kCount
};

// Stable snake_case name used in metadata, JSON and questions
// ("golden_cross", "rsi_overbought", "breakout_20_high", ...).
std::string_view PatternKindName(PatternKind kind);
// Human phrase for summaries ("golden cross", "RSI overbought", ...), as
// for daily bars ("20-day high breakout", "52-week high breakout").
std::string_view PatternKindPhrase(PatternKind kind);
// The phrase for bars of `interval`: the lookback patterns are named by what
// they span, since their windows are counted in bars (20 and 252): "20-bar
// high breakout" / "252-bar high breakout" on intraday bars (a 252-minute
// high is no 52-week high), "252-week high breakout" on weekly bars and
// "252-month ..." on monthly bars. Daily bars: PatternKindPhrase(kind).
std::string_view PatternKindPhrase(PatternKind kind, Interval interval);
// Inverse of PatternKindName. NotFound for an unknown name.
Result<PatternKind> ParsePatternKind(std::string_view name);
// +1 bullish, -1 bearish, 0 neutral.
int PatternDirection(PatternKind kind);

struct PatternEvent {
  PatternKind kind = PatternKind::kDoji;
  uint32_t bar = 0;     // index of the bar the event is dated at (decided there)
  int64_t ts = 0;       // that bar's timestamp
  int64_t ref_ts = 0;   // the bar the pattern refers to (== ts unless confirmed later)
  double value = 0;     // kind-specific: RSI value, level broken, gap %, volume ratio...
};

}  // namespace ohlcv
