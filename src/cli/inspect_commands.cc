// `ohlcv-rag bars|indicators|patterns|windows TICKER`: look at what the data
// directory knows about one ticker. Indicators, patterns and windows are
// derived from the stored bars by the same SeriesAnalysis that ingest uses.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <iterator>
#include <optional>

#include "cli/cli_common.h"
#include "core/exchange.h"
#include "core/ticker.h"
#include "windows/series_analysis.h"
#include "util/time.h"
#include "util/window_json.h"

namespace ohlcv::cli {
namespace {

enum class What { kBars, kIndicators, kPatterns, kWindows };

struct InspectArgs {
  std::string ticker;
  std::string interval = "1d";
  std::string start, end;
  size_t last = 0;  // 0 = the command's default
};

nlohmann::json Number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

// Index range [first, last) of bars inside [start, end].
std::pair<size_t, size_t> Range(const BarSeries& bars, std::optional<int64_t> start,
                                std::optional<int64_t> end) {
  size_t first = 0, last = bars.size();
  if (start) first = std::lower_bound(bars.ts.begin(), bars.ts.end(), *start) - bars.ts.begin();
  if (end) last = std::upper_bound(bars.ts.begin(), bars.ts.end(), *end) - bars.ts.begin();
  return {first, std::max(first, last)};
}

// Intraday bars: "date" is the exchange's wall clock with its zone
// ("2024-03-11 10:30 EDT", core/exchange.h); JSON keeps the UTC "date" and
// adds "local". Daily and longer bars: the date.
int PrintBars(const BarSeries& bars, size_t first, size_t last, bool json) {
  const bool intraday = IsIntraday(bars.interval);
  LocalClock clock(ExchangeOfTicker(bars.ticker));
  if (json) {
    nlohmann::json rows = nlohmann::json::array();
    for (size_t i = first; i < last; ++i) {
      rows.push_back({{"date", FormatDateTime(bars.ts[i])}, {"ts", bars.ts[i]}, {"open", bars.open[i]},
                      {"high", bars.high[i]}, {"low", bars.low[i]}, {"close", bars.close[i]},
                      {"volume", bars.volume[i]}, {"adj_close", Number(bars.adj_close[i])}});
      if (intraday) rows.back()["local"] = clock.Format(bars.ts[i]);
    }
    nlohmann::json out = {{"ticker", bars.ticker}, {"interval", IntervalName(bars.interval)}, {"bars", rows}};
    if (intraday) out["exchange"] = std::string(clock.exchange().code);
    PrintJson(out);
    return kExitOk;
  }
  const int width = intraday ? 22 : 16;
  std::cout << fmt::format("{:<{}} {:>12} {:>12} {:>12} {:>12} {:>14}\n", "date", width, "open", "high", "low",
                           "close", "volume");
  for (size_t i = first; i < last; ++i) {
    std::cout << fmt::format("{:<{}} {:>12.4f} {:>12.4f} {:>12.4f} {:>12.4f} {:>14.0f}\n",
                             intraday ? clock.Format(bars.ts[i]) : FormatDateTime(bars.ts[i]), width, bars.open[i],
                             bars.high[i], bars.low[i], bars.close[i], bars.volume[i]);
  }
  return kExitOk;
}

int PrintIndicators(const BarSeries& bars, const IndicatorSet& ind, size_t first, size_t last,
                    bool json) {
  if (json) {
    nlohmann::json rows = nlohmann::json::array();
    for (size_t i = first; i < last; ++i) {
      nlohmann::json row = {{"date", FormatDateTime(bars.ts[i])}, {"ts", bars.ts[i]}};
      for (size_t k = 0; k < kIndicatorCount; ++k) {
        auto id = static_cast<Indicator>(k);
        row[std::string(IndicatorName(id))] = Number(ind.at(id, i));
      }
      rows.push_back(std::move(row));
    }
    PrintJson({{"ticker", bars.ticker}, {"rows", rows}});
    return kExitOk;
  }
  // One block per bar: names and values, NaN shown as "-" (warm-up).
  for (size_t i = first; i < last; ++i) {
    std::cout << FormatDateTime(bars.ts[i]) << "  close " << fmt::format("{:.4f}", bars.close[i]) << "\n";
    std::string line;
    for (size_t k = 0; k < kIndicatorCount; ++k) {
      auto id = static_cast<Indicator>(k);
      double v = ind.at(id, i);
      std::string cell = fmt::format("{}={}", IndicatorName(id), std::isfinite(v) ? fmt::format("{:.4f}", v) : "-");
      if (line.size() + cell.size() > 100) {
        std::cout << "  " << line << "\n";
        line.clear();
      }
      line += (line.empty() ? "" : "  ") + cell;
    }
    if (!line.empty()) std::cout << "  " << line << "\n";
  }
  return kExitOk;
}

// What a pattern event's value is, by kind (src/patterns/: the value each
// detector emits), so the table can say it with its unit.
struct ValueMeaning {
  const char* what;
  const char* unit;  // "price" (the series' currency), "%", "x", "pts"
};
constexpr ValueMeaning kValueMeaning[] = {
    {"ADX 14", "pts"},          {"ADX 14", "pts"},           {"ADX 14", "pts"},           // trends
    {"SMA 50", "price"},        {"SMA 50", "price"},                                      // golden/death cross
    {"MACD", "pts"},            {"MACD", "pts"},                                          // MACD crosses
    {"RSI 14", "pts"},          {"RSI 14", "pts"},           {"RSI 14", "pts"},
    {"RSI 14", "pts"},                                                                    // RSI zones
    {"band width", "ratio"},    {"upper band", "price"},     {"lower band", "price"},     // Bollinger
    {"20-bar high", "price"},   {"20-bar low", "price"},                                  // breakouts
    {"52-week high", "price"},  {"52-week low", "price"},
    {"gap", "%"},               {"gap", "%"},
    {"volume / 20-bar avg", "x"},
    {"pivot low", "price"},     {"pivot high", "price"},                                  // support/resistance
    {"last pivot high", "price"}, {"last pivot low", "price"},                            // reversals
    {"20-bar range", "%"},
    {"close", "price"},         {"close", "price"},          {"close", "price"},          // candlesticks
    {"close", "price"},         {"close", "price"},          {"close", "price"},
    {"close", "price"},
};
static_assert(std::size(kValueMeaning) == static_cast<size_t>(PatternKind::kCount), "one row per PatternKind");

int PrintPatterns(const BarSeries& bars, const std::vector<PatternEvent>& events, size_t first,
                  size_t last, size_t limit, bool json) {
  std::vector<const PatternEvent*> shown;
  for (const auto& e : events) {
    if (e.bar >= first && e.bar < last) shown.push_back(&e);
  }
  if (limit && shown.size() > limit) shown.erase(shown.begin(), shown.end() - limit);
  if (json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto* e : shown) {
      nlohmann::json j = PatternEventToJson(*e);
      j["direction"] = PatternDirection(e->kind);
      rows.push_back(std::move(j));
    }
    PrintJson({{"ticker", bars.ticker}, {"patterns", rows}});
    return kExitOk;
  }
  if (shown.empty()) {
    std::cout << "no patterns of " << bars.ticker << " in that range\n";
    return kExitOk;
  }
  std::cout << fmt::format("{:<16} {:<22} {:<5} {:>12} {:<6} {:<20} {}\n", "date", "pattern", "dir", "value", "unit",
                           "value is", "refers to");
  for (const auto* e : shown) {
    const ValueMeaning& m = kValueMeaning[static_cast<size_t>(e->kind)];
    int dir = PatternDirection(e->kind);
    std::cout << fmt::format("{:<16} {:<22} {:<5} {:>12.4f} {:<6} {:<20} {}\n", FormatDateTime(e->ts),
                             PatternKindName(e->kind), dir > 0 ? "up" : dir < 0 ? "down" : "-", e->value, m.unit,
                             m.what, e->ref_ts != e->ts ? FormatDateTime(e->ref_ts) : "");
  }
  std::cout << fmt::format("{} patterns; price = the series' quote currency, pts = indicator points\n",
                           shown.size());
  return kExitOk;
}

int PrintWindows(const std::vector<Window>& windows, std::optional<int64_t> start,
                 std::optional<int64_t> end, size_t limit, bool json) {
  std::vector<const Window*> shown;
  for (const auto& w : windows) {
    if (start && w.end_ts < *start) continue;
    if (end && w.start_ts > *end) continue;
    shown.push_back(&w);
  }
  if (limit && shown.size() > limit) shown.erase(shown.begin(), shown.end() - limit);
  // Intraday windows also give their session in exchange time: the local
  // trading date and the first and last bar's wall clock.
  std::optional<LocalClock> clock;
  if (!shown.empty()) clock.emplace(ExchangeOfTicker(shown.front()->ticker));
  auto session = [&](const Window& w) {
    return fmt::format("{} to {} ({})", clock->Format(w.start_ts), clock->Format(w.end_ts).substr(11),
                       clock->exchange().code);
  };
  if (json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto* w : shown) {
      rows.push_back(WindowToJson(*w));
      if (IsIntraday(w->interval)) {
        rows.back()["session_date"] = FormatDate(clock->LocalDay(w->start_ts) * 86400);
        rows.back()["local"] = session(*w);
      }
    }
    PrintJson(rows);
    return kExitOk;
  }
  for (const auto* w : shown) {
    std::cout << w->id << "\n";
    if (IsIntraday(w->interval)) std::cout << "  session " << session(*w) << "\n";
    std::cout << "  " << w->summary << "\n";
  }
  return kExitOk;
}

int RunInspect(What what, const InspectArgs& args, const GlobalOptions& global) {
  auto interval = ParseInterval(args.interval);
  if (!interval.ok()) return ReportError(interval.status());
  std::optional<int64_t> start, end;
  if (!args.start.empty() && !(start = ParseTimestamp(args.start))) {
    return ReportError(Status::InvalidArgument("bad --start '" + args.start + "' (use YYYY-MM-DD)"));
  }
  if (!args.end.empty() && !(end = ParseEndTimestamp(args.end))) {
    return ReportError(Status::InvalidArgument("bad --end '" + args.end + "' (use YYYY-MM-DD)"));
  }
  auto store = OpenBarStore(global, /*read_only=*/true);
  if (!store.ok()) return ReportError(store.status());
  auto parsed = ParseTicker(args.ticker);
  if (!parsed.ok()) return ReportError(parsed.status());
  const std::string ticker = std::move(*parsed);
  auto bars = (*store)->Load(ticker, *interval);
  if (!bars.ok()) {
    if (bars.status().code() == StatusCode::kNotFound) {
      return ReportError(UnknownTicker(
          global, ticker, fmt::format("no {} bars for {} in {}", IntervalName(*interval), ticker, global.data_dir)));
    }
    return ReportError(bars.status());
  }
  auto [first, last] = Range(*bars, start, end);
  if (first == last && (what == What::kBars || what == What::kIndicators) && !bars->empty()) {
    return ReportError(Status::NotFound(fmt::format(
        "no {} bars of {} between {} and {}; stored: {} to {}", IntervalName(*interval), ticker,
        args.start.empty() ? "the first" : args.start, args.end.empty() ? "the last" : args.end,
        FormatDate(bars->ts.front()), FormatDate(bars->ts.back()))));
  }
  // Default: the latest 20 bars unless a range was given.
  size_t limit = args.last ? args.last : (start || end ? 0 : 20);
  if (limit && last - first > limit && what != What::kPatterns && what != What::kWindows) {
    first = last - limit;
  }
  if (what == What::kBars) return PrintBars(*bars, first, last, global.json);

  SeriesAnalysis analysis;
  AnalysisOptions options;
  options.build_windows = what == What::kWindows;
  analysis.Analyze(*bars, "", options);
  switch (what) {
    case What::kIndicators: return PrintIndicators(*bars, analysis.indicators, first, last, global.json);
    case What::kPatterns: return PrintPatterns(*bars, analysis.events, first, last, limit, global.json);
    case What::kWindows: return PrintWindows(analysis.windows, start, end, args.last ? args.last : 10, global.json);
    case What::kBars: break;
  }
  return kExitOk;
}

void Register(CLI::App& app, GlobalOptions& global, int& exit_code, What what, const char* name,
              const char* help) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand(name, help);
  cmd->add_option("ticker", args->ticker, "Ticker symbol")->required();
  cmd->add_option("--interval", args->interval, "Bar interval")->capture_default_str();
  cmd->add_option("--start", args->start, "First date (YYYY-MM-DD)");
  cmd->add_option("--end", args->end, "Last date (YYYY-MM-DD)");
  cmd->add_option("--last,-n", args->last, "Show only the latest N rows (default 20; windows 10)");
  cmd->add_flag("--json", global.json, "Print JSON");
  cmd->callback([=, &global, &exit_code] { exit_code = RunInspect(what, *args, global); });
}

}  // namespace

void RegisterInspectCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  Register(app, global, exit_code, What::kBars, "bars", "Show stored bars of a ticker");
  Register(app, global, exit_code, What::kIndicators, "indicators", "Show indicator values of a ticker");
  Register(app, global, exit_code, What::kPatterns, "patterns", "Show detected patterns of a ticker");
  Register(app, global, exit_code, What::kWindows, "windows", "Show windows with their summaries");
}

}  // namespace ohlcv::cli
