// SharedVectorStore's reads: vector search (exact scan in PostgreSQL or
// ChromaDB's HNSW checked against the filter), lexical search, Find, Get,
// Count and Health. The design is described in shared_vector_store.cc.
#include "index/shared_vector_store_impl.h"

namespace ohlcv::index_internal {
namespace {

std::string TsQuery(const std::vector<std::string>& tokens, std::string_view op) {
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) fmt::format_to(std::back_inserter(out), " {} ", op);
    out.push_back('\'');
    for (char c : t) {
      if (c == '\'') out.push_back('\'');
      if (c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('\'');
  }
  return out;
}

}  // namespace

Result<std::vector<SearchHit>> SharedVectorStore::HitsFor(const Scored& scored) {
  std::vector<std::string> ids;
  ids.reserve(scored.size());
  for (const auto& [id, s] : scored) ids.push_back(id);
  OHLCV_ASSIGN_OR_RETURN(std::vector<Window> windows, Get(ids));
  std::unordered_map<std::string_view, float> score;
  for (const auto& [id, s] : scored) score.emplace(id, s);
  std::vector<SearchHit> out;
  out.reserve(windows.size());
  for (auto& w : windows) {
    const float s = score[w.id];
    out.push_back({std::move(w), s});
  }
  return out;
}

Result<Scored> SharedVectorStore::ChromaQuery(VectorSpace space, std::span<const float> q, size_t n) {
  std::string body = "{\"query_embeddings\":[";
  index_internal::AppendJsonFloats(body, q);
  body += fmt::format("],\"n_results\":{},\"include\":[\"distances\"]}}", n);
  OHLCV_ASSIGN_OR_RETURN(json r, client_.CallRaw("POST", CollectionPath(space) + "/query", std::move(body)));
  Scored out;
  if (!r.is_object() || !r.contains("ids") || !r["ids"].is_array() || r["ids"].empty()) return out;
  const json& ids = r["ids"][0];
  const json& d = r.value("distances", json::array());
  const json dist = d.is_array() && !d.empty() ? d[0] : json::array();
  if (!ids.is_array() || !dist.is_array() || dist.size() != ids.size()) {
    return Status::Corruption("chroma: malformed query result");
  }
  out.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    // Chroma's cosine distance is 1 - cosine similarity.
    out.emplace_back(ids[i].get<std::string>(),
                     static_cast<float>(1.0 - (dist[i].is_number() ? dist[i].get<double>() : 1.0)));
  }
  return out;
}

Result<Scored> SharedVectorStore::ExactScan(VectorSpace space, const index_internal::PgFilter& f,
                                            std::span<const float> q, size_t k) {
  const size_t dim = q.size();
  const bool text = space == VectorSpace::kText;
  OHLCV_ASSIGN_OR_RETURN(pg::Rows rows, Read(fmt::format("SELECT w.id, w.{} FROM windows w WHERE {}",
                                                         text ? "text_vec" : "shape", f.where),
                                             f.params, /*binary=*/true));
  Scored scored;
  scored.reserve(static_cast<size_t>(rows.size()));
  std::vector<float> v(dim);
  for (int r = 0; r < rows.size(); ++r) {
    if (rows.IsNull(r, 1)) continue;
    auto blob = rows.Text(r, 1);
    if (blob.size() != dim * sizeof(float)) return Status::Corruption("bad vector in windows");
    std::memcpy(v.data(), blob.data(), blob.size());
    if (!text) index_internal::NormalizeInPlace(v);
    scored.emplace_back(std::string(rows.Text(r, 0)), index_internal::Dot(q.data(), v.data(), dim));
  }
  auto better = [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; };
  const size_t top = std::min(k, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<ptrdiff_t>(top), scored.end(), better);
  scored.resize(top);
  return scored;
}

Result<std::vector<SearchHit>> SharedVectorStore::Search(VectorSpace space, std::span<const float> query, size_t k,
                                                         const WindowFilter& filter) {
  StoreCounters::Add(counters_.searches);
  const size_t dim = SpaceDim(space);
  if (dim == 0) return Fail(Status::InvalidArgument("this store has no shape vectors"));
  if (query.size() != dim) {
    return Fail(Status::InvalidArgument(fmt::format("query has dimension {}, the {} space has {}", query.size(),
                                                    space == VectorSpace::kText ? "text" : "shape", dim)));
  }
  if (!std::all_of(query.begin(), query.end(), [](float x) { return std::isfinite(x); })) {
    return Fail(Status::InvalidArgument("search: non-finite query value"));
  }
  if (k == 0) return std::vector<SearchHit>{};
  auto f = index_internal::BuildPgFilter(filter, "w");
  if (!f.ok()) return Fail(f.status());
  std::vector<float> q(query.begin(), query.end());
  index_internal::NormalizeInPlace(q);
  auto exact = [&]() -> Result<std::vector<SearchHit>> {
    auto scored = ExactScan(space, *f, q, k);
    if (!scored.ok()) return Fail(scored.status());
    auto hits = HitsFor(*scored);
    if (!hits.ok()) return Fail(hits.status());
    return hits;
  };
  const bool filtered = !filter.empty();
  if (filtered) {
    // Selective filters: count up to the threshold; few rows -> exact scan.
    auto probe = Read(fmt::format("SELECT count(*) FROM (SELECT 1 FROM windows w WHERE {} LIMIT {}) c", f->where,
                                  index_internal::kExactScanMaxRows + 1),
                      f->params);
    if (!probe.ok()) return Fail(probe.status());
    if (static_cast<size_t>(probe->Int(0, 0)) <= index_internal::kExactScanMaxRows) return exact();
  }
  // HNSW in ChromaDB, over-fetched for a filter; candidates checked here.
  // Each round is two round trips (ChromaDB, PostgreSQL), so the first one
  // fetches 4x more than the local store's (a filter that matched more than
  // kExactScanMaxRows passes ~1 candidate in 10 or better in practice).
  size_t fetch = filtered ? std::max<size_t>(16 * k, 256) : k;
  const std::string check_sql =
      fmt::format("SELECT w.id FROM windows w WHERE w.id = ANY(${}::text[]) AND {}", f->params.size() + 1, f->where);
  std::unordered_map<std::string, bool> passes;
  Scored kept;
  while (true) {
    auto cands = ChromaQuery(space, q, fetch);
    if (!cands.ok()) return Fail(cands.status());
    if (filtered) {
      std::vector<std::string> unchecked;
      for (const auto& [id, s] : *cands) {
        if (passes.emplace(id, false).second) unchecked.push_back(id);
      }
      if (!unchecked.empty()) {
        pg::Params params = f->params;
        params.emplace_back(index_internal::PgTextArray(unchecked));
        auto ok = Read(check_sql, params);
        if (!ok.ok()) return Fail(ok.status());
        for (int r = 0; r < ok->size(); ++r) passes[std::string(ok->Text(r, 0))] = true;
      }
    }
    kept.clear();
    for (const auto& c : *cands) {
      if (kept.size() == k) break;
      if (!filtered || passes[c.first]) kept.push_back(c);
    }
    if (kept.size() == k || cands->size() < fetch) break;  // enough, or the index is exhausted
    if (fetch >= index_internal::kMaxOverFetch) return exact();
    fetch = std::min(fetch * 4, index_internal::kMaxOverFetch);
  }
  auto hits = HitsFor(kept);
  if (!hits.ok()) return Fail(hits.status());
  return hits;
}

Result<std::vector<std::string>> SharedVectorStore::PruneCommonTokens(std::vector<std::string> tokens) {
  OHLCV_ASSIGN_OR_RETURN(pg::Rows gen, Read("SELECT last_value FROM window_seq", {}));
  const int64_t generation = gen.Int(0, 0);
  std::lock_guard lock(df_mu_);
  if (generation != df_generation_) {
    df_.clear();
    OHLCV_ASSIGN_OR_RETURN(pg::Rows n, Read("SELECT count(*) FROM windows", {}));
    df_docs_ = n.Int(0, 0);
    df_generation_ = generation;
  }
  std::vector<std::pair<int64_t, std::string>> found;
  for (auto& t : tokens) {
    auto it = df_.find(t);
    if (it == df_.end()) {
      OHLCV_ASSIGN_OR_RETURN(pg::Rows n, Read("SELECT count(*) FROM windows WHERE fts @@ to_tsquery('simple', $1)",
                                              {TsQuery({t}, "&")}));
      it = df_.emplace(t, n.Int(0, 0)).first;
    }
    const int64_t docs = it->second;
    // Non-ASCII tokens may be split differently by the parser: keep them.
    const bool ascii = std::all_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (docs > 0 || !ascii) found.emplace_back(ascii ? docs : 0, std::move(t));
  }
  std::vector<std::string> out;
  for (auto& [n, t] : found) {
    if (2 * n <= df_docs_) out.push_back(t);
  }
  if (out.empty() && !found.empty()) out.push_back(std::min_element(found.begin(), found.end())->second);
  return out;
}

Result<Scored> SharedVectorStore::RunLexical(const std::string& tsquery, size_t k, const index_internal::PgFilter& f) {
  const size_t n = f.params.size();
  const std::string sql = fmt::format(
      "SELECT w.id, ts_rank('{{0.3333,0.3333,0.3333,1}}', w.fts, q) AS r FROM windows w, to_tsquery('simple', ${}) q "
      "WHERE w.fts @@ q AND {} ORDER BY r DESC, w.id LIMIT ${}",
      n + 1, f.where, n + 2);
  pg::Params params = f.params;
  params.emplace_back(tsquery);
  params.emplace_back(std::to_string(k));
  OHLCV_ASSIGN_OR_RETURN(pg::Rows rows, Read(sql, params));
  Scored out;
  for (int r = 0; r < rows.size(); ++r) out.emplace_back(rows.Text(r, 0), static_cast<float>(rows.Double(r, 1)));
  return out;
}

Result<std::vector<SearchHit>> SharedVectorStore::LexicalSearch(const std::string& text, size_t k,
                                                                const WindowFilter& filter) {
  StoreCounters::Add(counters_.lexical_searches);
  auto tokens = index_internal::FtsTokens(text);
  if (tokens.empty() || k == 0) return std::vector<SearchHit>{};
  auto f = index_internal::BuildPgFilter(filter, "w");
  if (!f.ok()) return Fail(f.status());
  auto pruned = PruneCommonTokens(std::move(tokens));
  if (!pruned.ok()) return Fail(pruned.status());
  if (pruned->empty()) return std::vector<SearchHit>{};
  // As the local store: relative to the best hit, in (0, 1], non-increasing.
  auto normalise = [](Scored& hits, double cap) {
    if (hits.empty()) return;
    const double best = hits.front().second > 0 ? hits.front().second : 1;
    for (auto& h : hits) h.second = static_cast<float>(std::clamp(h.second / best * cap, 1e-9, cap));
  };
  auto all = RunLexical(TsQuery(*pruned, "&"), k, *f);
  if (!all.ok()) return Fail(all.status());
  Scored out = std::move(all).value();
  normalise(out, 1.0);
  if (out.size() < k && pruned->size() > 1) {
    auto any = RunLexical(TsQuery(*pruned, "|"), k + out.size(), *f);
    if (!any.ok()) return Fail(any.status());
    normalise(*any, out.empty() ? 1.0 : out.back().second);
    std::unordered_set<std::string> seen;
    for (const auto& h : out) seen.insert(h.first);
    for (auto& h : *any) {
      if (out.size() == k) break;
      if (!seen.count(h.first)) out.push_back(std::move(h));
    }
  }
  auto hits = HitsFor(out);
  if (!hits.ok()) return Fail(hits.status());
  return hits;
}

Result<std::vector<SearchHit>> SharedVectorStore::Find(const WindowFilter& filter, size_t limit) {
  auto f = index_internal::BuildPgFilter(filter, "w");
  if (!f.ok()) return Fail(f.status());
  if (limit == 0) return std::vector<SearchHit>{};
  pg::Params params = f->params;
  params.emplace_back(std::to_string(std::min<size_t>(limit, INT64_MAX)));
  auto rows = Read(fmt::format("SELECT {} FROM windows w WHERE {} ORDER BY w.end_ts DESC, w.id LIMIT ${}",
                               index_internal::PgWindowSelectColumns("w"), f->where, params.size()),
                   params);
  if (!rows.ok()) return Fail(rows.status());
  std::vector<SearchHit> out;
  for (int r = 0; r < rows->size(); ++r) {
    auto w = index_internal::DecodePgWindow(*rows, r, 0);
    if (!w.ok()) return Fail(w.status());
    out.push_back({std::move(w).value(), 1.0});
  }
  return out;
}

Result<std::vector<Window>> SharedVectorStore::Get(std::span<const std::string> ids) {
  StoreCounters::Add(counters_.gets);
  std::unordered_map<std::string, Window> found;
  const std::string sql =
      "SELECT " + index_internal::PgWindowSelectColumns("w") + " FROM windows w WHERE w.id = ANY($1::text[])";
  for (size_t i = 0; i < ids.size(); i += kIdChunk) {
    auto part = ids.subspan(i, std::min(kIdChunk, ids.size() - i));
    auto rows = Read(sql, {index_internal::PgTextArray(part)});
    if (!rows.ok()) return Fail(rows.status());
    for (int r = 0; r < rows->size(); ++r) {
      auto w = index_internal::DecodePgWindow(*rows, r, 0);
      if (!w.ok()) return Fail(w.status());
      std::string id = w->id;
      found.emplace(std::move(id), std::move(w).value());
    }
  }
  std::vector<Window> out;
  out.reserve(found.size());
  for (const auto& id : ids) {
    auto it = found.find(id);
    if (it != found.end()) out.push_back(it->second);
  }
  return out;
}

Result<uint64_t> SharedVectorStore::Count() {
  auto rows = Read("SELECT count(*) FROM windows", {});
  if (!rows.ok()) return Fail(rows.status());
  return static_cast<uint64_t>(rows->Int(0, 0));
}

Status SharedVectorStore::Health() {
  Status pg_ok = pool_.Run([](pg::Conn& c) { return c.Query("SELECT 1").status(); });
  if (!pg_ok.ok()) return Status::Unavailable("shared window store: postgres: " + pg_ok.message());
  return client_.Heartbeat(std::min(std::chrono::milliseconds(2000),
                                    std::chrono::milliseconds(std::max(1, options_.chroma.timeout_ms))));
}

}  // namespace ohlcv::index_internal
