// Window: a slice of one series with its metadata, summary and shape vector.
//
// Windows are what the knowledge base indexes and what answers cite. A
// window's id is stable across re-ingests: it is made from ticker, interval and
// the timestamps of its first and last bar ("AAPL_1d_20190301_20190412").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/interval.h"
#include "core/pattern.h"

namespace ohlcv {

enum class TrendState : int8_t { kDown = -1, kSideways = 0, kUp = 1 };
std::string_view TrendStateName(TrendState t);  // "downtrend", "sideways", "uptrend"

// Last indicator values of a window (NaN when still in warm-up).
struct WindowIndicators {
  double sma20 = 0, sma50 = 0, sma200 = 0;
  double ema12 = 0, ema26 = 0;
  double rsi14 = 0;
  double macd = 0, macd_signal = 0, macd_hist = 0;
  double bb_pctb = 0, bb_bandwidth = 0;
  double atr14 = 0, adx14 = 0, plus_di14 = 0, minus_di14 = 0;
  double stoch_k = 0, stoch_d = 0, willr14 = 0, cci20 = 0, mfi14 = 0, roc10 = 0;
  double rsi14_max = 0, rsi14_min = 0;  // extremes of RSI14 inside the window
};

struct Window {
  std::string id;
  std::string ticker;
  std::string sector;  // empty when unknown
  Interval interval = Interval::k1d;
  int64_t start_ts = 0;  // first bar
  int64_t end_ts = 0;    // last bar
  uint32_t start_bar = 0;  // index of the first bar in the series
  uint32_t n_bars = 0;

  double open = 0;         // first bar's open
  double first_close = 0;  // first bar's close
  double close = 0;        // last bar's close
  double high = 0;
  int64_t high_ts = 0;
  double low = 0;
  int64_t low_ts = 0;
  double return_pct = 0;       // (close / first_close - 1) * 100
  double volatility = 0;       // annualised stdev of log returns, in %
  double max_drawdown_pct = 0; // worst peak-to-trough inside the window, <= 0, in %
  double avg_volume = 0;
  double relative_volume = 0;  // avg volume / avg volume of the 50 bars before (NaN if none)
  TrendState trend = TrendState::kSideways;
  WindowIndicators last;
  std::vector<PatternEvent> patterns;  // events dated inside the window

  std::string summary;        // plain language, every figure exact
  std::vector<float> shape;   // fixed length, see windows/shape_vector.h
};

}  // namespace ohlcv
