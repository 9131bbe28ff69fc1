// SharedVectorStore: the VectorStore of replicas sharing PostgreSQL and
// ChromaDB (VECTOR_STORE_TYPE=chromadb with OHLCV_DATABASE_URL set).
//
// Where things live:
//   PostgreSQL `windows` (layout in pg_window_rows.h): every window's fields,
//     summary, pattern events, shape and normalised text vector, a tsvector
//     (GIN) for lexical search. The source of truth: filters, Find, Get,
//     Count, lexical search and exact scans run here. `window_vectors_pending`
//     lists (id, seq) of the windows whose vectors ChromaDB lacks.
//   ChromaDB "<prefix>_vtext" / "<prefix>_vshape": id + embedding only (no
//     metadata, no documents: Chroma writes one SQLite row per metadata key,
//     which is what made the metadata-carrying store fill at ~150 windows/s).
//     Created with the local store's HNSW settings (M 16, ef_construction 64,
//     ef_search 128). Derived: a writable open that finds fewer vectors in
//     ChromaDB than PostgreSQL says it took marks every row pending, and the
//     next Upsert sends them again from PostgreSQL.
//
// Search mirrors the local store (local_vector_store_search.cc), so the two
// give the same hits: a filter matching at most kExactScanMaxRows windows is
// an exact cosine scan of their vectors in PostgreSQL; otherwise ChromaDB's
// HNSW is over-fetched (4k, then x4 up to kMaxOverFetch) and the candidates
// checked against the filter in PostgreSQL, falling back to the exact scan.
// LexicalSearch mirrors LocalVectorStore::LexicalSearch with PostgreSQL full
// text search (ts_rank, ticker weight 3) in place of FTS5 BM25: terms in more
// than half the windows are dropped (document frequencies cached until the
// next write), windows with every term rank first, any term fills the rest.
//
// Writes: Upsert skips windows already stored unchanged (same content hash,
// vectors in ChromaDB), writes the others to PostgreSQL in one transaction
// (COPY into a staging table, then INSERT ... ON CONFLICT) and lists them as
// pending, then sends their vectors to ChromaDB in equal batches (at most
// chroma_batch windows, chroma_parallel batches in flight, the text and shape
// requests of a batch at once), each request with a timeout and a backoff
// that grow with the batch, and deletes each batch's pending rows once both
// spaces took it. UpsertDeferred (the ingest's path, via WindowIndexer)
// returns after the PostgreSQL commit and leaves that upload running on a
// helper thread while the caller commits the next batch; the next write
// waits for it first, so ChromaDB is sent one batch at a time but is never
// left idle while PostgreSQL works (the whole-folder ingest went from ~50 s
// to ~41 s this way). A failed or interrupted upload leaves rows pending;
// its error is returned by the next write or Sync, which then sends them
// first (from PostgreSQL), so no window is lost and an ingest resumes where
// it stopped.
//
// Files: this one opens the store and writes (Upsert, uploads, resume,
// deletes); shared_vector_store_read.cc searches and reads; the class is
// declared in shared_vector_store_impl.h.
//
// Thread-safety: safe for concurrent use (pg::Pool and HttpClient are; the
// document-frequency cache has its own mutex). One writer at a time is the
// pipeline's rule (the ingest advisory lock); concurrent writers stay
// correct, only the pending re-sends may overlap.


#include "index/shared_vector_store_impl.h"

namespace ohlcv {
namespace index_internal {
namespace {

constexpr int64_t kSchemaLock = 0x6f686c6376000002;  // "ohlcv" + 2: window schema creation
// Upload request bodies stay under Chroma's 40 MiB limit.
constexpr size_t kMaxBodyBytes = size_t{32} << 20;
// Pending rows read back from PostgreSQL per round of a resume.
constexpr size_t kResendChunk = 8192;

}  // namespace

Result<pg::Rows> SharedVectorStore::Read(const std::string& sql, const pg::Params& params, bool binary) {
  pg::Rows out;
  OHLCV_RETURN_IF_ERROR(pool_.Run([&](pg::Conn& c) -> Status {
    OHLCV_ASSIGN_OR_RETURN(out, Query(c, sql, params, binary));
    return Status::Ok();
  }));
  return out;
}

Status SharedVectorStore::InitSchema(pg::Conn& c) {
  const EmbedderIdentity& e = options_.chroma.embedder;
  const std::vector<std::pair<std::string, std::string>> want = {
      {"schema", std::to_string(index_internal::kPgWindowSchemaVersion)},
      {"embedder", e.name},
      {"dimension", std::to_string(e.dimension)},
      {"shape_dimension", std::to_string(e.shape_dimension)},
      {"windowing", options_.windowing}};
  pg::Txn txn(c);
  OHLCV_RETURN_IF_ERROR(txn.Begin());
  if (!options_.read_only) {
    OHLCV_RETURN_IF_ERROR(c.Query("SELECT pg_advisory_xact_lock(" + std::to_string(kSchemaLock) + ")").status());
    OHLCV_RETURN_IF_ERROR(c.Exec(index_internal::PgWindowSchemaSql()));
  }
  OHLCV_ASSIGN_OR_RETURN(pg::Rows exists, c.Query("SELECT to_regclass('window_store_meta') IS NOT NULL"));
  if (exists.Text(0, 0) != "t") return Status::NotFound("the shared database holds no windows yet");
  if (!options_.read_only) {
    OHLCV_ASSIGN_OR_RETURN(pg::Rows version, c.Query("SELECT value FROM window_store_meta WHERE key = 'schema'"));
    if (version.size() == 1 && version.Text(0, 0) == "1") {
      OHLCV_RETURN_IF_ERROR(c.Exec(index_internal::PgWindowMigrateFrom1Sql()));
    }
  }
  for (const auto& [key, value] : want) {
    OHLCV_ASSIGN_OR_RETURN(pg::Rows have, c.Query("SELECT value FROM window_store_meta WHERE key = $1", {key}));
    if (have.size() == 0) {
      if (options_.read_only || (key == "windowing" && value.empty())) continue;
      OHLCV_RETURN_IF_ERROR(
          c.Query("INSERT INTO window_store_meta(key, value) VALUES($1, $2)", {key, value}).status());
      continue;
    }
    if (key == "windowing" && have.Text(0, 0) != value && !value.empty() &&
        !options_.windowing_intraday_legacy.empty() && have.Text(0, 0) == options_.windowing_intraday_legacy) {
      // Recorded before intraday sessions followed the exchange's clock:
      // fine without intraday windows, a re-index otherwise.
      OHLCV_ASSIGN_OR_RETURN(pg::Rows n, c.Query("SELECT count(*) FROM windows WHERE bar_interval < $1",
                                                 {std::to_string(static_cast<int>(Interval::k1d))}));
      if (n.Text(0, 0) != "0") {
        return Status::InvalidArgument(fmt::format(
            "the shared window store holds {} intraday windows cut by the old session rule (UTC calendar days); "
            "sessions now follow each exchange's time zone, so their window ids changed. Re-index: drop its "
            "tables (windows, window_store_meta) and ingest again",
            n.Text(0, 0)));
      }
      if (!options_.read_only) {
        OHLCV_RETURN_IF_ERROR(
            c.Query("UPDATE window_store_meta SET value = $2 WHERE key = $1", {key, value}).status());
      }
      continue;
    }
    if (have.Text(0, 0) != value && !(key == "windowing" && value.empty())) {
      return Status::InvalidArgument(fmt::format(
          "the shared window store was built with {} '{}' but is opened with '{}'; use the same settings, "
          "or drop its tables (windows, window_store_meta) and ingest again",
          key, have.Text(0, 0), value));
    }
  }
  return txn.Commit();
}

Status SharedVectorStore::Open() {
  const EmbedderIdentity& e = options_.chroma.embedder;
  if (e.dimension == 0) return Status::InvalidArgument("shared store: embedder dimension must be > 0");
  if (options_.database_url.empty()) return Status::InvalidArgument("shared store: no database URL");
  OHLCV_RETURN_IF_ERROR(pool_.Run([&](pg::Conn& c) { return InitSchema(c); }));
  OHLCV_ASSIGN_OR_RETURN(json pre, client_.Call("GET", "/api/v2/pre-flight-checks"));
  if (pre.is_object() && pre.contains("max_batch_size") && pre["max_batch_size"].is_number_unsigned()) {
    max_batch_ = std::max<size_t>(1, pre["max_batch_size"].get<size_t>());
  }
  OHLCV_ASSIGN_OR_RETURN(collections_path_, index_internal::OpenChromaDatabase(client_, options_.chroma.tenant,
                                                                               options_.chroma.database));
  // The local store's HNSW settings (vector_store.h LocalVectorStoreOptions).
  const LocalVectorStoreOptions local;
  const json hnsw = {{"max_neighbors", local.hnsw_m},
                     {"ef_construction", local.hnsw_ef_construction},
                     {"ef_search", local.hnsw_ef_search}};
  const std::string& prefix = options_.chroma.collection_prefix;
  OHLCV_ASSIGN_OR_RETURN(text_id_, index_internal::OpenChromaCollection(client_, collections_path_, prefix + "_vtext",
                                                                        e, VectorSpace::kText, hnsw));
  if (e.shape_dimension > 0) {
    OHLCV_ASSIGN_OR_RETURN(shape_id_, index_internal::OpenChromaCollection(
                                          client_, collections_path_, prefix + "_vshape", e, VectorSpace::kShape, hnsw));
  }
  if (options_.read_only) return Status::Ok();
  // ChromaDB is derived: when it holds fewer vectors than PostgreSQL says it
  // took (a lost or restored volume), every row is sent again by the next Upsert.
  OHLCV_ASSIGN_OR_RETURN(json chroma_count, client_.Call("GET", CollectionPath(VectorSpace::kText) + "/count"));
  OHLCV_ASSIGN_OR_RETURN(
      pg::Rows stored,
      Read("SELECT (SELECT count(*) FROM windows) - (SELECT count(*) FROM window_vectors_pending)", {}));
  if (chroma_count.is_number_unsigned() && chroma_count.get<int64_t>() < stored.Int(0, 0)) {
    OHLCV_RETURN_IF_ERROR(pool_.Run([](pg::Conn& c) {
      return c.Exec(
          "INSERT INTO window_vectors_pending(id, seq) SELECT id, seq FROM windows ON CONFLICT (id) DO NOTHING");
    }));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- writes

// Joins the upload in flight; its status. REQUIRES: upload_mu_ held.
Status SharedVectorStore::JoinUpload() {
  if (!upload_.joinable()) return Status::Ok();
  upload_.join();
  Status st = std::exchange(upload_status_, Status::Ok());
  if (!st.ok()) resend_pending_ = true;  // its windows are still listed as pending
  return st;
}

Status SharedVectorStore::Sync() {
  std::lock_guard lock(upload_mu_);
  return Fail(JoinUpload());
}

Status SharedVectorStore::UpsertDeferred(std::span<const Window> windows, std::span<const float> embeddings) {
  std::lock_guard lock(upload_mu_);
  if (options_.read_only) return Fail(Status::PermissionDenied("the shared window store is open read-only"));
  const size_t dim = options_.chroma.embedder.dimension, shape_dim = options_.chroma.embedder.shape_dimension;
  if (embeddings.size() != windows.size() * dim) {
    return Fail(Status::InvalidArgument(fmt::format("upsert: {} floats for {} windows of dimension {}",
                                                    embeddings.size(), windows.size(), dim)));
  }
  // Leftovers of an interrupted or failed upload first, so a resumed ingest
  // completes them (after the upload in flight, which may be sending them).
  if (resend_pending_) {
    if (Status st = JoinUpload(); !st.ok()) return Fail(st);
    if (Status st = ResendPending(); !st.ok()) return Fail(st);
    resend_pending_ = false;
  }
  std::unordered_map<std::string_view, size_t> last;  // duplicate ids: the last one wins
  for (size_t i = 0; i < windows.size(); ++i) {
    if (windows[i].id.empty()) return Fail(Status::InvalidArgument("upsert: window without id"));
    last[windows[i].id] = i;
  }
  std::vector<size_t> order;
  std::vector<std::vector<float>> vecs;
  std::vector<int64_t> hashes;
  std::vector<std::string> ids;
  for (size_t i = 0; i < windows.size(); ++i) {
    const Window& w = windows[i];
    if (last[w.id] != i) continue;
    std::vector<float> v(embeddings.begin() + static_cast<ptrdiff_t>(i * dim),
                         embeddings.begin() + static_cast<ptrdiff_t>((i + 1) * dim));
    auto finite = [](float x) { return std::isfinite(x); };
    if (!std::all_of(v.begin(), v.end(), finite) || !std::all_of(w.shape.begin(), w.shape.end(), finite)) {
      return Fail(Status::InvalidArgument("upsert: window " + w.id + " has a non-finite vector value"));
    }
    if (shape_dim && w.shape.size() != shape_dim) {
      return Fail(Status::InvalidArgument(
          fmt::format("upsert: window {} has shape length {}, expected {}", w.id, w.shape.size(), shape_dim)));
    }
    index_internal::NormalizeInPlace(v);
    hashes.push_back(index_internal::WindowContentHash(w, v));
    vecs.push_back(std::move(v));
    order.push_back(i);
    ids.push_back(w.id);
  }
  if (order.empty()) return Status::Ok();
  std::vector<VectorRow> to_send;
  Status st = pool_.Run([&](pg::Conn& c) -> Status {
    to_send.clear();
    pg::Txn txn(c);
    OHLCV_RETURN_IF_ERROR(txn.Begin());
    OHLCV_ASSIGN_OR_RETURN(
        pg::Rows stored,
        Query(c,
              "SELECT w.id, w.content_hash FROM windows w WHERE w.id = ANY($1::text[]) AND NOT EXISTS "
              "(SELECT 1 FROM window_vectors_pending p WHERE p.id = w.id)",
              {index_internal::PgTextArray(ids)}));
    std::unordered_map<std::string, int64_t> have;
    for (int r = 0; r < stored.size(); ++r) have.emplace(stored.Text(r, 0), stored.Int(r, 1));
    OHLCV_ASSIGN_OR_RETURN(pg::Rows seq_row, c.Query("SELECT nextval('window_seq')"));
    const int64_t seq = seq_row.Int(0, 0);
    std::string copy;
    for (size_t j = 0; j < order.size(); ++j) {
      const Window& w = windows[order[j]];
      auto it = have.find(w.id);
      if (it != have.end() && it->second == hashes[j]) continue;  // stored, unchanged
      index_internal::AppendPgCopyRow(copy, w, seq, vecs[j], hashes[j]);
      to_send.push_back({w.id, seq, vecs[j], shape_dim ? w.shape : std::vector<float>{}});
    }
    if (to_send.empty()) return Status::Ok();  // rolls back the empty transaction
    OHLCV_RETURN_IF_ERROR(c.Exec(index_internal::PgCopyTableSql()));
    OHLCV_RETURN_IF_ERROR(c.CopyIn("COPY windows_in(" + index_internal::PgCopyColumns() + ") FROM STDIN", copy));
    OHLCV_RETURN_IF_ERROR(Query(c, index_internal::PgMergeSql(), {}).status());
    return txn.Commit();
  });
  if (!st.ok()) return Fail(st);
  if (to_send.empty()) return Status::Ok();
  // The previous batch's upload ran while this one was committed; this one
  // uploads while the caller prepares the next. ChromaDB gets one upload at
  // a time (concurrent ones cost it more CPU than they save).
  if (Status previous = JoinUpload(); !previous.ok()) return Fail(previous);
  const size_t n = to_send.size();
  upload_ = std::thread([this, rows = std::move(to_send), n]() mutable {
    upload_status_ = SendVectors(std::move(rows));
    if (upload_status_.ok()) StoreCounters::Add(counters_.upserts, n);
  });
  return Status::Ok();
}

Status SharedVectorStore::SendVectors(std::vector<VectorRow> rows) {
  if (rows.empty()) return Status::Ok();
  // At least chroma_parallel batches of equal size, each at most chroma_batch
  // (2,048 windows make 2 x 1,024 in flight, not 2,000 and then 48).
  const size_t most = std::max<size_t>(1, std::min(options_.chroma_batch, max_batch_));
  const size_t parallel = static_cast<size_t>(std::max(1, options_.chroma_parallel));
  size_t n_batches = std::min(rows.size(), std::max((rows.size() + most - 1) / most, parallel));
  const size_t batch = (rows.size() + n_batches - 1) / n_batches;
  n_batches = (rows.size() + batch - 1) / batch;  // no empty last batch
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;  // GUARDED_BY(mu)
  auto worker = [&] {
    while (true) {
      const size_t b = next.fetch_add(1);
      if (b >= n_batches) return;
      {
        std::lock_guard lock(mu);
        if (!first_error.ok()) return;
      }
      std::span<const VectorRow> part(rows.data() + b * batch, std::min(batch, rows.size() - b * batch));
      // Both spaces at once: ChromaDB parses and logs one request while it
      // indexes the other.
      Status shape_st;
      std::thread shape;
      if (!shape_id_.empty()) shape = std::thread([&] { shape_st = SendBatch(VectorSpace::kShape, part); });
      Status st = SendBatch(VectorSpace::kText, part);
      if (shape.joinable()) shape.join();
      if (st.ok()) st = shape_st;
      if (st.ok()) st = MarkStored(part);
      if (!st.ok()) {
        std::lock_guard lock(mu);
        if (first_error.ok()) first_error = st;
      }
    }
  };
  const size_t threads = std::min<size_t>(std::max(1, options_.chroma_parallel), n_batches);
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return first_error.WithContext("chroma upload (the windows are stored in PostgreSQL and their vectors "
                                 "are sent again by the next upsert)");
}

Status SharedVectorStore::SendBatch(VectorSpace space, std::span<const VectorRow> rows) {
  // Records as JSON text; bodies bounded by count and size (chroma_batches.h).
  std::vector<index_internal::ChromaRecordJson> records;
  std::vector<std::string> vectors;
  records.reserve(rows.size());
  vectors.reserve(rows.size());
  for (const auto& r : rows) {
    records.push_back({json(r.id).dump(), "", ""});
    vectors.emplace_back();
    index_internal::AppendJsonFloats(vectors.back(), space == VectorSpace::kText ? r.text : r.shape);
  }
  OHLCV_ASSIGN_OR_RETURN(auto bodies,
                         index_internal::ChromaUpsertBodies(records, vectors, rows.size(), kMaxBodyBytes));
  const std::string path = CollectionPath(space) + "/upsert";
  // Sized to the batch: a request's time grows with its windows (Chroma
  // writes and indexes each), so do its timeout and the wait before a retry.
  const auto per_record = std::chrono::milliseconds(10);
  const auto timeout = std::chrono::milliseconds(std::max(1, options_.chroma.timeout_ms)) +
                       per_record * static_cast<int64_t>(rows.size());
  const auto initial_backoff = std::chrono::milliseconds(100) * static_cast<int64_t>(1 + rows.size() / 500);
  const int attempts = 1 + std::max(0, options_.chroma.max_retries);
  thread_local std::mt19937 rng(std::random_device{}());
  for (auto& body : bodies) {
    Status last;
    for (int a = 0; a < attempts; ++a) {
      if (a > 0) {
        std::this_thread::sleep_for(BackoffDelay(
            a - 1, initial_backoff, std::chrono::milliseconds(30000),
            std::uniform_real_distribution<double>(0, 1)(rng)));
      }
      auto r = client_.CallOnce("POST", path, body, timeout);
      last = r.status();
      if (r.ok()) break;
      const StatusCode code = last.code();
      if (code != StatusCode::kUnavailable && code != StatusCode::kDeadlineExceeded &&
          code != StatusCode::kResourceExhausted) {
        break;  // a refusal, not a hiccup: retrying will not help
      }
    }
    if (!last.ok()) return last.WithContext(fmt::format("after {} attempts", attempts));
  }
  return Status::Ok();
}

Status SharedVectorStore::MarkStored(std::span<const VectorRow> rows) {
  std::vector<std::string> ids, seqs;
  for (const auto& r : rows) {
    ids.push_back(r.id);
    seqs.push_back(std::to_string(r.seq));
  }
  // Only rows not rewritten since (same seq): a newer write sends its own vectors.
  return pool_.Run([&](pg::Conn& c) {
    return Query(c,
                 "DELETE FROM window_vectors_pending p USING unnest($1::text[], $2::bigint[]) AS u(id, seq) "
                 "WHERE p.id = u.id AND p.seq = u.seq",
                 {index_internal::PgTextArray(ids), "{" + fmt::format("{}", fmt::join(seqs, ",")) + "}"})
        .status();
  });
}

Status SharedVectorStore::ResendPending() {
  const size_t dim = options_.chroma.embedder.dimension, shape_dim = options_.chroma.embedder.shape_dimension;
  while (true) {
    OHLCV_ASSIGN_OR_RETURN(
        pg::Rows rows, Read(fmt::format("SELECT w.id, w.seq, w.text_vec, w.shape FROM window_vectors_pending p "
                                        "JOIN windows w ON w.id = p.id ORDER BY p.seq LIMIT {}",
                                        kResendChunk),
                            {}, /*binary=*/true));
    if (rows.size() == 0) return Status::Ok();
    std::vector<VectorRow> pending;
    for (int r = 0; r < rows.size(); ++r) {
      VectorRow v;
      v.id = rows.Text(r, 0);
      v.seq = rows.BinInt8(r, 1);
      auto blob = rows.Text(r, 2);
      if (blob.size() != dim * sizeof(float)) return Status::Corruption("bad text_vec in windows " + v.id);
      v.text.resize(dim);
      std::memcpy(v.text.data(), blob.data(), blob.size());
      if (shape_dim) {
        auto shape = rows.Text(r, 3);
        if (shape.size() != shape_dim * sizeof(float)) return Status::Corruption("bad shape in windows " + v.id);
        v.shape.resize(shape_dim);
        std::memcpy(v.shape.data(), shape.data(), shape.size());
      }
      pending.push_back(std::move(v));
    }
    const bool more = pending.size() == kResendChunk;
    OHLCV_RETURN_IF_ERROR(SendVectors(std::move(pending)));
    if (!more) return Status::Ok();
  }
}

Result<uint64_t> SharedVectorStore::DeleteTicker(const std::string& ticker) {
  if (options_.read_only) return Fail(Status::PermissionDenied("the shared window store is open read-only"));
  auto rows = Read("SELECT id FROM windows WHERE ticker = $1", {ticker});
  if (!rows.ok()) return Fail(rows.status());
  std::vector<std::string> ids;
  for (int r = 0; r < rows->size(); ++r) ids.emplace_back(rows->Text(r, 0));
  return Delete(ids);
}

// ChromaDB first: a failure leaves the windows whole in PostgreSQL, and a
// retry finishes. Ids not stored are ignored; returns the rows removed.
Result<uint64_t> SharedVectorStore::Delete(std::span<const std::string> ids) {
  if (options_.read_only) return Fail(Status::PermissionDenied("the shared window store is open read-only"));
  if (ids.empty()) return uint64_t{0};
  // After the upload in flight, which could otherwise put back a deleted vector.
  std::lock_guard lock(upload_mu_);
  if (Status st = JoinUpload(); !st.ok()) return Fail(st);
  for (size_t i = 0; i < ids.size(); i += kIdChunk) {
    const std::vector<std::string> chunk(ids.begin() + static_cast<ptrdiff_t>(i),
                                         ids.begin() + static_cast<ptrdiff_t>(std::min(ids.size(), i + kIdChunk)));
    for (VectorSpace space : {VectorSpace::kText, VectorSpace::kShape}) {
      if (space == VectorSpace::kShape && shape_id_.empty()) continue;
      auto r = client_.Call("POST", CollectionPath(space) + "/delete", json{{"ids", chunk}});
      if (!r.ok()) return Fail(r.status());
    }
  }
  uint64_t deleted = 0;
  Status st = pool_.Run([&](pg::Conn& c) -> Status {
    pg::Txn txn(c);
    OHLCV_RETURN_IF_ERROR(txn.Begin());
    // One text[] parameter, written as an array literal (every element
    // quoted, `"` and `\` escaped): one prepared statement for any count.
    std::string array = "{";
    for (const auto& id : ids) {
      array += array.size() > 1 ? ",\"" : "\"";
      for (char ch : id) {
        if (ch == '"' || ch == '\\') array += '\\';
        array += ch;
      }
      array += '"';
    }
    array += "}";
    OHLCV_ASSIGN_OR_RETURN(pg::Rows n, Query(c,
                                             "WITH d AS (DELETE FROM windows WHERE id = ANY($1::text[]) RETURNING 1), "
                                             "p AS (DELETE FROM window_vectors_pending WHERE id = ANY($1::text[])) "
                                             "SELECT count(*) FROM d",
                                             {array}));
    deleted = static_cast<uint64_t>(n.Int(0, 0));
    OHLCV_RETURN_IF_ERROR(c.Query("SELECT nextval('window_seq')").status());  // invalidates cached frequencies
    return txn.Commit();
  });
  if (!st.ok()) return Fail(st);
  return deleted;
}
}  // namespace index_internal

Result<std::unique_ptr<VectorStore>> OpenSharedVectorStore(const SharedVectorStoreOptions& options) {
  auto store = std::make_unique<index_internal::SharedVectorStore>(options);
  OHLCV_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<VectorStore>(std::move(store));
}

}  // namespace ohlcv
