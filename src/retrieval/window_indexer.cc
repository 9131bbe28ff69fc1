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
  const size_t batch = std::max<size_t>(1, options_.batch_size);
  for (size_t begin = 0; begin < windows.size(); begin += batch) {
    const size_t n = std::min(batch, windows.size() - begin);
    Status st = IndexBatch(windows.subspan(begin, n));
    if (!st.ok()) {
      std::lock_guard s(stats_mu_);
      ++stats_.failed_batches;
      return st;
    }
  }
  return Status::Ok();
}

Status WindowIndexer::IndexBatch(std::span<const Window> batch) {
  const size_t dim = store_.embedder().dimension;
  texts_.clear();
  texts_.reserve(batch.size());
  // An empty summary still gets the embedder's defined fallback vector, so
  // every window is searchable by shape and by filters.
  for (const Window& w : batch) texts_.push_back(w.summary);

  auto t0 = std::chrono::steady_clock::now();
  Status st = EmbedParallel(texts_, &vectors_);
  const double embed_s = SecondsSince(t0);
  if (!st.ok()) return st.WithContext("embedding window summaries");
  if (vectors_.size() != batch.size() * dim) {
    return Status::InvalidArgument(fmt::format(
        "embedder '{}' produced {} floats for {} windows; the store expects dimension {} ('{}')",
        embedder_.name(), vectors_.size(), batch.size(), dim, store_.embedder().name));
  }

  t0 = std::chrono::steady_clock::now();
  st = store_.Upsert(batch, vectors_);
  const double upsert_s = SecondsSince(t0);

  std::lock_guard s(stats_mu_);
  stats_.embed_seconds += embed_s;
  stats_.upsert_seconds += upsert_s;
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
