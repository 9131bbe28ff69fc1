// VectorStore: where windows, their summaries and their vectors are indexed.
// Three implementations, selected by VECTOR_STORE_TYPE (and OHLCV_DATABASE_URL):
//   local    - embedded: one data directory, SQLite (WAL) as the source of
//              truth plus derived HNSW index files (index/local_vector_store.cc)
//   chromadb - a ChromaDB server over its v2 HTTP API, for replicas that share
//              one store (index/chroma_vector_store.cc); with a database URL
//              the shared store: PostgreSQL for windows and filters, ChromaDB
//              for id + embedding only (index/shared_vector_store.cc)
// Both pass the same conformance tests (tests/index/vector_store_conformance*).
//
// Each window is indexed in two vector spaces: kText (the embedding of its
// summary, produced by an Embedder) and kShape (Window::shape, for "similar
// periods"). Scores are cosine similarities in [-1, 1], higher is closer.
//
// The store records the embedder's name and dimension when it is created;
// opening it with another embedder fails with InvalidArgument naming both.
//
// Thread-safety: safe for concurrent use. Many readers, one writer: readers
// never observe a half-applied Upsert.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/pattern.h"
#include "core/status.h"
#include "core/window.h"

namespace ohlcv {

enum class VectorSpace : uint8_t { kText = 0, kShape = 1 };

// A numeric metadata condition, e.g. {"rsi14_max", kGt, 70}. Fields: every
// numeric field of Window (return_pct, volatility, max_drawdown_pct,
// relative_volume, close, ...) and of WindowIndicators by their member names
// (rsi14, rsi14_max, adx14, ...).
struct NumericCondition {
  enum class Op : uint8_t { kGt, kGe, kLt, kLe };
  std::string field;
  Op op = Op::kGt;
  double value = 0;
};

// All given parts must hold (AND); lists are OR within themselves.
struct WindowFilter {
  std::vector<std::string> tickers;    // upper case; empty = any
  std::vector<std::string> sectors;    // exact sector names; empty = any
  std::optional<Interval> interval;
  std::optional<uint32_t> n_bars;      // window length in bars: similar-periods searches compare
                                       //   only windows of the query's length
  std::optional<int64_t> start_ts;     // window overlaps [start_ts, end_ts]:
  std::optional<int64_t> end_ts;       //   window.end_ts >= start_ts && window.start_ts <= end_ts
  std::vector<PatternKind> patterns;   // window has at least one event of these kinds
  std::vector<NumericCondition> numeric;
  std::vector<std::string> exclude_ids;

  bool empty() const {
    return tickers.empty() && sectors.empty() && !interval && !n_bars && !start_ts && !end_ts &&
           patterns.empty() && numeric.empty() && exclude_ids.empty();
  }
};

struct SearchHit {
  Window window;
  double score = 0;  // cosine similarity (vector), or normalised BM25 (lexical)
};

struct EmbedderIdentity {
  std::string name;      // e.g. "sif-wink-sg-100d"
  size_t dimension = 0;  // of kText vectors
  size_t shape_dimension = 0;
};

// Counters a store keeps for the service's metrics (plain struct, no metrics lib).
struct VectorStoreStats {
  uint64_t upserts = 0, searches = 0, lexical_searches = 0, gets = 0, errors = 0;
};

// The live counters behind VectorStoreStats, one set per store; both stores
// keep theirs in one of these so stats() is written once (Snapshot).
// Thread-safety: safe for concurrent use (relaxed atomics: the counts are
// for metrics, not for ordering).
struct StoreCounters {
  std::atomic<uint64_t> upserts{0};           // windows written
  std::atomic<uint64_t> searches{0};          // Search calls
  std::atomic<uint64_t> lexical_searches{0};  // LexicalSearch calls
  std::atomic<uint64_t> gets{0};              // Get calls
  std::atomic<uint64_t> errors{0};            // calls that returned an error

  static void Add(std::atomic<uint64_t>& counter, uint64_t n = 1) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
  VectorStoreStats Snapshot() const {
    VectorStoreStats s;
    s.upserts = upserts.load(std::memory_order_relaxed);
    s.searches = searches.load(std::memory_order_relaxed);
    s.lexical_searches = lexical_searches.load(std::memory_order_relaxed);
    s.gets = gets.load(std::memory_order_relaxed);
    s.errors = errors.load(std::memory_order_relaxed);
    return s;
  }
};

// What a store can do, so callers ask instead of comparing type names.
struct VectorStoreCapabilities {
  // LexicalSearch works (a full-text index over summaries).
  bool lexical_search = false;
  // The store lives in this process's data directory (files), so its failure
  // is the process's failure, and Backup copies it; otherwise it is a server.
  bool embedded = false;
};

// What VectorStore::Backup wrote.
struct VectorStoreBackup {
  std::vector<std::string> files;    // relative to the backup folder
  std::vector<std::string> skipped;  // files left out on purpose (derived ones)
  std::vector<std::string> notes;    // why, and what the operator must do
  int64_t windows = -1;              // windows in the copy; -1 = nothing copied (a server)
};

class VectorStore {
 public:
  virtual ~VectorStore() = default;

  virtual std::string_view type() const = 0;  // "local" or "chromadb": for display and logs only
  virtual VectorStoreCapabilities capabilities() const = 0;
  virtual const EmbedderIdentity& embedder() const = 0;

  // Inserts or replaces windows by id. `embeddings` holds windows.size() rows
  // of embedder().dimension floats (row-major). Shape vectors come from
  // Window::shape. Atomic per call for readers.
  // REQUIRES: embeddings.size() == windows.size() * embedder().dimension.
  virtual Status Upsert(std::span<const Window> windows, std::span<const float> embeddings) = 0;

  // As Upsert, but the call may return while the slow part of the write is
  // still running (the shared store uploads the vectors to ChromaDB in the
  // background, one upload at a time, while the caller prepares and commits
  // the next batch). The windows are durable when it returns; until Sync()
  // succeeds, vector searches may not find them yet. An upload's error is
  // returned by the next UpsertDeferred or Sync (the shared store keeps
  // such windows pending and sends them again). Default: Upsert.
  virtual Status UpsertDeferred(std::span<const Window> windows, std::span<const float> embeddings) {
    return Upsert(windows, embeddings);
  }
  // Waits for the writes UpsertDeferred left running; their first error.
  virtual Status Sync() { return Status::Ok(); }

  // The k nearest windows to `query` in `space` that pass `filter`, best first.
  virtual Result<std::vector<SearchHit>> Search(VectorSpace space, std::span<const float> query,
                                                size_t k, const WindowFilter& filter) = 0;

  // Full-text (BM25) search over summaries, best first.
  // REQUIRES: capabilities().lexical_search (else InvalidArgument).
  virtual Result<std::vector<SearchHit>> LexicalSearch(const std::string& text, size_t k,
                                                       const WindowFilter& filter) = 0;

  // Windows that pass `filter` exactly, ordered by end_ts descending, at most
  // `limit`. Score is 1.
  virtual Result<std::vector<SearchHit>> Find(const WindowFilter& filter, size_t limit) = 0;

  // Windows by id, in the order asked; ids not found are left out.
  virtual Result<std::vector<Window>> Get(std::span<const std::string> ids) = 0;

  virtual Result<uint64_t> DeleteTicker(const std::string& ticker) = 0;
  // Deletes windows by id (ids not stored are ignored); returns how many
  // were deleted. Atomic per call for readers (local store).
  virtual Result<uint64_t> Delete(std::span<const std::string> ids) = 0;
  virtual Result<uint64_t> Count() = 0;

  // OK when the store can answer (Chroma: heartbeat); Unavailable otherwise.
  virtual Status Health() = 0;

  virtual VectorStoreStats stats() const = 0;

  // A consistent copy of the store into `dest_dir` (created), paths in the
  // result relative to it. A store on a server copies nothing and says, in
  // notes, how to back up the server.
  virtual Result<VectorStoreBackup> Backup(const std::string& dest_dir) = 0;
};

struct LocalVectorStoreOptions {
  std::string dir;               // data directory; files: windows.db, text.hnsw, shape.hnsw
  EmbedderIdentity embedder;     // REQUIRES: dimension > 0
  // How the windows were cut ("30 bars, stride 5"): window ids depend on it,
  // so a store built one way is refused when opened another way. Recorded on
  // creation (and on the first writable open of an older store); "" = not checked.
  std::string windowing;
  // The value an older store records instead of `windowing` when only the
  // intraday rule changed since: accepted (and rewritten) when the store
  // holds no intraday windows, refused with a re-index message otherwise.
  std::string windowing_intraday_legacy;
  bool read_only = false;
  // A writer that closes with enough unsaved rows to save the graphs (see
  // local_vector_store_impl.h) first drains every staged row into them, so
  // the next open needs no catch-up: for a CLI ingest, whose indexing
  // should be finished when it exits. Off for a server, whose shutdown must
  // not wait for a large drain. Default false.
  bool drain_on_close = false;
  size_t hnsw_m = 16;            // graph degree (memory ~ m * 8 bytes per window per space)
  // Candidate list while building the graph. 64 builds ~1.5x faster than 100
  // with the same recall@10 (0.9995 at 30k clustered vectors, M=16); 40 is
  // ~2.6x faster at 0.993 (bench/index_bench.cc --sweep 1).
  size_t hnsw_ef_construction = 64;
  // Query-time beam, raised to k when k is larger. On the shared dataset's
  // summary vectors (bench/retrieval_bench.cc [3]): 64 gave recall@10 0.943,
  // 96 0.952, 128 0.983 at p50 0.44 ms, 192 0.983.
  size_t hnsw_ef_search = 128;
  // WAL bound of windows.db, in bytes: past this the indexer checkpoints
  // (PASSIVE, beside the writers); a write that leaves the WAL at twice this
  // checkpoints and truncates it itself before returning, since the indexer
  // runs at a lower priority and falls behind an ingest on a busy machine.
  // So the WAL stays under 2x this plus one write. REQUIRES: > 0.
  uint64_t wal_checkpoint_bytes = uint64_t{64} << 20;
};

struct ChromaVectorStoreOptions {
  std::string host = "localhost";  // CHROMADB_HOST
  int port = 8000;                 // CHROMADB_PORT
  std::string tenant = "default_tenant";
  std::string database = "default_database";
  std::string collection_prefix = "ohlcv_windows";  // "<prefix>_text", "<prefix>_shape"
  std::string auth_token;          // sent as "Authorization: Bearer ..." when non-empty
  EmbedderIdentity embedder;
  int timeout_ms = 10000;
  int max_retries = 3;
};

// The shared store (VECTOR_STORE_TYPE=chromadb with OHLCV_DATABASE_URL set):
// windows, metadata, summaries, the lexical index and the source copy of the
// vectors in PostgreSQL; ChromaDB holds only id + embedding per space, for
// approximate nearest-neighbour search (index/shared_vector_store.cc).
struct SharedVectorStoreOptions {
  std::string database_url;       // OHLCV_DATABASE_URL (libpq URI)
  std::string database_password;  // OHLCV_DATABASE_PASSWORD / db_password secret
  // host, port, tenant, database, token, embedder, timeout_ms, max_retries.
  // Collections "<collection_prefix>_vtext" and "<collection_prefix>_vshape".
  ChromaVectorStoreOptions chroma;
  std::string windowing;          // as LocalVectorStoreOptions::windowing
  std::string windowing_intraday_legacy;  // as LocalVectorStoreOptions::windowing_intraday_legacy
  bool read_only = false;
  // Windows per ChromaDB upsert request (at most the server's max_batch_size)
  // and batches in flight at once (each as two requests, text and shape).
  size_t chroma_batch = 2000;
  int chroma_parallel = 2;
};

Result<std::unique_ptr<VectorStore>> OpenLocalVectorStore(const LocalVectorStoreOptions& options);
Result<std::unique_ptr<VectorStore>> OpenChromaVectorStore(const ChromaVectorStoreOptions& options);
Result<std::unique_ptr<VectorStore>> OpenSharedVectorStore(const SharedVectorStoreOptions& options);

}  // namespace ohlcv
