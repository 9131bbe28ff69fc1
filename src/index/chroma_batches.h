// Upsert request bodies for the ChromaDB store: records already serialised as
// JSON text, split into bodies of at most `max_records` records (the server's
// max_batch_size) and about `max_bytes` bytes (under its 40 MiB body limit).
// Assembled as text so a 2,000-window upsert is not built as a json tree.
// Private to index/.
//
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace ohlcv::index_internal {

// One record, each field a complete JSON value; meta and doc both empty
// for an id + embedding record (the body then has no documents/metadatas).
// REQUIRES: the records of one call are all slim or all full.
struct ChromaRecordJson {
  std::string id;    // JSON string
  std::string meta;  // JSON object
  std::string doc;   // JSON string
};

// {"ids":[...],"embeddings":[...],"documents":[...],"metadatas":[...]} bodies
// covering `records` in order; vectors[i] (a JSON array) is records[i]'s
// embedding. InvalidArgument naming the record when one alone is over
// max_bytes. REQUIRES: vectors.size() == records.size(), max_records > 0.
Result<std::vector<std::string>> ChromaUpsertBodies(std::span<const ChromaRecordJson> records,
                                                    std::span<const std::string> vectors,
                                                    size_t max_records, size_t max_bytes);

// Appends `v` as a JSON array of floats in shortest round-trip form (what
// Chroma parses back into the same f32). REQUIRES: every value finite.
void AppendJsonFloats(std::string& out, std::span<const float> v);

}  // namespace ohlcv::index_internal
