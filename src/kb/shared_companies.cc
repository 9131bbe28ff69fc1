#include "kb/shared_companies.h"

#include <map>
#include <utility>

namespace ohlcv {

Status SyncSharedCompanies(pg::Pool& pool, bool read_only, SectorMap* sectors, CompanyNames* names) {
  return pool.Run([&](pg::Conn& c) -> Status {
    OHLCV_ASSIGN_OR_RETURN(pg::Rows rows, c.Query("SELECT ticker, name, sector FROM companies"));
    // ticker -> (name, sector) of the merged view.
    std::map<std::string, std::pair<std::string, std::string>> merged;
    for (int i = 0; i < rows.size(); ++i) {
      std::string ticker(rows.Text(i, 0));
      merged[ticker] = {std::string(rows.Text(i, 1)), std::string(rows.Text(i, 2))};
    }
    bool changed = false;
    for (const auto& [ticker, name] : *names) {
      auto& m = merged[ticker];
      if (m.first != name) changed = true;
      m.first = name;
    }
    for (const auto& sector : sectors->Sectors()) {
      for (const auto& ticker : sectors->TickersIn(sector)) {
        auto& m = merged[ticker];
        if (m.second != sector) changed = true;
        m.second = sector;
      }
    }
    for (const auto& [ticker, m] : merged) {
      if (!m.first.empty() && !names->count(ticker)) (*names)[ticker] = m.first;
      if (!m.second.empty() && !sectors->Lookup(ticker)) sectors->Add(ticker, m.second);
    }
    if (read_only || !changed) return Status::Ok();
    pg::Txn txn(c);
    OHLCV_RETURN_IF_ERROR(txn.Begin());
    for (const auto& [ticker, m] : merged) {
      OHLCV_RETURN_IF_ERROR(
          c.QueryPrepared("company_put",
                          "INSERT INTO companies(ticker, name, sector) VALUES($1, $2, $3) "
                          "ON CONFLICT(ticker) DO UPDATE SET name=excluded.name, sector=excluded.sector",
                          {ticker, m.first, m.second})
              .status());
    }
    return txn.Commit();
  });
}

}  // namespace ohlcv
