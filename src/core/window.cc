#include "core/window.h"

namespace ohlcv {

std::string_view TrendStateName(TrendState t) {
  switch (t) {
    case TrendState::kDown: return "downtrend";
    case TrendState::kSideways: return "sideways";
    case TrendState::kUp: return "uptrend";
  }
  return "sideways";
}

}  // namespace ohlcv
