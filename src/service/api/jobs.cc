#include "service/api/jobs.h"

#include <fmt/format.h>

#include <chrono>
#include <random>

namespace ohlcv {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

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
};

JobRegistry::JobRegistry(size_t max_queued, size_t max_kept)
    : max_queued_(max_queued), max_kept_(max_kept), runner_([this] { Run(); }) {}

JobRegistry::~JobRegistry() { Shutdown(std::chrono::hours(1)); }

Result<std::string> JobRegistry::Submit(std::string kind, JobFn fn) {
  std::lock_guard lock(mu_);
  if (stop_) return Status::Unavailable("the server is shutting down");
  if (queue_.size() >= max_queued_) {
    return Status::ResourceExhausted(fmt::format("{} jobs already queued; try again later", queue_.size()));
  }
  // Ids are unguessable enough not to enumerate other clients' jobs.
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string id = fmt::format("job-{}-{:08x}", next_id_++, static_cast<uint32_t>(rng()));
  JobSnapshot s;
  s.id = id;
  s.kind = std::move(kind);
  s.created_at = Now();
  jobs_[id] = std::move(s);
  queue_.emplace_back(id, std::move(fn));
  cv_.notify_all();
  return id;
}

std::optional<JobSnapshot> JobRegistry::Get(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

bool JobRegistry::Shutdown(std::chrono::milliseconds timeout) {
  {
    std::unique_lock lock(mu_);
    stop_ = true;
    cancel_.store(true);
    for (auto& [id, fn] : queue_) {
      jobs_[id].state = "cancelled";
      jobs_[id].finished_at = Now();
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
    std::pair<std::string, JobFn> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      running_job_ = true;
      jobs_[job.first].state = "running";
      jobs_[job.first].started_at = Now();
    }
    Progress progress(*this, job.first);
    Status st;
    try {
      st = job.second(progress);
    } catch (const std::exception& e) {
      st = Status::Internal(std::string("job failed: ") + e.what());
    }
    std::lock_guard lock(mu_);
    auto& j = jobs_[job.first];
    j.state = st.ok() ? "succeeded" : (cancel_.load() ? "cancelled" : "failed");
    if (!st.ok()) j.errors.push_back(st.ToString());
    j.finished_at = Now();
    finished_order_.push_back(job.first);
    while (finished_order_.size() > max_kept_) {
      jobs_.erase(finished_order_.front());
      finished_order_.pop_front();
    }
    running_job_ = false;
    cv_.notify_all();
  }
}

}  // namespace ohlcv
