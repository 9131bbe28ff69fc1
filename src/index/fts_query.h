// Turns free user text into a safe FTS5 MATCH expression for the local
// store's BM25 search. Every token becomes a double-quoted FTS5 string and
// tokens are joined with OR, so operators, quotes, parentheses, `*`, `NEAR(`
// and column filters in user text are just words: no input can produce an
// FTS5 syntax error.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ohlcv::index_internal {

// At most this many tokens are kept (longer questions gain little in BM25).
inline constexpr size_t kMaxFtsTokens = 32;

// Tokens are maximal runs of ASCII letters/digits or non-ASCII bytes (UTF-8
// letters); everything else separates. ASCII is lower-cased (as the store's
// ascii tokenizer folds it, so tokens can be looked up in fts5vocab).
// Duplicates are dropped; at most kMaxFtsTokens are kept.
std::vector<std::string> FtsTokens(std::string_view text);

// The text the FTS index holds for a window summary: its tokens (as above,
// in order, repeats kept) without the ones that cannot help a word search:
// tokens of digits only (dates, prices, percentages: filters answer those)
// and the summary template's connectives ("on", "to", "times"...). A third of
// the tokens remain, and FTS5 indexing costs in proportion (issue 3 upsert
// rate). Query tokens missing from the index are dropped at query time, so
// numbers in a question do no harm.
std::string FtsDocument(std::string_view summary);

// `"tok1" OR "tok2" ...` (or AND); "" for no tokens (the caller returns no hits).
std::string FtsMatchExpression(const std::vector<std::string>& tokens, std::string_view op = "OR");

// FtsMatchExpression(FtsTokens(text)).
std::string SanitizeFtsQuery(std::string_view text);

}  // namespace ohlcv::index_internal
