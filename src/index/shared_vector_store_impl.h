// The SharedVectorStore class (shared_vector_store.cc: opening, schema and
// writes; shared_vector_store_read.cc: searches and reads), declared here for
// its two source files only. The design is described in
// shared_vector_store.cc.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "index/chroma_batches.h"
#include "index/chroma_client.h"
#include "index/fts_query.h"
#include "index/local_vector_store_impl.h"
#include "index/pg_window_rows.h"
#include "index/vector_math.h"
#include "index/vector_store.h"
#include "net/backoff.h"
#include "store/pg_conn.h"


namespace ohlcv::index_internal {

using nlohmann::json;

// Ids per ChromaDB get/delete request and per PostgreSQL id array.
constexpr size_t kIdChunk = 1000;

using Scored = std::vector<std::pair<std::string, float>>;

// A window's vectors on their way to ChromaDB.
struct VectorRow {
  std::string id;
  int64_t seq = 0;
  std::vector<float> text;   // normalised
  std::vector<float> shape;  // as given; empty when the store has no shape space
};

inline std::string StmtName(const std::string& sql) {
  return fmt::format("sv{:x}", std::hash<std::string>{}(sql));
}

class SharedVectorStore final : public VectorStore {
 public:
  explicit SharedVectorStore(const SharedVectorStoreOptions& o)
      : options_(o), pool_(PoolConfig(o)), client_(ClientOptions(o.chroma)) {}

  Status Open();

  std::string_view type() const override { return "chromadb"; }
  VectorStoreCapabilities capabilities() const override { return {.lexical_search = true, .embedded = false}; }
  Result<VectorStoreBackup> Backup(const std::string&) override {
    VectorStoreBackup b;
    b.notes.push_back(
        "the windows live in PostgreSQL (table windows: back it up with pg_dump) and their vectors in "
        "ChromaDB, which is derived: a writer that finds ChromaDB holding fewer vectors than PostgreSQL "
        "lists every window as pending again and the next ingest sends them (by hand: "
        "`INSERT INTO window_vectors_pending(id, seq) SELECT id, seq FROM windows ON CONFLICT DO NOTHING`)");
    return b;
  }
  const EmbedderIdentity& embedder() const override { return options_.chroma.embedder; }
  ~SharedVectorStore() override { (void)Sync(); }
  Status Upsert(std::span<const Window> windows, std::span<const float> embeddings) override {
    Status st = UpsertDeferred(windows, embeddings);
    Status synced = Sync();
    return st.ok() ? synced : st;
  }
  Status UpsertDeferred(std::span<const Window> windows, std::span<const float> embeddings) override;
  Status Sync() override;
  Result<std::vector<SearchHit>> Search(VectorSpace space, std::span<const float> query, size_t k,
                                        const WindowFilter& filter) override;
  Result<std::vector<SearchHit>> LexicalSearch(const std::string& text, size_t k,
                                               const WindowFilter& filter) override;
  Result<std::vector<SearchHit>> Find(const WindowFilter& filter, size_t limit) override;
  Result<std::vector<Window>> Get(std::span<const std::string> ids) override;
  Result<uint64_t> DeleteTicker(const std::string& ticker) override;
  Result<uint64_t> Delete(std::span<const std::string> ids) override;
  Result<uint64_t> Count() override;
  Status Health() override;
  VectorStoreStats stats() const override { return counters_.Snapshot(); }

 private:
  static pg::PgConfig PoolConfig(const SharedVectorStoreOptions& o) {
    pg::PgConfig c;
    c.url = o.database_url;
    c.password = o.database_password;
    c.application_name = "ohlcv-rag-windows";
    return c;
  }
  static ChromaClientOptions ClientOptions(const ChromaVectorStoreOptions& o) {
    ChromaClientOptions c;
    c.base_url = o.host.find("://") != std::string::npos ? o.host : fmt::format("http://{}:{}", o.host, o.port);
    while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
    c.auth_token = o.auth_token;
    c.timeout = std::chrono::milliseconds(std::max(1, o.timeout_ms));
    c.max_retries = std::max(0, o.max_retries);
    return c;
  }
  size_t SpaceDim(VectorSpace s) const {
    return s == VectorSpace::kText ? options_.chroma.embedder.dimension : options_.chroma.embedder.shape_dimension;
  }
  std::string CollectionPath(VectorSpace s) const {
    return collections_path_ + (s == VectorSpace::kText ? text_id_ : shape_id_);
  }
  Status InitSchema(pg::Conn& c);
  // One prepared statement per SQL text, on whichever connection runs it.
  static Result<pg::Rows> Query(pg::Conn& c, const std::string& sql, const pg::Params& params,
                                bool binary = false) {
    return c.QueryPrepared(StmtName(sql), sql, params, binary);
  }
  Result<pg::Rows> Read(const std::string& sql, const pg::Params& params, bool binary = false);

  Status JoinUpload();
  Status SendVectors(std::vector<VectorRow> rows);
  Status SendBatch(VectorSpace space, std::span<const VectorRow> rows);
  Status MarkStored(std::span<const VectorRow> rows);
  Status ResendPending();

  Result<Scored> ChromaQuery(VectorSpace space, std::span<const float> q, size_t n);
  Result<Scored> ExactScan(VectorSpace space, const index_internal::PgFilter& f, std::span<const float> q,
                           size_t k);
  Result<std::vector<SearchHit>> HitsFor(const Scored& scored);
  Result<std::vector<std::string>> PruneCommonTokens(std::vector<std::string> tokens);
  Result<Scored> RunLexical(const std::string& tsquery, size_t k, const index_internal::PgFilter& f);

  Status Fail(Status s) const {
    if (!s.ok()) StoreCounters::Add(counters_.errors);
    return s;
  }

  const SharedVectorStoreOptions options_;
  pg::Pool pool_;
  ChromaClient client_;
  // The vector upload UpsertDeferred left running (at most one), its result,
  // and whether window_vectors_pending may hold rows no upload is sending
  // (at open: an interrupted run's; after a failed upload: its own).
  std::mutex upload_mu_;        // serializes writers around the upload
  std::thread upload_;          // GUARDED_BY(upload_mu_)
  Status upload_status_;        // written by upload_, read after the join
  bool resend_pending_ = true;  // GUARDED_BY(upload_mu_)
  size_t max_batch_ = 1000;        // from pre-flight-checks; set once in Open
  std::string collections_path_;   // ".../collections/"
  std::string text_id_, shape_id_;
  mutable StoreCounters counters_;

  // Document frequencies of lexical terms, valid for one write generation
  // (the window_seq value: every write and delete advances it).
  std::mutex df_mu_;
  int64_t df_generation_ = -1;                  // GUARDED_BY(df_mu_)
  int64_t df_docs_ = 0;                         // GUARDED_BY(df_mu_)
  std::unordered_map<std::string, int64_t> df_;  // GUARDED_BY(df_mu_)
};

}  // namespace ohlcv::index_internal
