#include "index/local_vector_store_impl.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_map>

#include <fmt/format.h>

#include "index/vector_math.h"
#include "index/window_rows.h"

namespace ohlcv::index_internal {

// ---------------------------------------------------------------------- reads

Result<std::vector<SearchHit>> LocalVectorStore::FetchByLabels(
    Conn& db, const std::vector<std::pair<int64_t, float>>& hits) {
  std::vector<SearchHit> out;
  static const std::string kSql = "SELECT " + index_internal::WindowSelectColumns("w") + " FROM " +
                                  index_internal::WindowFrom("w") + " WHERE w.label = ?";
  OHLCV_ASSIGN_OR_RETURN(Stmt get, db.PrepareCached(kSql));
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
  // Vectors live in their own table: the filter runs on the small
  // `windows` rows (or their indexes) and only passing rows touch a vector.
  OHLCV_ASSIGN_OR_RETURN(Stmt scan, db.PrepareCached(fmt::format(
                                        "SELECT w.label, v.{} FROM windows w JOIN window_vectors v "
                                        "ON v.label = w.label WHERE {}",
                                        space.column, f.where)));
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
        // The list is padded to a power of two with label -1 (no row), so
        // a few statement shapes are prepared once and cached.
        const size_t slots = std::bit_ceil(e - b);
        std::string values;
        for (size_t i = 0; i < slots; ++i) values += i > 0 ? ",(?)" : "(?)";
        OHLCV_ASSIGN_OR_RETURN(Stmt check, db.PrepareCached(fmt::format(
                                               "WITH c(l) AS (VALUES {}) SELECT w.label FROM c "
                                               "CROSS JOIN windows w ON w.label = c.l WHERE {}",
                                               values, f.where)));
        for (size_t i = 0; i < slots; ++i) {
          check.BindInt(static_cast<int>(i + 1), b + i < e ? unchecked[b + i] : -1);
        }
        check.BindAll(f.params, static_cast<int>(slots + 1));
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
  StoreCounters::Add(counters_.searches);
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
    OHLCV_ASSIGN_OR_RETURN(Stmt probe, db.PrepareCached(fmt::format(
        "SELECT COUNT(*) FROM (SELECT 1 FROM windows w WHERE {} LIMIT {})", f->where, kExactScanMaxRows + 1)));
    probe.BindAll(f->params);
    auto row = probe.Step();
    if (!row.ok()) return Fail(row.status());
    const size_t matching = static_cast<size_t>(probe.Int(0));
    probe.Reset();  // ends its implicit read transaction before ours
    if (matching <= kExactScanMaxRows) {
      ReadSnapshot snapshot(db);  // the scan and the fetch see one snapshot
      OHLCV_RETURN_IF_ERROR(Fail(snapshot.status()));
      auto hits = ExactSearch(db, space, *f, q, k);
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

}  // namespace ohlcv::index_internal
