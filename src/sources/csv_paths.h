// Confinement of CSV paths to allowed folders: what the HTTP API may ingest
// (OHLCV_INGEST_ROOTS). The CLI, run by the machine's own user, is not
// confined.
//
// A path is inside a root when its canonical form (symlinks and ".." resolved
// by std::filesystem::weakly_canonical) equals the root's canonical form or
// lies below it. The refusal is the same PermissionDenied whether or not the
// path exists, so a client learns nothing about files outside the roots.
//
// Thread-safety: pure functions (they read the file system).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace ohlcv {

// The canonical form of `path` when it lies in one of `roots`; PermissionDenied
// otherwise (also when `roots` is empty or none of them exists).
Result<std::string> ConfinedPath(const std::string& path, const std::vector<std::string>& roots);

}  // namespace ohlcv
