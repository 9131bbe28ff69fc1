// Refresh of the stored tickers (issue 16): the "refresh" job behind
// POST /api/v1/ingest {"refresh": true}, and RefreshScheduler, which submits
// it every OHLCV_REFRESH_INTERVAL_SECONDS in `serve`.
//
// The job runs KnowledgeBase::Refresh (the incremental ingest of the stored
// market-data tickers) in the JobRegistry's exclusive slot, and is never
// queued behind another writer: while an ingest runs here or on another
// replica (the PostgreSQL job store's lock) the submit fails with that job's
// id. Provider errors are retried per request by HttpClient (429 and 5xx,
// exponential backoff with jitter, Retry-After honoured up to its cap);
// tickers still failing after that are the job's errors.
//
// Scheduler: the first turn is one interval after Start (not at startup),
// each next one an interval later (+-5% jitter, so replicas drift apart). A
// turn is skipped, and logged, when the service is not started or is
// draining, when the last refresh recorded in the bar store (shared by
// replicas on one database) started less than 80% of an interval ago, or
// when another ingest holds the slot. After a failed refresh the next
// attempt comes after a backoff that doubles per consecutive failure, from
// interval/32 (at least 1 s) up to the interval. Every turn is counted in
// ohlcv_refresh_runs_total{outcome}.
//
// Thread-safety: RefreshScheduler is safe for concurrent use; its thread is
// joined by Stop() (also run by the destructor). Ownership: the Service is
// borrowed and outlives the scheduler (the Service owns it).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/status.h"
#include "pipeline/ingest.h"
#include "service/api/jobs.h"
#include "sources/source_factory.h"

namespace ohlcv {

class Service;

// OK when `source` can be refreshed from with `config`; InvalidArgument
// naming the setting to fix otherwise (callers say which refresh): an unknown or synthetic source, csv
// without a csv_path, a provider without its API key.
Status CheckRefreshSource(std::string_view source, const SourceConfig& config);

// How a refresh job ended: "succeeded", "partial" (some tickers failed),
// "failed" or "cancelled".
using RefreshDoneFn = std::function<void(std::string_view outcome)>;

// The progress callback and the end of every ingest job (ingest and
// refresh): final progress, the units' errors, ohlcv_ingest_bars_total;
// Unavailable when the run was cancelled (the job is then "cancelled"),
// InvalidArgument when every unit failed.
IngestProgressFn IngestJobProgress(JobProgress& progress);
Status FinishIngestJob(Service& service, JobProgress& progress, const IngestStats& stats);

// Submits a refresh job from `source` (a name; the service's SourceConfig).
// InvalidArgument for a source that cannot be refreshed from; Unavailable
// with *running_job_id set while another ingest holds the slot. `on_done`
// (may be empty) is called on the job's thread as it ends.
Result<std::string> SubmitRefreshJob(Service& service, const std::string& source, std::string* running_job_id,
                                     RefreshDoneFn on_done = {});

// What /api/v1/status shows of the schedule.
struct RefreshScheduleState {
  bool enabled = false;
  double interval_seconds = 0;
  std::string source;
  double next_run_at = 0;         // unix seconds; 0 = none planned
  std::string last_job_id;        // the scheduler's last submitted job; "" = none yet
  std::string last_outcome;       // succeeded | partial | failed | cancelled | skipped | ""
  int consecutive_failures = 0;
};

class RefreshScheduler {
 public:
  // REQUIRES: interval > 0; CheckRefreshSource(source, ...) passed.
  RefreshScheduler(Service& service, std::chrono::milliseconds interval, std::string source);
  ~RefreshScheduler();

  void Start();
  // Wakes and joins the thread; a turn in progress finishes its submit (the
  // job itself is cancelled by JobRegistry::Shutdown). Idempotent.
  void Stop();
  RefreshScheduleState state() const;

 private:
  using Clock = std::chrono::steady_clock;
  void Loop();
  // One turn; returns the delay until the next one.
  Clock::duration Turn();
  // The end of a refresh job (its thread) or a submit that failed.
  void OnDone(std::string_view outcome);
  Clock::duration Jittered(Clock::duration d) const;
  void SetNext(Clock::time_point at);  // mu_ held

  Service& service_;
  const std::chrono::milliseconds interval_;
  const std::string source_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                 // guarded by mu_
  Clock::time_point next_{};          // guarded by mu_
  double next_run_at_ = 0;            // guarded by mu_
  std::string last_job_id_;           // guarded by mu_
  std::string last_outcome_;          // guarded by mu_
  int failures_ = 0;                  // consecutive failed refreshes; guarded by mu_
  std::thread thread_;
};

}  // namespace ohlcv
