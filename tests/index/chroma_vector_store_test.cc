// Tests of the ChromaDB vector store (index/chroma_vector_store.cc):
//  - the metadata and `where` mapping (index/chroma_mapping.h), no server;
//  - the shared conformance suite against a real ChromaDB server
//    (testutil/chroma_server.h; skipped, with a message naming
//    scripts/chroma-setup.sh, when the npm package is absent);
//  - what only a remote store has: batches bounded by the server's
//    max_batch_size, a dead server (Health and every call Unavailable, in
//    bounded time), the auth header, retries, and embedder mismatches on
//    either collection. Protocol details are checked against a loopback fake
//    (testutil/replay_server.h) where a real server cannot show them.
#include <chrono>
#include <cmath>
#include <limits>
#include <set>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "index/chroma_batches.h"
#include "index/chroma_mapping.h"
#include "index/vector_store.h"
#include "index/vector_store_conformance.h"
#include "testutil/chroma_server.h"
#include "testutil/replay_server.h"

namespace ohlcv {
namespace {

using nlohmann::json;
using testing::ChromaServer;
using testing::ConformanceVector;
using testing::ConformanceWindow;
using testing::VectorStoreConformance;
using testing::VectorStoreUnderTest;

constexpr size_t kDim = 8;
constexpr size_t kShapeDim = 4;
EmbedderIdentity TestEmbedder() { return {"chroma-test-embedder", kDim, kShapeDim}; }

// ---- mapping (no server) ----------------------------------------------------

TEST(ChromaMapping, MetadataRoundTripsTheWholeWindow) {
  Window w = ConformanceWindow(10, "AAPL", "Information Technology");
  w.relative_volume = std::numeric_limits<double>::quiet_NaN();
  w.last.sma200 = std::numeric_limits<double>::quiet_NaN();
  json m = index_internal::WindowToChromaMetadata(w);
  EXPECT_EQ(m["window_id"], w.id);
  EXPECT_EQ(m["ticker"], "AAPL");
  EXPECT_EQ(m["interval"], static_cast<int>(Interval::k1d));
  EXPECT_TRUE(m["start_ts"].is_number_integer());
  EXPECT_EQ(m["end_ts"].get<int64_t>(), w.end_ts);
  EXPECT_TRUE(m["return_pct"].is_number_float());
  EXPECT_DOUBLE_EQ(m["rsi14_max"].get<double>(), w.last.rsi14_max);
  // NaN fields are left out, so a numeric filter on them never matches.
  EXPECT_FALSE(m.contains("relative_volume"));
  EXPECT_FALSE(m.contains("sma200"));
  EXPECT_EQ(m["p_golden_cross"], 1);  // i = 10: golden cross present
  EXPECT_FALSE(m.contains("p_rsi_overbought"));
  // Every value is a scalar: Chroma metadata holds no arrays or objects.
  for (const auto& [k, v] : m.items()) EXPECT_TRUE(v.is_primitive() && !v.is_null()) << k;

  auto back = index_internal::WindowFromChromaRecord(m, w.summary);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->id, w.id);
  EXPECT_EQ(back->summary, w.summary);
  EXPECT_TRUE(std::isnan(back->relative_volume));
  EXPECT_DOUBLE_EQ(back->close, w.close);
  ASSERT_EQ(back->patterns.size(), w.patterns.size());
  ASSERT_EQ(back->shape.size(), w.shape.size());
  for (size_t i = 0; i < w.shape.size(); ++i) EXPECT_EQ(back->shape[i], w.shape[i]);
}

TEST(ChromaMapping, BadRecordIsCorruption) {
  EXPECT_EQ(index_internal::WindowFromChromaRecord(json{{"window_id", "x"}}, "").status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(
      index_internal::WindowFromChromaRecord(json{{"window", "{not json"}}, "").status().code(),
      StatusCode::kCorruption);
}

TEST(ChromaMapping, EmptyFilterHasNoWhere) {
  auto w = index_internal::ChromaWhere({});
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->is_null());
}

TEST(ChromaMapping, WhereForEveryFilterKind) {
  WindowFilter f;
  f.tickers = {"AAPL", "MSFT"};
  f.sectors = {"Energy"};
  f.interval = Interval::k1wk;
  f.start_ts = 100;
  f.end_ts = 200;
  f.patterns = {PatternKind::kGoldenCross, PatternKind::kDeathCross};
  f.numeric = {{"rsi14", NumericCondition::Op::kGt, 70},
               {"return_pct", NumericCondition::Op::kLe, -2.5}};
  f.exclude_ids = {"A_1d_1_2"};
  auto w = index_internal::ChromaWhere(f);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  const json expected = json::parse(R"({"$and": [
      {"ticker": {"$in": ["AAPL", "MSFT"]}},
      {"sector": {"$in": ["Energy"]}},
      {"interval": {"$eq": )" + std::to_string(static_cast<int>(Interval::k1wk)) +
                                    R"(}},
      {"end_ts": {"$gte": 100}},
      {"start_ts": {"$lte": 200}},
      {"$or": [{"p_golden_cross": {"$eq": 1}}, {"p_death_cross": {"$eq": 1}}]},
      {"rsi14": {"$gt": 70.0}},
      {"return_pct": {"$lte": -2.5}},
      {"window_id": {"$nin": ["A_1d_1_2"]}}]})");
  EXPECT_EQ(*w, expected) << w->dump();
}

TEST(ChromaMapping, SingleClauseIsNotWrapped) {
  WindowFilter f;
  f.patterns = {PatternKind::kGoldenCross};
  auto w = index_internal::ChromaWhere(f);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, json::parse(R"({"p_golden_cross": {"$eq": 1}})"));
}

TEST(ChromaMapping, UnknownOrNonFiniteNumericIsInvalidArgument) {
  WindowFilter f;
  f.numeric = {{"rsi14\"}, {\"$or", NumericCondition::Op::kGt, 1}};
  EXPECT_EQ(index_internal::ChromaWhere(f).status().code(), StatusCode::kInvalidArgument);
  f.numeric = {{"rsi14", NumericCondition::Op::kGt, std::numeric_limits<double>::infinity()}};
  EXPECT_EQ(index_internal::ChromaWhere(f).status().code(), StatusCode::kInvalidArgument);
}

TEST(ChromaBatches, SplitByCountAndBytesAndParseBack) {
  std::vector<index_internal::ChromaRecordJson> records;
  std::vector<std::string> vectors;
  for (int i = 0; i < 10; ++i) {
    records.push_back({json("id" + std::to_string(i)).dump(), json{{"i", i}}.dump(),
                       json(std::string(100, 'x')).dump()});
    vectors.emplace_back();
    index_internal::AppendJsonFloats(vectors.back(), std::vector<float>{0.1f, -2.5f, float(i)});
  }
  // Count bound: 10 records, at most 4 per body.
  auto by_count = index_internal::ChromaUpsertBodies(records, vectors, 4, 1 << 20);
  ASSERT_TRUE(by_count.ok());
  ASSERT_EQ(by_count->size(), 3u);
  size_t total = 0;
  for (const auto& body : *by_count) {
    json b = json::parse(body);
    EXPECT_LE(b["ids"].size(), 4u);
    EXPECT_EQ(b["embeddings"].size(), b["ids"].size());
    EXPECT_EQ(b["documents"].size(), b["ids"].size());
    EXPECT_EQ(b["metadatas"].size(), b["ids"].size());
    total += b["ids"].size();
  }
  EXPECT_EQ(total, 10u);
  json first = json::parse((*by_count)[0]);
  EXPECT_EQ(first["ids"][1], "id1");
  EXPECT_EQ(first["embeddings"][1][0].get<float>(), 0.1f);  // shortest form parses back exactly
  EXPECT_EQ(first["metadatas"][3]["i"], 3);
  // Byte bound: each record is ~140 bytes, so 400 bytes fit two per body.
  auto by_bytes = index_internal::ChromaUpsertBodies(records, vectors, 100, 400);
  ASSERT_TRUE(by_bytes.ok());
  EXPECT_EQ(by_bytes->size(), 5u);
  for (const auto& body : *by_bytes) EXPECT_LE(body.size(), 400u);
  // A record alone over the limit is refused, naming it.
  auto too_big = index_internal::ChromaUpsertBodies(records, vectors, 100, 150);
  ASSERT_EQ(too_big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_big.status().message().find("id0"), std::string::npos);
}

// ---- conformance against a real server ---------------------------------------

ChromaVectorStoreOptions OptionsFor(const ChromaServer& server, const std::string& prefix,
                                    const EmbedderIdentity& e) {
  ChromaVectorStoreOptions o;
  o.host = server.host();
  o.port = server.port();
  o.collection_prefix = prefix;
  o.embedder = e;
  o.timeout_ms = 20000;
  return o;
}

Result<std::unique_ptr<VectorStore>> OpenOnSharedServer(const std::string& ns,
                                                        const EmbedderIdentity& e) {
  std::string error;
  ChromaServer* server = ChromaServer::Shared(&error);
  if (!server) return Status::Unavailable(error);
  return OpenChromaVectorStore(OptionsFor(*server, ns, e));
}

// Instantiated only when the npm package is present; ChromaEnvironment.Installed
// below reports (as a skip) when it is not.
std::vector<VectorStoreUnderTest> ChromaStores() {
  if (!ChromaServer::Installed()) return {};
  return {VectorStoreUnderTest{"chromadb", OpenOnSharedServer, /*supports_lexical=*/false}};
}

INSTANTIATE_TEST_SUITE_P(Chroma, VectorStoreConformance, ::testing::ValuesIn(ChromaStores()),
                         testing::VectorStoreUnderTestName);

TEST(ChromaEnvironment, Installed) {
  if (!ChromaServer::Installed()) GTEST_SKIP() << ChromaServer::NotInstalledMessage();
  std::string error;
  ASSERT_NE(ChromaServer::Shared(&error), nullptr) << error;
}

#define REQUIRE_CHROMA()                                                                 \
  do {                                                                                   \
    if (!ChromaServer::Installed()) GTEST_SKIP() << ChromaServer::NotInstalledMessage(); \
  } while (0)

std::vector<float> Embeddings(int first, int n) {
  std::vector<float> out;
  for (int i = first; i < first + n; ++i) {
    auto v = ConformanceVector(i, kDim);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

std::string UniquePrefix(const std::string& what) {
  static int counter = 0;
  return "chroma_" + what + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

TEST(ChromaStore, ShapeDimensionMismatchNamesBoth) {
  REQUIRE_CHROMA();
  std::string error;
  ChromaServer* server = ChromaServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  const std::string prefix = UniquePrefix("shape");
  {
    auto store = OpenChromaVectorStore(OptionsFor(*server, prefix, TestEmbedder()));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
  }
  EmbedderIdentity other = TestEmbedder();
  other.shape_dimension = 16;
  auto again = OpenChromaVectorStore(OptionsFor(*server, prefix, other));
  ASSERT_EQ(again.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(again.status().message().find("shape 4"), std::string::npos)
      << again.status().message();
  EXPECT_NE(again.status().message().find("shape 16"), std::string::npos)
      << again.status().message();
  // The same identity still opens.
  EXPECT_TRUE(OpenChromaVectorStore(OptionsFor(*server, prefix, TestEmbedder())).ok());
}

TEST(ChromaStore, CreatesMissingTenantAndDatabase) {
  REQUIRE_CHROMA();
  std::string error;
  ChromaServer* server = ChromaServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  auto o = OptionsFor(*server, "windows", TestEmbedder());
  o.tenant = UniquePrefix("tenant");
  o.database = "db_" + std::to_string(::getpid());
  auto store = OpenChromaVectorStore(o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<Window> w = {ConformanceWindow(1, "AAPL", "Information Technology")};
  ASSERT_TRUE((*store)->Upsert(w, Embeddings(1, 1)).ok());
  EXPECT_EQ(*(*store)->Count(), 1u);
  // A second store on the default database does not see it.
  auto other = OpenChromaVectorStore(OptionsFor(*server, "windows_" + o.tenant, TestEmbedder()));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*(*other)->Count(), 0u);
  EXPECT_EQ((*store)->type(), "chromadb");
}

// More windows than the server takes in one request: the real server would
// refuse such a request, so success means the client split it.
TEST(ChromaStore, UpsertBeyondMaxBatchSize) {
  REQUIRE_CHROMA();
  std::string error;
  ChromaServer* server = ChromaServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  // Text space only: Chroma takes ~2 ms per record with our ~45 metadata
  // keys, so one collection keeps this test near 15 s. (The server does not
  // enforce the limit itself, so ChromaProtocol.BatchesNeverExceedMaxBatchSize
  // checks the request sizes; this checks a multi-batch upsert end to end.)
  EmbedderIdentity text_only = TestEmbedder();
  text_only.shape_dimension = 0;
  auto store = OpenChromaVectorStore(OptionsFor(*server, UniquePrefix("batch"), text_only));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  // Read the limit the same way the client does (chromadb 3.0.14: 5461).
  httplib::Client http(server->host(), server->port());
  auto pre = http.Get("/api/v2/pre-flight-checks");
  ASSERT_TRUE(pre && pre->status == 200);
  const int max_batch = json::parse(pre->body)["max_batch_size"].get<int>();
  ASSERT_GT(max_batch, 0);
  ASSERT_LT(max_batch, 50000) << "a smaller test would not exceed this limit";
  const int n = max_batch + 150;
  std::vector<Window> windows;
  windows.reserve(n);
  for (int i = 0; i < n; ++i) windows.push_back(ConformanceWindow(i, i % 2 ? "AAA" : "BBB", "S"));
  ASSERT_TRUE((*store)->Upsert(windows, Embeddings(0, n)).ok());
  EXPECT_EQ(*(*store)->Count(), static_cast<uint64_t>(n));
  // The last batch landed; the shape space does not exist in this store.
  EXPECT_EQ((*store)->Search(VectorSpace::kShape, windows[n - 1].shape, 1, {}).status().code(),
            StatusCode::kInvalidArgument);
  auto hits = (*store)->Search(VectorSpace::kText, Embeddings(n - 1, 1), 1, {});
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].window.id, windows[n - 1].id);
  auto removed = (*store)->DeleteTicker("AAA");
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, static_cast<uint64_t>(n / 2));
  EXPECT_EQ(*(*store)->Count(), static_cast<uint64_t>(n - n / 2));
}

TEST(ChromaStore, ServerDownIsUnavailableInBoundedTime) {
  REQUIRE_CHROMA();
  ChromaServer server;
  std::string error = server.Start();
  ASSERT_TRUE(error.empty()) << error;
  auto o = OptionsFor(server, "down", TestEmbedder());
  o.timeout_ms = 2000;
  o.max_retries = 2;
  auto store = OpenChromaVectorStore(o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE((*store)->Health().ok());
  server.Stop();

  using Clock = std::chrono::steady_clock;
  auto within = [](auto&& fn) {
    auto t0 = Clock::now();
    StatusCode code = fn();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    EXPECT_LT(ms, 10000) << "took " << ms << " ms";
    return code;
  };
  EXPECT_EQ(within([&] { return (*store)->Health().code(); }), StatusCode::kUnavailable);
  std::vector<Window> w = {ConformanceWindow(1, "AAPL", "Information Technology")};
  EXPECT_EQ(within([&] { return (*store)->Upsert(w, Embeddings(1, 1)).code(); }),
            StatusCode::kUnavailable);
  EXPECT_EQ(within([&] {
              return (*store)->Search(VectorSpace::kText, Embeddings(1, 1), 3, {}).status().code();
            }),
            StatusCode::kUnavailable);
  EXPECT_EQ(within([&] { return (*store)->Count().status().code(); }), StatusCode::kUnavailable);
  EXPECT_EQ(within([&] { return (*store)->Find({}, 3).status().code(); }),
            StatusCode::kUnavailable);
  EXPECT_GE((*store)->stats().errors, 4u);
  // Opening against the dead server fails the same way.
  EXPECT_EQ(within([&] { return OpenChromaVectorStore(o).status().code(); }),
            StatusCode::kUnavailable);
}

// ---- protocol details against a loopback fake ---------------------------------

// Answers the calls OpenChromaVectorStore makes, with a tiny max_batch_size.
void ServeFakeChroma(testing::ReplayServer& fake, int max_batch_size) {
  const std::string db = "/api/v2/tenants/default_tenant/databases/default_database";
  fake.Set(
      "GET", "/api/v2/pre-flight-checks",
      {200, json{{"max_batch_size", max_batch_size}, {"supports_base64_encoding", true}}.dump()});
  fake.Set("GET", "/api/v2/heartbeat", {200, R"({"nanosecond heartbeat": 1})"});
  fake.Set("GET", "/api/v2/tenants/default_tenant", {200, R"({"name":"default_tenant"})"});
  fake.Set("GET", db, {200, R"({"name":"default_database"})"});
  fake.Handle("POST", db + "/collections", [](const testing::RecordedRequest& r) {
    json req = json::parse(r.body);
    std::string name = req["name"];
    json reply = {{"id", name.ends_with("_text") ? "text-uuid" : "shape-uuid"},
                  {"name", name},
                  {"metadata", req["metadata"]},
                  {"configuration_json", {{"hnsw", {{"space", "cosine"}}}}}};
    return testing::CannedResponse(200, reply.dump());
  });
  fake.Set("POST", db + "/collections/text-uuid/upsert", {200, "{}"});
  fake.Set("POST", db + "/collections/shape-uuid/upsert", {200, "{}"});
  fake.Set("GET", db + "/collections/text-uuid/count", {200, "0"});
}

ChromaVectorStoreOptions FakeOptions(const testing::ReplayServer& fake) {
  ChromaVectorStoreOptions o;
  o.host = "127.0.0.1";
  o.port = fake.port();
  o.embedder = TestEmbedder();
  o.timeout_ms = 2000;
  return o;
}

TEST(ChromaProtocol, BatchesNeverExceedMaxBatchSize) {
  testing::ReplayServer fake;
  ASSERT_TRUE(fake.Start());
  ServeFakeChroma(fake, 7);
  {
    auto store = OpenChromaVectorStore(FakeOptions(fake));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<Window> windows;
    for (int i = 0; i < 30; ++i) windows.push_back(ConformanceWindow(i, "AAPL", "S"));
    ASSERT_TRUE((*store)->Upsert(windows, Embeddings(0, 30)).ok());
  }
  for (const std::string space : {"text", "shape"}) {
    SCOPED_TRACE(space);
    std::set<std::string> ids;
    size_t batches = 0;
    for (const auto& r : fake.requests()) {
      if (!r.path.ends_with("/collections/" + space + "-uuid/upsert")) continue;
      ++batches;
      json body = json::parse(r.body);
      EXPECT_LE(body["ids"].size(), 7u);
      EXPECT_EQ(body["ids"].size(), body["embeddings"].size());
      EXPECT_EQ(body["ids"].size(), body["metadatas"].size());
      EXPECT_EQ(body["ids"].size(), body["documents"].size());
      EXPECT_EQ(body["embeddings"][0].size(), space == "text" ? kDim : kShapeDim);
      for (const auto& id : body["ids"]) ids.insert(id.get<std::string>());
    }
    EXPECT_EQ(batches, 5u);  // 30 = 4 x 7 + 2
    EXPECT_EQ(ids.size(), 30u);
  }
}

TEST(ChromaProtocol, CollectionsAreCosineAndCarryTheEmbedder) {
  testing::ReplayServer fake;
  ASSERT_TRUE(fake.Start());
  ServeFakeChroma(fake, 100);
  ASSERT_TRUE(OpenChromaVectorStore(FakeOptions(fake)).ok());
  size_t created = 0;
  for (const auto& r : fake.requests()) {
    if (r.method != "POST" || !r.path.ends_with("/collections")) continue;
    ++created;
    json body = json::parse(r.body);
    EXPECT_EQ(body["get_or_create"], true);
    EXPECT_EQ(body["configuration"]["hnsw"]["space"], "cosine");
    EXPECT_EQ(body["metadata"]["ohlcv_embedder"], "chroma-test-embedder");
    EXPECT_EQ(body["metadata"]["ohlcv_dimension"], kDim);
  }
  EXPECT_EQ(created, 2u);  // "_text" and "_shape"
}

TEST(ChromaProtocol, AuthTokenIsSentOnEveryRequest) {
  testing::ReplayServer fake;
  ASSERT_TRUE(fake.Start());
  ServeFakeChroma(fake, 100);
  {
    auto o = FakeOptions(fake);
    o.auth_token = "s3cret-token";
    auto store = OpenChromaVectorStore(o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_TRUE((*store)->Health().ok());
    EXPECT_TRUE((*store)->Count().ok());
  }
  auto requests = fake.requests();
  ASSERT_GE(requests.size(), 6u);
  for (const auto& r : requests)
    EXPECT_EQ(r.Header("authorization"), "Bearer s3cret-token") << r.path;
  // Without a token no Authorization header is sent.
  testing::ReplayServer plain;
  ASSERT_TRUE(plain.Start());
  ServeFakeChroma(plain, 100);
  ASSERT_TRUE(OpenChromaVectorStore(FakeOptions(plain)).ok());
  for (const auto& r : plain.requests()) EXPECT_EQ(r.Header("authorization"), "") << r.path;
}

TEST(ChromaProtocol, AuthRejectionIsUnauthenticated) {
  testing::ReplayServer fake;
  ASSERT_TRUE(fake.Start());
  fake.Set("GET", "/api/v2/pre-flight-checks",
           {401, R"({"error":"AuthError","message":"bad token"})"});
  auto store = OpenChromaVectorStore(FakeOptions(fake));
  ASSERT_EQ(store.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(store.status().message().find("bad token"), std::string::npos);
}

TEST(ChromaProtocol, RetriesA503AndReusesTheConnection) {
  testing::ReplayServer fake;
  ASSERT_TRUE(fake.Start());
  ServeFakeChroma(fake, 100);
  const std::string count =
      "/api/v2/tenants/default_tenant/databases/default_database/collections/text-uuid/count";
  fake.Set("GET", count, {503, R"({"error":"busy"})"});  // replaces the fake's "0"
  fake.Enqueue("GET", count, {200, "42"});
  {
    auto store = OpenChromaVectorStore(FakeOptions(fake));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto n = (*store)->Count();
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(*n, 42u);
  }
  EXPECT_EQ(fake.request_count(count), 2u);
  // Open (5 calls) and two counts, sequentially: one kept-alive connection.
  EXPECT_EQ(fake.connection_count(), 1u);
}

TEST(ChromaProtocol, BadServerAnswersAreErrorsNotCrashes) {
  testing::ReplayServer fake;
  ASSERT_TRUE(fake.Start());
  ServeFakeChroma(fake, 100);
  const std::string db = "/api/v2/tenants/default_tenant/databases/default_database/collections/";
  fake.Set("POST", db + "text-uuid/query",
           {200, R"({"ids":[["a","b"]],"metadatas":[[{}]],"distances":[[0.1]]})"});
  fake.Set("POST", db + "text-uuid/get",
           {200, R"({"ids":["a"],"metadatas":[{"window":"{\"id\":1}"}]})"});
  fake.Set("GET", db + "text-uuid/count", {200, R"("many")"});
  auto store = OpenChromaVectorStore(FakeOptions(fake));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Search(VectorSpace::kText, Embeddings(0, 1), 2, {}).status().code(),
            StatusCode::kCorruption);
  std::vector<std::string> ids = {"a"};
  EXPECT_FALSE((*store)->Get(ids).ok());
  EXPECT_EQ((*store)->Count().status().code(), StatusCode::kCorruption);
}

TEST(ChromaProtocol, InvalidInputsNeverReachTheServer) {
  testing::ReplayServer fake;
  ASSERT_TRUE(fake.Start());
  ServeFakeChroma(fake, 100);
  auto store = OpenChromaVectorStore(FakeOptions(fake));
  ASSERT_TRUE(store.ok());
  const size_t before = fake.request_count();
  std::vector<Window> w = {ConformanceWindow(1, "AAPL", "S")};
  auto emb = Embeddings(1, 1);
  emb[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ((*store)->Upsert(w, emb).code(), StatusCode::kInvalidArgument);
  w[0].shape.push_back(1);
  EXPECT_EQ((*store)->Upsert(w, Embeddings(1, 1)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*store)->LexicalSearch("breakout", 5, {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(fake.request_count(), before);
  ChromaVectorStoreOptions bad = FakeOptions(fake);
  bad.embedder.dimension = 0;
  EXPECT_EQ(OpenChromaVectorStore(bad).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ohlcv
