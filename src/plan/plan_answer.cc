#include "plan/plan_answer.h"

#include <cmath>
#include <fmt/format.h>

#include "core/exchange.h"
#include "util/time.h"

namespace ohlcv {
namespace {

std::string Thousands(double v) {
  const bool neg = v < 0;
  std::string digits = fmt::format("{:.0f}", std::fabs(v));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (neg ? "-" : "") + out;
}

bool IsPrice(MeasureKind k) {
  switch (k) {
    case MeasureKind::kOpen: case MeasureKind::kHigh: case MeasureKind::kLow: case MeasureKind::kClose:
    case MeasureKind::kAdjClose: case MeasureKind::kTrueRange: case MeasureKind::kRange: case MeasureKind::kSma:
    case MeasureKind::kEma: case MeasureKind::kBbUpper: case MeasureKind::kBbMiddle: case MeasureKind::kBbLower:
    case MeasureKind::kAtr: case MeasureKind::kVwap:
      return true;
    default: return false;
  }
}

bool IsPercent(MeasureKind k) {
  return k == MeasureKind::kReturn || k == MeasureKind::kGap || k == MeasureKind::kVolatility ||
         k == MeasureKind::kDrawdown;
}

std::string Unit(const Measure& m) {
  if (IsPrice(m.kind)) return "USD";
  if (IsPercent(m.kind)) return "%";
  if (m.kind == MeasureKind::kVolume || m.kind == MeasureKind::kObv) return "shares";
  if (m.kind == MeasureKind::kDollarVolume) return "USD";
  return "";
}

std::string Pct(double v) { return fmt::format("{:+.2f}%", v); }

class Writer {
 public:
  explicit Writer(const PlanResult& r) : r_(r), iv_(r.plan.period.interval), clock_(ExchangeOf(r)) {}

  // Intraday times in the exchange's wall clock ("2024-03-11 10:30 EDT").
  std::string Date(int64_t ts, const std::string& label) {
    std::string s = iv_ < Interval::k1d ? clock_.Format(ts) : FormatDate(ts);
    out_.facts.push_back({label, static_cast<double>(ts), "date", s});
    return s;
  }
  std::string Num(double v, const Measure& m, const std::string& label) {
    std::string s = FormatMeasureValue(m, v);
    out_.facts.push_back({label, v, Unit(m), s});
    return s;
  }
  std::string Percent(double v, const std::string& label) {
    std::string s = Pct(v);
    out_.facts.push_back({label, v, "%", s});
    return s;
  }
  std::string Count(uint64_t n, const std::string& label) {
    std::string s = std::to_string(n);
    out_.facts.push_back({label, static_cast<double>(n), "count", s});
    return s;
  }
  std::string Ratio(double v, const std::string& label) {
    std::string s = fmt::format("{:.4f}", v);
    out_.facts.push_back({label, v, "ratio", s});
    return s;
  }

  std::string PeriodText() const {
    const Period& p = r_.plan.period;
    if (!p.as_written.empty()) return " in " + p.as_written;
    auto d = [&](int64_t ts) { return iv_ < Interval::k1d ? clock_.Format(ts) : FormatDate(ts); };
    if (p.start && p.end) return fmt::format(" from {} to {}", d(*p.start), d(*p.end));
    if (p.start) return " since " + d(*p.start);
    if (p.end) return " until " + d(*p.end);
    return " over all stored data";
  }

  // "RSI(14) above 70.00"; with `was`: "RSI(14) was above 70.00".
  std::string ConditionText(bool was = false) const {
    const Condition& c = *r_.plan.condition;
    std::string op(ComparatorName(c.op));
    for (char& ch : op) {
      if (ch == '_') ch = ' ';
    }
    const bool state = c.op == Comparator::kAbove || c.op == Comparator::kBelow;
    std::string rhs = c.right ? MeasureLabel(*c.right) : FormatMeasureValue(c.left, *c.level);
    return fmt::format("{} {}{} {}", MeasureLabel(c.left), was && state ? "was " : "", op, rhs);
  }

  // "golden cross" (SMA 50 over SMA 200), "death cross", else the condition.
  std::string EventName() const {
    const Condition& c = *r_.plan.condition;
    if (c.right && c.left.kind == MeasureKind::kSma && c.left.n == 50 && c.right->kind == MeasureKind::kSma &&
        c.right->n == 200) {
      if (c.op == Comparator::kCrossesAbove) return "golden cross";
      if (c.op == Comparator::kCrossesBelow) return "death cross";
    }
    return ConditionText();
  }

  // One line for one row; `lead` prefixes it (ticker or rank).
  std::string Row(const PlanRow& row) {
    const QuestionPlan& p = r_.plan;
    const std::string& t = row.ticker;
    const std::string ml = MeasureLabel(p.measure);
    if (!row.value && !row.yes) {
      return fmt::format("{}: no value ({})", t, row.note.empty() ? "no data" : row.note);
    }
    switch (p.operation) {
      case Operation::kValue:
        return fmt::format("{} {} {} on {}", t, ml, Num(*row.value, p.measure, fmt::format("{} {}", t, ml)),
                           Date(*row.ts, t + " date"));
      case Operation::kCheck: {
        std::string s = fmt::format("{} — on {}, {}: ", *row.yes ? "Yes" : "No", Date(*row.ts, t + " date"), t);
        for (size_t i = 0; i < row.detail.size(); ++i) {
          const Measure& m = i == 0 ? p.condition->left : *p.condition->right;
          s += (i ? ", " : "") + row.detail[i].first + " " + Num(row.detail[i].second, m, t + " " + row.detail[i].first);
        }
        if (p.condition->level) s += fmt::format(" (level {})", FormatMeasureValue(p.condition->left, *p.condition->level));
        return s + fmt::format("; {} {}", ConditionText(), *row.yes ? "holds" : "does not hold");
      }
      case Operation::kMax:
      case Operation::kMin:
        return fmt::format("{} {} {}{}: {} on {}", t, p.operation == Operation::kMax ? "highest" : "lowest", ml,
                           PeriodText(), Num(*row.value, p.measure, t + " " + ml), Date(*row.ts, t + " date"));
      case Operation::kMean:
      case Operation::kMedian:
      case Operation::kSum:
        return fmt::format("{} {} {}{}: {} (over {} bars)", t,
                           p.operation == Operation::kMean ? "average" : p.operation == Operation::kMedian ? "median" : "total",
                           ml, PeriodText(), Num(*row.value, p.measure, t + " " + ml), Count(row.count, t + " bars"));
      case Operation::kCount: {
        std::string s = fmt::format("{}: {} on {} of {} bars{}", t, ConditionText(true),
                                    Count(row.count, t + " count"), row.bars, PeriodText());
        if (!row.events.empty() && row.events.size() <= 40) {
          s += ": ";
          for (size_t i = 0; i < row.events.size(); ++i) s += (i ? ", " : "") + Date(row.events[i], t + " day");
        }
        return s;
      }
      case Operation::kFirst:
      case Operation::kLast: {
        std::string s = fmt::format("{} {} time {}{}: {}", t, p.operation == Operation::kFirst ? "first" : "last",
                                    ConditionText(), PeriodText(), Date(*row.ts, t + " date"));
        for (size_t i = 0; i < row.detail.size(); ++i) {
          const Measure& m = i == 0 ? p.condition->left : *p.condition->right;
          s += (i ? ", " : " (") + row.detail[i].first + " " + Num(row.detail[i].second, m, t + " " + row.detail[i].first);
        }
        return s + (row.detail.empty() ? "" : ")");
      }
      case Operation::kEvents: {
        std::string s = fmt::format("{} had {} {} event(s){}", t, Count(row.events.size(), t + " events"),
                                    EventName(), PeriodText());
        if (!row.events.empty()) {
          s += ": ";
          for (size_t i = 0; i < row.events.size(); ++i) s += (i ? ", " : "") + Date(row.events[i], t + " event");
        }
        return s;
      }
      case Operation::kStreak: {
        std::string s = fmt::format("{} longest run where {}{}: {} bars", t,
                                    p.condition ? ConditionText() : "the close rose", PeriodText(),
                                    Count(row.count, t + " streak"));
        if (row.ts) s += fmt::format(", from {} to {}", Date(*row.ts, t + " start"), Date(*row.ts_end, t + " end"));
        return s;
      }
      case Operation::kBiggestRise:
      case Operation::kBiggestDrop: {
        const int n = std::max(p.measure.n, 1);
        Measure price{MeasureKind::kClose, 0};
        return fmt::format("{} biggest {}-bar {}{}: {} from {} to {} (close {} -> {})", t, n,
                           p.operation == Operation::kBiggestRise ? "rise" : "drop", PeriodText(),
                           Percent(*row.value, t + " move"), Date(*row.ts, t + " from"), Date(*row.ts_end, t + " to"),
                           Num(row.detail[0].second, price, t + " close before"),
                           Num(row.detail[1].second, price, t + " close after"));
      }
      case Operation::kPeriodReturn: {
        Measure price{MeasureKind::kClose, 0};
        return fmt::format("{} return{}: {} (close {} on {} -> {} on {})", t, PeriodText(),
                           Percent(*row.value, t + " return"), Num(row.detail[0].second, price, t + " start close"),
                           Date(*row.ts, t + " start"), Num(row.detail[1].second, price, t + " end close"),
                           Date(*row.ts_end, t + " end"));
      }
      case Operation::kVolatility:
        return fmt::format("{} annualised volatility{}: {} ({} daily returns)", t, PeriodText(),
                           Percent(*row.value, t + " volatility"), Count(row.count, t + " returns"));
      case Operation::kMaxDrawdown: {
        Measure price{MeasureKind::kClose, 0};
        return fmt::format("{} maximum drawdown was {}{} (peak close {} on {}, trough {} on {})", t,
                           Percent(*row.value, t + " drawdown"), PeriodText(), Num(row.detail[0].second, price, t + " peak"),
                           Date(*row.ts, t + " peak date"), Num(row.detail[1].second, price, t + " trough"),
                           Date(*row.ts_end, t + " trough date"));
      }
      case Operation::kCorrelation:
        return fmt::format("{} correlation of daily returns{}: {} ({} common days)", t, PeriodText(),
                           Ratio(*row.value, t + " correlation"), Count(row.count, t + " days"));
      default: return t;
    }
  }

  PlanAnswer Finish() {
    const QuestionPlan& p = r_.plan;
    std::string body;
    bool any = false;
    for (const auto& row : r_.rows) any = any || row.value || row.yes;
    if (p.rank.k > 0 && r_.rows.empty()) {
      body += "No data to rank for the period asked.\n";
    } else if (p.rank.k > 0) {
      std::string who;
      for (const auto& s : p.subjects) {
        if (!who.empty()) who += ", ";
        who += s.kind == SubjectKind::kAll ? "all stored tickers" : s.name;
      }
      body += fmt::format("{} {} of {} ({} tickers) by {}:\n", p.rank.descending ? "Top" : "Bottom", r_.rows.size(),
                          who, r_.tickers.size(), RankWhat());
      if (p.operation == Operation::kPeriodReturn) {
        std::string lead;
        for (const auto& row : r_.rows) {
          if (!row.value) continue;
          lead += (lead.empty() ? "" : ", ") + row.ticker + " " + Pct(*row.value);
        }
        if (!lead.empty()) body += fmt::format("In short, the {} were {}.\n", p.rank.descending ? "best" : "worst", lead);
      }
      for (size_t i = 0; i < r_.rows.size(); ++i) body += fmt::format("{}. {}\n", i + 1, Row(r_.rows[i]));
    } else {
      for (const auto& row : r_.rows) body += Row(row) + "\n";
    }
    if (r_.rows.empty() && p.rank.k == 0) body += "No data: no stored ticker to answer about.\n";
    if (!r_.notes.empty()) {
      body += "Notes:\n";
      for (const auto& n : r_.notes) body += "- " + n + "\n";
    }
    if (!r_.methods.empty()) {
      body += "How:\n";
      for (const auto& m : r_.methods) body += "- " + m + "\n";
    }
    if (r_.first_ts && r_.last_ts) {
      body += fmt::format("Data: {} to {} ({} bars).\n", FormatDate(*r_.first_ts), FormatDate(*r_.last_ts),
                          IntervalName(iv_));
    }
    out_.text = body;
    out_.no_data = !any;
    return std::move(out_);
  }

  std::string RankWhat() const {
    const QuestionPlan& p = r_.plan;
    std::string op(OperationName(p.operation));
    for (char& ch : op) {
      if (ch == '_') ch = ' ';
    }
    if (p.operation == Operation::kPeriodReturn) return "return" + PeriodText();
    if (p.operation == Operation::kValue) return MeasureLabel(p.measure) + (p.period.at ? "" : PeriodText());
    return op + " of " + MeasureLabel(p.measure) + PeriodText();
  }

 private:
  // The exchange of the answer's first ticker (its first row, else its
  // first ticker subject); New York when there is none.
  static const Exchange& ExchangeOf(const PlanResult& r) {
    if (!r.rows.empty()) return ExchangeOfTicker(r.rows.front().ticker);
    for (const auto& s : r.plan.subjects) {
      if (s.kind == SubjectKind::kTicker) return ExchangeOfTicker(s.name);
    }
    return ExchangeOfTicker("");
  }

  const PlanResult& r_;
  Interval iv_;
  mutable LocalClock clock_;  // caches the zone offset
  PlanAnswer out_;
};

}  // namespace

std::string FormatMeasureValue(const Measure& m, double v) {
  if (IsPrice(m.kind)) return fmt::format("${:.2f}", v);
  if (IsPercent(m.kind)) return Pct(v);
  if (m.kind == MeasureKind::kVolume || m.kind == MeasureKind::kObv) return Thousands(v);
  if (m.kind == MeasureKind::kDollarVolume) return "$" + Thousands(v);
  if (m.kind == MeasureKind::kBbPercentB || m.kind == MeasureKind::kBbBandwidth) return fmt::format("{:.4f}", v);
  if (m.kind == MeasureKind::kMacd || m.kind == MeasureKind::kMacdSignal || m.kind == MeasureKind::kMacdHist)
    return fmt::format("{:.4f}", v);
  return fmt::format("{:.2f}", v);
}

PlanAnswer ComposePlanAnswer(const PlanResult& result) { return Writer(result).Finish(); }

}  // namespace ohlcv
