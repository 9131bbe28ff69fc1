// LocalVectorStore: the embedded VectorStore (VECTOR_STORE_TYPE=local).
// (Over 500 lines: one class whose open/catch-up, write and search paths share
// private state; the reusable parts live in hnsw_index, window_rows,
// filter_sql, fts_query and sqlite_conn.)
//
// Files in options.dir: windows.db (SQLite, WAL; the source of truth: rows,
// metadata columns, FTS5 index, normalised text vectors, shape vectors,
// labels, the deletions log, meta), text.hnsw and shape.hnsw (+ .meta
// sidecars; derived, replaced atomically) and LOCK (flock: one writer process).
//
// Durability: every write is one SQLite transaction that also advances
// meta.last_seq; each row carries the seq of its last write and each deleted
// label is logged with its seq. An index file records the seq it covers. On
// open a missing/corrupt/foreign index is rebuilt from SQLite and a stale one
// catches up (re-adds rows with seq > covered, marks logged deletions), so a
// crash between the SQLite commit and an index save loses nothing.
//
// Indexing: Upsert commits to SQLite and stages the vectors in each space's
// SpaceIndex delta (a copy); a background thread at lower CPU priority
// drains the delta into HNSW in chunks of kDrainChunk rows. Searches cover
// graph + delta, so results never depend on how far the drain has got; a
// large delta only makes vector searches slower (exact scan of the delta).
//
// When index files are saved: by the indexer once the delta is drained and
// the rows written since the last save reach max(kSaveMinRows, half the live
// rows), on destruction (after draining), and after a catch-up or rebuild at
// open. Saves cost O(1) amortised per row; a crash replays at most that many
// rows at the next open.
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
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "index/filter_sql.h"
#include "index/fts_query.h"
#include "index/hnsw_index.h"
#include "index/space_index.h"
#include "index/sqlite_conn.h"
#include "index/vector_math.h"
#include "index/vector_store.h"
#include "index/window_rows.h"

namespace ohlcv {
namespace {

using index_internal::Conn;
using index_internal::HnswIndex;
using index_internal::HnswParams;
using index_internal::SpaceIndex;
using index_internal::SqlFilter;
using index_internal::Stmt;

// Filters matching at most this many rows are answered by an exact scan of
// their vectors (cheap, and exact); broader ones search HNSW and post-filter.
constexpr size_t kExactScanMaxRows = 2000;
// HNSW over-fetch for broad filters grows 4x per round up to this, then the
// search falls back to an exact scan of every matching row.
constexpr size_t kMaxOverFetch = 16384;
constexpr size_t kSaveMinRows = 10000;
// Rows moved from the staged delta into HNSW per exclusive-lock hold.
constexpr size_t kDrainChunk = 256;
constexpr int kIndexerNice = 10;
constexpr int kBuildThreads = 2;
constexpr int kBusyTimeoutMs = 10000;
// Rebuild at open when tombstones outnumber live rows (reclaims memory).
constexpr size_t kMinTombstonesForRebuild = 1000;

struct Space {
  VectorSpace space;
  const char* file;    // index file name in the data directory
  const char* column;  // vector column in `windows`
  bool stored_normalised;
};
constexpr Space kSpaces[] = {{VectorSpace::kText, "text.hnsw", "text_vec", true},
                             {VectorSpace::kShape, "shape.hnsw", "shape", false}};

class LocalVectorStore final : public VectorStore {
 public:
  explicit LocalVectorStore(const LocalVectorStoreOptions& options) : options_(options) {}
  ~LocalVectorStore() override;

  Status Open();

  std::string_view type() const override { return "local"; }
  const EmbedderIdentity& embedder() const override { return options_.embedder; }
  Status Upsert(std::span<const Window> windows, std::span<const float> embeddings) override;
  Result<std::vector<SearchHit>> Search(VectorSpace space, std::span<const float> query, size_t k,
                                        const WindowFilter& filter) override;
  Result<std::vector<SearchHit>> LexicalSearch(const std::string& text, size_t k,
                                               const WindowFilter& filter) override;
  Result<std::vector<SearchHit>> Find(const WindowFilter& filter, size_t limit) override;
  Result<std::vector<Window>> Get(std::span<const std::string> ids) override;
  Result<uint64_t> DeleteTicker(const std::string& ticker) override;
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

  Result<Lease> AcquireReader();
  void ReleaseReader(std::unique_ptr<Conn> conn);
  Status InitMeta(Conn& db);
  struct Staged {
    std::vector<float> vectors;
    std::vector<uint64_t> labels;
    std::vector<int64_t> seqs;
  };
  Status ReadVectors(Conn& db, const Space& space, int64_t since, Staged* out);
  Status LoadIndex(const Space& space, Conn& db, bool* changed);
  void IndexerLoop();
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
    if (!s.ok()) errors_.fetch_add(1, std::memory_order_relaxed);
    return s;
  }

  const LocalVectorStoreOptions options_;
  int lock_fd_ = -1;

  std::mutex write_mu_;            // serialises Upsert, DeleteTicker and saves
  std::unique_ptr<Conn> writer_;   // GUARDED_BY(write_mu_); null when read_only
  int64_t last_seq_ = 0;           // GUARDED_BY(write_mu_)
  int64_t next_label_ = 0;         // GUARDED_BY(write_mu_)
  size_t unsaved_rows_ = 0;        // GUARDED_BY(write_mu_)
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

  std::atomic<uint64_t> upserts_{0}, searches_{0}, lexical_{0}, gets_{0};
  // Rows in `windows`, kept by this process (another writer process makes it
  // approximate in a read-only store); used only to judge term frequency.
  std::atomic<int64_t> rows_{0};
  mutable std::atomic<uint64_t> errors_{0};
};

// ---------------------------------------------------------------- open/close

Status LocalVectorStore::Open() {
  namespace fs = std::filesystem;
  if (options_.dir.empty()) return Status::InvalidArgument("local store: dir is empty");
  if (options_.embedder.dimension == 0) {
    return Status::InvalidArgument("local store: embedder dimension must be > 0");
  }
  std::error_code ec;
  if (options_.read_only) {
    if (!fs::exists(Path("windows.db"), ec)) {
      return Status::NotFound("no vector store at " + options_.dir);
    }
  } else {
    fs::create_directories(options_.dir, ec);
    if (ec) return Status::IOError("cannot create " + options_.dir + ": " + ec.message());
    lock_fd_ = ::open(Path("LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) return Status::IOError("cannot open " + Path("LOCK"));
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      return Status::Unavailable("vector store " + options_.dir + " is open for writing elsewhere");
    }
    OHLCV_ASSIGN_OR_RETURN(writer_, Conn::Open(Path("windows.db"), false, kBusyTimeoutMs));
    OHLCV_RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
    Status st = writer_->Exec(index_internal::SchemaSql());
    if (st.ok()) st = InitMeta(*writer_);
    OHLCV_RETURN_IF_ERROR(writer_->Exec(st.ok() ? "COMMIT" : "ROLLBACK"));
    OHLCV_RETURN_IF_ERROR(st);
  }
  OHLCV_ASSIGN_OR_RETURN(auto reader, AcquireReader());
  if (options_.read_only) OHLCV_RETURN_IF_ERROR(InitMeta(*reader));
  bool changed = false;
  for (const Space& space : kSpaces) {
    if (SpaceDim(space.space) == 0) continue;
    OHLCV_RETURN_IF_ERROR(LoadIndex(space, *reader, &changed));
  }
  if (changed && !options_.read_only) {
    std::lock_guard lock(write_mu_);
    index_dirty_ = true;
    OHLCV_RETURN_IF_ERROR(SaveIndexes());
  }
  if (text_index_) rows_ = static_cast<int64_t>(text_index_->live_count());
  if (!options_.read_only) indexer_ = std::thread([this] { IndexerLoop(); });
  return Status::Ok();
}

// Reads (or, for a new store, writes) schema version, embedder identity and
// the seq/label counters. REQUIRES: a write transaction unless read_only.
Status LocalVectorStore::InitMeta(Conn& db) {
  OHLCV_ASSIGN_OR_RETURN(Stmt get, db.Prepare("SELECT key, value FROM meta"));
  std::unordered_map<std::string, std::string> meta;
  while (true) {
    OHLCV_ASSIGN_OR_RETURN(bool row, get.Step());
    if (!row) break;
    meta[std::string(get.Text(0))] = std::string(get.Text(1));
  }
  const auto& e = options_.embedder;
  if (meta.empty()) {
    if (options_.read_only) return Status::Corruption("vector store has no meta table rows");
    OHLCV_ASSIGN_OR_RETURN(Stmt put, db.Prepare("INSERT INTO meta(key, value) VALUES(?, ?)"));
    for (auto [k, v] : {std::pair<const char*, std::string>{"schema_version", std::to_string(index_internal::kSchemaVersion)},
                        {"embedder_name", e.name},
                        {"embedder_dimension", std::to_string(e.dimension)},
                        {"shape_dimension", std::to_string(e.shape_dimension)},
                        {"last_seq", "0"},
                        {"next_label", "0"}}) {
      put.BindText(1, k);
      put.BindText(2, v);
      OHLCV_RETURN_IF_ERROR(put.Run());
      put.Reset();
    }
    return Status::Ok();
  }
  if (meta["schema_version"] != std::to_string(index_internal::kSchemaVersion)) {
    return Status::InvalidArgument(fmt::format("vector store schema version {} is not {}",
                                               meta["schema_version"], index_internal::kSchemaVersion));
  }
  if (meta["embedder_name"] != e.name || meta["embedder_dimension"] != std::to_string(e.dimension) ||
      meta["shape_dimension"] != std::to_string(e.shape_dimension)) {
    return Status::InvalidArgument(fmt::format(
        "vector store {} was built with embedder '{}' (dimension {}, shape {}) but opened with "
        "'{}' (dimension {}, shape {}); use the same embedder or reindex",
        options_.dir, meta["embedder_name"], meta["embedder_dimension"], meta["shape_dimension"],
        e.name, e.dimension, e.shape_dimension));
  }
  last_seq_ = std::stoll(meta["last_seq"]);
  next_label_ = std::stoll(meta["next_label"]);
  return Status::Ok();
}

// Vectors (as stored), labels and seqs of the rows written after `since`.
Status LocalVectorStore::ReadVectors(Conn& db, const Space& space, int64_t since, Staged* out) {
  const size_t dim = SpaceDim(space.space);
  OHLCV_ASSIGN_OR_RETURN(Stmt rows, db.Prepare(fmt::format(
                                        "SELECT label, seq, {} FROM windows WHERE seq > ?", space.column)));
  rows.BindInt(1, since);
  while (true) {
    OHLCV_ASSIGN_OR_RETURN(bool row, rows.Step());
    if (!row) break;
    auto blob = rows.Blob(2);
    if (blob.size() != dim * sizeof(float)) return Status::Corruption("bad vector blob in windows.db");
    out->labels.push_back(static_cast<uint64_t>(rows.Int(0)));
    out->seqs.push_back(rows.Int(1));
    size_t at = out->vectors.size();
    out->vectors.resize(at + dim);
    std::memcpy(out->vectors.data() + at, blob.data(), blob.size());
  }
  return Status::Ok();
}

// Loads an index file and catches it up, or rebuilds it. Sets *changed when
// the in-memory index differs from the file.
Status LocalVectorStore::LoadIndex(const Space& space, Conn& db, bool* changed) {
  uint64_t covered = 0;
  auto loaded = HnswIndex::Load(Path(space.file), Params(space.space, 0), &covered);
  if (!loaded.ok() || covered > static_cast<uint64_t>(last_seq_)) {
    *changed = true;
    return RebuildIndex(space, db);
  }
  auto& index = IndexFor(space.space);
  index = std::make_unique<SpaceIndex>(std::move(loaded).value());
  // Deletions logged after the save. Labels are never reused, so their order
  // relative to the re-added rows below does not matter.
  OHLCV_ASSIGN_OR_RETURN(Stmt dels, db.Prepare("SELECT label FROM deletions WHERE seq > ?"));
  dels.BindInt(1, static_cast<int64_t>(covered));
  size_t n_dels = 0;
  while (true) {
    OHLCV_ASSIGN_OR_RETURN(bool row, dels.Step());
    if (!row) break;
    index->Remove(static_cast<uint64_t>(dels.Int(0)));
    ++n_dels;
  }
  // Rows written after the save (re-adding an unchanged row is harmless).
  Staged rows;
  OHLCV_RETURN_IF_ERROR(ReadVectors(db, space, static_cast<int64_t>(covered), &rows));
  index->Stage(rows.vectors, rows.labels, rows.seqs);
  OHLCV_RETURN_IF_ERROR(index->Drain(rows.labels.size(), kBuildThreads));
  if (!rows.labels.empty() || n_dels) *changed = true;
  // Safety net: the index must hold exactly the rows SQLite holds.
  OHLCV_ASSIGN_OR_RETURN(Stmt count, db.Prepare("SELECT COUNT(*) FROM windows"));
  OHLCV_ASSIGN_OR_RETURN(bool has, count.Step());
  size_t rows_in_db = has ? static_cast<size_t>(count.Int(0)) : 0;
  if (index->live_count() != rows_in_db ||
      index->hnsw().deleted_count() > std::max(kMinTombstonesForRebuild, rows_in_db)) {
    *changed = true;
    return RebuildIndex(space, db);
  }
  return Status::Ok();
}

Status LocalVectorStore::RebuildIndex(const Space& space, Conn& db) {
  Staged rows;
  OHLCV_RETURN_IF_ERROR(ReadVectors(db, space, -1, &rows));
  OHLCV_ASSIGN_OR_RETURN(auto hnsw, HnswIndex::Create(Params(space.space, rows.labels.size())));
  auto index = std::make_unique<SpaceIndex>(std::move(hnsw));
  index->Stage(rows.vectors, rows.labels, rows.seqs);
  OHLCV_RETURN_IF_ERROR(index->Drain(rows.labels.size(), kBuildThreads));
  IndexFor(space.space) = std::move(index);
  return Status::Ok();
}

// REQUIRES: write_mu_ held. Takes index_mu_ shared: saving only reads.
Status LocalVectorStore::SaveIndexes() {
  if (options_.read_only || index_broken_ || !index_dirty_) return Status::Ok();
  auto lock = ReadIndex();
  // A graph covers every write up to its oldest still-staged row.
  int64_t covered = last_seq_;
  for (const Space& space : kSpaces) {
    if (auto& index = IndexFor(space.space)) covered = std::min(covered, index->CoveredSeq(last_seq_));
  }
  for (const Space& space : kSpaces) {
    auto& index = IndexFor(space.space);
    if (index) OHLCV_RETURN_IF_ERROR(index->hnsw().Save(Path(space.file), static_cast<uint64_t>(covered)));
  }
  // Every index file now covers `covered`: older tombstones are not needed.
  OHLCV_ASSIGN_OR_RETURN(Stmt prune, writer_->Prepare("DELETE FROM deletions WHERE seq <= ?"));
  prune.BindInt(1, covered);
  OHLCV_RETURN_IF_ERROR(prune.Run());
  if (covered == last_seq_) {
    unsaved_rows_ = 0;
    index_dirty_ = false;
  }
  return Status::Ok();
}

// Drains staged vectors into the HNSW graphs in chunks, each under the
// exclusive lock (searches wait at most one chunk), and saves the files once
// the drain is complete and enough rows are unsaved.
void LocalVectorStore::IndexerLoop() {
  // Ingest first: the drain runs at a lower CPU priority (Linux nice is per
  // thread and inherited by the insert threads it starts), so a busy machine
  // slows the indexing, not the Upsert calls; searches stay complete either way.
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kIndexerNice);
  std::unique_lock lk(indexer_mu_);
  while (!indexer_stop_) {
    indexer_cv_.wait(lk, [&] { return indexer_work_ || indexer_stop_; });
    indexer_work_ = false;
    lk.unlock();
    bool more = true;
    while (more && !indexer_stop_ && !index_broken_) {
      auto lock = WriteIndex();
      more = false;
      for (const Space& space : kSpaces) {
        auto& index = IndexFor(space.space);
        if (!index) continue;
        if (!index->Drain(kDrainChunk, kBuildThreads).ok()) index_broken_ = true;
        more = more || index->staged() > 0;
      }
    }
    if (!more && !indexer_stop_) {
      std::lock_guard write_lock(write_mu_);
      if (unsaved_rows_ >= std::max(kSaveMinRows, text_index_->live_count() / 2)) {
        if (!SaveIndexes().ok()) errors_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    lk.lock();
  }
}

LocalVectorStore::~LocalVectorStore() {
  if (indexer_.joinable()) {
    {
      std::lock_guard lk(indexer_mu_);
      indexer_stop_ = true;
    }
    indexer_cv_.notify_all();
    indexer_.join();
  }
  {
    std::lock_guard lock(write_mu_);
    if (writer_ && !index_broken_) {
      // Finish the drain so the saved files cover everything; otherwise the
      // next open would redo the same work as catch-up.
      auto index_lock = WriteIndex();
      for (const Space& space : kSpaces) {
        auto& index = IndexFor(space.space);
        if (index && !index->Drain(index->staged(), kBuildThreads).ok()) index_broken_ = true;
      }
      index_lock.unlock();
      (void)SaveIndexes();  // best effort: the next open catches up anyway
    }
  }
  writer_.reset();
  idle_readers_.clear();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

Result<LocalVectorStore::Lease> LocalVectorStore::AcquireReader() {
  {
    std::lock_guard lock(pool_mu_);
    if (!idle_readers_.empty()) {
      auto conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return Lease(this, std::move(conn));
    }
  }
  OHLCV_ASSIGN_OR_RETURN(auto conn, Conn::Open(Path("windows.db"), true, kBusyTimeoutMs));
  return Lease(this, std::move(conn));
}

void LocalVectorStore::ReleaseReader(std::unique_ptr<Conn> conn) {
  std::lock_guard lock(pool_mu_);
  idle_readers_.push_back(std::move(conn));
}


// --------------------------------------------------------------------- writes

Status LocalVectorStore::Upsert(std::span<const Window> windows, std::span<const float> embeddings) {
  if (options_.read_only) return Fail(Status::InvalidArgument("vector store opened read-only"));
  const size_t dim = options_.embedder.dimension;
  const size_t shape_dim = options_.embedder.shape_dimension;
  if (embeddings.size() != windows.size() * dim) {
    return Fail(Status::InvalidArgument(fmt::format(
        "upsert: {} embedding floats for {} windows of dimension {}", embeddings.size(),
        windows.size(), dim)));
  }
  for (const Window& w : windows) {
    if (w.id.empty()) return Fail(Status::InvalidArgument("upsert: window without id"));
    if (shape_dim && w.shape.size() != shape_dim) {
      return Fail(Status::InvalidArgument(fmt::format("upsert: window {} has shape length {}, expected {}",
                                                      w.id, w.shape.size(), shape_dim)));
    }
  }
  if (windows.empty()) return Status::Ok();

  std::lock_guard write_lock(write_mu_);
  Conn& db = *writer_;
  const int64_t seq0 = last_seq_, label0 = next_label_;
  auto rollback = [&](Status st) {
    (void)db.Exec("ROLLBACK");
    last_seq_ = seq0;
    next_label_ = label0;
    return Fail(std::move(st));
  };
  OHLCV_RETURN_IF_ERROR(Fail(db.Exec("BEGIN IMMEDIATE")));
  std::vector<float> text(embeddings.begin(), embeddings.end());
  std::vector<int64_t> labels(windows.size());
  {
    auto prep = [&](std::string_view sql) { return db.Prepare(sql); };
    auto find = prep("SELECT label FROM windows WHERE id = ?");
    auto insert = prep(index_internal::WindowInsertSql());
    auto fts_del = prep("DELETE FROM windows_fts WHERE rowid = ?");
    auto fts_ins = prep("INSERT INTO windows_fts(rowid, summary, ticker, sector) VALUES(?, ?, ?, ?)");
    auto pat_del = prep("DELETE FROM window_patterns WHERE window_id = ?");
    auto pat_ins = prep("INSERT OR IGNORE INTO window_patterns(kind, window_id) VALUES(?, ?)");
    for (auto* r : {&find, &insert, &fts_del, &fts_ins, &pat_del, &pat_ins}) {
      if (!r->ok()) return rollback(r->status());
    }
    for (size_t i = 0; i < windows.size(); ++i) {
      const Window& w = windows[i];
      find->BindText(1, w.id);
      auto found = find->Step();
      if (!found.ok()) return rollback(found.status());
      // An existing id keeps its label, so the HNSW entry is replaced in place.
      const bool existed = *found;
      labels[i] = existed ? find->Int(0) : next_label_++;
      find->Reset();
      std::span<float> vec(text.data() + i * dim, dim);
      index_internal::NormalizeInPlace(vec);
      index_internal::BindWindowRow(*insert, w, ++last_seq_, labels[i], vec);
      fts_del->BindInt(1, labels[i]);
      fts_ins->BindInt(1, labels[i]);
      fts_ins->BindText(2, w.summary);
      fts_ins->BindText(3, w.ticker);
      fts_ins->BindText(4, w.sector);
      pat_del->BindText(1, w.id);
      // A new id has no FTS row or pattern rows to delete: skip two statements.
      for (Stmt* s : {&*insert, existed ? &*fts_del : nullptr, &*fts_ins, existed ? &*pat_del : nullptr}) {
        if (!s) continue;
        Status st = s->Run();
        s->Reset();
        if (!st.ok()) return rollback(st.WithContext("upsert " + w.id));
      }
      for (const PatternEvent& e : w.patterns) {
        pat_ins->BindInt(1, static_cast<int64_t>(e.kind));
        pat_ins->BindText(2, w.id);
        Status st = pat_ins->Run();
        pat_ins->Reset();
        if (!st.ok()) return rollback(st);
      }
    }
    auto meta = prep("UPDATE meta SET value = ? WHERE key = ?");
    if (!meta.ok()) return rollback(meta.status());
    for (auto [key, value] : {std::pair{"last_seq", last_seq_}, {"next_label", next_label_}}) {
      meta->BindText(1, std::to_string(value));
      meta->BindText(2, key);
      Status st = meta->Run();
      meta->Reset();
      if (!st.ok()) return rollback(st);
    }
  }
  // A batch may name an id twice; the last copy wins, and HNSW parallel adds
  // need distinct labels.
  std::unordered_map<int64_t, size_t> last_of;
  for (size_t i = 0; i < labels.size(); ++i) last_of[labels[i]] = i;
  std::vector<size_t> rows;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (last_of[labels[i]] == i) rows.push_back(i);
  }
  std::vector<uint64_t> add_labels;
  std::vector<int64_t> add_seqs;
  std::vector<float> add_text, add_shape;
  for (size_t i : rows) {
    add_labels.push_back(static_cast<uint64_t>(labels[i]));
    add_seqs.push_back(seq0 + static_cast<int64_t>(i) + 1);  // as assigned above
    add_text.insert(add_text.end(), text.begin() + i * dim, text.begin() + (i + 1) * dim);
    if (shape_dim) add_shape.insert(add_shape.end(), windows[i].shape.begin(), windows[i].shape.end());
  }

  // Commit and stage under the exclusive lock: a search sees the rows and
  // their vectors together or not at all. Staging is a copy; the HNSW
  // inserts happen on the indexer thread.
  {
    auto index_lock = WriteIndex();
    Status committed = db.Exec("COMMIT");
    if (!committed.ok()) return rollback(committed);
    index_dirty_ = true;
    text_index_->Stage(add_text, add_labels, add_seqs);
    if (shape_index_) shape_index_->Stage(add_shape, add_labels, add_seqs);
  }
  {
    std::lock_guard lk(indexer_mu_);
    indexer_work_ = true;
  }
  indexer_cv_.notify_one();
  upserts_.fetch_add(windows.size(), std::memory_order_relaxed);
  rows_.fetch_add(next_label_ - label0);  // new ids got new labels
  unsaved_rows_ += rows.size();
  return Status::Ok();
}

Result<uint64_t> LocalVectorStore::DeleteTicker(const std::string& ticker) {
  if (options_.read_only) return Fail(Status::InvalidArgument("vector store opened read-only"));
  std::lock_guard write_lock(write_mu_);
  Conn& db = *writer_;
  const int64_t seq0 = last_seq_;
  auto rollback = [&](Status st) {
    (void)db.Exec("ROLLBACK");
    last_seq_ = seq0;
    return Fail(std::move(st));
  };
  OHLCV_RETURN_IF_ERROR(Fail(db.Exec("BEGIN IMMEDIATE")));
  std::vector<uint64_t> labels;
  {
    auto sel = db.Prepare("SELECT label FROM windows WHERE ticker = ?");
    auto log = db.Prepare("INSERT INTO deletions(seq, label) VALUES(?, ?)");
    auto fts = db.Prepare("DELETE FROM windows_fts WHERE rowid = ?");
    auto pats = db.Prepare(
        "DELETE FROM window_patterns WHERE window_id IN (SELECT id FROM windows WHERE ticker = ?)");
    auto rows = db.Prepare("DELETE FROM windows WHERE ticker = ?");
    auto meta = db.Prepare("UPDATE meta SET value = ? WHERE key = 'last_seq'");
    for (auto* r : {&sel, &log, &fts, &pats, &rows, &meta}) {
      if (!r->ok()) return rollback(r->status());
    }
    sel->BindText(1, ticker);
    while (true) {
      auto row = sel->Step();
      if (!row.ok()) return rollback(row.status());
      if (!*row) break;
      labels.push_back(static_cast<uint64_t>(sel->Int(0)));
    }
    for (uint64_t label : labels) {
      log->BindInt(1, ++last_seq_);
      log->BindInt(2, static_cast<int64_t>(label));
      fts->BindInt(1, static_cast<int64_t>(label));
      for (Stmt* s : {&*log, &*fts}) {
        Status st = s->Run();
        s->Reset();
        if (!st.ok()) return rollback(st);
      }
    }
    pats->BindText(1, ticker);
    rows->BindText(1, ticker);
    meta->BindText(1, std::to_string(last_seq_));
    for (Stmt* s : {&*pats, &*rows, &*meta}) {
      Status st = s->Run();
      if (!st.ok()) return rollback(st);
    }
  }
  auto index_lock = WriteIndex();
  Status committed = db.Exec("COMMIT");
  if (!committed.ok()) return rollback(committed);
  index_dirty_ = !labels.empty() || index_dirty_;
  for (uint64_t label : labels) {
    text_index_->Remove(label);
    if (shape_index_) shape_index_->Remove(label);
  }
  rows_.fetch_sub(static_cast<int64_t>(labels.size()));
  return static_cast<uint64_t>(labels.size());
}

// ---------------------------------------------------------------------- reads

Result<std::vector<SearchHit>> LocalVectorStore::FetchByLabels(
    Conn& db, const std::vector<std::pair<int64_t, float>>& hits) {
  std::vector<SearchHit> out;
  OHLCV_ASSIGN_OR_RETURN(Stmt get, db.Prepare("SELECT " + index_internal::WindowSelectColumns("w") +
                                              " FROM windows w WHERE w.label = ?"));
  for (const auto& [label, score] : hits) {
    get.BindInt(1, label);
    OHLCV_ASSIGN_OR_RETURN(bool row, get.Step());
    if (row) {
      OHLCV_ASSIGN_OR_RETURN(Window w, index_internal::DecodeWindow(get, 0));
      out.push_back({std::move(w), score});
    }
    get.Reset();
  }
  return out;
}

// Exact cosine over the rows passing `f` (all of them; the caller knows
// the count is small, or has no better option).
Result<std::vector<SearchHit>> LocalVectorStore::ExactSearch(Conn& db, const Space& space,
                                                             const SqlFilter& f,
                                                             std::span<const float> q, size_t k) {
  const size_t dim = q.size();
  OHLCV_ASSIGN_OR_RETURN(Stmt scan, db.Prepare(fmt::format(
                                        "SELECT w.label, w.{} FROM windows w WHERE {}", space.column, f.where)));
  scan.BindAll(f.params);
  std::vector<std::pair<int64_t, float>> scored;
  std::vector<float> v(dim);
  while (true) {
    OHLCV_ASSIGN_OR_RETURN(bool row, scan.Step());
    if (!row) break;
    auto blob = scan.Blob(1);
    if (blob.size() != dim * sizeof(float)) return Status::Corruption("bad vector blob in windows.db");
    std::memcpy(v.data(), blob.data(), blob.size());
    if (!space.stored_normalised) index_internal::NormalizeInPlace(v);
    scored.emplace_back(scan.Int(0), index_internal::Dot(q.data(), v.data(), dim));
  }
  auto better = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  size_t top = std::min(k, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<ptrdiff_t>(top), scored.end(), better);
  scored.resize(top);
  return FetchByLabels(db, scored);
}

// HNSW with over-fetch; candidates are checked against `f` in SQLite.
// REQUIRES: index_mu_ held shared.
Result<std::vector<SearchHit>> LocalVectorStore::HnswSearch(Conn& db, const Space& space,
                                                            const SqlFilter& f,
                                                            std::span<const float> q, size_t k,
                                                            bool* fallback) {
  const SpaceIndex& index = *IndexFor(space.space);
  const bool unfiltered = f.params.empty();
  std::unordered_map<int64_t, bool> passes;
  size_t fetch = unfiltered ? k : std::max<size_t>(4 * k, 64);
  std::vector<std::pair<int64_t, float>> kept;
  constexpr size_t kCheckChunk = 256;
  while (true) {
    auto cands = index.Search(q, fetch);
    if (!unfiltered) {
      std::vector<int64_t> unchecked;
      for (const auto& c : cands) {
        if (!passes.count(static_cast<int64_t>(c.label))) unchecked.push_back(static_cast<int64_t>(c.label));
      }
      for (size_t b = 0; b < unchecked.size(); b += kCheckChunk) {
        size_t e = std::min(unchecked.size(), b + kCheckChunk);
        for (size_t i = b; i < e; ++i) passes[unchecked[i]] = false;
        // CROSS JOIN keeps the candidate list as the outer loop: without it
        // the planner may prefer e.g. the sector index and scan every row of
        // a broad sector.
        std::string values;
        for (size_t i = b; i < e; ++i) values += i > b ? ",(?)" : "(?)";
        OHLCV_ASSIGN_OR_RETURN(Stmt check, db.Prepare(fmt::format(
                                               "WITH c(l) AS (VALUES {}) SELECT w.label FROM c "
                                               "CROSS JOIN windows w ON w.label = c.l WHERE {}",
                                               values, f.where)));
        for (size_t i = b; i < e; ++i) check.BindInt(static_cast<int>(i - b + 1), unchecked[i]);
        check.BindAll(f.params, static_cast<int>(e - b + 1));
        while (true) {
          OHLCV_ASSIGN_OR_RETURN(bool row, check.Step());
          if (!row) break;
          passes[check.Int(0)] = true;
        }
      }
    }
    kept.clear();
    for (const auto& c : cands) {
      if (kept.size() == k) break;
      if (unfiltered || passes[static_cast<int64_t>(c.label)]) kept.emplace_back(c.label, c.score);
    }
    if (kept.size() == k || cands.size() < fetch) break;  // enough, or the index is exhausted
    if (fetch >= kMaxOverFetch) {
      *fallback = true;
      return std::vector<SearchHit>{};
    }
    fetch = std::min(fetch * 4, kMaxOverFetch);
  }
  return FetchByLabels(db, kept);
}

Result<std::vector<SearchHit>> LocalVectorStore::Search(VectorSpace space_id,
                                                        std::span<const float> query, size_t k,
                                                        const WindowFilter& filter) {
  searches_.fetch_add(1, std::memory_order_relaxed);
  const Space& space = kSpaces[space_id == VectorSpace::kText ? 0 : 1];
  const size_t dim = SpaceDim(space_id);
  if (dim == 0) return Fail(Status::InvalidArgument("this store has no shape vectors"));
  if (query.size() != dim) {
    return Fail(Status::InvalidArgument(
        fmt::format("query has dimension {}, the {} space has {}", query.size(),
                    space_id == VectorSpace::kText ? "text" : "shape", dim)));
  }
  if (k == 0) return std::vector<SearchHit>{};
  auto f = index_internal::BuildSqlFilter(filter, "w");
  if (!f.ok()) return Fail(f.status());
  std::vector<float> q(query.begin(), query.end());
  index_internal::NormalizeInPlace(q);
  auto lease = AcquireReader();
  if (!lease.ok()) return Fail(lease.status());
  Conn& db = **lease;
  if (!filter.empty()) {
    // Selective filters: count up to the threshold; few rows -> exact scan.
    OHLCV_ASSIGN_OR_RETURN(Stmt probe, db.Prepare(fmt::format(
        "SELECT COUNT(*) FROM (SELECT 1 FROM windows w WHERE {} LIMIT {})", f->where, kExactScanMaxRows + 1)));
    probe.BindAll(f->params);
    auto row = probe.Step();
    if (!row.ok()) return Fail(row.status());
    const size_t matching = static_cast<size_t>(probe.Int(0));
    probe.Reset();  // ends its implicit read transaction before ours
    if (matching <= kExactScanMaxRows) {
      // One read transaction: the scan and the fetch see the same snapshot.
      OHLCV_RETURN_IF_ERROR(Fail(db.Exec("BEGIN")));
      auto hits = ExactSearch(db, space, *f, q, k);
      (void)db.Exec("COMMIT");
      if (!hits.ok()) return Fail(hits.status());
      return hits;
    }
  }
  auto index_lock = ReadIndex();
  bool fallback = false;
  auto hits = HnswSearch(db, space, *f, q, k, &fallback);
  if (hits.ok() && fallback) hits = ExactSearch(db, space, *f, q, k);
  if (!hits.ok()) return Fail(hits.status());
  return hits;
}

// FTS5's BM25 gives a term found in more than half of the documents an idf
// of ~0 (clamped to 1e-6), so it cannot change the ranking, yet FTS5 would
// score every document containing it: with summaries where "RSI" or
// "uptrend" is everywhere that costs 100+ ms. Such terms are dropped when a
// rarer term remains; terms found nowhere are dropped too.
Result<std::vector<std::string>> LocalVectorStore::PruneCommonTokens(Conn& db,
                                                                     std::vector<std::string> tokens) {
  const int64_t docs = rows_.load();
  OHLCV_ASSIGN_OR_RETURN(Stmt df, db.Prepare("SELECT doc FROM windows_fts_vocab WHERE term = ?"));
  std::vector<std::pair<int64_t, std::string>> found;
  for (auto& t : tokens) {
    df.BindText(1, t);
    OHLCV_ASSIGN_OR_RETURN(bool row, df.Step());
    int64_t n = row ? df.Int(0) : 0;
    df.Reset();
    // Non-ASCII tokens may be folded differently by the tokenizer: keep them.
    bool ascii = std::all_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (n > 0 || !ascii) found.emplace_back(ascii ? n : 0, std::move(t));
  }
  std::vector<std::string> out;
  for (auto& [n, t] : found) {
    if (2 * n <= docs) out.push_back(t);
  }
  if (out.empty() && !found.empty()) {  // all common: keep the rarest
    auto rarest = std::min_element(found.begin(), found.end());
    out.push_back(rarest->second);
  }
  return out;
}

// One FTS5 query: up to k rows matching `match` and the filter, best first,
// with their raw BM25 scores (positive, higher is better).
Result<std::vector<SearchHit>> LocalVectorStore::RunLexical(Conn& db, const std::string& match,
                                                            size_t k, const WindowFilter& filter,
                                                            const SqlFilter& f) {
  // Ticker matches weigh more than a word in the summary. Without a filter,
  // rank inside FTS5 first and join only the top k rows.
  OHLCV_ASSIGN_OR_RETURN(
      Stmt stmt,
      db.Prepare(filter.empty()
                     ? fmt::format("SELECT {}, t.r FROM (SELECT rowid AS l, bm25(windows_fts, 1.0, 3.0, 1.0) AS r "
                                   "FROM windows_fts WHERE windows_fts MATCH ? ORDER BY r LIMIT ?2) t "
                                   "JOIN windows w ON w.label = t.l ORDER BY t.r LIMIT ?2",
                                   index_internal::WindowSelectColumns("w"))
                     : fmt::format("SELECT {}, bm25(windows_fts, 1.0, 3.0, 1.0) AS r FROM windows_fts "
                                   "JOIN windows w ON w.label = windows_fts.rowid "
                                   "WHERE windows_fts MATCH ? AND {} ORDER BY r LIMIT ?",
                                   index_internal::WindowSelectColumns("w"), f.where)));
  stmt.BindText(1, match);
  if (filter.empty()) {
    stmt.BindInt(2, static_cast<int64_t>(k));
  } else {
    stmt.BindAll(f.params, 2);
    stmt.BindInt(static_cast<int>(f.params.size()) + 2, static_cast<int64_t>(k));
  }
  std::vector<SearchHit> out;
  const int rank_col = index_internal::WindowSelectColumnCount();
  while (true) {
    OHLCV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    OHLCV_ASSIGN_OR_RETURN(Window w, index_internal::DecodeWindow(stmt, 0));
    out.push_back({std::move(w), -stmt.Double(rank_col)});  // bm25() is negative
  }
  return out;
}

// Windows holding every (useful) term rank first; when they are fewer than
// k, windows holding any term fill the rest. The all-terms query is also the
// cheap one (FTS5 intersects from the rarest term). Scores are relative to
// the best hit, in (0, 1], non-increasing.
Result<std::vector<SearchHit>> LocalVectorStore::LexicalSearch(const std::string& text, size_t k,
                                                               const WindowFilter& filter) {
  lexical_.fetch_add(1, std::memory_order_relaxed);
  auto tokens = index_internal::FtsTokens(text);
  if (tokens.empty() || k == 0) return std::vector<SearchHit>{};
  auto f = index_internal::BuildSqlFilter(filter, "w");
  if (!f.ok()) return Fail(f.status());
  auto lease = AcquireReader();
  if (!lease.ok()) return Fail(lease.status());
  auto pruned = PruneCommonTokens(**lease, std::move(tokens));
  if (!pruned.ok()) return Fail(pruned.status());
  if (pruned->empty()) return std::vector<SearchHit>{};
  auto normalise = [](std::vector<SearchHit>& hits, double cap) {
    if (hits.empty()) return;
    const double best = hits.front().score > 0 ? hits.front().score : 1;
    for (auto& h : hits) h.score = std::clamp(h.score / best * cap, 1e-9, cap);
  };
  auto all = RunLexical(**lease, index_internal::FtsMatchExpression(*pruned, "AND"), k, filter, *f);
  if (!all.ok()) return Fail(all.status());
  std::vector<SearchHit> out = std::move(all).value();
  normalise(out, 1.0);
  if (out.size() < k && pruned->size() > 1) {
    auto any = RunLexical(**lease, index_internal::FtsMatchExpression(*pruned, "OR"), k + out.size(),
                          filter, *f);
    if (!any.ok()) return Fail(any.status());
    // Relative to the best any-term hit (often an all-terms one), scaled
    // under the last all-terms hit so the order stays non-increasing.
    normalise(*any, out.empty() ? 1.0 : out.back().score);
    std::set<std::string> seen;
    for (const auto& h : out) seen.insert(h.window.id);
    std::vector<SearchHit> rest;
    for (auto& h : *any) {
      if (!seen.count(h.window.id)) rest.push_back(std::move(h));
    }
    for (auto& h : rest) {
      if (out.size() == k) break;
      out.push_back(std::move(h));
    }
  }
  return out;
}

Result<std::vector<SearchHit>> LocalVectorStore::Find(const WindowFilter& filter, size_t limit) {
  auto f = index_internal::BuildSqlFilter(filter, "w");
  if (!f.ok()) return Fail(f.status());
  if (limit == 0) return std::vector<SearchHit>{};
  auto lease = AcquireReader();
  if (!lease.ok()) return Fail(lease.status());
  auto stmt = (*lease)->Prepare(fmt::format("SELECT {} FROM windows w WHERE {} ORDER BY w.end_ts DESC, w.id LIMIT ?",
                                            index_internal::WindowSelectColumns("w"), f->where));
  if (!stmt.ok()) return Fail(stmt.status());
  stmt->BindAll(f->params);
  stmt->BindInt(static_cast<int>(f->params.size()) + 1, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
  std::vector<SearchHit> out;
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return Fail(row.status());
    if (!*row) break;
    auto w = index_internal::DecodeWindow(*stmt, 0);
    if (!w.ok()) return Fail(w.status());
    out.push_back({std::move(w).value(), 1.0});
  }
  return out;
}

Result<std::vector<Window>> LocalVectorStore::Get(std::span<const std::string> ids) {
  gets_.fetch_add(1, std::memory_order_relaxed);
  auto lease = AcquireReader();
  if (!lease.ok()) return Fail(lease.status());
  Conn& db = **lease;
  auto stmt = db.Prepare("SELECT " + index_internal::WindowSelectColumns("w") + " FROM windows w WHERE w.id = ?");
  if (!stmt.ok()) return Fail(stmt.status());
  std::vector<Window> out;
  OHLCV_RETURN_IF_ERROR(Fail(db.Exec("BEGIN")));  // one snapshot for all ids
  for (const auto& id : ids) {
    stmt->BindText(1, id);
    auto row = stmt->Step();
    if (row.ok() && *row) {
      auto w = index_internal::DecodeWindow(*stmt, 0);
      if (!w.ok()) row = w.status();
      else out.push_back(std::move(w).value());
    }
    stmt->Reset();
    if (!row.ok()) {
      (void)db.Exec("COMMIT");
      return Fail(row.status());
    }
  }
  (void)db.Exec("COMMIT");
  return out;
}

Result<uint64_t> LocalVectorStore::Count() {
  auto lease = AcquireReader();
  if (!lease.ok()) return Fail(lease.status());
  auto stmt = (*lease)->Prepare("SELECT COUNT(*) FROM windows");
  if (!stmt.ok()) return Fail(stmt.status());
  auto row = stmt->Step();
  if (!row.ok()) return Fail(row.status());
  return static_cast<uint64_t>(stmt->Int(0));
}

Status LocalVectorStore::Health() {
  auto n = Count();
  if (!n.ok()) return Status::Unavailable("local vector store: " + n.status().message());
  auto lock = ReadIndex();
  if (!text_index_) return Status::Unavailable("local vector store: no text index");
  return Status::Ok();
}

VectorStoreStats LocalVectorStore::stats() const {
  VectorStoreStats s;
  s.upserts = upserts_.load(std::memory_order_relaxed);
  s.searches = searches_.load(std::memory_order_relaxed);
  s.lexical_searches = lexical_.load(std::memory_order_relaxed);
  s.gets = gets_.load(std::memory_order_relaxed);
  s.errors = errors_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace

Result<std::unique_ptr<VectorStore>> OpenLocalVectorStore(const LocalVectorStoreOptions& options) {
  auto store = std::make_unique<LocalVectorStore>(options);
  OHLCV_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<VectorStore>(std::move(store));
}

}  // namespace ohlcv
