#include "service/api/refresh.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <random>

#include "service/api/service.h"

namespace ohlcv {
namespace {

using std::chrono::milliseconds;

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

IngestProgressFn IngestJobProgress(JobProgress& progress) {
  return [&progress](const IngestStats& so_far, const std::string&) {
    progress.Update(so_far.units_done, so_far.units_total, so_far.bars_inserted + so_far.bars_updated,
                    so_far.windows);
  };
}

Status FinishIngestJob(Service& service, JobProgress& progress, const IngestStats& stats) {
  progress.Update(stats.units_done, stats.units_total, stats.bars_inserted + stats.bars_updated, stats.windows);
  for (const auto& e : stats.errors) progress.AddError(e.unit + ": " + e.status.ToString());
  service.metrics().ingest_bars.Get().Inc(static_cast<double>(stats.bars_inserted + stats.bars_updated));
  // Stopped by shutdown after the units in flight: the job says "cancelled".
  if (stats.cancelled) {
    return Status::Unavailable(fmt::format("cancelled by shutdown after {} of {} unit(s)", stats.units_done,
                                           stats.units_total));
  }
  // Every unit failed: nothing was ingested, and the job says so.
  if (stats.AllUnitsFailed()) {
    return Status::InvalidArgument("nothing was ingested: all " + std::to_string(stats.units_total) +
                                   " unit(s) failed");
  }
  return Status::Ok();
}

Status CheckRefreshSource(std::string_view source, const SourceConfig& config) {
  if (source == "synthetic") {
    return Status::InvalidArgument(
        "the synthetic source is never refreshed (its tickers are demo data); set OHLCV_REFRESH_SOURCE "
        "or DATA_SOURCE to csv, yahoo, alphavantage or polygon");
  }
  if (source == "csv" && config.csv.path.empty()) {
    return Status::InvalidArgument("the csv source needs OHLCV_CSV_PATH (the folder to read again)");
  }
  if (source == "alphavantage" && config.alpha_vantage_api_key.empty() && config.remote.api_key.empty()) {
    return Status::InvalidArgument("the alphavantage source needs ALPHA_VANTAGE_API_KEY");
  }
  if (source == "polygon" && config.polygon_api_key.empty() && config.remote.api_key.empty()) {
    return Status::InvalidArgument("the polygon source needs POLYGON_API_KEY");
  }
  // Unknown names: the factory's message lists the accepted ones.
  auto built = NewSourceByName(source, config);
  if (!built.ok()) return Status::InvalidArgument(built.status().message());
  return Status::Ok();
}

Result<std::string> SubmitRefreshJob(Service& service, const std::string& source, std::string* running_job_id,
                                     RefreshDoneFn on_done) {
  SourceConfig config = service.options().sources;
  if (Status st = CheckRefreshSource(source, config); !st.ok()) {
    return Status::InvalidArgument("refresh: " + st.message());
  }
  // The configured csv_path is the operator's; confined like every API read.
  config.csv.confined = true;
  config.csv.allowed_roots = service.options().ingest_roots;
  if (!config.csv.path.empty()) config.csv.allowed_roots.push_back(config.csv.path);
  config.csv.max_file_bytes = service.options().ingest_max_file_bytes;
  OHLCV_ASSIGN_OR_RETURN(std::unique_ptr<Source> built, NewSourceByName(source, config));
  std::shared_ptr<Source> shared(std::move(built));
  Service* s = &service;
  return service.jobs().SubmitIfIdle(
      "refresh",
      [s, shared, on_done = std::move(on_done)](JobProgress& progress) {
        IngestOptions options;
        options.threads = 2;
        options.cancel = &progress.cancel();
        auto stats = s->kb()->Refresh(*shared, options, IngestJobProgress(progress));
        Status st = stats.ok() ? FinishIngestJob(*s, progress, *stats) : stats.status();
        std::string outcome = !st.ok()                ? (progress.cancel().load() ? "cancelled" : "failed")
                              : stats->errors.empty() ? "succeeded"
                                                      : "partial";
        s->metrics().refresh_runs.WithLabels({outcome}).Inc();
        s->log().Log(st.ok() ? "info" : "warn", "refresh finished",
                     {{"outcome", outcome},
                      {"source", shared->name()},
                      {"units", stats.ok() ? stats->units_total : 0},
                      {"bars", stats.ok() ? stats->bars_inserted + stats->bars_updated : 0},
                      {"errors", stats.ok() ? stats->errors.size() : 1},
                      {"error", st.ok() ? std::string() : st.ToString()}});
        if (on_done) on_done(outcome);
        return st;
      },
      running_job_id);
}

RefreshScheduler::RefreshScheduler(Service& service, milliseconds interval, std::string source)
    : service_(service), interval_(interval), source_(std::move(source)) {}

RefreshScheduler::~RefreshScheduler() { Stop(); }

void RefreshScheduler::Start() {
  std::lock_guard lock(mu_);
  SetNext(Clock::now() + Jittered(interval_));
  thread_ = std::thread([this] { Loop(); });
}

void RefreshScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    next_run_at_ = 0;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

RefreshScheduleState RefreshScheduler::state() const {
  std::lock_guard lock(mu_);
  RefreshScheduleState s;
  s.enabled = true;
  s.interval_seconds = std::chrono::duration<double>(interval_).count();
  s.source = source_;
  s.next_run_at = next_run_at_;
  s.last_job_id = last_job_id_;
  s.last_outcome = last_outcome_;
  s.consecutive_failures = failures_;
  return s;
}

RefreshScheduler::Clock::duration RefreshScheduler::Jittered(Clock::duration d) const {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  double factor = std::uniform_real_distribution<double>(0.95, 1.05)(rng);
  return std::chrono::duration_cast<Clock::duration>(d * factor);
}

void RefreshScheduler::SetNext(Clock::time_point at) {
  next_ = at;
  next_run_at_ = UnixNow() + std::chrono::duration<double>(at - Clock::now()).count();
}

void RefreshScheduler::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    // The deadline may move (OnDone after a failure): each pass waits for the current one.
    const Clock::time_point deadline = next_;
    cv_.wait_until(lock, deadline);
    if (stop_) break;
    if (Clock::now() < next_) continue;
    SetNext(Clock::now() + interval_);  // provisional, while the turn runs
    lock.unlock();
    Clock::duration delay = Turn();
    lock.lock();
    if (!stop_) SetNext(std::min(next_, Clock::now() + delay));
  }
}

RefreshScheduler::Clock::duration RefreshScheduler::Turn() {
  auto skipped = [this](std::string_view reason, nlohmann::json fields) {
    fields["reason"] = reason;
    fields["source"] = source_;
    service_.log().Log("info", "refresh skipped", fields);
    service_.metrics().refresh_runs.WithLabels({"skipped"}).Inc();
    std::lock_guard lock(mu_);
    last_outcome_ = "skipped";
  };
  KnowledgeBase* kb = service_.kb();
  if (!kb || service_.draining()) {
    skipped(kb ? "draining" : "not started", nlohmann::json::object());
    return Jittered(interval_);
  }
  // Replicas sharing a database: one refresh per interval between them.
  auto last = kb->LastRefresh();
  if (last.ok() && *last) {
    double age = UnixNow() - **last;
    double interval_s = std::chrono::duration<double>(interval_).count();
    if (age >= 0 && age < 0.8 * interval_s) {
      skipped("refreshed recently", {{"last_refresh_age_seconds", age}});
      auto wait = std::chrono::duration<double>(std::max(interval_s - age, 1.0));
      return Jittered(std::chrono::duration_cast<Clock::duration>(wait));
    }
  }
  std::string running;
  auto job = SubmitRefreshJob(service_, source_, &running, [this](std::string_view outcome) { OnDone(outcome); });
  if (!job.ok() && !running.empty()) {
    // One writer at a time: never queued behind another ingest.
    skipped("another ingest is running", {{"running_job_id", running}});
    return Jittered(interval_);
  }
  if (!job.ok()) {
    service_.log().Log("warn", "refresh not started", {{"source", source_}, {"error", job.status().ToString()}});
    service_.metrics().refresh_runs.WithLabels({"failed"}).Inc();
    OnDone("failed");
    return Jittered(interval_);
  }
  service_.log().Log("info", "refresh started", {{"job_id", *job}, {"source", source_}});
  std::lock_guard lock(mu_);
  last_job_id_ = *job;
  return Jittered(interval_);
}

void RefreshScheduler::OnDone(std::string_view outcome) {
  std::lock_guard lock(mu_);
  last_outcome_ = std::string(outcome);
  if (outcome == "failed") {
    ++failures_;
    // interval/32 (>= 1 s), doubling per consecutive failure, up to the interval.
    auto base = std::max<Clock::duration>(interval_ / 32, std::chrono::seconds(1));
    auto backoff = base * (int64_t{1} << std::min(failures_ - 1, 20));
    backoff = std::min<Clock::duration>(backoff, interval_);
    service_.log().Log("warn", "refresh failed; backing off",
                       {{"consecutive_failures", failures_},
                        {"retry_in_seconds", std::chrono::duration<double>(backoff).count()}});
    if (!stop_) SetNext(Clock::now() + Jittered(backoff));
    cv_.notify_all();
  } else if (outcome != "cancelled") {
    failures_ = 0;
  }
}

}  // namespace ohlcv
