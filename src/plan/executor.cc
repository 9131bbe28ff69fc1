#include "plan/executor.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>

#include "core/exchange.h"
#include "plan/series_math.h"
#include "util/time.h"

namespace ohlcv {
namespace {

constexpr int64_t kDay = 86400;

// [b, e) bar indices of the period in a series.
struct Span {
  size_t b = 0, e = 0;
  bool empty() const { return b >= e; }
};

Span PeriodSpan(const BarSeries& s, const Period& p) {
  Span sp{0, s.size()};
  if (p.start) sp.b = std::lower_bound(s.ts.begin(), s.ts.end(), *p.start) - s.ts.begin();
  if (p.end) sp.e = std::upper_bound(s.ts.begin(), s.ts.end(), *p.end) - s.ts.begin();
  return sp;
}


std::string Weekday(int64_t ts) {
  static const char* kNames[] = {"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"};
  int64_t d = ts >= 0 ? ts / kDay : (ts - kDay + 1) / kDay;
  return kNames[((d % 7) + 7) % 7];
}

// A bar time as answers show it: the date, or for intraday bars the
// exchange's wall clock with its zone ("2024-03-11 10:30 EDT").
std::string Stamp(int64_t ts, Interval iv, std::string_view ticker) {
  if (!IsIntraday(iv)) return FormatDate(ts);
  return LocalClock(ExchangeOfTicker(ticker)).Format(ts);
}

// The bar the plan's `at` resolves to: exact, or the previous bar with a note.
// nullopt (and a note) when `at` is outside the data.
std::optional<size_t> ResolveAt(const BarSeries& s, int64_t at, Interval iv, std::string* note) {
  if (s.empty()) return std::nullopt;
  const std::string range = fmt::format("{} to {}", Stamp(s.ts.front(), iv, s.ticker), Stamp(s.ts.back(), iv, s.ticker));
  const int64_t slot = IsIntraday(iv) ? 60 : kDay;
  if (at < s.ts.front()) {
    *note = fmt::format("No data for {} on {}: it is before the stored data ({}).", s.ticker, Stamp(at, iv, s.ticker), range);
    return std::nullopt;
  }
  if (at >= s.ts.back() + slot) {
    *note = fmt::format("No data for {} on {}: it is after the stored data ({}).", s.ticker, Stamp(at, iv, s.ticker), range);
    return std::nullopt;
  }
  auto it = std::upper_bound(s.ts.begin(), s.ts.end(), at);
  const size_t i = static_cast<size_t>(it - s.ts.begin()) - 1;
  if (s.ts[i] == at || (IsIntraday(iv) && at - s.ts[i] < 60)) return i;
  if (!IsIntraday(iv)) {
    const std::string wd = Weekday(at);
    const bool weekend = wd == "Saturday" || wd == "Sunday";
    *note = fmt::format("{} was a {} ({}); the previous trading day, {}, is used.", FormatDate(at), wd,
                        weekend ? "weekend, no trading" : "no bar stored: a market holiday or a gap in the data",
                        FormatDate(s.ts[i]));
  } else {
    *note = fmt::format("no {} bar at {}; the previous bar, {}, is used.", IntervalName(iv), Stamp(at, iv, s.ticker),
                        Stamp(s.ts[i], iv, s.ticker));
  }
  return i;
}

std::string WarmUpNote(const Measure& m, const BarSeries& s, size_t i, Interval iv) {
  const int w = MeasureWarmUp(m);
  if (static_cast<size_t>(w) < s.size()) {
    return fmt::format("{} is not defined on {}: it needs {} bars of warm-up and {}'s data starts {}; first value {}.",
                       MeasureLabel(m), Stamp(s.ts[i], iv, s.ticker), w, s.ticker, Stamp(s.ts.front(), iv, s.ticker),
                       Stamp(s.ts[static_cast<size_t>(w)], iv, s.ticker));
  }
  return fmt::format("{} is not defined: {} has only {} bars, fewer than its warm-up of {}.", MeasureLabel(m),
                     s.ticker, s.size(), w);
}

// Condition truth at bar i (false when a value is undefined).
class ConditionEval {
 public:
  ConditionEval(const Condition& c, const BarSeries& s, const IndicatorSet* ind)
      : c_(c), left_(MeasureSeries(c.left, s, ind)) {
    if (c.right) right_ = MeasureSeries(*c.right, s, ind);
  }
  double Left(size_t i) const { return left_[i]; }
  double Right(size_t i) const { return c_.right ? right_[i] : *c_.level; }
  bool Defined(size_t i) const { return std::isfinite(Left(i)) && std::isfinite(Right(i)); }
  bool Above(size_t i) const { return Defined(i) && Left(i) > Right(i); }
  bool Below(size_t i) const { return Defined(i) && Left(i) < Right(i); }
  // Holds at i; for crosses: a cross happens on bar i (needs i-1 defined).
  bool Holds(size_t i) const {
    switch (c_.op) {
      case Comparator::kAbove: return Above(i);
      case Comparator::kBelow: return Below(i);
      case Comparator::kCrossesAbove:
        return i > 0 && Defined(i - 1) && Left(i - 1) <= Right(i - 1) && Above(i);
      case Comparator::kCrossesBelow:
        return i > 0 && Defined(i - 1) && Left(i - 1) >= Right(i - 1) && Below(i);
    }
    return false;
  }
  // Starts to hold at i (events of above/below; crosses as Holds).
  bool Starts(size_t i) const {
    if (c_.op == Comparator::kCrossesAbove || c_.op == Comparator::kCrossesBelow) return Holds(i);
    return Holds(i) && i > 0 && Defined(i - 1) && !Holds(i - 1);
  }

 private:
  const Condition& c_;
  std::vector<double> left_, right_;
};

std::string ConditionText(const Condition& c) {
  std::string op(ComparatorName(c.op));
  std::replace(op.begin(), op.end(), '_', ' ');
  return fmt::format("{} {} {}", MeasureLabel(c.left), op,
                     c.right ? MeasureLabel(*c.right) : fmt::format("{:g}", *c.level));
}

struct Context {
  const QuestionPlan& plan;
  const BarSeries& s;
  const IndicatorSet* ind;
  Span span;
  Interval iv;
};

void Aggregate(const Context& cx, PlanRow& row) {
  const auto v = MeasureSeries(cx.plan.measure, cx.s, cx.ind);
  std::vector<double> vals;
  std::optional<size_t> best;
  const Operation op = cx.plan.operation;
  for (size_t i = cx.span.b; i < cx.span.e; ++i) {
    if (!std::isfinite(v[i])) continue;
    vals.push_back(v[i]);
    // Ties keep the earliest bar.
    if (!best || (op == Operation::kMax && v[i] > v[*best]) || (op == Operation::kMin && v[i] < v[*best])) best = i;
  }
  if (vals.empty()) {
    row.note = fmt::format("no defined {} in the period", MeasureLabel(cx.plan.measure));
    return;
  }
  row.count = vals.size();
  switch (op) {
    case Operation::kMax:
    case Operation::kMin:
      row.value = v[*best];
      row.ts = cx.s.ts[*best];
      break;
    case Operation::kMean: row.value = std::accumulate(vals.begin(), vals.end(), 0.0) / vals.size(); break;
    case Operation::kSum: row.value = std::accumulate(vals.begin(), vals.end(), 0.0); break;
    case Operation::kMedian: {
      std::sort(vals.begin(), vals.end());
      const size_t m = vals.size() / 2;
      row.value = vals.size() % 2 ? vals[m] : (vals[m - 1] + vals[m]) / 2.0;
      break;
    }
    default: break;
  }
}

void ConditionOps(const Context& cx, PlanRow& row) {
  const Condition& c = *cx.plan.condition;
  ConditionEval ev(c, cx.s, cx.ind);
  const Operation op = cx.plan.operation;
  std::optional<size_t> first, last;
  uint64_t count = 0, run = 0, best_run = 0;
  size_t run_start = 0, best_start = 0, best_end = 0;
  for (size_t i = cx.span.b; i < cx.span.e; ++i) {
    const bool holds = ev.Holds(i);
    if (holds) {
      ++count;
      if (!first) first = i;
      last = i;
      if (run == 0) run_start = i;
      ++run;
      if (run > best_run) {
        best_run = run;
        best_start = run_start;
        best_end = i;
      }
    } else {
      run = 0;
    }
    if (op == Operation::kEvents && ev.Starts(i)) row.events.push_back(cx.s.ts[i]);
    if (op == Operation::kCount && holds) row.events.push_back(cx.s.ts[i]);
    row.bars += ev.Defined(i) ? 1 : 0;
  }
  switch (op) {
    case Operation::kCount:
      row.count = count;
      row.value = static_cast<double>(count);
      break;
    case Operation::kFirst:
    case Operation::kLast: {
      auto at = op == Operation::kFirst ? first : last;
      if (at) {
        row.ts = cx.s.ts[*at];
        row.value = ev.Left(*at);
        row.detail.push_back({MeasureLabel(c.left), ev.Left(*at)});
        if (c.right) row.detail.push_back({MeasureLabel(*c.right), ev.Right(*at)});
      } else {
        row.note = fmt::format("{} never held in the period", ConditionText(c));
      }
      break;
    }
    case Operation::kStreak:
      row.count = best_run;
      row.value = static_cast<double>(best_run);
      if (best_run > 0) {
        row.ts = cx.s.ts[best_start];
        row.ts_end = cx.s.ts[best_end];
      }
      break;
    case Operation::kEvents:
      row.count = row.events.size();
      row.value = static_cast<double>(row.events.size());
      break;
    default: break;
  }
}

void Moves(const Context& cx, PlanRow& row) {
  const size_t n = static_cast<size_t>(std::max(cx.plan.measure.kind == MeasureKind::kReturn ? cx.plan.measure.n : 1, 1));
  std::optional<size_t> best;
  double best_v = 0;
  const bool rise = cx.plan.operation == Operation::kBiggestRise;
  for (size_t i = std::max(cx.span.b, n); i < cx.span.e; ++i) {
    const double r = (cx.s.close[i] / cx.s.close[i - n] - 1.0) * 100.0;
    if (!std::isfinite(r)) continue;
    if (!best || (rise ? r > best_v : r < best_v)) {
      best = i;
      best_v = r;
    }
  }
  if (!best) {
    row.note = "too few bars in the period";
    return;
  }
  row.value = best_v;
  row.ts = cx.s.ts[*best - n];
  row.ts_end = cx.s.ts[*best];
  row.detail.push_back({"close before", cx.s.close[*best - n]});
  row.detail.push_back({"close after", cx.s.close[*best]});
}

void PeriodReturn(const Context& cx, PlanRow& row) {
  if (cx.span.empty()) return;
  const size_t base = cx.span.b;
  const size_t end = cx.span.e - 1;
  if (end <= base) {
    row.note = "one bar only";
    return;
  }
  row.value = (cx.s.close[end] / cx.s.close[base] - 1.0) * 100.0;
  row.ts = cx.s.ts[base];
  row.ts_end = cx.s.ts[end];
  row.detail.push_back({"start close", cx.s.close[base]});
  row.detail.push_back({"end close", cx.s.close[end]});
}

std::vector<double> LogReturns(const BarSeries& s, Span sp) {
  std::vector<double> r;
  for (size_t i = std::max<size_t>(sp.b, 1); i < sp.e; ++i) r.push_back(std::log(s.close[i] / s.close[i - 1]));
  return r;
}

void Volatility(const Context& cx, PlanRow& row) {
  const auto r = LogReturns(cx.s, cx.span);
  if (r.size() < 2) {
    row.note = "too few bars in the period";
    return;
  }
  const double mean = std::accumulate(r.begin(), r.end(), 0.0) / r.size();
  double ss = 0;
  for (double x : r) ss += (x - mean) * (x - mean);
  row.value = std::sqrt(ss / (r.size() - 1)) * std::sqrt(BarsPerYear(cx.iv)) * 100.0;
  row.count = r.size();
}

void MaxDrawdown(const Context& cx, PlanRow& row) {
  if (cx.span.empty()) return;
  size_t peak = cx.span.b, best_peak = cx.span.b, best_trough = cx.span.b;
  double worst = 0;
  for (size_t i = cx.span.b; i < cx.span.e; ++i) {
    if (cx.s.close[i] > cx.s.close[peak]) peak = i;
    const double dd = (cx.s.close[i] / cx.s.close[peak] - 1.0) * 100.0;
    if (dd < worst) {
      worst = dd;
      best_peak = peak;
      best_trough = i;
    }
  }
  row.value = worst;
  row.ts = cx.s.ts[best_peak];
  row.ts_end = cx.s.ts[best_trough];
  row.detail.push_back({"peak close", cx.s.close[best_peak]});
  row.detail.push_back({"trough close", cx.s.close[best_trough]});
}

void ValueAt(const Context& cx, PlanRow& row, std::vector<std::string>& notes) {
  std::optional<size_t> i;
  if (cx.plan.period.at) {
    std::string note;
    i = ResolveAt(cx.s, *cx.plan.period.at, cx.iv, &note);
    if (!note.empty()) notes.push_back(note);
  } else if (!cx.span.empty()) {
    i = cx.span.e - 1;
  }
  if (!i) {
    row.note = "no bar at that date";
    return;
  }
  row.ts = cx.s.ts[*i];
  if (cx.plan.operation == Operation::kCheck) {
    const Condition& c = *cx.plan.condition;
    ConditionEval ev(c, cx.s, cx.ind);
    if (!ev.Defined(*i)) {
      const Measure& m = std::isfinite(ev.Left(*i)) ? *c.right : c.left;
      notes.push_back(WarmUpNote(m, cx.s, *i, cx.iv));
      row.note = "undefined";
      return;
    }
    row.yes = ev.Holds(*i);
    row.detail.push_back({MeasureLabel(c.left), ev.Left(*i)});
    if (c.right) row.detail.push_back({MeasureLabel(*c.right), ev.Right(*i)});
    row.value = ev.Left(*i);
    return;
  }
  const auto v = MeasureSeries(cx.plan.measure, cx.s, cx.ind);
  if (!std::isfinite(v[*i])) {
    notes.push_back(WarmUpNote(cx.plan.measure, cx.s, *i, cx.iv));
    row.note = "undefined";
    return;
  }
  row.value = v[*i];
}

void Correlation(const QuestionPlan& plan, const std::vector<const BarSeries*>& series, PlanResult& out) {
  if (series.size() < 2 || !series[0] || !series[1]) return;
  const BarSeries& a = *series[0];
  const BarSeries& b = *series[1];
  std::vector<double> x, y;
  size_t j = 0;
  for (size_t i = 1; i < a.size(); ++i) {
    if (plan.period.start && a.ts[i] < *plan.period.start) continue;
    if (plan.period.end && a.ts[i] > *plan.period.end) break;
    while (j < b.size() && b.ts[j] < a.ts[i]) ++j;
    if (j >= b.size()) break;
    if (b.ts[j] != a.ts[i] || j == 0 || b.ts[j - 1] != a.ts[i - 1]) continue;
    x.push_back(std::log(a.close[i] / a.close[i - 1]));
    y.push_back(std::log(b.close[j] / b.close[j - 1]));
  }
  PlanRow row;
  row.ticker = a.ticker + "/" + b.ticker;
  row.count = x.size();
  if (x.size() >= 3) {
    const double mx = std::accumulate(x.begin(), x.end(), 0.0) / x.size();
    const double my = std::accumulate(y.begin(), y.end(), 0.0) / y.size();
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t k = 0; k < x.size(); ++k) {
      sxy += (x[k] - mx) * (y[k] - my);
      sxx += (x[k] - mx) * (x[k] - mx);
      syy += (y[k] - my) * (y[k] - my);
    }
    row.value = sxy / std::sqrt(sxx * syy);
  } else {
    row.note = "too few common bars";
  }
  out.rows = {row};
  out.methods.push_back("Pearson correlation of daily log close-to-close returns on dates both have");
}

std::string OperationMethod(const QuestionPlan& p) {
  switch (p.operation) {
    case Operation::kPeriodReturn:
      return "period return: last close in the period / first close in the period - 1";
    case Operation::kVolatility:
      return "volatility: sample stdev of log close-to-close returns in the period x sqrt(bars per year)";
    case Operation::kMaxDrawdown: return "max drawdown: worst close / running max close - 1 within the period";
    case Operation::kBiggestRise:
    case Operation::kBiggestDrop:
      return fmt::format("move: close / close {} bar(s) earlier - 1, over moves ending in the period",
                         std::max(p.measure.kind == MeasureKind::kReturn ? p.measure.n : 1, 1));
    case Operation::kCount:
    case Operation::kFirst:
    case Operation::kLast:
    case Operation::kEvents:
    case Operation::kStreak:
    case Operation::kCheck:
      return p.condition ? "condition: " + ConditionText(*p.condition) + " (on each bar's values)" : "";
    default: return "";
  }
}

void AddMethods(const QuestionPlan& p, PlanResult& out) {
  auto add = [&](const std::string& m) {
    if (!m.empty() && std::find(out.methods.begin(), out.methods.end(), m) == out.methods.end()) {
      out.methods.push_back(m);
    }
  };
  const bool uses_measure = p.operation == Operation::kValue || p.operation == Operation::kMax ||
                            p.operation == Operation::kMin || p.operation == Operation::kMean ||
                            p.operation == Operation::kMedian || p.operation == Operation::kSum;
  if (uses_measure) add(MeasureLabel(p.measure) + ": " + MeasureMethod(p.measure));
  if (p.condition) {
    add(MeasureLabel(p.condition->left) + ": " + MeasureMethod(p.condition->left));
    if (p.condition->right) add(MeasureLabel(*p.condition->right) + ": " + MeasureMethod(*p.condition->right));
  }
  add(OperationMethod(p));
}

std::vector<std::string> ResolveTickers(const QuestionPlan& plan, const PlanSource& source) {
  std::vector<std::string> out;
  auto push = [&](const std::string& t) {
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  };
  if (plan.subjects.empty()) {
    for (const auto& t : source.Tickers(plan.period.interval)) push(t);
  }
  for (const auto& s : plan.subjects) {
    if (s.kind == SubjectKind::kTicker) {
      push(s.name);
    } else {
      for (const auto& t : source.Members(s.kind, s.name, plan.period.interval)) push(t);
    }
  }
  return out;
}

}  // namespace

bool PlanNeedsIndicators(const QuestionPlan& plan) {
  auto ind = [](const Measure& m) { return m.kind >= MeasureKind::kSma; };
  if (ind(plan.measure) && plan.operation != Operation::kBiggestRise && plan.operation != Operation::kBiggestDrop)
    return true;
  if (plan.condition) return ind(plan.condition->left) || (plan.condition->right && ind(*plan.condition->right));
  return false;
}

Result<PlanResult> ExecutePlan(const QuestionPlan& plan, const PlanSource& source) {
  OHLCV_RETURN_IF_ERROR(ValidatePlan(plan));
  PlanResult out;
  out.plan = plan;
  out.tickers = ResolveTickers(plan, source);
  const Interval iv = plan.period.interval;
  for (const auto& s : plan.subjects) {
    if (s.kind != SubjectKind::kTicker && source.Members(s.kind, s.name, iv).empty()) {
      out.notes.push_back(fmt::format("no stored ticker in {} \"{}\"", SubjectKindName(s.kind), s.name));
    }
  }
  for (const auto& part : plan.not_understood) {
    out.notes.push_back(fmt::format("not understood: \"{}\" (ignored)", part));
  }
  const bool want_indicators = PlanNeedsIndicators(plan);
  std::vector<PlanSeries> held;
  std::vector<const BarSeries*> series;
  // An intraday question about one bounded period reads a slice of the
  // series (PlanSource::SeriesAround); anything that needs indicators, other
  // tickers' coverage (rankings) or every bar reads the whole series.
  std::optional<std::pair<int64_t, int64_t>> around;
  if (IsIntraday(iv) && !want_indicators && plan.rank.k == 0 && plan.operation != Operation::kCorrelation) {
    if (plan.period.at) {
      around.emplace(*plan.period.at, *plan.period.at);
    } else if (plan.period.start && plan.period.end) {
      around.emplace(*plan.period.start, *plan.period.end);
    }
  }
  for (const auto& t : out.tickers) {
    auto r = around ? source.SeriesAround(t, iv, around->first, around->second) : source.Series(t, iv, want_indicators);
    if (r.ok() && around && (r->bars->empty() || PeriodSpan(*r->bars, plan.period).empty())) {
      r = source.Series(t, iv, want_indicators);  // nothing in the period: notes quote the whole stored range
    }
    if (!r.ok()) {
      if (r.status().code() != StatusCode::kNotFound) return r.status();
      PlanRow row;
      row.ticker = t;
      row.note = fmt::format("no {} bars of {} are stored", IntervalName(iv), t);
      out.notes.push_back(row.note);
      if (plan.operation != Operation::kCorrelation) out.rows.push_back(row);
      series.push_back(nullptr);
      continue;
    }
    held.push_back(*r);
    series.push_back(r->bars);
  }
  AddMethods(plan, out);
  if (plan.operation == Operation::kCorrelation) {
    Correlation(plan, series, out);
    return out;
  }
  int64_t global_last = 0;
  for (const BarSeries* bs : series) {
    if (bs && !bs->empty()) global_last = std::max(global_last, bs->ts.back());
  }
  size_t hi = 0, left_out = 0;
  for (size_t k = 0; k < out.tickers.size(); ++k) {
    if (!series[k]) continue;
    const PlanSeries& ps = held[hi++];
    const BarSeries& s = *ps.bars;
    PlanRow row;
    row.ticker = out.tickers[k];
    if (s.empty()) {
      row.note = "no bars";
      out.rows.push_back(row);
      continue;
    }
    if (!out.first_ts || s.ts.front() < *out.first_ts) out.first_ts = s.ts.front();
    if (!out.last_ts || s.ts.back() > *out.last_ts) out.last_ts = s.ts.back();
    // A ranking compares like with like: a ticker whose data does not cover
    // the period (within 7 days at both ends) is left out, and counted.
    const Span span = PeriodSpan(s, plan.period);
    if (plan.rank.k > 0 && plan.operation != Operation::kValue &&
        (span.empty() || (plan.period.start && s.ts[span.b] > *plan.period.start + 7 * kDay) ||
         (plan.period.end && s.ts[span.e - 1] + 7 * kDay < std::min(*plan.period.end, global_last)))) {
      ++left_out;
      continue;
    }
    Context cx{plan, s, ps.indicators, span, iv};
    const bool point = plan.operation == Operation::kValue || plan.operation == Operation::kCheck;
    if (!point && cx.span.empty()) {
      row.note = fmt::format("No data for {} in the period asked; the store holds {} to {}", row.ticker,
                             Stamp(s.ts.front(), iv, s.ticker), Stamp(s.ts.back(), iv, s.ticker));
      out.notes.push_back(row.note);
      out.rows.push_back(row);
      continue;
    }
    switch (plan.operation) {
      case Operation::kValue:
      case Operation::kCheck: ValueAt(cx, row, out.notes); break;
      case Operation::kMax:
      case Operation::kMin:
      case Operation::kMean:
      case Operation::kMedian:
      case Operation::kSum: Aggregate(cx, row); break;
      case Operation::kCount:
      case Operation::kFirst:
      case Operation::kLast:
      case Operation::kStreak:
      case Operation::kEvents: {
        if (plan.operation == Operation::kStreak && !plan.condition) {
          QuestionPlan up = plan;
          up.condition = Condition{{MeasureKind::kReturn, 1}, Comparator::kAbove, std::nullopt, 0.0};
          Context cu{up, s, ps.indicators, cx.span, iv};
          ConditionOps(cu, row);
        } else {
          ConditionOps(cx, row);
        }
        break;
      }
      case Operation::kBiggestRise:
      case Operation::kBiggestDrop: Moves(cx, row); break;
      case Operation::kPeriodReturn: PeriodReturn(cx, row); break;
      case Operation::kVolatility: Volatility(cx, row); break;
      case Operation::kMaxDrawdown: MaxDrawdown(cx, row); break;
      default: break;
    }
    // A period that runs past the data is answered over what is stored: say so.
    if (!point && plan.period.start && s.ts.front() > *plan.period.start + 7 * kDay && out.tickers.size() == 1) {
      out.notes.push_back(fmt::format("{}'s data starts {}, after the start of the period asked",
                                      row.ticker, Stamp(s.ts.front(), iv, s.ticker)));
    }
    if (!point && plan.period.end && s.ts.back() + 7 * kDay < *plan.period.end && out.tickers.size() == 1) {
      out.notes.push_back(fmt::format("{}'s data ends {}, before the end of the period asked", row.ticker,
                                      Stamp(s.ts.back(), iv, s.ticker)));
    }
    out.rows.push_back(std::move(row));
  }
  if (left_out > 0 && out.rows.empty() && out.first_ts && out.last_ts) {
    out.notes.push_back(fmt::format("No data for any of the {} tickers over the whole period asked; the store holds {} to {}",
                                    left_out, Stamp(*out.first_ts, iv, ""), Stamp(*out.last_ts, iv, "")));
  } else if (left_out > 0) {
    out.notes.push_back(fmt::format("{} ticker(s) whose data does not cover the whole period are left out of the ranking",
                                    left_out));
  }
  if (plan.rank.k > 0) {
    auto key = [](const PlanRow& r) { return r.value.value_or(0); };
    std::stable_sort(out.rows.begin(), out.rows.end(), [&](const PlanRow& a, const PlanRow& b) {
      if (a.value.has_value() != b.value.has_value()) return a.value.has_value();
      return plan.rank.descending ? key(a) > key(b) : key(a) < key(b);
    });
    if (out.rows.size() > static_cast<size_t>(plan.rank.k)) out.rows.resize(static_cast<size_t>(plan.rank.k));
  }
  return out;
}

}  // namespace ohlcv
