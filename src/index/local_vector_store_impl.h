// LocalVectorStore: the embedded VectorStore (VECTOR_STORE_TYPE=local).
// Private to index/: others reach it through OpenLocalVectorStore()
// (vector_store.h). The class is declared here and defined in four files,
// one path each: local_vector_store.cc (open, catch-up, indexer, saves,
// reader pool), local_vector_store_write.cc (Upsert, DeleteTicker),
// local_vector_store_search.cc (vector search) and local_vector_store_read.cc
// (lexical search, Find, Get, Count, Health). The reusable parts live in
// hnsw_index, space_index, window_rows, filter_sql, fts_query and
// util/sqlite.
//
// Files in options.dir: windows.db (SQLite, WAL; the source of truth: rows,
// metadata columns, FTS5 index, normalised text vectors, shape vectors,
// labels, the deletions log, meta; layout in window_rows.h), text.hnsw and shape.hnsw (+ .meta
// sidecars; derived, replaced atomically) and LOCK (flock: one writer process).
//
// Durability: every write is one SQLite transaction that also advances
// meta.last_seq; each row carries the seq of its last write and each deleted
// label is logged with its seq. An index file records the seq it covers. On
// open a missing/corrupt/foreign index is rebuilt from SQLite and a stale one
// catches up (re-adds rows with seq > covered, marks logged deletions), so a
// crash between the SQLite commit and an index save loses nothing. WAL
// checkpoints run on the indexer thread (CheckpointIfLarge), never inside an
// Upsert's COMMIT; only when the indexer fell behind and the WAL reached twice
// LocalVectorStoreOptions::wal_checkpoint_bytes does a writer checkpoint and
// truncate it after its commit (BoundWal).
//
// Indexing: Upsert commits to SQLite and stages the vectors in each space's
// SpaceIndex delta (a copy); a background thread at lower CPU priority
// drains the delta into HNSW in chunks of kDrainChunk rows. Searches cover
// graph + delta, so results never depend on how far the drain has got; a
// large delta only makes vector searches slower (exact scan of the delta).
//
// When index files are saved: by the indexer once the delta is drained and
// the rows written since the last save reach max(kSaveMinRows, half the live
// rows), on destruction when the rows written or deleted since the last save
// reach 1/kCloseSaveDivisor of the live rows (without draining: the file
// records the seq it covers, so rows still staged are staged again by the
// next open and drained by its indexer; fewer rows are simply caught up by
// the next open, which costs less than rewriting the files), and after a
// rebuild at open. Saves cost O(1) amortised per row; an open or a crash
// replays at most that many rows. Files are read in one pass (HnswIndex::Load).
//
// Concurrency: many readers, one writer. write_mu_ serialises writers.
// index_mu_ (shared_mutex, entered through gate_ so writers are not starved)
// guards both SpaceIndexes: vector searches hold it shared for the whole call
// (graph + delta search, then the SQLite fetch); Upsert/DeleteTicker hold it
// exclusively while they COMMIT and stage/remove the same rows; the indexer
// holds it exclusively for one drain chunk at a time. So a search sees every
// row and vector of an Upsert or none of them. Get/Find/LexicalSearch read
// SQLite only (one statement or one read transaction = one snapshot).
// Readers use pooled connections.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "index/filter_sql.h"
#include "index/hnsw_index.h"
#include "index/space_index.h"
#include "index/vector_store.h"
#include "util/sqlite.h"

namespace ohlcv::index_internal {

using Conn = sqlite::Db;
using sqlite::Stmt;

// Filters matching at most this many rows are answered by an exact scan of
// their vectors (cheap, and exact); broader ones search HNSW and post-filter.
inline constexpr size_t kExactScanMaxRows = 2000;
// HNSW over-fetch for broad filters grows 4x per round up to this, then the
// search falls back to an exact scan of every matching row.
inline constexpr size_t kMaxOverFetch = 16384;
inline constexpr size_t kSaveMinRows = 10000;
// Rows moved from the staged delta into HNSW per exclusive-lock hold.
inline constexpr size_t kDrainChunk = 256;
inline constexpr int kIndexerNice = 10;
inline constexpr int kBuildThreads = 2;
inline constexpr int kBusyTimeoutMs = 10000;
// A closing writer saves the graphs only when the rows written or deleted
// since the last save reach 1/kCloseSaveDivisor of the live rows; fewer are
// caught up from windows.db by the next open (see ~LocalVectorStore).
inline constexpr size_t kCloseSaveDivisor = 20;
// A read-only open drains a caught-up delta larger than this into HNSW at
// once; a smaller one stays staged (searched exactly, ~1 µs per row).
inline constexpr size_t kReadOnlyDrainRows = 8192;
// Rebuild at open when tombstones outnumber live rows (reclaims memory).
inline constexpr size_t kMinTombstonesForRebuild = 1000;

// One read transaction on a reader connection: the statements run while it
// lives see one snapshot (a rank and the rows it names, a scan and its
// fetch). Ends at destruction; declare it after the lease and after any
// cached statement that may still be stepping.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Conn& db) : db_(db), begun_(db.Exec("BEGIN")) {}
  ~ReadSnapshot() {
    if (begun_.ok()) (void)db_.Exec("COMMIT");
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  const Status& status() const { return begun_; }

 private:
  Conn& db_;
  Status begun_;
};

struct Space {
  VectorSpace space;
  const char* file;    // index file name in the data directory
  const char* column;  // vector column in `windows`
  bool stored_normalised;
};
inline constexpr Space kSpaces[] = {{VectorSpace::kText, "text.hnsw", "text_vec", true},
                             {VectorSpace::kShape, "shape.hnsw", "shape", false}};

class LocalVectorStore final : public VectorStore {
 public:
  explicit LocalVectorStore(const LocalVectorStoreOptions& options) : options_(options) {}
  ~LocalVectorStore() override;

  Status Open();

  std::string_view type() const override { return "local"; }
  VectorStoreCapabilities capabilities() const override { return {.lexical_search = true, .embedded = true}; }
  Result<VectorStoreBackup> Backup(const std::string& dest_dir) override;
  const EmbedderIdentity& embedder() const override { return options_.embedder; }
  Status Upsert(std::span<const Window> windows, std::span<const float> embeddings) override;
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
  VectorStoreStats stats() const override;

 private:
  // A pooled reader connection, returned to the pool on destruction.
  class Lease {
   public:
    Lease(LocalVectorStore* store, std::unique_ptr<Conn> conn)
        : store_(store), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (conn_) store_->ReleaseReader(std::move(conn_));
    }
    Conn& operator*() { return *conn_; }
    Conn* operator->() { return conn_.get(); }

   private:
    LocalVectorStore* store_;
    std::unique_ptr<Conn> conn_;
  };

  std::string Path(const char* name) const { return options_.dir + "/" + name; }
  size_t SpaceDim(VectorSpace s) const {
    return s == VectorSpace::kText ? options_.embedder.dimension : options_.embedder.shape_dimension;
  }
  std::unique_ptr<SpaceIndex>& IndexFor(VectorSpace s) {
    return s == VectorSpace::kText ? text_index_ : shape_index_;
  }
  HnswParams Params(VectorSpace s, size_t capacity) const {
    return {SpaceDim(s), options_.hnsw_m, options_.hnsw_ef_construction, options_.hnsw_ef_search,
            std::max<size_t>(capacity, 1024)};
  }

  // Opens windows.db with the store's pragmas (WAL for the writer).
  Result<std::unique_ptr<Conn>> OpenConnection(bool read_only) const;
  Result<Lease> AcquireReader();
  void ReleaseReader(std::unique_ptr<Conn> conn);
  Status InitMeta(Conn& db);
  Result<uint64_t> DeleteWhere(const char* column, std::span<const std::string> values);
  struct Staged {
    std::vector<float> vectors;
    std::vector<uint64_t> labels;
    std::vector<int64_t> seqs;
  };
  Status ReadVectors(Conn& db, const Space& space, int64_t since, Staged* out);
  Status LoadIndex(const Space& space, Conn& db, bool* changed);
  void IndexerLoop();
  void CheckpointIfLarge();
  // REQUIRES: write_mu_ held, after a commit. When the WAL has reached twice
  // options_.wal_checkpoint_bytes (the indexer fell behind), checkpoints and
  // truncates it on the writer connection (waits for readers up to the busy
  // timeout). The WAL's bound (issue 18: it reached 550 MB in a re-ingest).
  void BoundWal();
  Status RebuildIndex(const Space& space, Conn& db);
  Status SaveIndexes();
  Result<std::vector<SearchHit>> FetchByLabels(Conn& db, const std::vector<std::pair<int64_t, float>>& hits);
  Result<std::vector<SearchHit>> ExactSearch(Conn& db, const Space& space, const SqlFilter& f,
                                             std::span<const float> q, size_t k);
  Result<std::vector<SearchHit>> HnswSearch(Conn& db, const Space& space, const SqlFilter& f,
                                            std::span<const float> q, size_t k, bool* fallback);
  std::shared_lock<std::shared_mutex> ReadIndex() {
    std::lock_guard gate(gate_);
    return std::shared_lock(index_mu_);
  }
  std::unique_lock<std::shared_mutex> WriteIndex() {
    std::lock_guard gate(gate_);
    return std::unique_lock(index_mu_);
  }
  Result<std::vector<std::string>> PruneCommonTokens(Conn& db, std::vector<std::string> tokens);
  Result<std::vector<SearchHit>> RunLexical(Conn& db, const std::string& match, size_t k,
                                            const WindowFilter& filter, const SqlFilter& f);
  Status Fail(Status s) const {
    if (!s.ok()) StoreCounters::Add(counters_.errors);
    return s;
  }

  const LocalVectorStoreOptions options_;
  int lock_fd_ = -1;

  std::mutex write_mu_;            // serialises Upsert, DeleteTicker and saves
  std::unique_ptr<Conn> writer_;   // GUARDED_BY(write_mu_); null when read_only
  std::unique_ptr<Conn> checkpointer_;  // used only by the indexer thread; null when read_only
  int64_t last_seq_ = 0;           // GUARDED_BY(write_mu_)
  int64_t next_label_ = 0;         // GUARDED_BY(write_mu_)
  size_t unsaved_rows_ = 0;        // GUARDED_BY(write_mu_)
  size_t caught_up_rows_ = 0;      // rows staged by LoadIndex at open (Open only)
  size_t caught_up_other_ = 0;     // deletions replayed, rows found already held (Open only)
  bool index_dirty_ = false;       // GUARDED_BY(write_mu_): indexes ahead of their files
  std::atomic<bool> index_broken_{false};  // an HNSW insert failed: never save this index

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Conn>> idle_readers_;  // GUARDED_BY(pool_mu_)

  // glibc's shared_mutex prefers readers, so a stream of searches could
  // starve the writer; both sides pass gate_ first, and a waiting writer
  // holds it, which queues new readers behind the writer.
  std::mutex gate_;
  mutable std::shared_mutex index_mu_;
  std::unique_ptr<SpaceIndex> text_index_;   // GUARDED_BY(index_mu_)
  std::unique_ptr<SpaceIndex> shape_index_;  // GUARDED_BY(index_mu_); null when shape_dimension 0

  // The background drain of staged vectors into HNSW (not in read_only).
  std::mutex indexer_mu_;
  std::condition_variable indexer_cv_;
  bool indexer_work_ = false;       // GUARDED_BY(indexer_mu_)
  std::atomic<bool> indexer_stop_{false};
  std::thread indexer_;

  mutable StoreCounters counters_;  // mutable: const paths count errors
  // Rows in `windows`, kept by this process (another writer process makes it
  // approximate in a read-only store); used only to judge term frequency.
  std::atomic<int64_t> rows_{0};
};

}  // namespace ohlcv::index_internal
