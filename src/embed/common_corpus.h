// The fixed corpus the word-vector converter computes SIF's common
// component from (embed/wink_converter.h).
//
// SIF removes the direction every sentence of a corpus shares. Everything
// ohlcv-rag embeds is market text: window summaries and questions about
// prices, trends and indicators, so the shared direction worth removing is
// "market talk", not "English". Measured on the wink vectors: with the
// component of these sentences, paraphrase pairs average ~0.54 cosine and
// unrelated market sentences ~-0.04; with a component of Zipf-sampled
// general pseudo-sentences, 0.79 and 0.37 (a gap of 0.42 instead of 0.57).
// The corpus is fixed, so embeddings never depend on what was indexed.
// PERSISTED in effect: editing it changes every converted file's component,
// hence every embedding; re-convert and re-index after a change.
//
// Thread-safety: returns immutable static data.
#pragma once

#include <span>
#include <string_view>

namespace ohlcv {

std::span<const std::string_view> CommonComponentCorpus();

}  // namespace ohlcv
