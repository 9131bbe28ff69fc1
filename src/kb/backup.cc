#include "kb/backup.h"

#include <filesystem>

#include "util/build_info.h"
#include "util/time.h"

namespace ohlcv {
namespace fs = std::filesystem;

nlohmann::json BackupManifestToJson(const BackupManifest& m) {
  nlohmann::json j = {{"format", 1},
                      {"created_at", FormatDateTime(NowSeconds())},
                      {"version", BuildVersion()},
                      {"commit", BuildCommit()},
                      {"source_dir", m.source_dir},
                      {"vector_store_type", m.vector_store_type},
                      {"bars", m.bars},
                      {"files", m.files},
                      {"skipped", m.skipped},
                      {"notes", m.notes},
                      {"quiescent", m.quiescent}};
  if (m.windows >= 0) j["windows"] = m.windows;
  return j;
}

Status WriteBackupManifest(const BackupManifest& manifest, const std::string& dest_dir) {
  return WriteFileAtomic(dest_dir + "/manifest.json", BackupManifestToJson(manifest).dump(2) + "\n");
}

}  // namespace ohlcv
