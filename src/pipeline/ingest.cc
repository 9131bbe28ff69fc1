#include "pipeline/ingest.h"

#include "retrieval/window_indexer.h"
#include "sources/bar_check.h"
#include "windows/window_builder.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <charconv>
#include <chrono>
#include <mutex>
#include <optional>
#include <utility>
#include <thread>

namespace ohlcv {
namespace {

using StateChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Adapts a WindowSinkFn: every Add is durable when it returns.
class FnSink final : public WindowSink {
 public:
  explicit FnSink(const WindowSinkFn& fn) : fn_(fn) {}
  Status Add(const BarSeries& bars, std::span<const Window> windows) override {
    return fn_(bars, windows);
  }
  Status Flush() override { return Status::Ok(); }

 private:
  const WindowSinkFn& fn_;
};

// State shared by the workers of one run.
struct Run {
  Source& source;
  const FetchRequest& request;
  BarStore& store;
  const IngestOptions& options;
  const IngestProgressFn& progress;
  WindowSink* sink;
  std::vector<std::string> units;
  std::string signature;  // request + window options, stored with each fingerprint

  std::atomic<size_t> next{0};
  std::atomic<bool> abort{false};
  std::mutex mu{};      // guards stats, fatal, and serializes the progress callback
  std::mutex sink_mu{}; // serializes sink calls; guards `deferred`
  // State to record once the sink's windows are durable: each change with the
  // sink's added() count when it was deferred, in increasing order.
  std::vector<std::pair<uint64_t, StateChanges::value_type>> deferred{};
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

// What a fingerprint is only valid for: the same filter, interval, range and
// window slicing (other options would have produced other windows).
std::string RequestSignature(const FetchRequest& r, const AnalysisOptions& a) {
  std::string s = "i=" + std::string(IntervalName(r.interval));
  s += ";s=" + (r.start ? std::to_string(*r.start) : std::string());
  s += ";e=" + (r.end ? std::to_string(*r.end) : std::string());
  s += ";w=" + std::to_string(a.windows.length) + "/" + std::to_string(a.windows.stride);
  if (a.windows.intraday_hours > 0) s += "/" + std::to_string(a.windows.intraday_hours) + "h";
  if (!a.windows.daily_from_intraday) s += "/nodaily";
  s += ";t=";
  std::vector<std::string> tickers = r.tickers;
  std::sort(tickers.begin(), tickers.end());
  for (const auto& t : tickers) s += t + ",";
  return s;
}

std::string FingerprintKey(const Run& run, const std::string& unit) {
  return "source/" + std::string(run.source.name()) + "/" + unit;
}

std::string PendingKey(const std::string& ticker, Interval interval) {
  return TickerStateKey(ticker) + "pending/" + std::string(IntervalName(interval));
}

std::optional<int64_t> ParseTs(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Equal as stored: bit-identical, or both NaN (the store keeps NaN as NULL).
bool SameValue(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b) || (a != a && b != b);
}

bool SameBar(const BarSeries& x, size_t i, const BarSeries& y, size_t j) {
  return SameValue(x.open[i], y.open[j]) && SameValue(x.high[i], y.high[j]) &&
         SameValue(x.low[i], y.low[j]) && SameValue(x.close[i], y.close[j]) &&
         SameValue(x.volume[i], y.volume[j]) && SameValue(x.adj_close[i], y.adj_close[j]);
}

Bar BarAt(const BarSeries& s, size_t i) {
  return Bar{s.ts[i], s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i], s.adj_close[i]};
}

// Merges `fetched` into `stored`: *changed gets the fetched bars that are new
// or differ, *merged the series the store holds after upserting them.
void Diff(const BarSeries& stored, const BarSeries& fetched, BarSeries* changed, BarSeries* merged) {
  changed->ticker = merged->ticker = fetched.ticker;
  changed->interval = merged->interval = fetched.interval;
  size_t i = 0, j = 0;
  while (i < stored.size() || j < fetched.size()) {
    if (j == fetched.size() || (i < stored.size() && stored.ts[i] < fetched.ts[j])) {
      merged->push_back(BarAt(stored, i++));
    } else if (i == stored.size() || fetched.ts[j] < stored.ts[i]) {
      changed->push_back(BarAt(fetched, j));
      merged->push_back(BarAt(fetched, j++));
    } else {
      if (!SameBar(stored, i, fetched, j)) changed->push_back(BarAt(fetched, j));
      merged->push_back(BarAt(fetched, j));
      ++i, ++j;
    }
  }
}

// Fetch request for one unit: incremental sources start after the newest bar.
Result<FetchRequest> UnitRequest(Run& run, const std::string& unit) {
  FetchRequest req = run.request;
  // Files and the seeded generator are cheap to read again (files are
  // skipped by fingerprint); only remote APIs are asked for just the missing bars.
  if (run.options.incremental && run.source.incremental()) {
    OHLCV_ASSIGN_OR_RETURN(auto last, run.store.LastTimestamp(unit, req.interval));
    if (last && (!req.start || *req.start <= *last)) req.start = *last + 1;
  }
  return req;
}

// Writes the new and changed bars of one fetched series and builds the
// windows that changed into analysis.windows (empty when none). *pending_key
// is set when a pending mark exists for the series (to erase once its
// windows are durable). Any error is the store's and stops the run.
Status StoreAndAnalyze(Run& run, const BarSeries& fetched, SeriesAnalysis& analysis,
                       BarSeries& merged, UpsertStats* upsert, std::string* pending_key,
                       size_t* first_bar_out) {
  analysis.windows.clear();
  pending_key->clear();
  *first_bar_out = 0;
  BarSeries stored;
  auto loaded = run.store.Load(fetched.ticker, fetched.interval);
  if (loaded.ok()) {
    stored = std::move(*loaded);
  } else if (loaded.status().code() != StatusCode::kNotFound) {
    return loaded.status();
  }
  BarSeries changed;
  merged = BarSeries{};
  Diff(stored, fetched, &changed, &merged);
  if (!run.options.incremental) changed = fetched;  // everything rewritten and re-analysed

  const std::string key = PendingKey(merged.ticker, merged.interval);
  std::optional<int64_t> from;
  if (run.sink) {
    OHLCV_ASSIGN_OR_RETURN(auto mark, run.store.GetState(key));
    if (mark) from = ParseTs(*mark);
    if (mark && !from) from = INT64_MIN;  // unreadable mark: rebuild everything
  }
  if (!changed.empty()) {
    const int64_t first_changed = run.options.incremental ? changed.ts.front() : INT64_MIN;
    StateChanges before;
    if (!from || first_changed < *from) {
      from = first_changed;
      if (run.sink) before.emplace_back(key, std::to_string(*from));
    }
    // Whoever wrote the bars last says whether they are generated.
    before.emplace_back(SyntheticFlagKey(merged.ticker),
                        run.source.synthetic() ? std::optional<std::string>("1") : std::nullopt);
    OHLCV_RETURN_IF_ERROR(run.store.PutState(before));
    OHLCV_ASSIGN_OR_RETURN(*upsert, run.store.Upsert(changed));
  }
  upsert->unchanged = fetched.size() - changed.size();
  if (run.sink && from) *pending_key = key;
  if (!from || merged.empty()) return Status::Ok();

  std::string sector;
  if (run.options.sectors) sector = run.options.sectors->Lookup(merged.ticker).value_or("");
  const size_t first_bar = static_cast<size_t>(
      std::lower_bound(merged.ts.begin(), merged.ts.end(), *from) - merged.ts.begin());
  analysis.Analyze(merged, sector, run.options.analysis, first_bar);
  *first_bar_out = first_bar;
  return Status::Ok();
}

// Tells the sink which stored windows of `bars` survive a rebuild from
// `first_bar`: those a full build gives that end at or after bar
// first_bar - 1 (the rebuilt ones, plus an unchanged aligned window ending
// just before them). Any other stored window from there on was superseded.
Status SupersedeOld(Run& run, const BarSeries& bars, size_t first_bar) {
  const WindowOptions& opt = run.options.analysis.windows;
  const size_t from = first_bar == 0 ? 0 : first_bar - 1;
  const size_t span = std::min(opt.length, bars.size());
  std::vector<std::string> keep;
  for (size_t s : WindowStarts(bars.size(), opt)) {
    if (s + span - 1 >= from) {
      keep.push_back(WindowId(bars.ticker, bars.interval, bars.ts[s], bars.ts[s + span - 1]));
    }
  }
  const int64_t from_ts = first_bar == 0 ? INT64_MIN : bars.ts[from];
  return run.sink->Supersede(bars.ticker, bars.interval, from_ts, std::move(keep));
}

// Defers `change` until what the sink has taken so far is durable.
// Called under sink_mu.
void Defer(Run& run, std::string key, std::optional<std::string> value) {
  run.deferred.emplace_back(run.sink->added(), StateChanges::value_type(std::move(key), std::move(value)));
}

// Records the deferred changes whose windows the sink has made durable.
// Called under sink_mu.
Status CommitDeferred(Run& run) {
  if (run.deferred.empty() || !run.sink) return Status::Ok();
  const uint64_t durable = run.sink->durable();
  StateChanges ready;
  auto it = run.deferred.begin();
  for (; it != run.deferred.end() && it->first <= durable; ++it) ready.push_back(std::move(it->second));
  run.deferred.erase(run.deferred.begin(), it);
  if (ready.empty()) return Status::Ok();
  return run.store.PutState(ready);
}

void Worker(Run& run) {
  SeriesAnalysis analysis;
  while (!Cancelled(run)) {
    size_t i = run.next.fetch_add(1);
    if (i >= run.units.size()) break;
    const std::string& unit = run.units[i];

    IngestStats delta;
    Status unit_status;
    std::optional<std::string> fingerprint;
    if (run.options.incremental && run.sink) {
      auto fp = run.source.Fingerprint(unit);
      if (fp.ok() && *fp) {
        fingerprint = **fp + "|" + run.signature;
        auto recorded = run.store.GetState(FingerprintKey(run, unit));
        if (!recorded.ok()) {
          Fail(run, recorded.status().WithContext(unit));
          return;
        }
        if (*recorded == fingerprint) {
          std::lock_guard lock(run.mu);
          run.stats.units_done += 1;
          run.stats.units_skipped += 1;
          if (run.progress) run.progress(run.stats, unit);
          continue;
        }
      }
    }
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
      BarSeries merged;
      for (const BarSeries& series : fetched->series) {
        UpsertStats up;
        std::string pending_key;
        size_t first_bar = 0;
        Status st = StoreAndAnalyze(run, series, analysis, merged, &up, &pending_key, &first_bar);
        if (!st.ok()) {
          Fail(run, st.WithContext(unit));
          return;
        }
        delta.tickers += 1;
        delta.tickers_unchanged += (up.inserted + up.updated == 0 && pending_key.empty());
        delta.bars_inserted += up.inserted;
        delta.bars_updated += up.updated;
        delta.bars_unchanged += up.unchanged;
        if (!run.sink) {
          delta.windows += analysis.windows.size();
          continue;
        }
        // An index failure fails the unit; the bars are stored either way
        // and their pending mark stays for the next run.
        std::lock_guard sink_lock(run.sink_mu);
        if (!analysis.windows.empty()) {
          unit_status = run.sink->Add(merged, analysis.windows);
          if (unit_status.ok()) unit_status = SupersedeOld(run, merged, first_bar);
        }
        if (!unit_status.ok()) {
          run.deferred.clear();  // what the sink lost must be redone next run
          unit_status = unit_status.WithContext("indexing " + series.ticker);
          break;
        }
        if (!pending_key.empty()) Defer(run, pending_key, std::nullopt);
        delta.windows += analysis.windows.size();
      }
      if (run.sink && unit_status.ok()) {
        std::lock_guard sink_lock(run.sink_mu);
        if (fingerprint) Defer(run, FingerprintKey(run, unit), *fingerprint);
        Status st = CommitDeferred(run);
        if (!st.ok()) {
          Fail(run, st.WithContext(unit));
          return;
        }
      }
    }

    std::lock_guard lock(run.mu);
    IngestStats& s = run.stats;
    s.units_done += 1;
    s.AddCounts(delta);  // the unit's tickers, rows, bars and windows
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
                              WindowSink* sink) {
  auto started = std::chrono::steady_clock::now();
  OHLCV_ASSIGN_OR_RETURN(auto units, source.Plan(request));

  Run run{source, request, store, options, progress, sink, std::move(units),
          RequestSignature(request, options.analysis)};
  run.stats.units_total = run.units.size();

  size_t threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  threads = std::clamp<size_t>(threads, 1, std::max<size_t>(1, run.units.size()));
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) pool.emplace_back([&run] { Worker(run); });
  Worker(run);
  for (auto& th : pool) th.join();

  if (!run.fatal.ok()) return run.fatal;
  if (sink) {
    // The last partial batch; its marks are recorded only once it is durable.
    OHLCV_RETURN_IF_ERROR(sink->Flush().WithContext("indexing the last windows"));
    OHLCV_RETURN_IF_ERROR(CommitDeferred(run));
  }
  run.stats.cancelled = options.cancel && options.cancel->load();
  run.stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return std::move(run.stats);
}

Result<IngestStats> RunIngest(Source& source, const FetchRequest& request, BarStore& store,
                              const IngestOptions& options, const IngestProgressFn& progress,
                              const WindowSinkFn& sink) {
  if (!sink) return RunIngest(source, request, store, options, progress, nullptr);
  FnSink adapter(sink);
  return RunIngest(source, request, store, options, progress, &adapter);
}

namespace {

// Indexes windows in batches of target.batch_windows. With a store whose
// writes wait on servers (not embedded: the shared PostgreSQL + ChromaDB
// store), a full batch is written on a helper thread while the workers go on
// analysing the next one; a second full batch waits for the first. The
// durable() watermark passes a batch only once it has succeeded, so no
// series mark is recorded for windows that could still be lost (and the
// marks of a batch that succeeded are recorded without waiting for the
// end of the run); a batch's error is returned by the next Add or Flush.
class BatchIndexSink final : public WindowSink {
 public:
  explicit BatchIndexSink(const IndexTarget& target)
      : target_(target),
        indexer_(target.vectors, target.embedder),
        background_(!target.vectors.capabilities().embedded) {}
  ~BatchIndexSink() override { (void)Wait(); }
  Status Add(const BarSeries&, std::span<const Window> windows) override {
    pending_.insert(pending_.end(), windows.begin(), windows.end());
    added_ += windows.size();
    if (pending_.size() < target_.batch_windows) return Status::Ok();
    if (!background_) return Flush();
    Status previous = Wait();
    if (!previous.ok()) {
      pending_.clear();  // lost with the failed batch: the next run redoes them
      superseded_.clear();
      return previous;
    }
    in_flight_ = {std::move(pending_), std::move(superseded_)};
    pending_.clear();
    superseded_.clear();
    in_flight_through_ = added_;
    in_flight_done_ = false;
    job_ = std::thread([this] {
      job_status_ = Write(in_flight_);
      in_flight_done_ = job_status_.ok();
    });
    return Status::Ok();
  }
  Status Flush() override {
    Status previous = Wait();
    Batch batch{std::move(pending_), std::move(superseded_)};
    pending_.clear();
    superseded_.clear();
    // On failure too: the pending marks make the next run redo them.
    Status st = Write(batch);
    if (previous.ok() && st.ok()) durable_ = added_;
    return previous.ok() ? st : previous;
  }
  uint64_t added() const override { return added_; }
  uint64_t durable() const override {
    return job_.joinable() && in_flight_done_ ? in_flight_through_ : durable_;
  }
  // Lists the stored windows from from_end_ts on now (before this batch is
  // written: the ids in `keep` are excluded anyway); deletes them at Flush,
  // after the new windows are written.
  Status Supersede(const std::string& ticker, Interval interval, int64_t from_end_ts,
                   std::vector<std::string> keep) override {
    WindowFilter filter;
    filter.tickers = {ticker};
    filter.interval = interval;
    if (from_end_ts != INT64_MIN) filter.start_ts = from_end_ts;  // end_ts >= from_end_ts
    filter.exclude_ids = std::move(keep);
    OHLCV_ASSIGN_OR_RETURN(auto stale, target_.vectors.Find(filter, kMaxSuperseded));
    for (auto& hit : stale) superseded_.push_back(std::move(hit.window.id));
    added_ += stale.size();
    return Status::Ok();
  }

 private:
  struct Batch {
    std::vector<Window> windows;
    std::vector<std::string> superseded;  // deleted after `windows` are written
  };
  Status Write(const Batch& b) {
    Status st = indexer_.Index(b.windows);
    if (st.ok() && !b.superseded.empty()) st = target_.vectors.Delete(b.superseded).status();
    return st;
  }
  // Waits for the batch in flight; returns its status (OK when none).
  Status Wait() {
    if (!job_.joinable()) return Status::Ok();
    job_.join();
    in_flight_ = {};
    if (job_status_.ok()) durable_ = in_flight_through_;
    in_flight_done_ = true;
    return std::exchange(job_status_, Status::Ok());
  }

  // More than a ticker's whole history of windows: Find's limit, not a bound
  // that is ever reached.
  static constexpr size_t kMaxSuperseded = size_t{1} << 24;
  const IndexTarget& target_;
  WindowIndexer indexer_;
  const bool background_;
  std::vector<Window> pending_;
  std::vector<std::string> superseded_;
  // Watermarks (added(), durable()); the sink's calls are serialized.
  uint64_t added_ = 0;
  uint64_t durable_ = 0;
  // The batch being written by job_ (read by it; reset by Wait after the join)
  // and added_ when it went out.
  Batch in_flight_;
  uint64_t in_flight_through_ = 0;
  std::atomic<bool> in_flight_done_{true};  // set by job_ once it succeeded
  Status job_status_;                       // written by job_, read after the join
  std::thread job_;
};

// Opens the index on the first window, then behaves as BatchIndexSink.
class LazyIndexSink final : public WindowSink {
 public:
  explicit LazyIndexSink(const OpenIndexTargetFn& open) : open_(open) {}
  Status Add(const BarSeries& bars, std::span<const Window> windows) override {
    OHLCV_RETURN_IF_ERROR(Open());
    return sink_->Add(bars, windows);
  }
  Status Flush() override { return sink_ ? sink_->Flush() : Status::Ok(); }
  uint64_t added() const override { return sink_ ? sink_->added() : 0; }
  uint64_t durable() const override { return sink_ ? sink_->durable() : 0; }
  Status Supersede(const std::string& ticker, Interval interval, int64_t from_end_ts,
                   std::vector<std::string> keep) override {
    OHLCV_RETURN_IF_ERROR(Open());
    return sink_->Supersede(ticker, interval, from_end_ts, std::move(keep));
  }

 private:
  Status Open() {
    if (sink_) return Status::Ok();
    auto target = open_();
    if (!target.ok()) return target.status().WithContext("opening the index");
    target_.emplace(std::move(*target));
    sink_.emplace(*target_);
    return Status::Ok();
  }
  const OpenIndexTargetFn& open_;
  std::optional<IndexTarget> target_;
  std::optional<BatchIndexSink> sink_;
};

}  // namespace

Result<IngestStats> IngestAndIndex(Source& source, const FetchRequest& request, BarStore& store,
                                   const IndexTarget& target, const IngestOptions& options,
                                   const IngestProgressFn& progress) {
  BatchIndexSink sink(target);
  return RunIngest(source, request, store, options, progress, &sink);
}

Result<IngestStats> IngestAndIndex(Source& source, const FetchRequest& request, BarStore& store,
                                   const OpenIndexTargetFn& open_target, const IngestOptions& options,
                                   const IngestProgressFn& progress) {
  LazyIndexSink sink(open_target);
  return RunIngest(source, request, store, options, progress, &sink);
}

}  // namespace ohlcv
