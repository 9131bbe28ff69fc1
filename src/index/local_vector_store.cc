#include "index/local_vector_store_impl.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <unordered_map>

#include <fmt/format.h>

#include "index/window_rows.h"

namespace ohlcv::index_internal {

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
    OHLCV_ASSIGN_OR_RETURN(writer_, OpenConnection(/*read_only=*/false));
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
  if (!options_.read_only) {
    OHLCV_ASSIGN_OR_RETURN(checkpointer_, OpenConnection(/*read_only=*/false));
    if (caught_up_rows_ + caught_up_other_ > 0) {
      std::lock_guard lock(write_mu_);
      index_dirty_ = true;
      unsaved_rows_ += caught_up_rows_ + caught_up_other_;
      indexer_work_ = caught_up_rows_ > 0;  // drain the caught-up rows in the background
    }
    indexer_ = std::thread([this] { IndexerLoop(); });
  } else if (caught_up_rows_ > kReadOnlyDrainRows) {
    // No indexer on a read-only store: drain a large delta here (searches
    // would otherwise scan it exactly on every query); a small one (a daily
    // update) costs each search less than draining it costs this open.
    auto lock = WriteIndex();
    for (const Space& space : kSpaces) {
      if (auto& index = IndexFor(space.space)) OHLCV_RETURN_IF_ERROR(index->Drain(index->staged(), kBuildThreads));
    }
  }
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
                        {"windowing", options_.windowing},
                        {"last_seq", "0"},
                        {"next_label", "0"}}) {
      put.BindText(1, k);
      put.BindText(2, v);
      OHLCV_RETURN_IF_ERROR(put.Run());
      put.Reset();
    }
    return Status::Ok();
  }
  // Version 2 differs only in what the FTS index holds: a writer rebuilds it
  // (seconds for 100k windows), a reader can search it as it is.
  if (meta["schema_version"] == "2") {
    if (!options_.read_only) {
      OHLCV_RETURN_IF_ERROR(index_internal::RebuildFts(db).WithContext("rebuilding the full-text index"));
      OHLCV_ASSIGN_OR_RETURN(Stmt put, db.Prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'"));
      put.BindText(1, std::to_string(index_internal::kSchemaVersion));
      OHLCV_RETURN_IF_ERROR(put.Run());
    }
    meta["schema_version"] = std::to_string(index_internal::kSchemaVersion);
  }
  if (meta["schema_version"] != std::to_string(index_internal::kSchemaVersion)) {
    return Status::InvalidArgument(fmt::format(
        "vector store {} has schema version {}, this build reads {}: it was written by another "
        "version of ohlcv-rag. Move {} aside and ingest again (the windows are rebuilt from the bars)",
        options_.dir, meta["schema_version"], index_internal::kSchemaVersion, options_.dir));
  }
  if (meta["embedder_name"] != e.name || meta["embedder_dimension"] != std::to_string(e.dimension) ||
      meta["shape_dimension"] != std::to_string(e.shape_dimension)) {
    return Status::InvalidArgument(fmt::format(
        "vector store {} was built with embedder '{}' (dimension {}, shape {}) but opened with "
        "'{}' (dimension {}, shape {}); use the same embedder, or move the store aside and ingest again",
        options_.dir, meta["embedder_name"], meta["embedder_dimension"], meta["shape_dimension"],
        e.name, e.dimension, e.shape_dimension));
  }
  if (!options_.windowing.empty()) {
    auto it = meta.find("windowing");
    bool rewrite = it == meta.end() || it->second.empty();  // a store from before windowing was recorded
    if (!rewrite && it->second != options_.windowing && !options_.windowing_intraday_legacy.empty() &&
        it->second == options_.windowing_intraday_legacy) {
      OHLCV_ASSIGN_OR_RETURN(Stmt count, db.Prepare("SELECT COUNT(*) FROM windows WHERE bar_interval < ?"));
      count.BindInt(1, static_cast<int64_t>(Interval::k1d));
      OHLCV_ASSIGN_OR_RETURN(bool row, count.Step());
      if (row && count.Int(0) > 0) {
        return Status::InvalidArgument(fmt::format(
            "vector store {} holds {} intraday windows cut by the old session rule (UTC calendar days); "
            "sessions now follow each exchange's time zone, so their window ids changed. Re-index: move {} "
            "aside and run `ohlcv-rag ingest` again (the windows are rebuilt from the stored bars)",
            options_.dir, count.Int(0), options_.dir));
      }
      rewrite = true;  // daily windows only: nothing was cut by the old rule
    }
    if (rewrite) {
      if (!options_.read_only) {
        OHLCV_ASSIGN_OR_RETURN(Stmt put, db.Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('windowing', ?)"));
        put.BindText(1, options_.windowing);
        OHLCV_RETURN_IF_ERROR(put.Run());
      }
    } else if (it->second != options_.windowing) {
      return Status::InvalidArgument(fmt::format(
          "vector store {} holds windows of {}, but the settings ask for {} (OHLCV_WINDOW_BARS, "
          "OHLCV_WINDOW_STRIDE); window ids depend on them. Use the recorded values, or re-index: "
          "move {} aside and run `ohlcv-rag ingest` again (the windows are rebuilt from the bars)",
          options_.dir, it->second, options_.windowing, options_.dir));
    }
  }
  last_seq_ = std::stoll(meta["last_seq"]);
  next_label_ = std::stoll(meta["next_label"]);
  return Status::Ok();
}

// Vectors (as stored), labels and seqs of the rows written after `since`.
Status LocalVectorStore::ReadVectors(Conn& db, const Space& space, int64_t since, Staged* out) {
  const size_t dim = SpaceDim(space.space);
  OHLCV_ASSIGN_OR_RETURN(Stmt rows, db.Prepare(fmt::format(
                                        "SELECT w.label, w.seq, v.{} FROM windows w "
                                        "JOIN window_vectors v ON v.label = w.label WHERE w.seq > ?",
                                        space.column)));
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
  // Rows written after the save (re-adding an unchanged row is harmless) are
  // staged, not drained here: searches cover the delta at once and the
  // indexer drains it in the background, so opening after a large unsaved
  // ingest (a close does not drain) is quick.
  Staged rows;
  OHLCV_RETURN_IF_ERROR(ReadVectors(db, space, static_cast<int64_t>(covered), &rows));
  const size_t staged = index->StageMissing(rows.vectors, rows.labels, rows.seqs);
  caught_up_rows_ += staged;
  // Replayed deletions, and rows the graph already held although the file's
  // seq did not cover them (it was saved mid-drain), count as unsaved: once
  // there are enough of them a save records a seq that covers them, so later
  // opens stop reading them again. Not a save now: a daily update's ~1,000
  // rows are cheaper to read back than ~100 MB of graph files to rewrite.
  caught_up_other_ += n_dels + (rows.labels.size() - staged);
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
  // Named for top -H and perf; the HNSW insert threads it starts inherit the name.
  (void)::pthread_setname_np(::pthread_self(), "ohlcv-indexer");
  std::unique_lock lk(indexer_mu_);
  while (!indexer_stop_) {
    indexer_cv_.wait(lk, [&] { return indexer_work_ || indexer_stop_; });
    indexer_work_ = false;
    lk.unlock();
    bool more = true;
    while (more && !indexer_stop_ && !index_broken_) {
      CheckpointIfLarge();
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
        if (!SaveIndexes().ok()) StoreCounters::Add(counters_.errors);
      }
    }
    lk.lock();
  }
}

// A PASSIVE checkpoint copies committed WAL frames into windows.db without
// taking the write lock, so it runs beside Upserts; readers are not blocked.
// Only on the indexer thread (the sole user of checkpointer_).
void LocalVectorStore::CheckpointIfLarge() {
  std::error_code ec;
  const auto wal = std::filesystem::file_size(Path("windows.db-wal"), ec);
  if (ec || wal < options_.wal_checkpoint_bytes || !checkpointer_) return;
  // PASSIVE never waits; when readers kept it from finishing and the WAL
  // grew to 2x the threshold, TRUNCATE (waits up to the busy timeout for
  // readers, then resets the file to zero bytes). journal_size_limit also
  // trims the file after each reset.
  const char* sql =
      wal >= 2 * options_.wal_checkpoint_bytes ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)";
  if (!checkpointer_->Exec(sql).ok()) StoreCounters::Add(counters_.errors);
}

// The indexer runs at a lower priority and checkpoints only between drain
// chunks, so an ingest on a busy machine outruns it; then the writer itself
// resets the WAL. Rare (once per 2x wal_checkpoint_bytes written), and a
// stat() per write otherwise. A checkpoint that found another one running
// (the indexer's PASSIVE; SQLite does not wait for that lock) says so in its
// row's first column: tried again for up to ~100 ms, then left to the next
// write. Readers are waited for by the busy timeout.
void LocalVectorStore::BoundWal() {
  std::error_code ec;
  const auto wal = std::filesystem::file_size(Path("windows.db-wal"), ec);
  if (ec || wal < 2 * options_.wal_checkpoint_bytes) return;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto stmt = writer_->Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!stmt.ok()) break;
    auto row = stmt->Step();
    if (!row.ok()) break;
    if (!*row || stmt->Int(0) == 0) return;  // done
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  StoreCounters::Add(counters_.errors);
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
    const bool save = writer_ && !index_broken_ &&
                      unsaved_rows_ * kCloseSaveDivisor >= static_cast<size_t>(std::max<int64_t>(rows_, 1));
    if (save && options_.drain_on_close) {
      // A CLI writer finishes the graphs, so the next open reads them whole
      // instead of re-staging (and re-inserting) what this one left staged.
      auto lock = WriteIndex();
      for (const Space& space : kSpaces) {
        auto& index = IndexFor(space.space);
        if (index && !index->Drain(index->staged(), kBuildThreads).ok()) index_broken_ = true;
      }
    }
    if (save && !index_broken_) {
      // Persist what the graphs hold; rows still staged are not drained here
      // (after a large ingest that took a minute and outlived every shutdown
      // budget): they are in windows.db, the saved files say which seq they
      // cover, and the next open stages the rest again (LoadIndex).
      // A small change (a daily update: ~1,000 rows written or deleted out of
      // 130k) is not worth rewriting both graph files (~100 MB, the larger
      // part of that update's time): the next open reads those rows back
      // from windows.db instead, which costs milliseconds.
      (void)SaveIndexes();  // best effort: the next open catches up anyway
    }
  }
  // Readers first: the last connection to close checkpoints the WAL into
  // windows.db, and only a writable one can.
  idle_readers_.clear();
  checkpointer_.reset();
  writer_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

// synchronous=NORMAL: durable at checkpoint; WAL keeps the database
// consistent across a crash. The writer's 64 MB page cache keeps B-tree
// pages hot during bulk upserts. Readers map the file instead (1 GB of
// address space, not memory): they share the OS page cache rather than each
// filling a private 64 MB copy, which is what made a serving process's
// resident memory climb by hundreds of MB under a varied query load.
constexpr const char* kWriterPragmas =
    "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; "
    "PRAGMA journal_size_limit=67108864;";
constexpr const char* kReaderPragmas =
    "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-4096; PRAGMA mmap_size=1073741824; PRAGMA temp_store=MEMORY;";
// Writable connections never checkpoint on COMMIT: the indexer thread does
// it (CheckpointIfLarge), so an Upsert does not pay for copying pages into
// the database and fsyncing it.
Result<std::unique_ptr<Conn>> LocalVectorStore::OpenConnection(bool read_only) const {
  OHLCV_ASSIGN_OR_RETURN(auto conn, Conn::Open(Path("windows.db"), read_only, kBusyTimeoutMs));
  if (!read_only) OHLCV_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"));
  OHLCV_RETURN_IF_ERROR(conn->Exec(read_only ? kReaderPragmas : kWriterPragmas));
  return conn;
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
  OHLCV_ASSIGN_OR_RETURN(auto conn, OpenConnection(/*read_only=*/true));
  return Lease(this, std::move(conn));
}

void LocalVectorStore::ReleaseReader(std::unique_ptr<Conn> conn) {
  std::lock_guard lock(pool_mu_);
  idle_readers_.push_back(std::move(conn));
}

}  // namespace ohlcv::index_internal

namespace ohlcv {

Result<std::unique_ptr<VectorStore>> OpenLocalVectorStore(const LocalVectorStoreOptions& options) {
  auto store = std::make_unique<index_internal::LocalVectorStore>(options);
  OHLCV_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<VectorStore>(std::move(store));
}

}  // namespace ohlcv
