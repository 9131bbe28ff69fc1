// KnowledgeBase::RefreshIfStale: replicas share one data directory (Kubernetes with a
// shared volume, the rollout rehearsal), so a ticker ingested by another
// process must become answerable without a restart.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "kb/knowledge_base.h"
#include "sources/source.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

KbOptions Options(const std::string& dir, bool read_only) {
  KbOptions o;
  o.data_dir = dir;
  o.embedder = "hashing";
  o.read_only = read_only;
  return o;
}

TEST(EngineRefreshTest, TickerIngestedByAnotherEngineBecomesKnown) {
  const std::string dir = testing::MakeTempDir("refresh");
  auto writer = KnowledgeBase::Open(Options(dir, false));
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  SyntheticSourceOptions so;
  so.bars = 400;
  auto source = NewSyntheticSource(so);
  FetchRequest first;
  first.tickers = {"AAA"};
  ASSERT_TRUE((*writer)->Ingest(*source, first, IngestOptions{}).ok());

  // The reader stands for a second replica: opened before BBB exists.
  auto reader = KnowledgeBase::Open(Options(dir, true));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  AskRequest ask;
  ask.question = "How did BBB perform?";
  auto before = (*reader)->Ask(ask);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_TRUE(before->no_data) << before->text;

  FetchRequest second;
  second.tickers = {"BBB"};
  ASSERT_TRUE((*writer)->Ingest(*source, second, IngestOptions{}).ok());

  // The reader notices the new data version on its next question.
  bool known = false;
  for (int i = 0; i < 30 && !known; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto after = (*reader)->Ask(ask);
    ASSERT_TRUE(after.ok()) << after.status().ToString();
    known = !after->no_data;
  }
  EXPECT_TRUE(known) << "BBB, ingested by another engine, is still unknown after 3 s: "
                     << (*reader)->Ask(ask)->text;
}

}  // namespace
}  // namespace ohlcv
