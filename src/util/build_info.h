// Version and commit of this build (ohlcv_app_info, --version, /api/v1/status).
// Kept behind functions so that only build_info.cc sees the commit: a new
// commit then recompiles one file, not every file that includes util/.
#pragma once

#include <string_view>

namespace ohlcv {

std::string_view BuildVersion();  // "0.1.0"
std::string_view BuildCommit();   // short git hash, or "unknown"

}  // namespace ohlcv
