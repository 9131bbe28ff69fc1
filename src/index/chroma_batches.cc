#include "index/chroma_batches.h"

#include <iterator>

#include <fmt/format.h>

namespace ohlcv::index_internal {

Result<std::vector<std::string>> ChromaUpsertBodies(std::span<const ChromaRecordJson> records,
                                                    std::span<const std::string> vectors,
                                                    size_t max_records, size_t max_bytes) {
  // The fixed part of a body: keys, brackets and braces.
  constexpr size_t kFrame = 64;
  std::vector<std::string> bodies;
  size_t i = 0;
  while (i < records.size()) {
    std::string ids = "[", embs = "[", docs = "[", metas = "[";
    size_t n = 0, bytes = kFrame;
    for (; i < records.size() && n < max_records; ++i, ++n) {
      const ChromaRecordJson& r = records[i];
      const size_t size = r.id.size() + r.meta.size() + r.doc.size() + vectors[i].size() + 4;
      if (kFrame + size > max_bytes) {
        return Status::InvalidArgument(
            fmt::format("upsert: window {} is {} bytes of JSON, over the {} byte request limit",
                        r.id, size, max_bytes));
      }
      if (bytes + size > max_bytes) break;  // starts the next body
      bytes += size;
      const char* sep = n ? "," : "";
      ids += sep + r.id;
      embs += sep + vectors[i];
      docs += sep + r.doc;
      metas += sep + r.meta;
    }
    // Records without document and metadata (the shared store's id +
    // embedding) leave both keys out.
    const bool slim = records[i - n].doc.empty() && records[i - n].meta.empty();
    bodies.push_back(slim ? fmt::format(R"({{"ids":{}],"embeddings":{}]}})", ids, embs)
                          : fmt::format(R"({{"ids":{}],"embeddings":{}],"documents":{}],"metadatas":{}]}})",
                                        ids, embs, docs, metas));
  }
  return bodies;
}

void AppendJsonFloats(std::string& out, std::span<const float> v) {
  out += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    fmt::format_to(std::back_inserter(out), "{}", v[i]);
  }
  out += ']';
}

}  // namespace ohlcv::index_internal
