#include "service/api/pg_job_store.h"

#include <nlohmann/json.hpp>

#include <thread>

namespace ohlcv {
namespace {

using pg::Conn;
using pg::Rows;

constexpr int64_t kIngestLock = 0x6f686c6376000002;  // "ohlcv" + 2
constexpr const char* kUpsertSql =
    "INSERT INTO ingest_jobs(id, kind, state, tickers_done, tickers_total, bars, windows, errors, "
    "created_at, started_at, finished_at, owner) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
    "ON CONFLICT(id) DO UPDATE SET state=excluded.state, tickers_done=excluded.tickers_done, "
    "tickers_total=excluded.tickers_total, bars=excluded.bars, windows=excluded.windows, "
    "errors=excluded.errors, started_at=excluded.started_at, finished_at=excluded.finished_at";
constexpr const char* kGetSql =
    "SELECT id, kind, state, tickers_done, tickers_total, bars, windows, errors, created_at, started_at, "
    "finished_at FROM ingest_jobs WHERE id=$1";
constexpr const char* kListSql =
    "SELECT id, kind, state, tickers_done, tickers_total, bars, windows, errors, created_at, started_at, "
    "finished_at FROM ingest_jobs ORDER BY created_at DESC, id DESC LIMIT $1";
constexpr const char* kRunningSql =
    "SELECT id FROM ingest_jobs WHERE state IN ('queued', 'running') ORDER BY created_at DESC LIMIT 1";
// Keeps the newest `$1` finished jobs (as the memory store does); unfinished
// ones are never removed.
constexpr const char* kPruneSql =
    "DELETE FROM ingest_jobs WHERE state NOT IN ('queued', 'running') AND id NOT IN ("
    "SELECT id FROM ingest_jobs WHERE state NOT IN ('queued', 'running') "
    "ORDER BY created_at DESC, id DESC LIMIT $1)";
constexpr const char* kFailOrphansSql =
    "UPDATE ingest_jobs SET state='failed', finished_at=extract(epoch from now()), "
    "errors='[\"the replica running this job stopped before it finished\"]' "
    "WHERE state IN ('queued', 'running') AND id <> $1";

std::string Num(double v) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

// One row of kGetSql / kListSql.
JobSnapshot FromRow(const Rows& r, int i) {
  JobSnapshot j;
  j.id = std::string(r.Text(i, 0));
  j.kind = std::string(r.Text(i, 1));
  j.state = std::string(r.Text(i, 2));
  j.tickers_done = static_cast<size_t>(r.Int(i, 3));
  j.tickers_total = static_cast<size_t>(r.Int(i, 4));
  j.bars = static_cast<uint64_t>(r.Int(i, 5));
  j.windows = static_cast<uint64_t>(r.Int(i, 6));
  auto errors = nlohmann::json::parse(r.Text(i, 7), nullptr, /*allow_exceptions=*/false);
  if (errors.is_array()) {
    for (const auto& e : errors) {
      if (e.is_string()) j.errors.push_back(e.get<std::string>());
    }
  }
  j.created_at = r.Double(i, 8);
  j.started_at = r.Double(i, 9);
  j.finished_at = r.Double(i, 10);
  return j;
}

class PgJobStore final : public JobStore {
 public:
  PgJobStore(pg::PgConfig config, size_t max_kept) : pool_(std::move(config)), max_kept_(max_kept) {}

  Status Put(const JobSnapshot& j) override {
    nlohmann::json errors = j.errors;
    pg::Params p = {j.id,
                    j.kind,
                    j.state,
                    std::to_string(j.tickers_done),
                    std::to_string(j.tickers_total),
                    std::to_string(j.bars),
                    std::to_string(j.windows),
                    errors.dump(),
                    Num(j.created_at),
                    Num(j.started_at),
                    Num(j.finished_at),
                    std::string("")};
    return pool_.Run([&](Conn& c) -> Status {
             OHLCV_RETURN_IF_ERROR(c.QueryPrepared("job_put", kUpsertSql, p).status());
             if (!JobFinished(j)) return Status::Ok();
             return c.QueryPrepared("job_prune", kPruneSql, {std::to_string(max_kept_)}).status();
           })
        .WithContext("job " + j.id);
  }

  Result<std::optional<JobSnapshot>> Get(const std::string& id) override {
    std::optional<JobSnapshot> out;
    OHLCV_RETURN_IF_ERROR(pool_.Run([&](Conn& c) -> Status {
      OHLCV_ASSIGN_OR_RETURN(Rows r, c.QueryPrepared("job_get", kGetSql, {id}));
      if (r.size() > 0) out = FromRow(r, 0);
      return Status::Ok();
    }));
    return out;
  }

  Result<std::vector<JobSnapshot>> List(size_t limit) override {
    std::vector<JobSnapshot> out;
    OHLCV_RETURN_IF_ERROR(pool_.Run([&](Conn& c) -> Status {
      out.clear();
      OHLCV_ASSIGN_OR_RETURN(Rows r, c.QueryPrepared("job_list", kListSql, {std::to_string(limit)}));
      for (int i = 0; i < r.size(); ++i) out.push_back(FromRow(r, i));
      return Status::Ok();
    }));
    return out;
  }

  Result<std::string> TryBeginExclusive(const std::string& job_id) override {
    std::lock_guard lock(mu_);
    if (holder_) {
      // This replica already runs an exclusive job (the registry queues it
      // otherwise, but across replicas the answer must be the same).
      return holder_id_;
    }
    OHLCV_ASSIGN_OR_RETURN(auto conn, Conn::Connect(pool_.config()));
    OHLCV_ASSIGN_OR_RETURN(Rows got,
                           conn->Query("SELECT pg_try_advisory_lock(" + std::to_string(kIngestLock) + ")"));
    if (got.Text(0, 0) == "t") {
      OHLCV_RETURN_IF_ERROR(conn->Query(kFailOrphansSql, {job_id}).status());
      holder_ = std::move(conn);
      holder_id_ = job_id;
      return std::string();
    }
    // Held elsewhere: the holder writes its row right after taking the lock.
    for (int i = 0; i < 20; ++i) {
      OHLCV_ASSIGN_OR_RETURN(Rows running, conn->Query(kRunningSql));
      if (running.size() > 0) return std::string(running.Text(0, 0));
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return std::string("unknown");
  }

  void EndExclusive(const std::string& job_id) override {
    std::lock_guard lock(mu_);
    if (holder_id_ != job_id) return;
    holder_.reset();  // closing the session releases the advisory lock
    holder_id_.clear();
  }

  std::chrono::milliseconds progress_interval() const override { return std::chrono::milliseconds(500); }

 private:
  pg::Pool pool_;
  const size_t max_kept_;
  std::mutex mu_;
  std::unique_ptr<Conn> holder_;  // the session holding the ingest lock; guarded by mu_
  std::string holder_id_;         // guarded by mu_
};

}  // namespace

Result<std::unique_ptr<JobStore>> OpenPgJobStore(const pg::PgConfig& config, size_t max_kept) {
  if (config.url.empty()) return Status::InvalidArgument("job store: empty database URL");
  auto store = std::make_unique<PgJobStore>(config, max_kept);
  return std::unique_ptr<JobStore>(std::move(store));
}

}  // namespace ohlcv
