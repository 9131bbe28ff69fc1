// ChromaVectorStore: the VectorStore over a ChromaDB server's v2 HTTP API
// (VECTOR_STORE_TYPE=chromadb), so several service replicas can share one
// store. Checked against a real server (chromadb 3.0.14 from npm, whose
// `chroma run` serves API 1.0.0) by the same conformance suite as the local
// store (tests/index/chroma_vector_store_test.cc).
//
// Layout: tenant/database (created when missing) hold two collections per
// store, "<prefix>_text" (summary embeddings) and "<prefix>_shape" (shape
// vectors; absent when the embedder's shape_dimension is 0), both created with
// the cosine space ({"configuration": {"hnsw": {"space": "cosine"}}}, which
// 1.0.0 accepts and echoes back) and carrying the embedder identity as
// collection metadata. Both hold the same record per window: id, embedding,
// summary as document, metadata from chroma_mapping.h (filterable fields plus
// the window JSON), so either search is one round trip. Collections are
// addressed by UUID, as the API requires for record operations.
//
// Writes: Upsert splits into batches of at most the server's max_batch_size
// (GET /api/v2/pre-flight-checks, read at open) and kMaxBodyBytes, under the
// server's 40 MiB body limit, and writes the text collection, then the shape
// collection. Chroma has no cross-collection transactions: a reader may see a
// window in one space before the other, and a failed Upsert may have applied
// some batches (re-running it is idempotent). That is weaker than the
// interface's "atomic per call"; the local store keeps that promise.
//
// LexicalSearch: Chroma has no BM25 and where_document $contains is a
// case-sensitive substring test with no ranking, so it could not rank or match
// "msft" against "MSFT": this store returns InvalidArgument("lexical search
// not supported") and the retriever falls back to vector + exact matches.
//
// Find and DeleteTicker page through gets without embeddings (kPageSize
// records a page) and order or count client-side.
//
// Cost (bench/index_chroma_bench.cc): Chroma keeps one SQLite row per
// metadata key, so each window's ~45 keys make upserts ~200 windows/s (both
// collections), and a `where` with date-range clauses scans every record's
// value of that key (hundreds of ms at 20k windows); equality clauses
// (ticker) are cheap.
//
// Thread-safety: safe for concurrent use. Everything set at open is immutable
// afterwards; HttpClient is thread-safe; the counters are atomics.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "index/chroma_batches.h"
#include "index/chroma_client.h"
#include "index/chroma_mapping.h"
#include "index/vector_store.h"

namespace ohlcv {
namespace {

using index_internal::ChromaClient;
using index_internal::ChromaClientOptions;
using index_internal::ChromaReply;
using nlohmann::json;

// Upsert bodies stay this far under Chroma's 40 MiB limit (headroom for the
// JSON punctuation we do not count exactly).
constexpr size_t kMaxBodyBytes = size_t{32} << 20;
// Records per page for Find/DeleteTicker gets and ids per Get call.
constexpr size_t kPageSize = 1000;
// Health probes wait at most this long, whatever timeout_ms says.
constexpr std::chrono::milliseconds kHealthTimeout{2000};


constexpr auto kReplace = json::error_handler_t::replace;

bool AllFinite(std::span<const float> v) {
  return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

class ChromaVectorStore final : public VectorStore {
 public:
  explicit ChromaVectorStore(const ChromaVectorStoreOptions& options)
      : options_(options), client_(ClientOptions(options)) {}

  Status Open();

  std::string_view type() const override { return "chromadb"; }
  VectorStoreCapabilities capabilities() const override { return {}; }
  Result<VectorStoreBackup> Backup(const std::string&) override {
    VectorStoreBackup b;
    b.notes.push_back("the windows live on the ChromaDB server (" + options_.host + ":" +
                      std::to_string(options_.port) + "): snapshot its volume too");
    return b;
  }
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
  static ChromaClientOptions ClientOptions(const ChromaVectorStoreOptions& o);
  std::string CollectionPath(const std::string& id) const { return collections_path_ + id; }
  const std::string& CollectionId(VectorSpace s) const {
    return s == VectorSpace::kText ? text_id_ : shape_id_;
  }
  // Sends records in batches bounded by count and body size.
  Status UpsertSpace(const std::string& collection_id, const std::vector<index_internal::ChromaRecordJson>& records,
                     const std::vector<std::string>& vectors);
  // Pages through records matching `where`, calling `fn` on each page's body.
  template <typename Fn>
  Status ForEachPage(const json& where, const json& include, Fn&& fn);
  Result<std::vector<SearchHit>> HitsFrom(const json& ids, const json& metas, const json& docs,
                                          const json* distances);

  // Counts the error; converts to any Result<T> at the return site.
  Status Fail(Status st) {
    StoreCounters::Add(counters_.errors);
    return st;
  }

  const ChromaVectorStoreOptions options_;
  ChromaClient client_;
  size_t max_batch_ = 1000;         // from pre-flight-checks; set once in Open
  std::string collections_path_;    // ".../tenants/T/databases/D/collections/"
  std::string text_id_, shape_id_;  // collection UUIDs; shape_id_ empty when no shape space
  StoreCounters counters_;
};

ChromaClientOptions ChromaVectorStore::ClientOptions(const ChromaVectorStoreOptions& o) {
  ChromaClientOptions c;
  // A host given as a URL ("https://chroma.internal") is used as is.
  c.base_url = o.host.find("://") != std::string::npos
                   ? o.host
                   : fmt::format("http://{}:{}", o.host, o.port);
  while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
  c.auth_token = o.auth_token;
  c.timeout = std::chrono::milliseconds(std::max(1, o.timeout_ms));
  c.max_retries = std::max(0, o.max_retries);
  return c;
}

Status ChromaVectorStore::Open() {
  if (options_.embedder.dimension == 0) {
    return Status::InvalidArgument("chroma store: embedder dimension must be > 0");
  }
  if (options_.host.empty()) return Status::InvalidArgument("chroma store: host is empty");
  if (options_.host.find("://") == std::string::npos &&
      (options_.port <= 0 || options_.port > 65535)) {
    return Status::InvalidArgument(fmt::format("chroma store: bad port {}", options_.port));
  }
  if (options_.collection_prefix.empty()) {
    return Status::InvalidArgument("chroma store: collection_prefix is empty");
  }
  OHLCV_ASSIGN_OR_RETURN(json pre, client_.Call("GET", "/api/v2/pre-flight-checks"));
  if (pre.is_object() && pre.contains("max_batch_size") &&
      pre["max_batch_size"].is_number_unsigned()) {
    max_batch_ = std::max<size_t>(1, pre["max_batch_size"].get<size_t>());
  }
  OHLCV_ASSIGN_OR_RETURN(collections_path_,
                         index_internal::OpenChromaDatabase(client_, options_.tenant, options_.database));
  OHLCV_ASSIGN_OR_RETURN(text_id_, index_internal::OpenChromaCollection(
                                       client_, collections_path_, options_.collection_prefix + "_text",
                                       options_.embedder, VectorSpace::kText));
  if (options_.embedder.shape_dimension > 0) {
    OHLCV_ASSIGN_OR_RETURN(shape_id_, index_internal::OpenChromaCollection(
                                          client_, collections_path_, options_.collection_prefix + "_shape",
                                          options_.embedder, VectorSpace::kShape));
  }
  return Status::Ok();
}

Status ChromaVectorStore::UpsertSpace(const std::string& collection_id,
                                      const std::vector<index_internal::ChromaRecordJson>& records,
                                      const std::vector<std::string>& vectors) {
  const std::string path = CollectionPath(collection_id) + "/upsert";
  OHLCV_ASSIGN_OR_RETURN(auto bodies,
                         index_internal::ChromaUpsertBodies(records, vectors, max_batch_, kMaxBodyBytes));
  for (auto& body : bodies) {
    OHLCV_ASSIGN_OR_RETURN(json ignored, client_.CallRaw("POST", path, std::move(body)));
    (void)ignored;
  }
  return Status::Ok();
}

Status ChromaVectorStore::Upsert(std::span<const Window> windows,
                                 std::span<const float> embeddings) {
  const size_t dim = options_.embedder.dimension, shape_dim = options_.embedder.shape_dimension;
  if (embeddings.size() != windows.size() * dim) {
    return Fail(
        Status::InvalidArgument(fmt::format("upsert: {} floats for {} windows of dimension {}",
                                            embeddings.size(), windows.size(), dim)));
  }
  // Chroma refuses duplicate ids in one call; the last one wins, as in the
  // local store's INSERT OR REPLACE.
  std::unordered_map<std::string_view, size_t> last;
  for (size_t i = 0; i < windows.size(); ++i) last[windows[i].id] = i;
  std::vector<index_internal::ChromaRecordJson> records;
  std::vector<std::string> text_vecs, shape_vecs;
  records.reserve(last.size());
  for (size_t i = 0; i < windows.size(); ++i) {
    const Window& w = windows[i];
    if (w.id.empty()) return Fail(Status::InvalidArgument("upsert: window without id"));
    if (last[w.id] != i) continue;
    auto vec = embeddings.subspan(i * dim, dim);
    if (!AllFinite(vec) || !AllFinite(w.shape)) {
      return Fail(
          Status::InvalidArgument("upsert: window " + w.id + " has a non-finite vector value"));
    }
    if (shape_dim && w.shape.size() != shape_dim) {
      return Fail(Status::InvalidArgument(fmt::format(
          "upsert: window {} has shape length {}, expected {}", w.id, w.shape.size(), shape_dim)));
    }
    // Invalid UTF-8 (never produced by our summaries) is replaced, not thrown.
    records.push_back({json(w.id).dump(-1, ' ', false, kReplace),
                       index_internal::WindowToChromaMetadata(w).dump(-1, ' ', false, kReplace),
                       json(w.summary).dump(-1, ' ', false, kReplace)});
    text_vecs.emplace_back();
    index_internal::AppendJsonFloats(text_vecs.back(), vec);
    if (shape_dim) {
      shape_vecs.emplace_back();
      index_internal::AppendJsonFloats(shape_vecs.back(), w.shape);
    }
  }
  if (records.empty()) return Status::Ok();
  if (Status st = UpsertSpace(text_id_, records, text_vecs); !st.ok()) return Fail(st);
  if (shape_dim) {
    if (Status st = UpsertSpace(shape_id_, records, shape_vecs); !st.ok()) return Fail(st);
  }
  StoreCounters::Add(counters_.upserts, records.size());
  return Status::Ok();
}

Result<std::vector<SearchHit>> ChromaVectorStore::HitsFrom(const json& ids, const json& metas,
                                                           const json& docs,
                                                           const json* distances) {
  std::vector<SearchHit> hits;
  if (!ids.is_array() || !metas.is_array() || metas.size() != ids.size() ||
      (distances && (!distances->is_array() || distances->size() != ids.size()))) {
    return Status::Corruption("chroma: malformed result (ids, metadatas and distances differ)");
  }
  hits.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string doc = docs.is_array() && i < docs.size() && docs[i].is_string()
                          ? docs[i].get<std::string>()
                          : std::string();
    OHLCV_ASSIGN_OR_RETURN(Window w, index_internal::WindowFromChromaRecord(metas[i], doc));
    double score = 1;
    if (distances) {
      // Chroma's cosine distance is 1 - cosine similarity.
      score = (*distances)[i].is_number() ? 1.0 - (*distances)[i].get<double>() : 0.0;
    }
    hits.push_back({std::move(w), score});
  }
  return hits;
}

Result<std::vector<SearchHit>> ChromaVectorStore::Search(VectorSpace space,
                                                         std::span<const float> query, size_t k,
                                                         const WindowFilter& filter) {
  const size_t dim =
      space == VectorSpace::kText ? options_.embedder.dimension : options_.embedder.shape_dimension;
  if (dim == 0) return Fail(Status::InvalidArgument("this store has no shape vectors"));
  if (query.size() != dim) {
    return Fail(Status::InvalidArgument(
        fmt::format("search: query has {} floats, the space has dimension {}", query.size(), dim)));
  }
  if (!AllFinite(query)) return Fail(Status::InvalidArgument("search: non-finite query value"));
  auto where = index_internal::ChromaWhere(filter);
  if (!where.ok()) return Fail(where.status());
  StoreCounters::Add(counters_.searches);
  if (k == 0) return std::vector<SearchHit>{};
  std::string q;
  index_internal::AppendJsonFloats(q, query);
  json body = {{"query_embeddings", json::array({json::parse(q)})},
               {"n_results", k},
               {"include", {"metadatas", "documents", "distances"}}};
  if (!where->is_null()) body["where"] = *where;
  auto r = client_.Call("POST", CollectionPath(CollectionId(space)) + "/query", body);
  if (!r.ok()) return Fail(r.status());
  const json& b = *r;
  auto first = [&](const char* key) -> json {
    return b.is_object() && b.contains(key) && b[key].is_array() && !b[key].empty() ? b[key][0]
                                                                                    : json();
  };
  json distances = first("distances");
  auto hits = HitsFrom(first("ids"), first("metadatas"), first("documents"), &distances);
  if (!hits.ok()) return Fail(hits.status());
  // Chroma returns nearest first already; a stable sort guards ties and
  // float noise so callers can rely on the order.
  std::stable_sort(hits->begin(), hits->end(),
                   [](const SearchHit& a, const SearchHit& b) { return a.score > b.score; });
  return hits;
}

Result<std::vector<SearchHit>> ChromaVectorStore::LexicalSearch(const std::string&, size_t,
                                                                const WindowFilter&) {
  StoreCounters::Add(counters_.lexical_searches);
  return Status::InvalidArgument("lexical search not supported");
}

template <typename Fn>
Status ChromaVectorStore::ForEachPage(const json& where, const json& include, Fn&& fn) {
  const std::string path = CollectionPath(text_id_) + "/get";
  const size_t page = std::min(kPageSize, max_batch_);
  for (size_t offset = 0;; offset += page) {
    json body = {{"include", include}, {"limit", page}, {"offset", offset}};
    if (!where.is_null()) body["where"] = where;
    OHLCV_ASSIGN_OR_RETURN(json b, client_.Call("POST", path, body));
    if (!b.is_object() || !b.contains("ids") || !b["ids"].is_array()) {
      return Status::Corruption("chroma: get reply has no ids");
    }
    OHLCV_RETURN_IF_ERROR(fn(b));
    if (b["ids"].size() < page) return Status::Ok();
  }
}

Result<std::vector<SearchHit>> ChromaVectorStore::Find(const WindowFilter& filter, size_t limit) {
  auto where = index_internal::ChromaWhere(filter);
  if (!where.ok()) return Fail(where.status());
  if (limit == 0) return std::vector<SearchHit>{};
  std::vector<SearchHit> best;
  auto later = [](const SearchHit& a, const SearchHit& b) {
    return a.window.end_ts != b.window.end_ts ? a.window.end_ts > b.window.end_ts
                                              : a.window.id < b.window.id;
  };
  Status st = ForEachPage(*where, json{"metadatas", "documents"}, [&](const json& b) -> Status {
    OHLCV_ASSIGN_OR_RETURN(auto hits, HitsFrom(b["ids"], b.value("metadatas", json()),
                                               b.value("documents", json()), nullptr));
    std::move(hits.begin(), hits.end(), std::back_inserter(best));
    // Keep memory bounded by the limit, not by the number of matches.
    if (best.size() > 2 * limit + kPageSize) {
      std::nth_element(best.begin(), best.begin() + limit, best.end(), later);
      best.resize(limit);
    }
    return Status::Ok();
  });
  if (!st.ok()) return Fail(st);
  std::sort(best.begin(), best.end(), later);
  if (best.size() > limit) best.resize(limit);
  return best;
}

Result<std::vector<Window>> ChromaVectorStore::Get(std::span<const std::string> ids) {
  StoreCounters::Add(counters_.gets);
  std::unordered_map<std::string, Window> found;
  const size_t batch = std::min(kPageSize, max_batch_);
  for (size_t i = 0; i < ids.size(); i += batch) {
    auto part = ids.subspan(i, std::min(batch, ids.size() - i));
    json body = {{"ids", std::vector<std::string>(part.begin(), part.end())},
                 {"include", {"metadatas", "documents"}}};
    auto r = client_.Call("POST", CollectionPath(text_id_) + "/get", body);
    if (!r.ok()) return Fail(r.status());
    auto hits = HitsFrom(r->value("ids", json()), r->value("metadatas", json()),
                         r->value("documents", json()), nullptr);
    if (!hits.ok()) return Fail(hits.status());
    for (auto& h : *hits) {
      std::string id = h.window.id;
      found.emplace(std::move(id), std::move(h.window));
    }
  }
  // Chroma answers in storage order; callers get the order they asked for.
  std::vector<Window> out;
  out.reserve(found.size());
  for (const auto& id : ids) {
    auto it = found.find(id);
    if (it != found.end()) out.push_back(it->second);
  }
  return out;
}

Result<uint64_t> ChromaVectorStore::DeleteTicker(const std::string& ticker) {
  const json where = {{index_internal::kChromaTickerKey, {{"$eq", ticker}}}};
  std::vector<std::string> ids;
  Status st = ForEachPage(where, json::array(), [&](const json& b) -> Status {
    for (const auto& id : b["ids"]) ids.push_back(id.get<std::string>());
    return Status::Ok();
  });
  if (!st.ok()) return Fail(st);
  // Delete by the ids just listed, so the count is exactly what was removed
  // from the text collection; the shape collection is swept by ticker, which
  // also removes strays left by an Upsert that failed halfway.
  const size_t batch = std::max<size_t>(1, max_batch_);
  for (size_t i = 0; i < ids.size(); i += batch) {
    json body = {{"ids", std::vector<std::string>(ids.begin() + i,
                                                  ids.begin() + std::min(ids.size(), i + batch))}};
    auto r = client_.Call("POST", CollectionPath(text_id_) + "/delete", body);
    if (!r.ok()) return Fail(r.status());
  }
  if (!shape_id_.empty()) {
    auto r = client_.Call("POST", CollectionPath(shape_id_) + "/delete", json{{"where", where}});
    if (!r.ok()) return Fail(r.status());
  }
  return static_cast<uint64_t>(ids.size());
}

// Both collections by id; the count is of the ids the text collection held
// (a get first: Chroma's delete does not say what it removed).
Result<uint64_t> ChromaVectorStore::Delete(std::span<const std::string> ids) {
  uint64_t found = 0;
  const size_t batch = std::max<size_t>(1, max_batch_);
  for (size_t i = 0; i < ids.size(); i += batch) {
    json part = std::vector<std::string>(ids.begin() + static_cast<ptrdiff_t>(i),
                                         ids.begin() + static_cast<ptrdiff_t>(std::min(ids.size(), i + batch)));
    auto got = client_.Call("POST", CollectionPath(text_id_) + "/get",
                            json{{"ids", part}, {"include", json::array()}});
    if (!got.ok()) return Fail(got.status());
    if (got->contains("ids")) found += (*got)["ids"].size();
    for (const std::string* id : {&text_id_, &shape_id_}) {
      if (id->empty()) continue;
      auto r = client_.Call("POST", CollectionPath(*id) + "/delete", json{{"ids", part}});
      if (!r.ok()) return Fail(r.status());
    }
  }
  return found;
}

Result<uint64_t> ChromaVectorStore::Count() {
  auto r = client_.Call("GET", CollectionPath(text_id_) + "/count");
  if (!r.ok()) return Fail(r.status());
  if (!r->is_number_unsigned()) {
    return Fail(Status::Corruption("chroma: count reply is not a number: " + r->dump()));
  }
  return r->get<uint64_t>();
}

Status ChromaVectorStore::Health() {
  return client_.Heartbeat(
      std::min(kHealthTimeout, std::chrono::milliseconds(std::max(1, options_.timeout_ms))));
}

VectorStoreStats ChromaVectorStore::stats() const { return counters_.Snapshot(); }

}  // namespace

Result<std::unique_ptr<VectorStore>> OpenChromaVectorStore(
    const ChromaVectorStoreOptions& options) {
  auto store = std::make_unique<ChromaVectorStore>(options);
  OHLCV_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<VectorStore>(std::move(store));
}

}  // namespace ohlcv
