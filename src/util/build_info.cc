#include "util/build_info.h"

namespace ohlcv {

std::string_view BuildVersion() { return OHLCV_VERSION; }
std::string_view BuildCommit() { return OHLCV_GIT_COMMIT; }

}  // namespace ohlcv
