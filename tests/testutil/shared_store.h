// The shared vector store (PostgreSQL + ChromaDB) on the test servers, for
// the evaluations run against it: OHLCV_EVAL_STORE=shared makes the
// retrieval corpus (tests/retrieval/eval_corpus.h) and the answer fixture
// (tests/answer/kb_fixture.h) index into it instead of a local store.
// Header-only (the index library is linked by the test binaries that use it).
//
// Thread-safety: call from the test's main thread (it may start servers).
#pragma once

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "index/vector_store.h"
#include "testutil/chroma_server.h"
#include "testutil/pg_server.h"

namespace ohlcv::testing {

inline bool SharedEvalStore() {
  const char* v = std::getenv("OHLCV_EVAL_STORE");
  return v != nullptr && std::string_view(v) == "shared";
}

// A fresh database on the shared PostgreSQL test server and fresh collections
// "<prefix>_<n>_v*" on the shared ChromaDB test server.
inline Result<std::unique_ptr<VectorStore>> OpenSharedTestStore(const EmbedderIdentity& embedder,
                                                                const std::string& prefix) {
  std::string error;
  PgServer* pg = PgServer::Shared(&error);
  ChromaServer* chroma = pg ? ChromaServer::Shared(&error) : nullptr;
  const std::string url = chroma ? pg->NewDatabase(&error) : "";
  if (url.empty()) return Status::Unavailable("shared test store: " + error);
  SharedVectorStoreOptions o;
  o.database_url = url;
  o.chroma.host = chroma->host();
  o.chroma.port = chroma->port();
  static int opened = 0;  // one set of collections per database
  o.chroma.collection_prefix = prefix + "_" + std::to_string(++opened);
  o.chroma.embedder = embedder;
  o.chroma.timeout_ms = 30000;
  return OpenSharedVectorStore(o);
}

}  // namespace ohlcv::testing
