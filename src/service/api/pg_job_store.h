// PgJobStore: the JobStore (jobs.h) in the shared PostgreSQL database
// (table ingest_jobs, schema in store/pg_conn.cc), so replicas behind one load
// balancer see each other's jobs and run one ingest at a time.
//
// The exclusive slot is a session-level advisory lock
// (pg_try_advisory_lock) held on a connection of its own for as long as the
// job runs. A replica that dies mid-ingest loses its session and so the lock;
// the next replica to take the slot marks the dead job's row failed. While
// the slot is taken, TryBeginExclusive returns the newest unfinished job id.
// Progress is written at most every 500 ms. Retention as in the memory
// store: every unfinished job and the newest `max_kept` finished ones (older
// finished rows are deleted when a job finishes; index on created_at).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>

#include "service/api/jobs.h"
#include "store/pg_conn.h"

namespace ohlcv {

// The store over `config` (connections are opened on first use); the schema
// must exist (PgBarStore::Open migrates it).
Result<std::unique_ptr<JobStore>> OpenPgJobStore(const pg::PgConfig& config, size_t max_kept = 100);

}  // namespace ohlcv
