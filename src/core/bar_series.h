// Bar and BarSeries: the OHLCV data every stage works on.
//
// A BarSeries is one ticker at one interval, stored column-wise so that the
// indicator kernels read contiguous std::span<const double>. Timestamps are
// UTC epoch seconds of the bar's open; a daily bar is stamped 00:00 UTC of its
// date. Invariant kept by sources and the bar store (not by this struct):
// timestamps strictly increasing, low <= open,close <= high (a real-data quirk
// may break the last one; see sources/bar_check.h), prices finite and > 0.
//
// Thread-safety: a plain value; needs external synchronization when mutated.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/interval.h"

namespace ohlcv {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Bar {
  int64_t ts = 0;  // UTC epoch seconds
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;       // shares; may be fractional (crypto, CSV floats)
  double adj_close = kNaN; // split/dividend adjusted close; NaN when unknown
};

struct BarSeries {
  std::string ticker;  // upper case, e.g. "AAPL", "BRK-B"
  Interval interval = Interval::k1d;
  std::vector<int64_t> ts;
  std::vector<double> open, high, low, close, volume, adj_close;

  size_t size() const { return ts.size(); }
  bool empty() const { return ts.empty(); }

  void reserve(size_t n) {
    ts.reserve(n);
    open.reserve(n);
    high.reserve(n);
    low.reserve(n);
    close.reserve(n);
    volume.reserve(n);
    adj_close.reserve(n);
  }
  void clear() {
    ts.clear();
    open.clear();
    high.clear();
    low.clear();
    close.clear();
    volume.clear();
    adj_close.clear();
  }
  void push_back(const Bar& b) {
    ts.push_back(b.ts);
    open.push_back(b.open);
    high.push_back(b.high);
    low.push_back(b.low);
    close.push_back(b.close);
    volume.push_back(b.volume);
    adj_close.push_back(b.adj_close);
  }
  // REQUIRES: i < size().
  Bar at(size_t i) const {
    return Bar{ts[i], open[i], high[i], low[i], close[i], volume[i], adj_close[i]};
  }
};

}  // namespace ohlcv
