#include "sources/csv_paths.h"

#include <filesystem>

namespace ohlcv {
namespace {

namespace fs = std::filesystem;

// True when `p` is `root` or below it; both canonical.
bool IsUnder(const fs::path& p, const fs::path& root) {
  auto r = root.begin(), re = root.end();
  auto i = p.begin(), ie = p.end();
  for (; r != re; ++r, ++i) {
    if (r->empty() && std::next(r) == re) break;  // a trailing "/" of the root
    if (i == ie || *i != *r) return false;
  }
  return true;
}

}  // namespace

Result<std::string> ConfinedPath(const std::string& path, const std::vector<std::string>& roots) {
  const Status refused = Status::PermissionDenied(
      "the path is not inside an allowed ingest folder (OHLCV_INGEST_ROOTS)");
  if (path.empty() || path.find('\0') != std::string::npos) return refused;
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  if (ec) return refused;
  for (const auto& root : roots) {
    if (root.empty()) continue;
    fs::path croot = fs::canonical(fs::path(root), ec);
    if (ec) continue;
    if (IsUnder(canonical, croot)) return canonical.string();
  }
  return refused;
}

}  // namespace ohlcv
