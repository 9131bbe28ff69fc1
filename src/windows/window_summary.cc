#include "windows/window_summary.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/exchange.h"
#include "util/time.h"

namespace ohlcv {
namespace {

constexpr double kRsiOverboughtLevel = 70.0;
constexpr double kRsiOversoldLevel = 30.0;

// Summary order: what a reader (and a question) cares about most comes first,
// so the length cap drops candlesticks before crosses and breakouts.
constexpr std::array<PatternKind, static_cast<size_t>(PatternKind::kCount)> kImportance = {
    PatternKind::kBreakout52wHigh,     PatternKind::kBreakdown52wLow,
    PatternKind::kGoldenCross,         PatternKind::kDeathCross,
    PatternKind::kBreakout20High,      PatternKind::kBreakdown20Low,
    PatternKind::kRsiOverbought,       PatternKind::kRsiOversold,
    PatternKind::kBullishReversal,     PatternKind::kBearishReversal,
    PatternKind::kBollingerBreakoutUp, PatternKind::kBollingerBreakoutDown,
    PatternKind::kMacdBullishCross,    PatternKind::kMacdBearishCross,
    PatternKind::kGapUp,               PatternKind::kGapDown,
    PatternKind::kVolumeSpike,         PatternKind::kBollingerSqueeze,
    PatternKind::kConsolidation,       PatternKind::kUptrend,
    PatternKind::kDowntrend,           PatternKind::kSideways,
    PatternKind::kSupport,             PatternKind::kResistance,
    PatternKind::kBullishEngulfing,    PatternKind::kBearishEngulfing,
    PatternKind::kMorningStar,         PatternKind::kEveningStar,
    PatternKind::kHammer,              PatternKind::kShootingStar,
    PatternKind::kDoji,                PatternKind::kRsiOverboughtExit,
    PatternKind::kRsiOversoldExit,
};

struct KindStats {
  size_t count = 0;
  int64_t first_ts = 0, last_ts = 0;
  double max_value = -INFINITY, min_value = INFINITY;
};

std::string_view PeriodUnit(Interval interval) {
  switch (interval) {
    case Interval::k1d: return "day";
    case Interval::k1wk: return "week";
    case Interval::k1mo: return "month";
    default: return "bar";
  }
}

using Buffer = fmt::memory_buffer;

void Append(Buffer* b, std::string_view s) { b->append(s.data(), s.data() + s.size()); }

void AppendDigits(Buffer* b, unsigned v, int width) {
  char d[8];
  for (int i = width - 1; i >= 0; --i, v /= 10) d[i] = static_cast<char>('0' + v % 10);
  b->append(d, d + width);
}

// Same text as FormatDateTime ("2019-03-01", "2019-03-01 14:30") without its
// snprintf and string allocation: summaries format ~10 dates each and this
// was the largest cost of building windows.
void AppendDateTime(Buffer* b, int64_t ts) {
  constexpr int64_t kDaySeconds = 86400;
  const int64_t tod = ((ts % kDaySeconds) + kDaySeconds) % kDaySeconds;
  const CivilDate c = CivilFromTs(ts);
  if (c.year >= 0 && c.year <= 9999) {
    AppendDigits(b, static_cast<unsigned>(c.year), 4);
  } else {
    fmt::format_to(fmt::appender(*b), "{:04d}", c.year);
  }
  b->push_back('-');
  AppendDigits(b, c.month, 2);
  b->push_back('-');
  AppendDigits(b, c.day, 2);
  if (tod != 0) {
    b->push_back(' ');
    AppendDigits(b, static_cast<unsigned>(tod / 3600), 2);
    b->push_back(':');
    AppendDigits(b, static_cast<unsigned>(tod % 3600 / 60), 2);
  }
}

// Bar times of a summary: daily windows as AppendDateTime; intraday windows
// in the exchange's wall clock with the zone ("2024-01-10 10:00 AEDT"), one
// LocalClock per summary (its offset cache makes each time two compares).
class Stamper {
 public:
  explicit Stamper(const Window& w, const WindowOptions& opt) {
    if (!IsIntraday(w.interval)) return;
    auto ex = ResolveExchange(w.ticker, opt.exchange);
    clock_.emplace(ex.ok() ? **ex : ExchangeOfTicker(w.ticker));
  }
  void Append(Buffer* b, int64_t ts) {
    if (!clock_) return AppendDateTime(b, ts);
    const int64_t local = clock_->ToLocal(ts);
    AppendDateTime(b, local);
    constexpr std::string_view kMidnight = " 00:00";  // AppendDateTime omits it
    if (local % 86400 == 0) b->append(kMidnight.data(), kMidnight.data() + kMidnight.size());
    b->push_back(' ');
    const std::string zone = clock_->Abbreviation(ts);
    b->append(zone.data(), zone.data() + zone.size());
  }

 private:
  std::optional<LocalClock> clock_;
};

void AppendPatternClause(Buffer* b, Stamper& stamp, PatternKind kind, Interval interval, const KindStats& s,
                         double rsi_max, double rsi_min) {
  const bool overbought = kind == PatternKind::kRsiOverbought;
  const bool oversold = kind == PatternKind::kRsiOversold;
  if (s.count == 1) {
    if (overbought || oversold) {
      fmt::format_to(fmt::appender(*b), "RSI {:.1f} {} on ", overbought ? s.max_value : s.min_value,
                     overbought ? "overbought" : "oversold");
    } else {
      Append(b, PatternKindPhrase(kind, interval));
      Append(b, " on ");
    }
    stamp.Append(b, s.first_ts);
    return;
  }
  Append(b, PatternKindPhrase(kind, interval));
  fmt::format_to(fmt::appender(*b), " {} times, ", s.count);
  stamp.Append(b, s.first_ts);
  Append(b, " to ");
  stamp.Append(b, s.last_ts);
  // The window's own RSI extreme when known: repeated entries each carry the
  // RSI at entry, but the reader wants how far it went.
  if (overbought) {
    const double peak = std::isfinite(rsi_max) ? std::max(rsi_max, s.max_value) : s.max_value;
    fmt::format_to(fmt::appender(*b), " (peak {:.1f})", peak);
  }
  if (oversold) {
    const double low = std::isfinite(rsi_min) ? std::min(rsi_min, s.min_value) : s.min_value;
    fmt::format_to(fmt::appender(*b), " (low {:.1f})", low);
  }
}

}  // namespace

std::string WindowSummary(const Window& w, const WindowOptions& opt) {
  Buffer out;
  auto it = fmt::appender(out);
  Stamper stamp(w, opt);
  Append(&out, w.ticker);
  if (!w.sector.empty()) fmt::format_to(it, " ({})", w.sector);
  out.push_back(' ');
  stamp.Append(&out, w.start_ts);
  Append(&out, " to ");
  stamp.Append(&out, w.end_ts);
  fmt::format_to(it, ": {:+.1f}%", w.return_pct);
  if (w.return_pct >= opt.big_move_pct) Append(&out, " rally");
  if (w.return_pct <= -opt.big_move_pct) Append(&out, " sell-off");
  fmt::format_to(it, " ({:.2f} to {:.2f}), {}; high {:.2f} on ", w.first_close, w.close,
                 TrendStateName(w.trend), w.high);
  stamp.Append(&out, w.high_ts);
  fmt::format_to(it, ", low {:.2f} on ", w.low);
  stamp.Append(&out, w.low_ts);
  fmt::format_to(it, "; max drawdown {:.1f}%", w.max_drawdown_pct);
  if (std::isfinite(w.volatility)) {
    fmt::format_to(it, "; volatility {:.1f}% annualised", w.volatility);
  }

  Buffer tail;
  if (std::isfinite(w.relative_volume)) {
    const size_t k = std::min<size_t>(opt.volume_lookback, w.start_bar);
    fmt::format_to(fmt::appender(tail), "; volume {:.1f}x its {}-{} average", w.relative_volume,
                   k, PeriodUnit(w.interval));
  }
  tail.push_back('.');

  std::array<KindStats, static_cast<size_t>(PatternKind::kCount)> stats{};
  for (const PatternEvent& e : w.patterns) {
    const auto k = static_cast<size_t>(e.kind);
    if (k >= stats.size()) continue;
    KindStats& s = stats[k];
    if (s.count == 0 || e.ts < s.first_ts) s.first_ts = e.ts;
    if (s.count == 0 || e.ts > s.last_ts) s.last_ts = e.ts;
    s.max_value = std::max(s.max_value, e.value);
    s.min_value = std::min(s.min_value, e.value);
    ++s.count;
  }

  size_t budget = opt.max_summary_chars > out.size() + tail.size()
                      ? opt.max_summary_chars - out.size() - tail.size()
                      : 0;
  Buffer clause;
  for (PatternKind kind : kImportance) {
    const KindStats& s = stats[static_cast<size_t>(kind)];
    clause.clear();
    if (s.count > 0) {
      AppendPatternClause(&clause, stamp, kind, w.interval, s, w.last.rsi14_max, w.last.rsi14_min);
    } else if (kind == PatternKind::kRsiOverbought && w.last.rsi14_max > kRsiOverboughtLevel) {
      fmt::format_to(fmt::appender(clause), "RSI reached {:.1f} (overbought)", w.last.rsi14_max);
    } else if (kind == PatternKind::kRsiOversold && w.last.rsi14_min < kRsiOversoldLevel) {
      fmt::format_to(fmt::appender(clause), "RSI fell to {:.1f} (oversold)", w.last.rsi14_min);
    } else {
      continue;
    }
    // Stop at the first clause that does not fit, so what is shown is always
    // a prefix of the importance order.
    if (clause.size() + 2 > budget) break;
    budget -= clause.size() + 2;
    Append(&out, "; ");
    out.append(clause.data(), clause.data() + clause.size());
  }
  out.append(tail.data(), tail.data() + tail.size());
  return std::string(out.data(), out.size());
}

}  // namespace ohlcv
