// Intraday data through the whole knowledge base (issue 16): synthetic
// 1-minute bars are ingested and indexed (one window per session plus daily
// windows built from the minutes), and intraday questions are answered
// through KnowledgeBase::Ask with the figures computed here from the bars
// the source generates.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "kb/knowledge_base.h"
#include "sources/source.h"
#include "testutil/test_paths.h"
#include "util/time.h"

namespace ohlcv {
namespace {

TEST(KnowledgeBaseIntradayTest, SessionWindowsAndIntradayQuestionsFromTheBars) {
  const std::string dir = testing::MakeTempDir("kb-intraday");
  KbOptions o;
  o.data_dir = dir;
  o.embedder = "hashing";
  o.answers.cache.capacity = 0;
  auto kb = KnowledgeBase::Open(o);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();

  SyntheticSourceOptions so;
  so.now_ts = *ParseTimestamp("2026-03-01");
  auto source = NewSyntheticSource(so);
  FetchRequest req;
  req.tickers = {"SYNQ"};
  req.interval = Interval::k1m;
  req.start = *ParseTimestamp("2026-02-02");
  req.end = *ParseTimestamp("2026-02-13T23:59:59Z");
  // The bars as the source generates them: the expected figures come from these.
  auto fetched = source->Fetch("SYNQ", req);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  ASSERT_EQ(fetched->series.size(), 1u);
  const BarSeries bars = fetched->series[0];
  std::set<int64_t> days;
  for (int64_t ts : bars.ts) days.insert(ts / 86400);
  ASSERT_EQ(days.size(), 10u);  // two weeks of weekdays

  auto stats = (*kb)->Ingest(*source, req, IngestOptions{});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->bars_inserted, bars.size());
  // One window per session and one daily window over the 10 aggregated days,
  // not (bars - 30) / 5 windows.
  EXPECT_EQ(stats->windows, days.size() + 1);

  const int64_t day = *ParseTimestamp("2026-02-10");
  double high = 0, low = 1e300, volume = 0;
  for (size_t i = 0; i < bars.size(); ++i) {
    if (bars.ts[i] < day || bars.ts[i] >= day + 86400) continue;
    high = std::max(high, bars.high[i]);
    low = std::min(low, bars.low[i]);
    // "between 15:00 and 16:00" is New York time (EST, UTC-5): 20:00-21:00 UTC.
    if (bars.ts[i] >= day + 20 * 3600 && bars.ts[i] < day + 21 * 3600) volume += bars.volume[i];
  }
  auto ask = [&](const std::string& q) {
    AskRequest r;
    r.question = q;
    auto a = (*kb)->Ask(r);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? a->text : std::string();
  };
  const std::string h = ask("What was the highest price of SYNQ on 2026-02-10?");
  EXPECT_NE(h.find(fmt::format("{:.2f}", high)), std::string::npos) << h;
  // A Friday and the newest day: the store read around them ends early.
  for (const char* date : {"2026-02-06", "2026-02-13"}) {
    const int64_t d = *ParseTimestamp(date);
    double day_high = 0;
    for (size_t i = 0; i < bars.size(); ++i) {
      if (bars.ts[i] >= d && bars.ts[i] < d + 86400) day_high = std::max(day_high, bars.high[i]);
    }
    const std::string a = ask(fmt::format("What was the highest price of SYNQ on {}?", date));
    EXPECT_NE(a.find(fmt::format("{:.2f}", day_high)), std::string::npos) << a;
  }
  const std::string l = ask("lowest price of SYNQ on 2026-02-10");
  EXPECT_NE(l.find(fmt::format("{:.2f}", low)), std::string::npos) << l;
  const std::string v = ask("What was the volume of SYNQ between 15:00 and 16:00 on 2026-02-10?");
  const std::string plain = fmt::format("{}", static_cast<int64_t>(volume));
  std::string grouped;  // 1,234,567
  for (size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && (plain.size() - i) % 3 == 0) grouped += ',';
    grouped += plain[i];
  }
  EXPECT_TRUE(v.find(grouped) != std::string::npos || v.find(plain) != std::string::npos)
      << v << " (want " << grouped << ")";
  EXPECT_NE(v.find("2026-02-10 15:00 EST to 16:00 EST"), std::string::npos) << v;
}

}  // namespace
}  // namespace ohlcv
