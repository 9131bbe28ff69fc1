// Ingest: source → bar store → indicators → patterns → windows → index.
//
// IngestAndIndex is the whole ingest the knowledge base runs: RunIngest with
// the retrieval index as its window sink, batched. RunIngest plans the source's units (files or tickers), fetches them on a
// small pool of threads, upserts each series into the bar store (one
// transaction per ticker), analyses the full stored series and hands its
// windows to an optional sink (the retrieval index). A unit that fails is
// recorded in the stats and the others go on; only a failure of the store
// itself, or any bad row under `strict`, stops the run.
//
// Incremental (IngestOptions::incremental, the default):
//  - Fetch: remote sources (Yahoo, Alpha Vantage, Polygon) are asked only for
//    bars after the newest stored one. A unit with a Source::Fingerprint
//    (CSV files) whose token equals the one recorded after its last complete
//    ingest (state key "source/<source>/<unit>", together with the request
//    and window options) is skipped without being read.
//  - Write: fetched bars are compared with the stored ones in memory; only
//    new or changed bars are upserted.
//  - Analyse: indicators, patterns and trend states are computed over the
//    whole stored history (EMA/Wilder recursions depend on every earlier bar,
//    so a truncated warm-up could not give identical values); windows are
//    built, and handed to the sink, only for those ending at or after the
//    first new or changed bar (BuildWindowsFrom). Unchanged series are not
//    analysed at all.
//  - Crash safety: before a series' bars are upserted, the state record
//    "ticker/<T>/pending/<interval>" = first changed ts is written; it is
//    erased, and the unit's fingerprint recorded, only once the sink has made
//    the windows durable: when the sink's durable() watermark has passed
//    its added() count at the time the unit's windows were handed over (a
//    batch written in the background advances it when it succeeds, so marks
//    are recorded batch by batch, not only at the end of the run). A run
//    killed in between leaves the mark, and the next run rebuilds those
//    windows even though the bars are already stored.
//  - Superseded windows: the trailing window of a series (ending at its last
//    bar) gets a new id when bars are appended; the old one is deleted from
//    the index in the same durable step as the new windows are written
//    (WindowSink::Supersede), so the stored windows after any number of
//    updates are those of a fresh full ingest. A crash in between leaves the
//    pending mark, and the rebuild finds and deletes them again.
//
// Thread-safety: RunIngest is reentrant; the callbacks are called from worker
// threads, one call at a time (serialized by the pipeline).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "embed/embedder.h"
#include "index/vector_store.h"
#include "core/window.h"
#include "windows/series_analysis.h"
#include "sources/source.h"
#include "store/bar_store.h"
#include "util/sector_map.h"

namespace ohlcv {

struct IngestOptions {
  AnalysisOptions analysis;
  // Worker threads fetching and analysing units. 0 = hardware concurrency.
  size_t threads = 0;
  // Fetch only bars newer than the newest stored one (remote sources).
  bool incremental = true;
  // Ticker -> sector for window metadata; may be null (no sectors).
  const SectorMap* sectors = nullptr;
  // How many RowIssues to keep verbatim in the stats (all are counted).
  size_t max_issues_kept = 50;
  // Set to true from another thread to stop after the units in flight.
  const std::atomic<bool>* cancel = nullptr;
};

struct UnitError {
  std::string unit;
  Status status;
};

struct IngestStats {
  size_t units_total = 0;
  size_t units_done = 0;
  size_t units_skipped = 0;      // unchanged per their fingerprint (counted in units_done)
  size_t tickers_unchanged = 0;  // series fetched with no new or changed bar
  size_t tickers = 0;            // series ingested
  uint64_t rows_read = 0;
  uint64_t bars_inserted = 0;
  uint64_t bars_updated = 0;
  uint64_t bars_unchanged = 0;
  uint64_t rows_skipped = 0;     // bad rows skipped (each also a RowIssue)
  uint64_t rows_noted = 0;       // rows kept with a note (a RowIssue, see bar_check.h)
  uint64_t windows = 0;
  std::vector<RowIssue> issues;  // the first max_issues_kept
  std::vector<UnitError> errors; // failed units
  double seconds = 0;
  bool cancelled = false;

  // Every planned unit failed: nothing was ingested.
  bool AllUnitsFailed() const { return units_total > 0 && errors.size() >= units_total; }

  // Adds the counters of `other` (units, tickers, rows, bars, windows and
  // seconds); issues, errors and `cancelled` are the caller's to merge.
  void AddCounts(const IngestStats& other) {
    units_total += other.units_total;
    units_done += other.units_done;
    units_skipped += other.units_skipped;
    tickers_unchanged += other.tickers_unchanged;
    tickers += other.tickers;
    rows_read += other.rows_read;
    bars_inserted += other.bars_inserted;
    bars_updated += other.bars_updated;
    bars_unchanged += other.bars_unchanged;
    rows_skipped += other.rows_skipped;
    rows_noted += other.rows_noted;
    windows += other.windows;
    seconds += other.seconds;
  }
};

// Called after each unit with the stats so far and the unit just finished.
using IngestProgressFn = std::function<void(const IngestStats& so_far, const std::string& unit)>;
// Receives the windows of one ingested series (already analysed); an error
// fails the unit. The windows are taken as durable when the call returns.
using WindowSinkFn = std::function<Status(const BarSeries& bars, std::span<const Window> windows)>;

// A sink that may buffer: what IngestAndIndex uses to index in batches.
// Called one call at a time (serialized by the pipeline).
class WindowSink {
 public:
  virtual ~WindowSink() = default;
  // Takes the windows of one analysed series (the new or changed ones); may
  // buffer them. An error fails the unit, and loses what was buffered.
  virtual Status Add(const BarSeries& bars, std::span<const Window> windows) = 0;
  // Makes every window added so far durable.
  virtual Status Flush() = 0;
  // Monotonic counts for recording marks batch by batch: how many windows
  // (and superseded ids) Add and Supersede have taken, and how many of the
  // first of them are durable (== added() right after a successful Flush).
  // Defaults: a sink that makes windows durable within Add.
  virtual uint64_t added() const { return 0; }
  virtual uint64_t durable() const { return added(); }
  // Called after Add for the same series: once what was added is durable, the
  // series' stored windows that end at or after `from_end_ts` must be exactly
  // `keep` (ids; the windows just added plus, at most, one unchanged aligned
  // window ending at from_end_ts). Any other is superseded (an earlier
  // trailing window, replaced by one ending at the new last bar) and is
  // deleted no later than the next Flush. Default: a sink that stores no
  // windows deletes nothing.
  virtual Status Supersede(const std::string& ticker, Interval interval, int64_t from_end_ts,
                           std::vector<std::string> keep) {
    (void)ticker, (void)interval, (void)from_end_ts, (void)keep;
    return Status::Ok();
  }
};

// Runs an ingest. Returns the stats; a non-OK Result only when the run could
// not proceed (planning failed, the store failed, or strict and a bad row).
// Without a sink nothing is recorded for later incremental runs (no
// fingerprints, no pending marks), so a later run with a sink reads and
// indexes everything it has not indexed.
Result<IngestStats> RunIngest(Source& source, const FetchRequest& request, BarStore& store,
                              const IngestOptions& options, const IngestProgressFn& progress = {},
                              const WindowSinkFn& sink = {});
Result<IngestStats> RunIngest(Source& source, const FetchRequest& request, BarStore& store,
                              const IngestOptions& options, const IngestProgressFn& progress,
                              WindowSink* sink);

// Where IngestAndIndex puts the windows: embedded by `embedder`, upserted
// into `vectors` in batches of `batch_windows` (one call per ticker costs
// about 3x more: embedding and store transactions amortise over a batch).
// A store that is not embedded (VectorStoreCapabilities::embedded false: the
// shared PostgreSQL + ChromaDB store) is written one batch at a time on a
// helper thread while the workers analyse the next series; a batch counts as
// durable (WindowSink::durable) only once its write succeeded.
struct IndexTarget {
  VectorStore& vectors;
  Embedder& embedder;
  size_t batch_windows = 16384;
};

// RunIngest, then every window indexed into `target`. The windows of the last
// partial batch are indexed after the run; a failure there is returned with
// the context "indexing the last windows".
Result<IngestStats> IngestAndIndex(Source& source, const FetchRequest& request, BarStore& store,
                                   const IndexTarget& target, const IngestOptions& options,
                                   const IngestProgressFn& progress = {});

// The same, with the index opened only when the first window needs indexing
// (`open_target` is called at most once, under the pipeline's sink lock), so
// a run with nothing new never loads word vectors or index files. An error
// from `open_target` fails the run like an index failure.
using OpenIndexTargetFn = std::function<Result<IndexTarget>()>;
Result<IngestStats> IngestAndIndex(Source& source, const FetchRequest& request, BarStore& store,
                                   const OpenIndexTargetFn& open_target, const IngestOptions& options,
                                   const IngestProgressFn& progress = {});

}  // namespace ohlcv
