// Figures across tickers: rankings by return, side-by-side comparisons of
// tickers and sectors, correlations.
#include <cmath>

#include <fmt/format.h>

#include "answer/compose_internal.h"
#include "answer/result_keys.h"
#include "answer/figures.h"
#include "util/time.h"

namespace ohlcv::compose_internal {
namespace {

// Loads every ticker (all stored ones when `tickers` is empty).
Result<std::vector<std::shared_ptr<const TickerData>>> LoadAll(Ctx& c, std::vector<std::string>* tickers) {
  if (tickers->empty())
    for (const auto& t : c.universe.tickers) tickers->push_back(t.ticker);
  std::vector<std::shared_ptr<const TickerData>> out;
  out.reserve(tickers->size());
  for (const auto& t : *tickers) {
    OHLCV_ASSIGN_OR_RETURN(auto d, Load(c, t));
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<RankEntry> Rank(Ctx& c, const std::vector<std::string>& tickers,
                            const std::vector<std::shared_ptr<const TickerData>>& data,
                            std::vector<std::string>* excluded) {
  std::vector<NamedSeries> named;
  for (size_t i = 0; i < tickers.size(); ++i) named.push_back({tickers[i], &data[i]->bars()});
  return RankByReturn(named, c.scope.start, c.scope.end, 7, excluded);
}

std::string RankedItem(DraftBuilder& b, size_t k, const RankEntry& e) {
  const std::string p = e.ticker + " " + PeriodText(e.ret.first_ts, e.ret.last_ts);
  return fmt::format("{} {} ({} to {})", e.ticker, b.Pct(k, p + " return", e.ret.return_pct),
                     b.Price(k, p + " first close", e.ret.first_close), b.Price(k, p + " last close", e.ret.last_close));
}

}  // namespace

Status ComposeRanking(Ctx& c, DraftBuilder& b, const std::vector<std::string>& tickers_in,
                      const std::string& label) {
  std::vector<std::string> tickers = tickers_in;
  OHLCV_ASSIGN_OR_RETURN(auto data, LoadAll(c, &tickers));
  std::vector<std::string> excluded;
  const std::vector<RankEntry> ranked = Rank(c, tickers, data, &excluded);
  const std::string period = PeriodText(c.scope.start, c.scope.end);
  if (ranked.empty()) {
    b.Say(fmt::format("None of the {} has bars covering {}.", label, period));
    b.draft().coverage *= 0.3;
    return Status::Ok();
  }
  nlohmann::json result = nlohmann::json::array();
  double sum = 0;
  std::vector<double> values;
  for (const auto& e : ranked) {
    result.push_back({{"ticker", e.ticker}, {"return_pct", e.ret.return_pct}, {"first_close", e.ret.first_close},
                      {"last_close", e.ret.last_close}, {"first_date", FormatDate(e.ret.first_ts)},
                      {"last_date", FormatDate(e.ret.last_ts)}});
    sum += e.ret.return_pct;
    values.push_back(e.ret.return_pct);
  }
  const size_t k = b.Computation("ranking_by_return",
                                 {{"universe", label}, {"tickers", tickers.size()}, {"start", FormatDate(c.scope.start)},
                                  {"end", FormatDate(c.scope.end)}, {"price", "close"},
                                  {"excluded_not_covering_period", excluded}},
                                 {{"ranked", result}});
  const size_t n = ranked.size();
  const size_t show = std::min(c.options.max_ranked, n);
  std::vector<std::string> best, worst;
  for (size_t i = 0; i < show; ++i) best.push_back(RankedItem(b, k, ranked[i]));
  for (size_t i = 0; i < show && n > show + i; ++i) worst.push_back(RankedItem(b, k, ranked[n - 1 - i]));
  std::string s = fmt::format("Ranked by return from {} across {} {}: ", period, b.Count(k, label + " ranked", n), label);
  const std::string best_text = fmt::format("the best {} {}", show == 1 ? "was" : "were", JoinAnd(best));
  const std::string worst_text =
      worst.empty() ? "" : fmt::format("the worst {} {}", worst.size() == 1 ? "was" : "were", JoinAnd(worst));
  if (c.scope.rank_worst_first && !worst.empty()) {
    s += worst_text + ". By contrast " + best_text + ".";
  } else {
    s += best_text + ".";
    if (!worst.empty()) s += " By contrast " + worst_text + ".";
  }
  const std::string p = label + " " + period;
  s += fmt::format(" The equal-weighted average return was {} and the median {}.",
                   b.Pct(k, p + " average return", sum / static_cast<double>(n)),
                   b.Pct(k, p + " median return", Median(values)));
  if (!excluded.empty())
    b.Note(fmt::format("{} tickers without traded bars covering the whole period were left out of the ranking",
                       excluded.size()));
  b.Say(std::move(s));
  return Status::Ok();
}

Status ComposeComparison(Ctx& c, DraftBuilder& b) {
  const std::string period = PeriodText(c.scope.start, c.scope.end);
  std::vector<std::string> tickers(c.scope.tickers.begin(),
                                   c.scope.tickers.begin() + std::min(c.scope.tickers.size(), c.options.max_tickers));
  for (const auto& t : tickers) OHLCV_RETURN_IF_ERROR(ComposeTickerFigures(c, b, t));
  // Correlations between the first few tickers, pair by pair.
  for (size_t i = 0; i < tickers.size() && i < 3; ++i) {
    for (size_t j = i + 1; j < tickers.size() && j < 4; ++j) {
      OHLCV_ASSIGN_OR_RETURN(auto a, Load(c, tickers[i]));
      OHLCV_ASSIGN_OR_RETURN(auto z, Load(c, tickers[j]));
      const CorrelationFigure f = ComputeCorrelation(a->bars(), z->bars(), c.scope.start, c.scope.end);
      if (!std::isfinite(f.r)) continue;
      const size_t k = b.Computation(
          "correlation",
          {{"tickers", {tickers[i], tickers[j]}}, {"start", FormatDate(f.first_ts)}, {"end", FormatDate(f.last_ts)},
           {"method", "pearson of daily log returns over common dates"}},
          {{result_key::kCorrelation.name, f.r}, {"returns", f.returns}});
      const std::string p = tickers[i] + "/" + tickers[j] + " " + period;
      b.Say(fmt::format("The correlation of daily log returns between {} and {} was {} over {} common days.",
                        tickers[i], tickers[j], b.Value(k, p + " correlation", f.r, "ratio"),
                        b.Count(k, p + " returns", f.returns)));
    }
  }
  if (tickers.size() >= 2) {
    // One line that says who did better: the reader's first question.
    std::vector<std::shared_ptr<const TickerData>> data;
    for (const auto& t : tickers) {
      OHLCV_ASSIGN_OR_RETURN(auto d, Load(c, t));
      data.push_back(std::move(d));
    }
    std::vector<NamedSeries> named;
    for (size_t i = 0; i < tickers.size(); ++i) named.push_back({tickers[i], &data[i]->bars()});
    auto ranked = RankByReturn(named, c.scope.start, c.scope.end, 100000, nullptr);
    if (ranked.size() >= 2)
      b.Say(fmt::format("Over {}, {} returned more than {}.", period, ranked.front().ticker,
                        JoinAnd([&] {
                          std::vector<std::string> rest;
                          for (size_t i = 1; i < ranked.size(); ++i) rest.push_back(ranked[i].ticker);
                          return rest;
                        }())));
  }
  // Sectors side by side: equal-weighted average return of the members
  // covering the period, and the best member.
  for (const auto& sector : c.scope.sectors) {
    std::vector<std::string> members;
    for (const auto& t : c.sectors.TickersIn(sector))
      if (c.universe.Find(t)) members.push_back(t);
    OHLCV_ASSIGN_OR_RETURN(auto data, LoadAll(c, &members));
    std::vector<std::string> excluded;
    auto ranked = Rank(c, members, data, &excluded);
    if (ranked.empty()) continue;
    double sum = 0;
    std::vector<double> values;
    for (const auto& e : ranked) {
      sum += e.ret.return_pct;
      values.push_back(e.ret.return_pct);
    }
    const double avg = sum / static_cast<double>(ranked.size());
    const size_t k = b.Computation(
        "sector_return", {{"sector", sector}, {"start", FormatDate(c.scope.start)}, {"end", FormatDate(c.scope.end)},
                          {"members", ranked.size()}, {"excluded_not_covering_period", excluded}},
        {{"average_return_pct", avg}, {"median_return_pct", Median(values)},
         {"best", ranked.front().ticker}, {"best_return_pct", ranked.front().ret.return_pct},
         {"worst", ranked.back().ticker}, {"worst_return_pct", ranked.back().ret.return_pct}});
    const std::string p = sector + " " + period;
    b.Say(fmt::format("{} ({} stocks) from {}: equal-weighted average return {}, median {}; best {} {}, worst {} {}.",
                      sector, b.Count(k, p + " members", ranked.size()), period, b.Pct(k, p + " average return", avg),
                      b.Pct(k, p + " median return", Median(values)), ranked.front().ticker,
                      b.Pct(k, ranked.front().ticker + " " + period + " return", ranked.front().ret.return_pct),
                      ranked.back().ticker,
                      b.Pct(k, ranked.back().ticker + " " + period + " return", ranked.back().ret.return_pct)));
  }
  return Status::Ok();
}

}  // namespace ohlcv::compose_internal
