#include "retrieval/window_indexer.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>

namespace ohlcv {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

size_t ResolveThreads(size_t configured) {
  if (configured > 0) return configured;
  const size_t hw = std::thread::hardware_concurrency();
  return std::clamp<size_t>(hw, 1, 8);
}

}  // namespace

WindowIndexer::WindowIndexer(VectorStore& store, Embedder& embedder, WindowIndexerOptions options)
    : store_(store), embedder_(embedder), options_(options) {}

WindowIndexerStats WindowIndexer::stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

Status WindowIndexer::Index(std::span<const Window> windows) {
  std::lock_guard lock(index_mu_);
  {
    std::lock_guard s(stats_mu_);
    ++stats_.calls;
  }
  if (windows.empty()) return Status::Ok();
  const size_t batch = std::max<size_t>(1, options_.batch_size);
  auto slice = [&](size_t b) {
    const size_t begin = b * batch;
    return windows.subspan(begin, std::min(batch, windows.size() - begin));
  };
  const size_t n_batches = (windows.size() + batch - 1) / batch;
  // Pipelined: while batch b is upserted on this thread, one helper embeds
  // batch b + 1, so embedding costs wall time only for the first batch.
  Status st = EmbedBatch(slice(0), /*parallel=*/true, &texts_, &vectors_);
  std::vector<std::string> next_texts;
  std::vector<float> next_vectors;
  for (size_t b = 0; st.ok() && b < n_batches; ++b) {
    Status next_st;
    std::thread helper;
    if (b + 1 < n_batches) {
      helper = std::thread([&, b] { next_st = EmbedBatch(slice(b + 1), false, &next_texts, &next_vectors); });
    }
    st = UpsertBatch(slice(b), vectors_);
    if (helper.joinable()) helper.join();
    if (st.ok()) st = next_st;
    std::swap(texts_, next_texts);
    std::swap(vectors_, next_vectors);
  }
  // Index() returns once every batch is in the store: the last upload too.
  if (Status synced = store_.Sync(); st.ok()) st = synced;
  if (!st.ok()) {
    std::lock_guard s(stats_mu_);
    ++stats_.failed_batches;
  }
  return st;
}

Status WindowIndexer::EmbedBatch(std::span<const Window> batch, bool parallel,
                                 std::vector<std::string>* texts, std::vector<float>* vectors) {
  const size_t dim = store_.embedder().dimension;
  texts->clear();
  texts->reserve(batch.size());
  // An empty summary still gets the embedder's defined fallback vector, so
  // every window is searchable by shape and by filters.
  for (const Window& w : batch) texts->push_back(w.summary);
  auto t0 = std::chrono::steady_clock::now();
  Status st = parallel ? EmbedParallel(*texts, vectors) : embedder_.Embed(*texts, vectors);
  {
    std::lock_guard s(stats_mu_);
    stats_.embed_seconds += SecondsSince(t0);
  }
  if (!st.ok()) return st.WithContext("embedding window summaries");
  if (vectors->size() != batch.size() * dim) {
    return Status::InvalidArgument(fmt::format(
        "embedder '{}' produced {} floats for {} windows; the store expects dimension {} ('{}')",
        embedder_.name(), vectors->size(), batch.size(), dim, store_.embedder().name));
  }
  return Status::Ok();
}

Status WindowIndexer::UpsertBatch(std::span<const Window> batch, std::span<const float> vectors) {
  auto t0 = std::chrono::steady_clock::now();
  Status st = store_.UpsertDeferred(batch, vectors);
  std::lock_guard s(stats_mu_);
  stats_.upsert_seconds += SecondsSince(t0);
  if (!st.ok()) return st;
  stats_.windows += batch.size();
  ++stats_.batches;
  return Status::Ok();
}

Status WindowIndexer::EmbedParallel(std::span<const std::string> texts, std::vector<float>* out) {
  const size_t threads =
      std::min(ResolveThreads(options_.embed_threads), std::max<size_t>(1, texts.size() / kMinSliceTexts));
  if (threads <= 1) return embedder_.Embed(texts, out);

  // Slice i is embedded into its own buffer, then copied in order: Embed()
  // resizes its output, so slices cannot share one vector.
  const size_t per = (texts.size() + threads - 1) / threads;
  std::vector<std::vector<float>> parts(threads);
  std::vector<Status> status(threads);
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  auto run = [&](size_t i) {
    const size_t b = i * per;
    const size_t e = std::min(texts.size(), b + per);
    if (b < e) status[i] = embedder_.Embed(texts.subspan(b, e - b), &parts[i]);
  };
  for (size_t i = 1; i < threads; ++i) helpers.emplace_back(run, i);
  run(0);
  for (auto& t : helpers) t.join();

  for (const Status& st : status) OHLCV_RETURN_IF_ERROR(st);
  size_t total = 0;
  for (const auto& p : parts) total += p.size();
  out->clear();
  out->reserve(total);
  for (const auto& p : parts) out->insert(out->end(), p.begin(), p.end());
  return Status::Ok();
}

}  // namespace ohlcv
