#include "pipeline/ingest.h"

#include "retrieval/window_indexer.h"
#include "sources/bar_check.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

namespace ohlcv {
namespace {

// State shared by the workers of one run.
struct Run {
  Source& source;
  const FetchRequest& request;
  BarStore& store;
  const IngestOptions& options;
  const IngestProgressFn& progress;
  const WindowSinkFn& sink;
  std::vector<std::string> units;

  std::atomic<size_t> next{0};
  std::atomic<bool> abort{false};
  std::mutex mu{};      // guards stats, fatal, and serializes the progress callback
  std::mutex sink_mu{}; // serializes sink calls (sinks need not be thread-safe)
  IngestStats stats{};
  Status fatal{};       // first error that stops the run
};

bool Cancelled(const Run& run) {
  return run.abort.load() || (run.options.cancel && run.options.cancel->load());
}

void Fail(Run& run, Status status) {
  std::lock_guard lock(run.mu);
  if (run.fatal.ok()) run.fatal = std::move(status);
  run.abort = true;
}

// Fetch request for one unit: incremental sources start after the newest bar.
Result<FetchRequest> UnitRequest(Run& run, const std::string& unit) {
  FetchRequest req = run.request;
  if (run.options.incremental && run.source.incremental()) {
    OHLCV_ASSIGN_OR_RETURN(auto last, run.store.LastTimestamp(unit, req.interval));
    if (last && (!req.start || *req.start <= *last)) req.start = *last + 1;
  }
  return req;
}

// Upserts and analyses one series; analysis.windows then holds its windows.
// Returns the full stored series the windows were built from. Any error here
// is the store's and stops the run.
Result<const BarSeries*> StoreAndAnalyze(Run& run, const BarSeries& fetched,
                                         SeriesAnalysis& analysis, BarSeries& loaded,
                                         UpsertStats* upsert) {
  OHLCV_ASSIGN_OR_RETURN(auto prev_last, run.store.LastTimestamp(fetched.ticker, fetched.interval));
  if (!fetched.empty()) {
    OHLCV_ASSIGN_OR_RETURN(*upsert, run.store.Upsert(fetched));
  }
  // Windows need the whole history (indicator warm-up, stable window ids):
  // reuse the fetched series when the store held nothing before it.
  const BarSeries* full = &fetched;
  if (prev_last) {
    OHLCV_ASSIGN_OR_RETURN(loaded, run.store.Load(fetched.ticker, fetched.interval));
    full = &loaded;
  }
  std::string sector;
  if (run.options.sectors) sector = run.options.sectors->Lookup(full->ticker).value_or("");
  if (full->empty()) {
    analysis.windows.clear();
  } else {
    analysis.Analyze(*full, sector, run.options.analysis);
  }
  return full;
}

void Worker(Run& run) {
  SeriesAnalysis analysis;
  while (!Cancelled(run)) {
    size_t i = run.next.fetch_add(1);
    if (i >= run.units.size()) break;
    const std::string& unit = run.units[i];

    IngestStats delta;
    Status unit_status;
    auto req = UnitRequest(run, unit);
    Result<FetchResult> fetched = req.ok() ? run.source.Fetch(unit, *req) : req.status();
    if (!fetched.ok()) {
      if (run.request.strict && fetched.status().code() == StatusCode::kInvalidArgument) {
        Fail(run, fetched.status().WithContext(unit));
        break;
      }
      unit_status = fetched.status();
    } else {
      delta.rows_read = fetched->rows_read;
      for (const RowIssue& issue : fetched->issues) {
        bool kept = IsKeptNote(issue);
        delta.rows_noted += kept;
        delta.rows_skipped += !kept;
      }
      BarSeries loaded;
      for (const BarSeries& series : fetched->series) {
        UpsertStats up;
        auto full = StoreAndAnalyze(run, series, analysis, loaded, &up);
        if (!full.ok()) {
          Fail(run, full.status().WithContext(unit));
          return;
        }
        delta.tickers += 1;
        delta.bars_inserted += up.inserted;
        delta.bars_updated += up.updated;
        delta.bars_unchanged += up.unchanged;
        // An index failure fails the unit; the bars are stored either way.
        if (run.sink && !analysis.windows.empty()) {
          std::lock_guard sink_lock(run.sink_mu);
          unit_status = run.sink(**full, analysis.windows);
          if (!unit_status.ok()) {
            unit_status = unit_status.WithContext("indexing " + series.ticker);
            break;
          }
        }
        delta.windows += analysis.windows.size();
      }
    }

    std::lock_guard lock(run.mu);
    IngestStats& s = run.stats;
    s.units_done += 1;
    s.tickers += delta.tickers;
    s.rows_read += delta.rows_read;
    s.rows_skipped += delta.rows_skipped;
    s.rows_noted += delta.rows_noted;
    s.bars_inserted += delta.bars_inserted;
    s.bars_updated += delta.bars_updated;
    s.bars_unchanged += delta.bars_unchanged;
    s.windows += delta.windows;
    if (fetched.ok()) {
      for (const RowIssue& issue : fetched->issues) {
        if (s.issues.size() >= run.options.max_issues_kept) break;
        s.issues.push_back(issue);
      }
    }
    if (!unit_status.ok()) s.errors.push_back({unit, unit_status});
    if (run.progress) run.progress(s, unit);
  }
}

}  // namespace

Result<IngestStats> RunIngest(Source& source, const FetchRequest& request, BarStore& store,
                              const IngestOptions& options, const IngestProgressFn& progress,
                              const WindowSinkFn& sink) {
  auto started = std::chrono::steady_clock::now();
  OHLCV_ASSIGN_OR_RETURN(auto units, source.Plan(request));

  Run run{source, request, store, options, progress, sink, std::move(units)};
  run.stats.units_total = run.units.size();

  size_t threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  threads = std::clamp<size_t>(threads, 1, std::max<size_t>(1, run.units.size()));
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) pool.emplace_back([&run] { Worker(run); });
  Worker(run);
  for (auto& th : pool) th.join();

  if (!run.fatal.ok()) return run.fatal;
  run.stats.cancelled = options.cancel && options.cancel->load();
  run.stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return std::move(run.stats);
}

}  // namespace ohlcv

namespace ohlcv {

Result<IngestStats> IngestAndIndex(Source& source, const FetchRequest& request, BarStore& store,
                                   const IndexTarget& target, const IngestOptions& options,
                                   const IngestProgressFn& progress) {
  WindowIndexer indexer(target.vectors, target.embedder);
  // RunIngest calls the sink one call at a time, so `pending` needs no lock.
  std::vector<Window> pending;
  auto stats = RunIngest(source, request, store, options, progress,
                         [&](const BarSeries&, std::span<const Window> windows) {
                           pending.insert(pending.end(), windows.begin(), windows.end());
                           if (pending.size() < target.batch_windows) return Status::Ok();
                           Status st = indexer.Index(pending);
                           pending.clear();
                           return st;
                         });
  if (!stats.ok()) return stats;
  if (!pending.empty()) OHLCV_RETURN_IF_ERROR(indexer.Index(pending).WithContext("indexing the last windows"));
  return stats;
}

}  // namespace ohlcv
