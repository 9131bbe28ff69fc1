#include "service/api/jobs.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>

namespace ohlcv {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void SortNewestFirst(std::vector<JobSnapshot>* jobs, size_t limit) {
  std::sort(jobs->begin(), jobs->end(), [](const JobSnapshot& a, const JobSnapshot& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
  });
  if (jobs->size() > limit) jobs->resize(limit);
}

class MemoryJobStore final : public JobStore {
 public:
  explicit MemoryJobStore(size_t max_kept) : max_kept_(max_kept) {}

  Status Put(const JobSnapshot& job) override {
    std::lock_guard lock(mu_);
    jobs_.insert_or_assign(job.id, job);
    if (JobFinished(job) && finished_.insert(job.id).second) {
      order_.push_back(job.id);
      while (order_.size() > max_kept_) {
        jobs_.erase(order_.front());
        finished_.erase(order_.front());
        order_.pop_front();
      }
    }
    return Status::Ok();
  }

  Result<std::optional<JobSnapshot>> Get(const std::string& id) override {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return std::optional<JobSnapshot>();
    return std::optional<JobSnapshot>(it->second);
  }

  Result<std::vector<JobSnapshot>> List(size_t limit) override {
    std::lock_guard lock(mu_);
    std::vector<JobSnapshot> out;
    for (const auto& [id, job] : jobs_) out.push_back(job);
    SortNewestFirst(&out, limit);
    return out;
  }

  Result<std::string> TryBeginExclusive(const std::string&) override { return std::string(); }
  void EndExclusive(const std::string&) override {}

 private:
  const size_t max_kept_;
  std::mutex mu_;
  std::map<std::string, JobSnapshot> jobs_;  // guarded by mu_
  std::set<std::string> finished_;           // guarded by mu_
  std::deque<std::string> order_;            // finished ids, oldest first; guarded by mu_
};

}  // namespace

std::unique_ptr<JobStore> NewMemoryJobStore(size_t max_kept) {
  return std::make_unique<MemoryJobStore>(max_kept);
}

class JobRegistry::Progress final : public JobProgress {
 public:
  Progress(JobRegistry& reg, std::string id) : reg_(reg), id_(std::move(id)) {}
  void Update(size_t done, size_t total, uint64_t bars, uint64_t windows) override {
    std::lock_guard lock(reg_.mu_);
    auto& j = reg_.jobs_[id_];
    j.tickers_done = done;
    j.tickers_total = total;
    j.bars = bars;
    j.windows = windows;
    // A shared store is written at most every progress_interval().
    auto now = std::chrono::steady_clock::now();
    if (now - last_write_ >= reg_.store_->progress_interval()) {
      reg_.Persist(id_);
      last_write_ = now;
    }
  }
  void AddError(std::string error) override {
    std::lock_guard lock(reg_.mu_);
    auto& errors = reg_.jobs_[id_].errors;
    if (errors.size() < 100) errors.push_back(std::move(error));
  }
  const std::atomic<bool>& cancel() const override { return reg_.cancel_; }

 private:
  JobRegistry& reg_;
  std::string id_;
  std::chrono::steady_clock::time_point last_write_{};  // used under reg_.mu_
};

JobRegistry::JobRegistry(size_t max_queued, size_t max_kept)
    : max_queued_(max_queued), max_kept_(max_kept), store_(NewMemoryJobStore(max_kept)),
      runner_([this] { Run(); }) {}

JobRegistry::~JobRegistry() { Shutdown(std::chrono::hours(1)); }

void JobRegistry::SetStore(std::unique_ptr<JobStore> store) {
  std::lock_guard lock(mu_);
  store_ = std::move(store);
}

void JobRegistry::Persist(const std::string& id) {
  // Best effort: a failed write of a snapshot leaves the previous one; the
  // job itself goes on (its final state is written again at the end).
  (void)store_->Put(jobs_[id]);
}

Result<std::string> JobRegistry::Submit(std::string kind, JobFn fn, bool exclusive,
                                        std::string* running_job_id) {
  std::lock_guard lock(mu_);
  return SubmitLocked(std::move(kind), std::move(fn), exclusive, running_job_id);
}

Result<std::string> JobRegistry::SubmitIfIdle(std::string kind, JobFn fn, std::string* running_job_id) {
  std::lock_guard lock(mu_);
  std::string busy = running_exclusive_;
  for (const auto& q : queue_) {
    if (busy.empty() && q.exclusive) busy = q.id;
  }
  if (!busy.empty()) {
    if (running_job_id) *running_job_id = busy;
    return Status::Unavailable("another ingest is running: " + busy);
  }
  return SubmitLocked(std::move(kind), std::move(fn), /*exclusive=*/true, running_job_id);
}

Result<std::vector<JobSnapshot>> JobRegistry::List(size_t limit) const {
  std::lock_guard lock(mu_);
  OHLCV_ASSIGN_OR_RETURN(std::vector<JobSnapshot> stored, store_->List(limit));
  std::map<std::string, JobSnapshot> merged;
  for (auto& j : stored) merged[j.id] = std::move(j);
  for (const auto& [id, j] : jobs_) merged[id] = j;  // ours and unfinished: the freshest copy
  std::vector<JobSnapshot> out;
  for (auto& [id, j] : merged) out.push_back(std::move(j));
  SortNewestFirst(&out, limit);
  return out;
}

Result<std::string> JobRegistry::SubmitLocked(std::string kind, JobFn fn, bool exclusive,
                                              std::string* running_job_id) {
  if (stop_) return Status::Unavailable("the server is shutting down");
  if (queue_.size() >= max_queued_) {
    return Status::ResourceExhausted(fmt::format("{} jobs already queued; try again later", queue_.size()));
  }
  // Ids are unguessable enough not to enumerate other clients' jobs, and
  // unique across replicas sharing a store.
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string id = fmt::format("job-{}-{:016x}", next_id_++, rng());
  if (exclusive) {
    OHLCV_ASSIGN_OR_RETURN(std::string holder, store_->TryBeginExclusive(id));
    if (!holder.empty()) {
      if (running_job_id) *running_job_id = holder;
      return Status::Unavailable("another ingest is running: " + holder);
    }
  }
  JobSnapshot s;
  s.id = id;
  s.kind = std::move(kind);
  s.created_at = Now();
  jobs_[id] = std::move(s);
  Persist(id);
  queue_.push_back(Queued{id, std::move(fn), exclusive});
  cv_.notify_all();
  return id;
}

std::optional<JobSnapshot> JobRegistry::Get(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it != jobs_.end()) return it->second;  // ours and unfinished: the freshest copy
  auto stored = store_->Get(id);
  if (!stored.ok()) return std::nullopt;
  return *stored;
}

bool JobRegistry::Shutdown(std::chrono::milliseconds timeout) {
  {
    std::unique_lock lock(mu_);
    stop_ = true;
    cancel_.store(true);
    for (auto& q : queue_) {
      jobs_[q.id].state = "cancelled";
      jobs_[q.id].finished_at = Now();
      Persist(q.id);
      if (q.exclusive) store_->EndExclusive(q.id);
      jobs_.erase(q.id);
    }
    queue_.clear();
    cv_.notify_all();
    if (!cv_.wait_for(lock, timeout, [this] { return !running_job_; })) return false;
  }
  if (runner_.joinable()) runner_.join();
  return true;
}

void JobRegistry::Run() {
  while (true) {
    Queued job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      running_job_ = true;
      if (job.exclusive) running_exclusive_ = job.id;
      jobs_[job.id].state = "running";
      jobs_[job.id].started_at = Now();
      Persist(job.id);
    }
    Progress progress(*this, job.id);
    Status st;
    try {
      st = job.fn(progress);
    } catch (const std::exception& e) {
      st = Status::Internal(std::string("job failed: ") + e.what());
    }
    std::lock_guard lock(mu_);
    auto& j = jobs_[job.id];
    j.state = st.ok() ? "succeeded" : (cancel_.load() ? "cancelled" : "failed");
    if (!st.ok()) j.errors.push_back(st.ToString());
    j.finished_at = Now();
    Persist(job.id);
    if (job.exclusive) store_->EndExclusive(job.id);
    jobs_.erase(job.id);  // the store keeps it from now on
    running_job_ = false;
    running_exclusive_.clear();
    cv_.notify_all();
  }
}

}  // namespace ohlcv
