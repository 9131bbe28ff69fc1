#include "index/local_vector_store_impl.h"

#include <unordered_map>

#include <fmt/format.h>

#include "index/vector_math.h"
#include "index/window_rows.h"

namespace ohlcv::index_internal {
namespace {

// Indexes of the last occurrence of each label, in batch order.
std::vector<size_t> LastCopies(const std::vector<int64_t>& labels) {
  std::unordered_map<int64_t, size_t> last_of;
  for (size_t i = 0; i < labels.size(); ++i) last_of[labels[i]] = i;
  std::vector<size_t> rows;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (last_of[labels[i]] == i) rows.push_back(i);
  }
  return rows;
}

}  // namespace

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
    // Cached statements: prepared once per connection, not per batch.
    auto prep = [&](const std::string& sql) { return db.PrepareCached(sql); };
    auto find = prep("SELECT label FROM windows WHERE id = ?");
    auto insert = prep(index_internal::WindowInsertSql());
    auto doc = prep(index_internal::DocInsertSql());
    auto vec = prep(index_internal::VectorInsertSql());
    auto fts_ins = prep(index_internal::kFtsInsertSql);
    for (auto* r : {&find, &insert, &doc, &vec, &fts_ins}) {
      if (!r->ok()) return rollback(r->status());
    }
    // Three passes, FTS5 last. FTS5 buffers new rows in memory until COMMIT,
    // but flushes that buffer into a new segment whenever another statement
    // opens a statement savepoint (INSERT OR REPLACE does): interleaving the
    // FTS insert with the row inserts wrote one segment per window and made
    // the upsert 3-4x slower.
    // 1. Labels: an existing id keeps its label, so the HNSW entry is
    //    replaced in place; the contentless FTS index forgets a row only
    //    when told its old values, so that runs before the rows are replaced.
    //    An id named twice in the batch gets one label; the last copy wins.
    std::unordered_map<std::string_view, int64_t> batch_labels;
    for (size_t i = 0; i < windows.size(); ++i) {
      if (auto it = batch_labels.find(windows[i].id); it != batch_labels.end()) {
        labels[i] = it->second;
        continue;
      }
      find->BindText(1, windows[i].id);
      auto found = find->Step();
      if (!found.ok()) return rollback(found.status());
      const bool existed = *found;
      labels[i] = existed ? find->Int(0) : next_label_++;
      find->Reset();
      batch_labels.emplace(windows[i].id, labels[i]);
      if (!existed) continue;
      Status st = index_internal::ForgetFtsRows(db, "w.label = ?", labels[i]);
      if (!st.ok()) return rollback(st.WithContext("upsert " + windows[i].id));
    }
    // 2. The rows.
    std::string patterns;
    for (size_t i = 0; i < windows.size(); ++i) {
      const Window& w = windows[i];
      std::span<float> text_vec(text.data() + i * dim, dim);
      index_internal::NormalizeInPlace(text_vec);
      index_internal::BindWindowRow(*insert, w, ++last_seq_, labels[i]);
      patterns = index_internal::EncodePatterns(w.patterns);
      doc->BindInt(1, labels[i]);
      doc->BindBlob(2, patterns.data(), patterns.size());
      doc->BindText(3, w.summary);
      vec->BindInt(1, labels[i]);
      vec->BindBlob(2, text_vec.data(), text_vec.size_bytes());
      vec->BindBlob(3, w.shape.data(), w.shape.size() * sizeof(float));
      for (Stmt* s : {&*insert, &*doc, &*vec}) {
        Status st = s->Run();
        s->Reset();
        if (!st.ok()) return rollback(st.WithContext("upsert " + w.id));
      }
    }
    // 3. The full-text rows, once per label (the last copy of an id).
    for (size_t i : LastCopies(labels)) {
      const Window& w = windows[i];
      Status st = index_internal::RunFtsRow(*fts_ins, labels[i], w.summary, w.ticker, w.sector);
      if (!st.ok()) return rollback(st.WithContext("upsert " + w.id));
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
  // HNSW parallel adds need distinct labels.
  const std::vector<size_t> rows = LastCopies(labels);
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
  StoreCounters::Add(counters_.upserts, windows.size());
  rows_.fetch_add(next_label_ - label0);  // new ids got new labels
  unsaved_rows_ += rows.size();
  BoundWal();
  return Status::Ok();
}

Result<uint64_t> LocalVectorStore::DeleteTicker(const std::string& ticker) {
  const std::string one[] = {ticker};
  return DeleteWhere("ticker", one);
}

Result<uint64_t> LocalVectorStore::Delete(std::span<const std::string> ids) {
  if (ids.empty()) return uint64_t{0};
  return DeleteWhere("id", ids);
}

// Deletes the windows whose `column` ("ticker" or "id", both indexed) equals
// one of `values`, in one transaction that logs each label's deletion (so an
// index file saved earlier is caught up at the next open), then removes them
// from both graphs.
Result<uint64_t> LocalVectorStore::DeleteWhere(const char* column, std::span<const std::string> values) {
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
    const std::string col(column);
    auto sel = db.PrepareCached("SELECT label FROM windows WHERE " + col + " = ?");
    auto log = db.PrepareCached("INSERT INTO deletions(seq, label) VALUES(?, ?)");
    auto docs = db.PrepareCached("DELETE FROM window_docs WHERE label IN (SELECT label FROM windows WHERE " + col + " = ?)");
    auto vecs = db.PrepareCached("DELETE FROM window_vectors WHERE label IN (SELECT label FROM windows WHERE " + col + " = ?)");
    auto rows = db.PrepareCached("DELETE FROM windows WHERE " + col + " = ?");
    auto meta = db.PrepareCached("UPDATE meta SET value = ? WHERE key = 'last_seq'");
    for (auto* r : {&sel, &log, &docs, &vecs, &rows, &meta}) {
      if (!r->ok()) return rollback(r->status());
    }
    const std::string fts_where = "w." + col + " = ?";
    for (const std::string& value : values) {
      const size_t before = labels.size();
      sel->BindText(1, value);
      while (true) {
        auto row = sel->Step();
        if (!row.ok()) {
          sel->Reset();
          return rollback(row.status());
        }
        if (!*row) break;
        labels.push_back(static_cast<uint64_t>(sel->Int(0)));
      }
      sel->Reset();
      if (labels.size() == before) continue;  // nothing stored under this value
      for (size_t i = before; i < labels.size(); ++i) {
        log->BindInt(1, ++last_seq_);
        log->BindInt(2, static_cast<int64_t>(labels[i]));
        Status st = log->Run();
        log->Reset();
        if (!st.ok()) return rollback(st);
      }
      // FTS first: it reads the summaries the next statements delete.
      if (Status st = index_internal::ForgetFtsRows(db, fts_where, value); !st.ok()) return rollback(st);
      for (Stmt* s : {&*docs, &*vecs, &*rows}) {
        s->BindText(1, value);
        Status st = s->Run();
        s->Reset();
        if (!st.ok()) return rollback(st);
      }
    }
    meta->BindText(1, std::to_string(last_seq_));
    Status st = meta->Run();
    meta->Reset();
    if (!st.ok()) return rollback(st);
  }
  auto index_lock = WriteIndex();
  Status committed = db.Exec("COMMIT");
  if (!committed.ok()) return rollback(committed);
  index_dirty_ = !labels.empty() || index_dirty_;
  unsaved_rows_ += labels.size();
  for (uint64_t label : labels) {
    text_index_->Remove(label);
    if (shape_index_) shape_index_->Remove(label);
  }
  rows_.fetch_sub(static_cast<int64_t>(labels.size()));
  index_lock.unlock();
  BoundWal();
  return static_cast<uint64_t>(labels.size());
}

}  // namespace ohlcv::index_internal
