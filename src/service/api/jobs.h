// JobRegistry: background jobs (ingests and refreshes) behind POST
// /api/v1/ingest, GET /api/v1/jobs and GET /api/v1/jobs/{id}. One runner
// thread executes jobs in submission order, so at most one writer runs at a
// time; queries keep answering meanwhile.
// Finished jobs are kept (the newest max_kept) so clients can poll them.
//
// Where jobs are recorded is a JobStore: in memory for one process (the
// default), or PostgreSQL (pg_job_store.h) when replicas share a database, so
// a job started on one replica can be polled on any, and "one ingest at a
// time" holds across replicas: Submit of an exclusive job fails with the
// running job's id (the API answers 409) while another holds the slot.
//
// Thread-safety: safe for concurrent use. The job function runs on the
// runner thread and reports through JobProgress, which is safe to call from
// any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"

namespace ohlcv {

struct JobSnapshot {
  std::string id;
  std::string kind;                  // "ingest" | "refresh"
  std::string state = "queued";      // queued | running | succeeded | failed | cancelled
  size_t tickers_done = 0, tickers_total = 0;
  uint64_t bars = 0, windows = 0;
  std::vector<std::string> errors;   // per-unit errors and the final error
  double created_at = 0, started_at = 0, finished_at = 0;  // unix seconds; 0 = not yet
};

// Succeeded, failed or cancelled: no longer queued or running.
inline bool JobFinished(const JobSnapshot& j) {
  return j.state == "succeeded" || j.state == "failed" || j.state == "cancelled";
}

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

// Where job snapshots live, and the one exclusive-job slot.
class JobStore {
 public:
  virtual ~JobStore() = default;
  // Records the job's current state (insert or replace).
  virtual Status Put(const JobSnapshot& job) = 0;
  // nullopt when the store does not know the id.
  virtual Result<std::optional<JobSnapshot>> Get(const std::string& id) = 0;
  // The newest `limit` jobs (by created_at), newest first.
  virtual Result<std::vector<JobSnapshot>> List(size_t limit) = 0;
  // Takes the exclusive slot for `job_id`: "" when taken, else the id of the
  // job holding it (in memory: always "", the registry's queue serializes).
  virtual Result<std::string> TryBeginExclusive(const std::string& job_id) = 0;
  virtual void EndExclusive(const std::string& job_id) = 0;
  // Least time between two progress writes of one job (0: every update).
  virtual std::chrono::milliseconds progress_interval() const { return {}; }
};

// Keeps every unfinished job and the newest `max_kept` finished ones.
std::unique_ptr<JobStore> NewMemoryJobStore(size_t max_kept = 100);

class JobRegistry {
 public:
  // max_queued: jobs waiting (not running) beyond which Submit fails with
  // ResourceExhausted. max_kept: finished jobs remembered.
  explicit JobRegistry(size_t max_queued = 8, size_t max_kept = 100);
  ~JobRegistry();  // cancels, waits for the running job, drops queued ones

  // `exclusive`: the job needs the store's exclusive slot (ingests); when
  // another job holds it, fails with Unavailable and sets *running_job_id.
  Result<std::string> Submit(std::string kind, JobFn fn, bool exclusive = false,
                             std::string* running_job_id = nullptr);
  // An exclusive job that is never queued behind another writer: fails with
  // Unavailable and sets *running_job_id when an exclusive job of this
  // registry is queued or running, or the store's slot is taken (another
  // replica). What a scheduled refresh uses to skip its turn.
  Result<std::string> SubmitIfIdle(std::string kind, JobFn fn, std::string* running_job_id);
  std::optional<JobSnapshot> Get(const std::string& id) const;
  // The newest `limit` jobs, newest first: this registry's unfinished ones
  // (freshest progress) merged with the store's (every replica's, when shared).
  Result<std::vector<JobSnapshot>> List(size_t limit) const;
  // Replaces the memory store (call before submitting jobs).
  void SetStore(std::unique_ptr<JobStore> store);
  // Signals cancel and waits up to timeout for the running job to finish.
  bool Shutdown(std::chrono::milliseconds timeout);

 private:
  class Progress;
  void Run();
  Result<std::string> SubmitLocked(std::string kind, JobFn fn, bool exclusive, std::string* running_job_id);

  struct Queued {
    std::string id;
    JobFn fn;
    bool exclusive = false;
  };
  // Writes jobs_[id] to the store (mu_ held).
  void Persist(const std::string& id);

  const size_t max_queued_, max_kept_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unique_ptr<JobStore> store_;                    // guarded by mu_
  std::map<std::string, JobSnapshot> jobs_;            // this registry's unfinished jobs; guarded by mu_
  std::deque<Queued> queue_;                           // guarded by mu_
  bool running_job_ = false;                           // guarded by mu_
  std::string running_exclusive_;                      // id of the running exclusive job; guarded by mu_
  bool stop_ = false;                                  // guarded by mu_
  uint64_t next_id_ = 1;                               // guarded by mu_
  std::atomic<bool> cancel_{false};
  std::thread runner_;
};

}  // namespace ohlcv
