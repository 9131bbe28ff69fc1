// Backup of a data directory: the pieces KnowledgeBase::Backup assembles.
//
// A backup folder holds copies of the data directory's files plus
// manifest.json, written last (a folder without it is an unfinished backup):
//   bars.db             the bar store (SQLite online backup of one read snapshot)
//   index/windows.db    the embedded vector store's SQLite database (same way),
//                       when VECTOR_STORE_TYPE=local
//   sectors.csv, companies.csv   when present
// The HNSW graph files (index/text.hnsw, index/shape.hnsw) are derived from
// windows.db and are skipped: the store rebuilds them on its first open. The
// manifest says so, and lists row counts read from the copies themselves so a
// restore can be checked (ohlcv-rag status on the restored directory must show
// the same counts).
//
// Restore: stop the service, copy the backup folder's contents (without
// manifest.json) into an empty data directory, start it.
//
// Thread-safety: free functions; safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "util/files.h"
#include "util/sqlite_snapshot.h"

namespace ohlcv {

struct BackupManifest {
  std::string source_dir;
  std::string vector_store_type;
  int64_t bars = 0;                    // rows of bars.db's bars table
  int64_t windows = -1;                // rows of index/windows.db; -1 = not in the backup (chromadb)
  std::vector<std::string> files;      // relative paths copied
  std::vector<std::string> skipped;    // relative paths left out, with the reason in `notes`
  std::vector<std::string> notes;
  bool quiescent = false;              // no ingest ran: bars and windows are from the same moment
};

nlohmann::json BackupManifestToJson(const BackupManifest& manifest);

// Writes manifest.json into dest_dir (temp file + rename).
Status WriteBackupManifest(const BackupManifest& manifest, const std::string& dest_dir);

}  // namespace ohlcv
