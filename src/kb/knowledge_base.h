// KnowledgeBase: one opened knowledge base — bar store, vector store, embedder,
// retriever and answer engine of one data directory — and the operations the
// CLI and the HTTP service offer on it. Both front ends call only this.
//
// Lifecycle: Open() opens the stores (read-only when the volume is full or
// read-only and a store exists: see read_only()), loads (or rebuilds) the index and is
// then "started". Ingest() runs one writer at a time (a second concurrent
// call waits); queries keep answering from the last committed data while an
// ingest runs, and see the new data once it has committed.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "answer/analysis.h"
#include "answer/answer.h"
#include "answer/answer_engine.h"
#include "core/status.h"
#include "embed/embedder.h"
#include "index/vector_store.h"
#include "pipeline/ingest.h"
#include "retrieval/retriever.h"
#include "kb/company_names.h"
#include "sources/source_factory.h"
#include "store/bar_store.h"
#include "util/sector_map.h"

namespace ohlcv {

class LlmProbe;

struct KbOptions {
  std::string data_dir = "./data";       // OHLCV_DATA_DIR
  // Folders searched for the word vectors, first hit wins
  // (config/word_vectors.h: OHLCV_CACHE_DIR, XDG cache, beside the binary...).
  std::vector<std::string> word_vector_dirs;
  std::string vector_store_type = "local";  // VECTOR_STORE_TYPE: local | chromadb
  ChromaVectorStoreOptions chroma;       // CHROMADB_HOST / CHROMADB_PORT / token
  std::string embedder = "sif";          // sif | openai | hashing (tests only)
  std::string word_vectors_path;         // "" = the first word_vector_dirs entry holding the file
  OpenAiEmbedderOptions openai_embedder;
  std::string sectors_file;              // optional ticker,sector CSV merged into <data_dir>/sectors.csv
  AnalysisOptions analysis;              // window length/stride, pattern thresholds
  AnswerOptions answers;                 // answer cache, LLM (LLM_PROVIDER=openai); series.analysis
                                         // is set from `analysis` by Open
  bool read_only = false;
  // OHLCV_DATABASE_URL: "" = the embedded SQLite <data_dir>/bars.db; a
  // postgresql:// URL = the shared PostgreSQL store (pg_bar_store.h).
  std::string database_url;
  std::string database_password;         // OHLCV_DATABASE_PASSWORD / db_password secret
  // false: open the bar store only (no embedder, word vectors or vector
  // store) — for commands that read bars and status, and for the CLI's
  // ingest. Ask, Analyze, Retrieve and Similar then fail with
  // InvalidArgument; Ingest opens the embedder and vector store when the
  // first window needs indexing (never when nothing changed), Clear,
  // DeleteTicker and Backup open them first. GetStatus counts the local
  // index's rows from its file (KbStatus::windows_known false for ChromaDB).
  // Interrupted deletes are finished by the next open with the index.
  // Not for a server: the lazy open is not synchronized with readers.
  // Default true.
  bool open_index = true;
  // The local index finishes building its graphs before a closing save
  // (LocalVectorStoreOptions::drain_on_close): for CLI commands that write,
  // not for a server. Default false.
  bool finish_indexing = false;
};

// Health of one dependency, for /health. The LLM is checked through
// LlmProbe (llm_probe.h): cached for a few seconds, never critical.
struct ComponentHealth {
  std::string name;     // "bar_store", "vector_store", "llm"
  bool ok = true;
  bool critical = true; // a failing critical component makes the service unhealthy
  std::string detail;
};

struct KbStatus {
  std::vector<TickerInfo> tickers;
  uint64_t bars = 0;
  uint64_t windows = 0;
  bool windows_known = true;  // false when opened without the index (open_index = false)
  uint64_t data_version = 0;
  std::string vector_store_type;
  std::string embedder;
  std::string data_dir;
};

class KnowledgeBase {
 public:
  static Result<std::unique_ptr<KnowledgeBase>> Open(const KbOptions& options);
  ~KnowledgeBase();

  // Ingests with the pipeline and indexes the windows. One at a time.
  Result<IngestStats> Ingest(Source& source, const FetchRequest& request, IngestOptions options,
                             const IngestProgressFn& progress = {});

  // Refresh (issue 16): the incremental ingest of what the store already
  // holds, from `source`. Remote sources: the stored market-data tickers
  // (synthetic ones are never refreshed), one Ingest per stored interval, each
  // ticker asked only for the bars after its newest stored one. CSV: the
  // source's whole path again (files unchanged since their last ingest are
  // skipped by fingerprint). Nothing stored: an empty run. InvalidArgument for
  // a synthetic source. Unless every unit failed (or the run did), the
  // refresh's start time is recorded in the bar store's state (LastRefresh),
  // so replicas sharing a database see it.
  Result<IngestStats> Refresh(Source& source, IngestOptions options, const IngestProgressFn& progress = {});
  // Start (unix seconds) of the last refresh that did not fail; nullopt when none.
  Result<std::optional<double>> LastRefresh() const;

  // Grounded answer to a question (answer/): retrieval + exact figures.
  Result<Answer> Ask(const AskRequest& request) const;
  Result<AnalysisReport> Analyze(const AnalyzeRequest& request) const;
  AnswerCacheStats answer_cache_stats() const { return answers_->cache_stats(); }

  Result<RetrievalResult> Retrieve(const RetrievalRequest& request) const;
  Result<SimilarResult> Similar(const SimilarRequest& request) const;

  Result<BarSeries> Bars(const std::string& ticker, Interval interval, std::optional<int64_t> start,
                         std::optional<int64_t> end) const;
  Result<KbStatus> GetStatus() const;
  std::vector<ComponentHealth> Health() const;

  // Removes every bar and window of the data directory's stores.
  Status Clear();

  // Removes one ticker: its bars (every interval), state records, windows
  // and vectors, and the cached answers; the CSV fingerprints are forgotten so
  // a later ingest of the same files brings it back. NotFound when the store
  // holds neither bars nor windows of it. Crash-safe: a "deleting/<T>" record
  // is written first and erased last, windows go before bars, and Open()
  // finishes any delete a crash interrupted (as does re-running it).
  // Returns the number of bars removed.
  Result<uint64_t> DeleteTicker(const std::string& ticker);
  // Snapshot of the whole data directory into dest_dir (service/backup.h):
  // index/windows.db and bars.db through the SQLite online backup API on
  // read connections of their own, sectors.csv, companies.csv, then
  // manifest.json with the row counts of the copies. HNSW files are derived
  // and skipped. With no ingest running, the ingest lock is held throughout,
  // so bars and windows are from one moment; during an ingest, windows.db is
  // copied before bars.db, so every window in the backup has its bars (the
  // bars may run ahead by the windows not yet indexed; the manifest says so).
  Status Backup(const std::string& dest_dir) const;

  // Stored tickers with their intervals, counts and date ranges. Cached:
  // computed once per data version (an ingest refreshes it as it finishes),
  // so a request costs one prepared SELECT of the version.
  Result<std::vector<TickerInfo>> Tickers() const;
  // True when the data directory was opened read-only: asked for, or Open
  // fell back to it because the volume is full or read-only (then
  // write_error() says why, and Health() reports "writes" degraded). Reads
  // answer; Ingest and Clear fail with IOError.
  bool read_only() const { return options_.read_only; }
  const std::string& write_error() const { return write_error_; }
  // OK when the vector store answers (readiness).
  // REQUIRES (these four): opened with open_index.
  Status IndexHealth() const { return vector_store_->Health(); }
  // OK when the bar store can be read now (readiness; a shared database may be down).
  Status StoreHealth() const { return bar_store_->Ping(); }
  // "sqlite:<data_dir>/bars.db" or the database URL without its password.
  std::string BarStoreLocation() const;
  // Operation counters and size of the vector store (metrics).
  VectorStoreStats IndexStats() const { return vector_store_->stats(); }
  Result<uint64_t> WindowCount() const { return vector_store_->Count(); }
  std::string_view embedder_name() const { return embedder_->name(); }
  // The question context the retriever parses with (tests, diagnostics).
  QuestionContext question_context() const { return retriever_->context(); }
  const SectorMap& sectors() const { return sectors_; }
  const CompanyNames& company_names() const { return companies_; }
  const KbOptions& options() const { return options_; }

 private:
  KnowledgeBase() = default;
  static Result<std::unique_ptr<KnowledgeBase>> OpenAs(const KbOptions& options);
  Status ReadOnlyStatus() const;
  // Rebuilds the question context (known tickers, latest bar, names) from the
  // bar store and remembers the data version it saw.
  Status RefreshContext() const;
  // Replicas may share one data directory (Kubernetes, the rollout
  // rehearsal): another process's ingest moves the bar store's data version.
  // Read paths call this; when the version moved it refreshes the context
  // and drops cached answers.
  void RefreshIfStale() const;
  // InvalidArgument naming `what` unless opened with open_index.
  Status NeedIndex(const char* what) const;
  // Opens the embedder and vector store if not yet open (open_index false).
  Status EnsureIndex();
  // Steps 2-4 of DeleteTicker (the mark is written): windows, bars, mark.
  Result<uint64_t> FinishDelete(const std::string& ticker);
  // Adds a "synthetic data" note when the answer cites generated tickers.
  void NoteSynthetic(Answer* answer) const;

  KbOptions options_;
  std::string write_error_;  // why Open fell back to read-only; "" when it did not
  std::unique_ptr<BarStore> bar_store_;
  std::unique_ptr<Embedder> embedder_;
  std::unique_ptr<VectorStore> vector_store_;
  std::unique_ptr<Retriever> retriever_;
  std::unique_ptr<AnswerEngine> answers_;  // safe for concurrent use
  SectorMap sectors_;
  CompanyNames companies_;                   // ticker -> name; fixed after Open
  std::unique_ptr<LlmProbe> llm_probe_;        // set when an LLM is configured
  mutable std::mutex ingest_mu_;             // one writer at a time; Backup holds it when idle
  mutable std::mutex refresh_mu_;            // one context rebuild at a time
  std::mutex index_open_mu_;                 // EnsureIndex
  int writer_lock_fd_ = -1;                  // index/LOCK flock held while the index is not open
  mutable std::atomic<uint64_t> context_version_{0};    // data version the context reflects
  // Tickers() and GetStatus() cache, keyed by the bar store's data version.
  struct StatusCache {
    uint64_t version = 0;
    bool valid = false;
    std::shared_ptr<const std::vector<TickerInfo>> tickers;
    uint64_t bars = 0;
    std::optional<uint64_t> windows;  // nullopt = count again
  };
  // The cache for `version`, recomputed when it is for another one.
  Result<StatusCache> CachedStatus(uint64_t version, bool need_windows) const;
  mutable std::mutex status_mu_;
  mutable StatusCache status_cache_;  // guarded by status_mu_
};

}  // namespace ohlcv
