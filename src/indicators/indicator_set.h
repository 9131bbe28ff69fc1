// IndicatorSet: every indicator column of one BarSeries, and the engine that
// fills it.
//
// Values follow TA-Lib's conventions (see ../shared/indicator-refs/README.md):
// a warm-up cell is NaN, EMA is SMA-seeded, RSI/ATR/ADX use Wilder smoothing,
// Bollinger uses the population standard deviation, MACD starts at row 33.
// Every column of ../shared/indicator-refs/talib.csv matches TA-Lib 0.6 to
// ~1e-14 relative (tests/indicators/reference_test.cc). Columns beyond TA-Lib
// (returns, volatility, drawdown, %B, bandwidth, VWAP) are documented at their
// enum value. First non-NaN row: obv, vwap_cum, drawdown 0; return1 1;
// return5 5; roc10 10; willr14 13; rsi14, atr14, +/-di14, mfi14 14; stoch
// 17; sma20, bollinger, cci20, vwap20 19; return20, volatility20 20; ema12
// 11; ema26 25; adx14 27; macd (all three) 33; sma50 49; sma200 199.
// Degenerate input never yields NaN/inf after warm-up: where TA-Lib answers 0
// (zero range, zero gain+loss, zero deviation, volume sum < 1) so do we; %B is
// 0.5 for a zero-width band; VWAP with zero volume in its window is the plain
// mean of TP. The kernels live in src/indicators/*.h, one family per file.
//
// Ownership: the set owns its buffers and reuses them across Compute calls,
// so a caller that computes many series keeps one IndicatorSet per thread.
// A span returned by column() stays valid until the next Compute on the set.
// Thread-safety: needs external synchronization; distinct sets are independent.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "core/bar_series.h"

namespace ohlcv {

// Persisted by name (window metadata, JSON): never rename a name; append only.
enum class Indicator : uint8_t {
  kSma20 = 0,
  kSma50,
  kSma200,
  kEma12,
  kEma26,
  kRsi14,
  kMacd,          // MACD(12,26,9) line
  kMacdSignal,
  kMacdHist,
  kBbUpper,       // Bollinger(20, 2)
  kBbMiddle,
  kBbLower,
  kBbPercentB,    // (close - lower) / (upper - lower); 0.5 when upper == lower
  kBbBandwidth,   // (upper - lower) / middle
  kAtr14,
  kAdx14,
  kPlusDi14,
  kMinusDi14,
  kStochK,        // Stochastic(14,3,3) slow %K
  kStochD,
  kWillR14,
  kCci20,
  kObv,
  kMfi14,
  kRoc10,
  kVwap20,        // sum(TP*V)/sum(V) over 20 bars, TP = (H+L+C)/3; mean TP if sum(V) == 0
  kVwapCum,       // the same, cumulative from the first bar
  kReturn1,       // close[t]/close[t-1] - 1
  kReturn5,
  kReturn20,
  kVolatility20,  // sample stdev of 20 log returns * sqrt(BarsPerYear(interval))
  kDrawdown,      // close / running max(close) - 1 (<= 0)
  kCount
};

inline constexpr size_t kIndicatorCount = static_cast<size_t>(Indicator::kCount);

// Stable snake_case name ("sma20", "rsi14", "macd_signal", "bb_pctb", ...),
// matching the column names of ../shared/indicator-refs/*.csv where they exist.
std::string_view IndicatorName(Indicator id);
// Inverse of IndicatorName; also accepts common spellings ("rsi" -> rsi14,
// "adx" -> adx14). std::nullopt when unknown.
std::optional<Indicator> ParseIndicator(std::string_view name);

class IndicatorSet {
 public:
  IndicatorSet();
  ~IndicatorSet();
  IndicatorSet(IndicatorSet&&) noexcept;
  IndicatorSet& operator=(IndicatorSet&&) noexcept;

  // Fills every column for `bars`, walking it in cache-sized blocks (one
  // kernel per indicator family per block). Reuses buffers; grows them
  // (pre-faulted, huge pages where the kernel allows) when bars is larger
  // than any earlier series: 32 columns x 8 bytes per bar. Columns read:
  // high, low, close, volume (open is not needed); a column shorter than
  // bars.size() caps size(). Volatility is annualised with
  // BarsPerYear(bars.interval).
  void Compute(const BarSeries& bars);

  size_t size() const { return size_; }
  // REQUIRES: id != kCount. Length size().
  std::span<const double> column(Indicator id) const {
    return {cols_[static_cast<size_t>(id)], size_};
  }
  double at(Indicator id, size_t bar) const { return cols_[static_cast<size_t>(id)][bar]; }

 private:
  struct Buffers;
  std::unique_ptr<Buffers> buffers_;
  std::array<double*, kIndicatorCount> cols_{};
  size_t size_ = 0;
};

}  // namespace ohlcv
