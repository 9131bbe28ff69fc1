#include "plan/series_math.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace ohlcv {
namespace {

// MeasureKind -> IndicatorSet column, for the default period.
std::optional<Indicator> DefaultColumn(MeasureKind k, int n) {
  switch (k) {
    case MeasureKind::kSma:
      if (n == 20) return Indicator::kSma20;
      if (n == 50) return Indicator::kSma50;
      if (n == 200) return Indicator::kSma200;
      return std::nullopt;
    case MeasureKind::kEma:
      if (n == 12) return Indicator::kEma12;
      if (n == 26) return Indicator::kEma26;
      return std::nullopt;
    case MeasureKind::kRsi: return n == 14 ? std::optional(Indicator::kRsi14) : std::nullopt;
    case MeasureKind::kAtr: return n == 14 ? std::optional(Indicator::kAtr14) : std::nullopt;
    case MeasureKind::kMacd: return Indicator::kMacd;
    case MeasureKind::kMacdSignal: return Indicator::kMacdSignal;
    case MeasureKind::kMacdHist: return Indicator::kMacdHist;
    case MeasureKind::kBbUpper: return Indicator::kBbUpper;
    case MeasureKind::kBbMiddle: return Indicator::kBbMiddle;
    case MeasureKind::kBbLower: return Indicator::kBbLower;
    case MeasureKind::kBbPercentB: return Indicator::kBbPercentB;
    case MeasureKind::kBbBandwidth: return Indicator::kBbBandwidth;
    case MeasureKind::kAdx: return Indicator::kAdx14;
    case MeasureKind::kPlusDi: return Indicator::kPlusDi14;
    case MeasureKind::kMinusDi: return Indicator::kMinusDi14;
    case MeasureKind::kStochK: return Indicator::kStochK;
    case MeasureKind::kStochD: return Indicator::kStochD;
    case MeasureKind::kWillR: return Indicator::kWillR14;
    case MeasureKind::kCci: return Indicator::kCci20;
    case MeasureKind::kObv: return Indicator::kObv;
    case MeasureKind::kMfi: return Indicator::kMfi14;
    case MeasureKind::kRoc: return Indicator::kRoc10;
    case MeasureKind::kVwap: return Indicator::kVwap20;
    case MeasureKind::kVolatility: return Indicator::kVolatility20;
    case MeasureKind::kDrawdown: return Indicator::kDrawdown;
    default: return std::nullopt;
  }
}

bool IsPercent(MeasureKind k) { return k == MeasureKind::kVolatility || k == MeasureKind::kDrawdown; }

std::vector<double> Sma(const std::vector<double>& x, size_t n) {
  std::vector<double> out(x.size(), kNaN);
  if (n == 0 || x.size() < n) return out;
  double sum = 0;
  for (size_t i = 0; i + 1 < n; ++i) sum += x[i];
  for (size_t i = n - 1; i < x.size(); ++i) {
    sum += x[i];
    out[i] = sum / static_cast<double>(n);
    sum -= x[i + 1 - n];
  }
  return out;
}

std::vector<double> Ema(const std::vector<double>& x, size_t n) {
  std::vector<double> out(x.size(), kNaN);
  if (n == 0 || x.size() < n) return out;
  const double k = 2.0 / (static_cast<double>(n) + 1.0);
  double prev = 0;
  for (size_t i = 0; i < n; ++i) prev += x[i];
  prev /= static_cast<double>(n);
  out[n - 1] = prev;
  for (size_t i = n; i < x.size(); ++i) {
    prev = (x[i] - prev) * k + prev;
    out[i] = prev;
  }
  return out;
}

std::vector<double> Rsi(const std::vector<double>& c, size_t n) {
  std::vector<double> out(c.size(), kNaN);
  if (n == 0 || c.size() <= n) return out;
  double gain = 0, loss = 0;
  for (size_t i = 1; i <= n; ++i) {
    const double d = c[i] - c[i - 1];
    if (d > 0) gain += d;
    else loss -= d;
  }
  const double nd = static_cast<double>(n);
  gain /= nd;
  loss /= nd;
  auto value = [](double g, double l) {
    const double t = g + l;
    return (t > -1e-14 && t < 1e-14) ? 0.0 : 100.0 * (g / t);
  };
  out[n] = value(gain, loss);
  for (size_t i = n + 1; i < c.size(); ++i) {
    const double d = c[i] - c[i - 1];
    gain *= nd - 1;
    loss *= nd - 1;
    if (d > 0) gain += d;
    else loss -= d;
    gain /= nd;
    loss /= nd;
    out[i] = value(gain, loss);
  }
  return out;
}

std::vector<double> TrueRange(const BarSeries& b) {
  std::vector<double> tr(b.size(), kNaN);
  for (size_t i = 1; i < b.size(); ++i) {
    const double pc = b.close[i - 1];
    tr[i] = std::max(b.high[i], pc) - std::min(b.low[i], pc);
  }
  return tr;
}

std::vector<double> Atr(const BarSeries& b, size_t n) {
  std::vector<double> out(b.size(), kNaN);
  if (n == 0 || b.size() <= n) return out;
  const auto tr = TrueRange(b);
  double atr = 0;
  for (size_t i = 1; i <= n; ++i) atr += tr[i];
  const double nd = static_cast<double>(n);
  atr /= nd;
  out[n] = atr;
  for (size_t i = n + 1; i < b.size(); ++i) {
    atr = (atr * (nd - 1) + tr[i]) / nd;
    out[i] = atr;
  }
  return out;
}

}  // namespace

std::vector<double> MeasureSeries(const Measure& m, const BarSeries& b, const IndicatorSet* indicators) {
  const size_t size = b.size();
  const int n = (m.n > 0) ? m.n : DefaultMeasurePeriod(m.kind);
  switch (m.kind) {
    case MeasureKind::kOpen: return b.open;
    case MeasureKind::kHigh: return b.high;
    case MeasureKind::kLow: return b.low;
    case MeasureKind::kClose: return b.close;
    case MeasureKind::kAdjClose: return b.adj_close;
    case MeasureKind::kVolume: return b.volume;
    case MeasureKind::kDollarVolume: {
      std::vector<double> out(size);
      for (size_t i = 0; i < size; ++i) out[i] = b.close[i] * b.volume[i];
      return out;
    }
    case MeasureKind::kReturn: {
      std::vector<double> out(size, kNaN);
      const size_t k = static_cast<size_t>(std::max(n, 1));
      for (size_t i = k; i < size; ++i) out[i] = (b.close[i] / b.close[i - k] - 1.0) * 100.0;
      return out;
    }
    case MeasureKind::kGap: {
      std::vector<double> out(size, kNaN);
      for (size_t i = 1; i < size; ++i) out[i] = (b.open[i] / b.close[i - 1] - 1.0) * 100.0;
      return out;
    }
    case MeasureKind::kTrueRange: return TrueRange(b);
    case MeasureKind::kRange: {
      std::vector<double> out(size);
      for (size_t i = 0; i < size; ++i) out[i] = b.high[i] - b.low[i];
      return out;
    }
    default: break;
  }
  if (auto col = DefaultColumn(m.kind, n)) {
    const IndicatorSet* set = indicators;
    thread_local IndicatorSet local;
    if (set == nullptr || set->size() != size) {
      local.Compute(b);
      set = &local;
    }
    auto span = set->column(*col);
    std::vector<double> out(span.begin(), span.end());
    if (IsPercent(m.kind)) {
      for (double& v : out) v *= 100.0;
    }
    return out;
  }
  switch (m.kind) {
    case MeasureKind::kSma: return Sma(b.close, static_cast<size_t>(n));
    case MeasureKind::kEma: return Ema(b.close, static_cast<size_t>(n));
    case MeasureKind::kRsi: return Rsi(b.close, static_cast<size_t>(n));
    case MeasureKind::kAtr: return Atr(b, static_cast<size_t>(n));
    default: return std::vector<double>(size, kNaN);
  }
}

}  // namespace ohlcv
