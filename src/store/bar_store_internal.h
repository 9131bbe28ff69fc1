// Helpers both bar stores (bar_store.cc, pg_bar_store.cc) share; not part of
// the public interface.
#pragma once

#include <string>
#include <string_view>

#include "core/bar_series.h"
#include "core/status.h"

namespace ohlcv::store_internal {

// Tickers are stored upper case.
// The canonical ticker (core/ticker.h ParseTicker), or `s` as given when invalid.
std::string UpperTicker(std::string_view s);
// Upsert's REQUIRES clause (bar_store.h) as a Status.
Status ValidateSeries(const BarSeries& s);

}  // namespace ohlcv::store_internal
