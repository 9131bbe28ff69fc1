// Shared set-up of the plan tests: the shared S&P 500 CSVs read once through
// the CSV source's parser (the bars an ingest stores), a PlanSource over
// them, a PlanParser with the shared sectors and industries, and the test's
// own arithmetic (independent of src/plan and src/indicators).
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "plan/executor.h"
#include "plan/industries.h"
#include "plan/plan_parser.h"
#include "sources/csv_source.h"
#include "testutil/test_paths.h"

namespace ohlcv::plan_test {

class MapSource : public PlanSource {
 public:
  std::map<std::string, std::map<Interval, BarSeries>> bars;
  std::map<std::string, std::string> sectors, industries;

  Result<PlanSeries> Series(const std::string& t, Interval iv, bool want) const override {
    auto it = bars.find(t);
    if (it == bars.end() || !it->second.count(iv)) return Status::NotFound("no bars of " + t);
    PlanSeries ps;
    ps.bars = &it->second.at(iv);
    if (want) {
      std::lock_guard lock(mu_);
      auto& slot = ind_[{t, iv}];
      if (!slot) {
        slot = std::make_shared<IndicatorSet>();
        slot->Compute(*ps.bars);
      }
      ps.indicators = slot.get();
      ps.owner = slot;
    }
    return ps;
  }
  std::vector<std::string> Tickers(Interval iv) const override {
    std::vector<std::string> out;
    for (const auto& [t, m] : bars) {
      if (m.count(iv)) out.push_back(t);
    }
    return out;
  }
  std::vector<std::string> Members(SubjectKind kind, const std::string& name, Interval iv) const override {
    std::vector<std::string> out;
    for (const auto& t : Tickers(iv)) {
      const auto& m = kind == SubjectKind::kSector ? sectors : industries;
      auto it = m.find(t);
      if (kind == SubjectKind::kAll || (it != m.end() && it->second == name)) out.push_back(t);
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  mutable std::map<std::pair<std::string, Interval>, std::shared_ptr<IndicatorSet>> ind_;
};

inline std::map<std::string, std::string> ReadSectors(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    auto comma = line.find(',');
    if (comma == std::string::npos) continue;
    std::string sector = line.substr(comma + 1);
    sector.erase(std::remove(sector.begin(), sector.end(), '"'), sector.end());
    while (!sector.empty() && (sector.back() == '\r' || sector.back() == ' ')) sector.pop_back();
    out[line.substr(0, comma)] = sector;
  }
  return out;
}

// Loads every shared CSV (once per process). nullptr when the data is absent.
inline MapSource* SharedSource() {
  static MapSource* src = [] () -> MapSource* {
    if (testing::SharedDataDir().empty()) return nullptr;
    auto* s = new MapSource();
    for (const auto& e : std::filesystem::directory_iterator(testing::SharedDataDir())) {
      if (e.path().extension() != ".csv") continue;
      std::ifstream in(e.path(), std::ios::binary);
      const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      auto parsed = ParseCsvBuffer(data, e.path().string(), FetchRequest{});
      if (!parsed.ok() || parsed->series.empty()) continue;
      BarSeries b = std::move(parsed->series.front());
      s->bars[b.ticker][Interval::k1d] = std::move(b);
    }
    s->sectors = ReadSectors(testing::SharedDir() + "/data/sp500_sectors.csv");
    auto ind = LoadIndustries(testing::SharedDir() + "/data/sp500_industries.csv");
    if (ind.ok()) s->industries = *ind;
    return s;
  }();
  return src;
}

inline PlanContext ContextFor(const MapSource& s) {
  PlanContext c;
  std::set<std::string> sectors;
  for (const auto& [t, m] : s.bars) {
    c.question.known_tickers.insert(t);
    for (const auto& [iv, b] : m) {
      if (!b.empty() && (!c.question.latest_ts || b.ts.back() > *c.question.latest_ts)) c.question.latest_ts = b.ts.back();
    }
    if (!m.count(Interval::k1d) && !m.empty()) c.default_interval[t] = m.begin()->first;
  }
  for (const auto& [t, sec] : s.sectors) sectors.insert(sec);
  c.question.sector_names.assign(sectors.begin(), sectors.end());
  c.industries = s.industries;
  return c;
}

// ---- the test's own arithmetic ------------------------------------------

inline std::vector<double> RefSma(const std::vector<double>& x, size_t n) {
  std::vector<double> out(x.size(), NAN);
  for (size_t i = n - 1; i < x.size(); ++i) {
    double sum = 0;
    for (size_t k = i + 1 - n; k <= i; ++k) sum += x[k];
    out[i] = sum / n;
  }
  return out;
}
inline std::vector<double> RefEma(const std::vector<double>& x, size_t n, size_t first = 0) {
  std::vector<double> out(x.size(), NAN);
  if (x.size() < first + n) return out;
  double e = 0;
  for (size_t i = first; i < first + n; ++i) e += x[i];
  e /= n;
  out[first + n - 1] = e;
  const double k = 2.0 / (n + 1);
  for (size_t i = first + n; i < x.size(); ++i) {
    e = x[i] * k + e * (1 - k);
    out[i] = e;
  }
  return out;
}
inline std::vector<double> RefRsi(const std::vector<double>& c, size_t n) {
  std::vector<double> r(c.size(), NAN);
  double g = 0, l = 0;
  for (size_t t = 1; t < c.size(); ++t) {
    const double d = c[t] - c[t - 1];
    const double up = d > 0 ? d : 0, dn = d < 0 ? -d : 0;
    if (t <= n) {
      g += up;
      l += dn;
      if (t == n) {
        g /= n;
        l /= n;
        r[t] = g + l == 0 ? 0 : 100 * g / (g + l);
      }
      continue;
    }
    g = (g * (n - 1) + up) / n;
    l = (l * (n - 1) + dn) / n;
    r[t] = g + l == 0 ? 0 : 100 * g / (g + l);
  }
  return r;
}
inline std::vector<double> RefBbUpper(const std::vector<double>& c) {
  std::vector<double> out(c.size(), NAN);
  for (size_t i = 19; i < c.size(); ++i) {
    double m = 0;
    for (size_t k = i - 19; k <= i; ++k) m += c[k];
    m /= 20;
    double v = 0;
    for (size_t k = i - 19; k <= i; ++k) v += (c[k] - m) * (c[k] - m);
    out[i] = m + 2 * std::sqrt(v / 20);
  }
  return out;
}

}  // namespace ohlcv::plan_test
