#include "index/local_vector_store_impl.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "index/fts_query.h"
#include "index/window_rows.h"
#include "util/sqlite_snapshot.h"

namespace ohlcv::index_internal {

// FTS5's BM25 gives a term found in more than half of the documents an idf
// of ~0 (clamped to 1e-6), so it cannot change the ranking, yet FTS5 would
// score every document containing it: with summaries where "RSI" or
// "uptrend" is everywhere that costs 100+ ms. Such terms are dropped when a
// rarer term remains; terms found nowhere are dropped too.
Result<std::vector<std::string>> LocalVectorStore::PruneCommonTokens(Conn& db,
                                                                     std::vector<std::string> tokens) {
  const int64_t docs = rows_.load();
  OHLCV_ASSIGN_OR_RETURN(Stmt df, db.PrepareCached("SELECT doc FROM windows_fts_vocab WHERE term = ?"));
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
// with their raw BM25 scores (positive, higher is better). Ranks labels
// first and reads whole rows for the k kept only.
Result<std::vector<SearchHit>> LocalVectorStore::RunLexical(Conn& db, const std::string& match,
                                                            size_t k, const WindowFilter& filter,
                                                            const SqlFilter& f) {
  // Ticker matches weigh more than a word in the summary.
  OHLCV_ASSIGN_OR_RETURN(
      Stmt stmt,
      db.PrepareCached(filter.empty()
                           ? std::string("SELECT rowid, bm25(windows_fts, 1.0, 3.0, 1.0) AS r FROM windows_fts "
                                         "WHERE windows_fts MATCH ? ORDER BY r LIMIT ?")
                           : fmt::format("SELECT w.label, bm25(windows_fts, 1.0, 3.0, 1.0) AS r FROM windows_fts "
                                         "JOIN windows w ON w.label = windows_fts.rowid "
                                         "WHERE windows_fts MATCH ? AND {} ORDER BY r LIMIT ?",
                                         f.where)));
  stmt.BindText(1, match);
  stmt.BindAll(f.params, 2);
  stmt.BindInt(static_cast<int>(f.params.size()) + 2, static_cast<int64_t>(k));
  std::vector<std::pair<int64_t, float>> ranked;
  while (true) {
    OHLCV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ranked.emplace_back(stmt.Int(0), static_cast<float>(-stmt.Double(1)));  // bm25() is negative
  }
  stmt.Reset();
  return FetchByLabels(db, ranked);
}

// Windows holding every (useful) term rank first; when they are fewer than
// k, windows holding any term fill the rest. The all-terms query is also the
// cheap one (FTS5 intersects from the rarest term). Scores are relative to
// the best hit, in (0, 1], non-increasing.
Result<std::vector<SearchHit>> LocalVectorStore::LexicalSearch(const std::string& text, size_t k,
                                                               const WindowFilter& filter) {
  StoreCounters::Add(counters_.lexical_searches);
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
  ReadSnapshot snapshot(**lease);  // rankings and rows from one snapshot
  OHLCV_RETURN_IF_ERROR(Fail(snapshot.status()));
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
  Conn& db = **lease;
  // Labels first, then whole rows: sorting only (end_ts, id, label) costs a
  // third of sorting whole rows (summary, shape and ~50 columns each).
  auto labels = [&]() -> Result<std::vector<std::pair<int64_t, float>>> {
    OHLCV_ASSIGN_OR_RETURN(
        Stmt stmt, db.PrepareCached(fmt::format(
                       "SELECT w.label FROM windows w WHERE {} ORDER BY w.end_ts DESC, w.id LIMIT ?", f->where)));
    stmt.BindAll(f->params);
    stmt.BindInt(static_cast<int>(f->params.size()) + 1, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
    std::vector<std::pair<int64_t, float>> out;
    while (true) {
      OHLCV_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      out.emplace_back(stmt.Int(0), 1.0f);
    }
    return out;
  };
  ReadSnapshot snapshot(db);  // the labels and the rows from one snapshot
  OHLCV_RETURN_IF_ERROR(Fail(snapshot.status()));
  auto found = labels();
  if (!found.ok()) return Fail(found.status());
  auto hits = FetchByLabels(db, *found);
  if (!hits.ok()) return Fail(hits.status());
  return hits;
}

Result<std::vector<Window>> LocalVectorStore::Get(std::span<const std::string> ids) {
  StoreCounters::Add(counters_.gets);
  auto lease = AcquireReader();
  if (!lease.ok()) return Fail(lease.status());
  Conn& db = **lease;
  static const std::string kSql = "SELECT " + index_internal::WindowSelectColumns("w") + " FROM " +
                                  index_internal::WindowFrom("w") + " WHERE w.id = ?";
  auto stmt = db.PrepareCached(kSql);
  if (!stmt.ok()) return Fail(stmt.status());
  std::vector<Window> out;
  ReadSnapshot snapshot(db);  // one snapshot for all ids
  OHLCV_RETURN_IF_ERROR(Fail(snapshot.status()));
  for (const auto& id : ids) {
    stmt->BindText(1, id);
    auto row = stmt->Step();
    if (row.ok() && *row) {
      auto w = index_internal::DecodeWindow(*stmt, 0);
      if (!w.ok()) row = w.status();
      else out.push_back(std::move(w).value());
    }
    stmt->Reset();
    if (!row.ok()) return Fail(row.status());
  }
  return out;
}

Result<uint64_t> LocalVectorStore::Count() {
  auto lease = AcquireReader();
  if (!lease.ok()) return Fail(lease.status());
  auto stmt = (*lease)->PrepareCached("SELECT COUNT(*) FROM windows");
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

VectorStoreStats LocalVectorStore::stats() const { return counters_.Snapshot(); }

Result<VectorStoreBackup> LocalVectorStore::Backup(const std::string& dest_dir) {
  VectorStoreBackup b;
  OHLCV_RETURN_IF_ERROR(SnapshotSqlite(Path("windows.db"), dest_dir + "/windows.db"));
  b.files.push_back("windows.db");
  OHLCV_ASSIGN_OR_RETURN(b.windows, CountRows(dest_dir + "/windows.db", "windows"));
  for (const Space& space : kSpaces) b.skipped.push_back(space.file);
  b.notes.push_back("HNSW graph files are derived from windows.db and rebuilt on first open");
  return b;
}

}  // namespace ohlcv::index_internal
