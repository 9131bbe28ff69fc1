// Sectors and company names in the shared database (table `companies`, schema
// in store/pg_conn.cc), so replicas with separate data directories agree on
// them: at open, a replica merges the table into its maps and publishes what
// its own files added (OHLCV_SECTORS_FILE, <data_dir>/sectors.csv,
// companies.csv). Entries from the files win over the table for the same
// ticker. Only used when OHLCV_DATABASE_URL is set.
//
// Thread-safety: plain functions; the maps need external synchronization.
#pragma once

#include "core/status.h"
#include "kb/company_names.h"
#include "store/pg_conn.h"
#include "util/sector_map.h"

namespace ohlcv {

// Merges the table into *sectors / *names (file entries kept), then, unless
// read_only, writes the merged maps back (one transaction, upsert per ticker).
Status SyncSharedCompanies(pg::Pool& pool, bool read_only, SectorMap* sectors, CompanyNames* names);

}  // namespace ohlcv
