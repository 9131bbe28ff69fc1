// libFuzzer target for ParseQuestion: arbitrary bytes must parse without
// crashing, in bounded time, into a result whose invariants hold.
//
// Build: CXX=clang++ cmake -S . -B build-store-fuzz -G Ninja -DOHLCV_FUZZ=ON
//        ninja -C build-store-fuzz retrieval_question_fuzz
// Run:   build-store-fuzz/fuzz/retrieval_question_fuzz -max_total_time=30
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "retrieval/question.h"

namespace {

const ohlcv::QuestionParser& Parser() {
  static const ohlcv::QuestionParser parser([] {
    ohlcv::QuestionContext ctx;
    ctx.known_tickers = {"A", "AAPL", "MSFT", "IBM", "ALL", "LOW", "IT", "BRK-B", "XOM", "T"};
    ctx.company_names = {{"Apple Inc.", "AAPL"}, {"Bank of America Corp", "BAC"},
                         {"Target Corp", "TGT"}};
    ctx.sector_names = {"Information Technology", "Energy", "Health Care", "Financials"};
    ctx.sector_synonyms = {{"semis", "Information Technology"}};
    ctx.latest_ts = 1578614400;  // 2020-01-10
    return ctx;
  }());
  return parser;
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& parser = Parser();
  ohlcv::ParsedQuestion q = parser.Parse(text);
  Check(q.suggestions.size() == q.unknown_tickers.size());
  if (q.start_ts && q.end_ts) Check(*q.start_ts <= *q.end_ts);
  for (const auto& t : q.tickers) {
    // BAC and TGT are named companies the context does not hold: they may
    // only ever be reported as unknown, never answered about.
    Check(parser.context().known_tickers.count(t) > 0);
  }
  for (const auto& t : q.unknown_tickers) Check(parser.context().known_tickers.count(t) == 0);
  Check(ohlcv::ParseQueryType(ohlcv::QueryTypeName(q.type)).ok());
  // Deterministic: the same text parses the same way.
  ohlcv::ParsedQuestion again = parser.Parse(text);
  Check(again.tickers == q.tickers && again.patterns == q.patterns && again.start_ts == q.start_ts &&
        again.end_ts == q.end_ts && again.text_terms == q.text_terms);
  return 0;
}
