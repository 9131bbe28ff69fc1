// The keys of Computation::result that code reads back (the analyzer's risk
// factors and confidence). Written once, here, and used by the code that
// writes a result and the code that reads it, so a misspelt key is a compile
// error instead of a figure that silently reads as NaN.
//
// Thread-safety: constants.
#pragma once

namespace ohlcv {

struct ResultKey {
  const char* name;
};

namespace result_key {
inline constexpr ResultKey kMaxDrawdownPct{"max_drawdown_pct"};
inline constexpr ResultKey kAnnualisedVolatilityPct{"annualised_volatility_pct"};
inline constexpr ResultKey kRsi14{"rsi14"};
inline constexpr ResultKey kAdx14{"adx14"};
inline constexpr ResultKey kMeasured{"measured"};   // base rate: events measured
inline constexpr ResultKey kCorrelation{"r"};       // Pearson r of returns
}  // namespace result_key

}  // namespace ohlcv
