// JobRegistry: background jobs (ingests) behind POST /api/v1/ingest and
// GET /api/v1/jobs/{id}. One runner thread executes jobs in submission order,
// so at most one writer runs at a time; queries keep answering meanwhile.
// Finished jobs are kept (the newest max_kept) so clients can poll them.
//
// Thread-safety: safe for concurrent use. The job function runs on the
// runner thread and reports through JobProgress, which is safe to call from
// any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"

namespace ohlcv {

struct JobSnapshot {
  std::string id;
  std::string kind;                  // "ingest"
  std::string state = "queued";      // queued | running | succeeded | failed | cancelled
  size_t tickers_done = 0, tickers_total = 0;
  uint64_t bars = 0, windows = 0;
  std::vector<std::string> errors;   // per-unit errors and the final error
  double created_at = 0, started_at = 0, finished_at = 0;  // unix seconds; 0 = not yet
};

// Handed to a running job to publish its progress.
class JobProgress {
 public:
  virtual ~JobProgress() = default;
  virtual void Update(size_t done, size_t total, uint64_t bars, uint64_t windows) = 0;
  virtual void AddError(std::string error) = 0;
  // Set when the registry shuts down; long jobs should stop early.
  virtual const std::atomic<bool>& cancel() const = 0;
};

using JobFn = std::function<Status(JobProgress& progress)>;

class JobRegistry {
 public:
  // max_queued: jobs waiting (not running) beyond which Submit fails with
  // ResourceExhausted. max_kept: finished jobs remembered.
  explicit JobRegistry(size_t max_queued = 8, size_t max_kept = 100);
  ~JobRegistry();  // cancels, waits for the running job, drops queued ones

  Result<std::string> Submit(std::string kind, JobFn fn);
  std::optional<JobSnapshot> Get(const std::string& id) const;
  // Signals cancel and waits up to timeout for the running job to finish.
  bool Shutdown(std::chrono::milliseconds timeout);

 private:
  class Progress;
  void Run();

  const size_t max_queued_, max_kept_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, JobSnapshot> jobs_;            // guarded by mu_
  std::deque<std::pair<std::string, JobFn>> queue_;    // guarded by mu_
  std::deque<std::string> finished_order_;             // guarded by mu_
  bool running_job_ = false;                           // guarded by mu_
  bool stop_ = false;                                  // guarded by mu_
  uint64_t next_id_ = 1;                               // guarded by mu_
  std::atomic<bool> cancel_{false};
  std::thread runner_;
};

}  // namespace ohlcv
