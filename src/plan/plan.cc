#include "plan/plan.h"

#include <array>
#include <cctype>
#include <fmt/format.h>

namespace ohlcv {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

template <typename E, size_t N>
std::optional<E> FindName(const std::array<std::string_view, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (EqualsIgnoreCase(names[i], s)) return static_cast<E>(i);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 4> kSubjectNames = {"ticker", "sector", "industry", "all"};

// One row per MeasureKind, in enum order.
struct MeasureInfo {
  std::string_view name;
  std::string_view label;   // printf-ish: "{n}" replaced by the period
  int default_n;            // 0 for bar fields; the fixed period otherwise
  bool takes_n;             // n may be chosen
  std::string_view method;  // one line of how it is computed
};

constexpr std::array<MeasureInfo, static_cast<size_t>(MeasureKind::kCount)> kMeasures = {{
    {"open", "open", 0, false, "opening price of the bar"},
    {"high", "high", 0, false, "highest price of the bar"},
    {"low", "low", 0, false, "lowest price of the bar"},
    {"close", "close", 0, false, "closing price of the bar (not adjusted)"},
    {"adj_close", "adjusted close", 0, false, "split/dividend adjusted close as stored"},
    {"volume", "volume", 0, false, "shares traded in the bar"},
    {"dollar_volume", "dollar volume", 0, false, "close x volume"},
    {"return", "return", 1, true, "close / close {n} bar(s) earlier - 1, in %"},
    {"gap", "gap", 0, false, "open / previous close - 1, in %"},
    {"true_range", "true range", 0, false, "max(high, previous close) - min(low, previous close)"},
    {"range", "range", 0, false, "high - low"},
    {"sma", "SMA({n})", 20, true, "SMA({n}): mean of the last {n} closes"},
    {"ema", "EMA({n})", 12, true, "EMA({n}): k = 2/({n}+1), seeded with the SMA of the first {n} closes (TA-Lib)"},
    {"rsi", "RSI({n})", 14, true, "RSI({n}), Wilder smoothing, on closes (TA-Lib)"},
    {"macd", "MACD line", 26, false, "MACD(12,26,9) line: EMA(12) - EMA(26) of closes (TA-Lib)"},
    {"macd_signal", "MACD signal", 26, false, "MACD(12,26,9) signal: EMA(9) of the MACD line (TA-Lib)"},
    {"macd_hist", "MACD histogram", 26, false, "MACD(12,26,9) histogram: line - signal (TA-Lib)"},
    {"bb_upper", "upper Bollinger band", 20, false, "Bollinger(20,2) upper: SMA(20) + 2 population stdev of closes"},
    {"bb_middle", "middle Bollinger band", 20, false, "Bollinger(20,2) middle: SMA(20) of closes"},
    {"bb_lower", "lower Bollinger band", 20, false, "Bollinger(20,2) lower: SMA(20) - 2 population stdev of closes"},
    {"bb_percent_b", "Bollinger %B", 20, false, "Bollinger(20,2) %B: (close - lower) / (upper - lower)"},
    {"bb_bandwidth", "Bollinger bandwidth", 20, false, "Bollinger(20,2) bandwidth: (upper - lower) / middle"},
    {"atr", "ATR({n})", 14, true, "ATR({n}), Wilder smoothing of the true range (TA-Lib)"},
    {"adx", "ADX(14)", 14, false, "ADX(14), Wilder smoothing of DX (TA-Lib)"},
    {"plus_di", "+DI(14)", 14, false, "+DI(14), Wilder smoothing (TA-Lib)"},
    {"minus_di", "-DI(14)", 14, false, "-DI(14), Wilder smoothing (TA-Lib)"},
    {"stoch_k", "stochastic %K", 14, false, "Stochastic(14,3,3) slow %K (TA-Lib)"},
    {"stoch_d", "stochastic %D", 14, false, "Stochastic(14,3,3) %D (TA-Lib)"},
    {"willr", "Williams %R(14)", 14, false, "Williams %R(14) (TA-Lib)"},
    {"cci", "CCI(20)", 20, false, "CCI(20) on typical prices (TA-Lib)"},
    {"obv", "OBV", 0, false, "on-balance volume, cumulative from the first stored bar"},
    {"mfi", "MFI(14)", 14, false, "money flow index (14) (TA-Lib)"},
    {"roc", "ROC(10)", 10, false, "rate of change over 10 bars, in % (TA-Lib)"},
    {"vwap", "VWAP(20)", 20, false, "sum(typical price x volume) / sum(volume) over 20 bars"},
    {"volatility", "20-day volatility", 20, false, "sample stdev of 20 log returns x sqrt(bars per year), in %"},
    {"drawdown", "drawdown", 0, false, "close / running max of closes - 1, in %"},
}};

constexpr std::array<std::string_view, static_cast<size_t>(Operation::kCount_)> kOperationNames = {
    "value", "max", "min", "mean", "median", "sum", "count", "first", "last", "biggest_rise",
    "biggest_drop", "streak", "events", "check", "period_return", "volatility", "max_drawdown",
    "correlation"};
constexpr std::array<std::string_view, 4> kComparatorNames = {"above", "below", "crosses_above",
                                                              "crosses_below"};
constexpr std::array<std::string_view, 6> kFormNames = {"number", "date", "yes_no", "ranked_list",
                                                        "table", "list"};

std::string Substitute(std::string_view text, int n) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, 3) == "{n}") {
      out += std::to_string(n);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

const MeasureInfo& Info(MeasureKind k) { return kMeasures[static_cast<size_t>(k)]; }

}  // namespace

std::string_view SubjectKindName(SubjectKind k) { return kSubjectNames[static_cast<size_t>(k)]; }
std::string_view MeasureKindName(MeasureKind k) { return Info(k).name; }
std::string_view OperationName(Operation op) { return kOperationNames[static_cast<size_t>(op)]; }
std::string_view ComparatorName(Comparator c) { return kComparatorNames[static_cast<size_t>(c)]; }
std::string_view AnswerFormName(AnswerForm f) { return kFormNames[static_cast<size_t>(f)]; }
std::optional<SubjectKind> ParseSubjectKind(std::string_view s) { return FindName<SubjectKind>(kSubjectNames, s); }
std::optional<MeasureKind> ParseMeasureKind(std::string_view s) {
  for (size_t i = 0; i < kMeasures.size(); ++i) {
    if (EqualsIgnoreCase(kMeasures[i].name, s)) return static_cast<MeasureKind>(i);
  }
  return std::nullopt;
}
std::optional<Operation> ParseOperation(std::string_view s) { return FindName<Operation>(kOperationNames, s); }
std::optional<Comparator> ParseComparator(std::string_view s) { return FindName<Comparator>(kComparatorNames, s); }
std::optional<AnswerForm> ParseAnswerForm(std::string_view s) { return FindName<AnswerForm>(kFormNames, s); }

int DefaultMeasurePeriod(MeasureKind k) { return Info(k).default_n; }

static int EffectiveN(const Measure& m) {
  return (Info(m.kind).takes_n && m.n > 0) ? m.n : Info(m.kind).default_n;
}

int MeasureWarmUp(const Measure& m) {
  const int n = EffectiveN(m);
  switch (m.kind) {
    case MeasureKind::kReturn: return n;
    case MeasureKind::kGap:
    case MeasureKind::kTrueRange: return 1;
    case MeasureKind::kSma:
    case MeasureKind::kEma: return n - 1;
    case MeasureKind::kRsi:
    case MeasureKind::kAtr: return n;
    case MeasureKind::kMacd:
    case MeasureKind::kMacdSignal:
    case MeasureKind::kMacdHist: return 33;
    case MeasureKind::kBbUpper:
    case MeasureKind::kBbMiddle:
    case MeasureKind::kBbLower:
    case MeasureKind::kBbPercentB:
    case MeasureKind::kBbBandwidth:
    case MeasureKind::kCci:
    case MeasureKind::kVwap: return 19;
    case MeasureKind::kAdx: return 27;
    case MeasureKind::kPlusDi:
    case MeasureKind::kMinusDi:
    case MeasureKind::kMfi: return 14;
    case MeasureKind::kStochK:
    case MeasureKind::kStochD: return 17;
    case MeasureKind::kWillR: return 13;
    case MeasureKind::kRoc: return 10;
    case MeasureKind::kVolatility: return 20;
    default: return 0;
  }
}

std::string MeasureLabel(const Measure& m) {
  if (m.kind == MeasureKind::kReturn) {
    const int n = EffectiveN(m);
    return n == 1 ? "daily return" : fmt::format("{}-bar return", n);
  }
  return Substitute(Info(m.kind).label, EffectiveN(m));
}

std::string MeasureMethod(const Measure& m) { return Substitute(Info(m.kind).method, EffectiveN(m)); }

Status ValidatePlan(const QuestionPlan& plan) {
  auto bad = [](std::string field, std::string why) {
    return Status::InvalidArgument(field + ": " + why);
  };
  auto check_measure = [&](const Measure& m, const std::string& field) -> Status {
    if (m.kind >= MeasureKind::kCount) return bad(field + ".kind", "unknown measure");
    if (m.n < 0 || m.n > 1000) return bad(field + ".n", "period must be 0..1000");
    if (m.n > 0 && !Info(m.kind).takes_n && m.n != Info(m.kind).default_n) {
      return bad(field + ".n", fmt::format("{} has a fixed period ({})", Info(m.kind).name,
                                           Info(m.kind).default_n));
    }
    return Status::Ok();
  };
  OHLCV_RETURN_IF_ERROR(check_measure(plan.measure, "measure"));
  for (size_t i = 0; i < plan.subjects.size(); ++i) {
    const Subject& s = plan.subjects[i];
    if (s.kind != SubjectKind::kAll && s.name.empty()) {
      return bad(fmt::format("subjects[{}].name", i), "must not be empty");
    }
  }
  const Operation op = plan.operation;
  const bool needs_condition = op == Operation::kCount || op == Operation::kFirst || op == Operation::kLast ||
                               op == Operation::kEvents || op == Operation::kCheck;
  if (needs_condition && !plan.condition) {
    return bad("condition", fmt::format("operation {} needs a condition", OperationName(op)));
  }
  if (plan.condition) {
    const Condition& c = *plan.condition;
    OHLCV_RETURN_IF_ERROR(check_measure(c.left, "condition.left"));
    if (c.right.has_value() == c.level.has_value()) {
      return bad("condition", "exactly one of right and level must be set");
    }
    if (c.right) OHLCV_RETURN_IF_ERROR(check_measure(*c.right, "condition.right"));
  }
  if (op == Operation::kCorrelation) {
    size_t named = 0;
    for (const auto& s : plan.subjects) named += s.kind == SubjectKind::kTicker;
    if (named < 2) return bad("subjects", "correlation needs two tickers");
  }
  if (plan.period.start && plan.period.end && *plan.period.start > *plan.period.end) {
    return bad("period", "start is after end");
  }
  if (plan.rank.k < 0) return bad("rank.k", "must be >= 0");
  if (plan.subjects.empty() && plan.rank.k == 0) {
    return bad("subjects", "no subject (name a ticker, sector or industry, or rank all)");
  }
  return Status::Ok();
}

}  // namespace ohlcv
