#include "kb/knowledge_base.h"

#include <algorithm>
#include <filesystem>

#include "kb/backup.h"
#include "kb/llm_probe.h"
#include "windows/shape_vector.h"

namespace ohlcv {
namespace {
namespace fs = std::filesystem;

std::string SectorsPath(const KbOptions& o) { return o.data_dir + "/sectors.csv"; }
std::string CompaniesPath(const KbOptions& o) { return o.data_dir + "/companies.csv"; }

Result<std::unique_ptr<Embedder>> OpenEmbedder(const KbOptions& o) {
  if (o.embedder == "sif") {
    WordVectorEmbedderOptions wv;
    wv.path = o.word_vectors_path;
    if (wv.path.empty()) {
      wv.path = o.cache_dir.empty() ? DefaultWordVectorPath() : o.cache_dir + "/wink-sg-100d.bin";
    }
    return NewWordVectorEmbedder(wv);
  }
  if (o.embedder == "openai") return NewOpenAiEmbedder(o.openai_embedder);
  if (o.embedder == "hashing") return NewHashingEmbedder(256);
  return Status::InvalidArgument("unknown embedder '" + o.embedder + "' (expected sif, openai or hashing)");
}

Result<std::unique_ptr<VectorStore>> OpenVectorStore(const KbOptions& o, const Embedder& e) {
  EmbedderIdentity id{std::string(e.name()), e.dimension(), kShapeDims};
  if (o.vector_store_type == "local") {
    LocalVectorStoreOptions lo;
    lo.dir = o.data_dir + "/index";
    lo.embedder = id;
    lo.read_only = o.read_only;
    return OpenLocalVectorStore(lo);
  }
  if (o.vector_store_type == "chromadb" || o.vector_store_type == "chroma") {
    ChromaVectorStoreOptions co = o.chroma;
    co.embedder = id;
    return OpenChromaVectorStore(co);
  }
  return Status::InvalidArgument("unknown VECTOR_STORE_TYPE '" + o.vector_store_type +
                                 "' (expected local or chromadb)");
}

// Writes the sector map as ticker,sector CSV.
Status SaveSectors(const SectorMap& sectors, const std::string& path) {
  std::string csv = "ticker,sector\n";
  for (const auto& sector : sectors.Sectors()) {
    for (const auto& t : sectors.TickersIn(sector)) csv += t + ",\"" + sector + "\"\n";
  }
  return WriteFileAtomic(path, csv);
}

}  // namespace

KnowledgeBase::~KnowledgeBase() = default;

Result<std::unique_ptr<KnowledgeBase>> KnowledgeBase::Open(const KbOptions& options) {
  auto opened = OpenAs(options);
  if (opened.ok() || options.read_only) return opened;
  // A full or read-only volume: keep answering reads from what is there
  // rather than crash-looping. Only file-system failures fall back (not a
  // schema or embedder mismatch, nor another writer holding the LOCK), and
  // only when there is a store to read.
  std::error_code ec;
  if (opened.status().code() != StatusCode::kIOError || !fs::exists(options.data_dir + "/bars.db", ec)) {
    return opened;
  }
  KbOptions ro = options;
  ro.read_only = true;
  auto fallback = OpenAs(ro);
  if (!fallback.ok()) {
    return Status::IOError(opened.status().message() + "; a read-only open failed too: " +
                           fallback.status().message());
  }
  (*fallback)->write_error_ = opened.status().ToString();
  return fallback;
}

Result<std::unique_ptr<KnowledgeBase>> KnowledgeBase::OpenAs(const KbOptions& options) {
  std::unique_ptr<KnowledgeBase> e(new KnowledgeBase());
  e->options_ = options;
  std::error_code ec;
  if (!options.read_only) fs::create_directories(options.data_dir, ec);
  if (ec) return Status::IOError("cannot create data directory " + options.data_dir + ": " + ec.message());

  // Sectors: the data directory's own copy, plus a user-supplied mapping.
  if (fs::exists(SectorsPath(options))) {
    OHLCV_ASSIGN_OR_RETURN(e->sectors_, SectorMap::Load(SectorsPath(options)));
  }
  if (!options.sectors_file.empty()) {
    OHLCV_ASSIGN_OR_RETURN(SectorMap extra, SectorMap::Load(options.sectors_file));
    for (const auto& sector : extra.Sectors()) {
      for (const auto& t : extra.TickersIn(sector)) e->sectors_.Add(t, sector);
    }
    if (!options.read_only) OHLCV_RETURN_IF_ERROR(SaveSectors(e->sectors_, SectorsPath(options)));
  }
  // Company names ride along in the same files (an optional name column).
  if (fs::exists(CompaniesPath(options))) {
    OHLCV_ASSIGN_OR_RETURN(e->companies_, LoadCompanyNames(CompaniesPath(options)));
  }
  if (!options.sectors_file.empty()) {
    OHLCV_ASSIGN_OR_RETURN(CompanyNames extra, LoadCompanyNames(options.sectors_file));
    if (!extra.empty()) {
      for (auto& [ticker, name] : extra) e->companies_[ticker] = std::move(name);
      if (!options.read_only) OHLCV_RETURN_IF_ERROR(SaveCompanyNames(e->companies_, CompaniesPath(options)));
    }
  }
  if (options.answers.llm) {
    LlmProbeOptions po;
    po.base_url = options.answers.llm->base_url;
    po.api_key = options.answers.llm->api_key;
    e->llm_probe_ = std::make_unique<LlmProbe>(po);
  }

  BarStoreOptions bo;
  bo.path = options.data_dir + "/bars.db";
  bo.read_only = options.read_only;
  OHLCV_ASSIGN_OR_RETURN(e->bar_store_, BarStore::Open(bo));
  OHLCV_ASSIGN_OR_RETURN(e->embedder_, OpenEmbedder(options));
  OHLCV_ASSIGN_OR_RETURN(e->vector_store_, OpenVectorStore(options, *e->embedder_));
  e->retriever_ = std::make_unique<Retriever>(*e->vector_store_, *e->embedder_, QuestionContext{});
  AnswerOptions answers = options.answers;
  answers.series.analysis = options.analysis;  // events must match the indexed windows
  e->answers_ = std::make_unique<AnswerEngine>(*e->bar_store_, *e->retriever_, e->sectors_, answers);
  OHLCV_RETURN_IF_ERROR(e->RefreshContext());
  return e;
}

Status KnowledgeBase::RefreshContext() const {
  std::lock_guard lock(refresh_mu_);
  // The version first: an ingest landing after this read is seen next time.
  OHLCV_ASSIGN_OR_RETURN(uint64_t version, bar_store_->DataVersion());
  // Also (re)fills the status cache, so status and tickers stay cheap.
  OHLCV_ASSIGN_OR_RETURN(StatusCache cache, CachedStatus(version, true));
  QuestionContext ctx;
  for (const auto& t : *cache.tickers) {
    ctx.known_tickers.insert(t.ticker);
    if (!ctx.latest_ts || t.last_ts > *ctx.latest_ts) ctx.latest_ts = t.last_ts;
  }
  ctx.sector_names = sectors_.Sectors();
  ctx.company_names = CompanyNamesFor(companies_, ctx.known_tickers);
  retriever_->Refresh(std::move(ctx));
  context_version_ = version;
  return Status::Ok();
}

void KnowledgeBase::RefreshIfStale() const {
  // One prepared SELECT (microseconds); the answer engine reads the same
  // version for its caches on every question anyway.
  auto version = bar_store_->DataVersion();
  if (!version.ok() || *version == context_version_.load()) return;
  // A failed refresh keeps the old context; /health reports the store.
  if (RefreshContext().ok()) {
    // Answers cached since the other process's commit were parsed with the
    // old context (its tickers unknown) under the new data version.
    answers_->ClearCache();
  }
}

Result<IngestStats> KnowledgeBase::Ingest(Source& source, const FetchRequest& request, IngestOptions options,
                                   const IngestProgressFn& progress) {
  if (options_.read_only) return ReadOnlyStatus();
  std::lock_guard lock(ingest_mu_);
  options.sectors = &sectors_;
  options.analysis = options_.analysis;
  auto stats = IngestAndIndex(source, request, *bar_store_, IndexTarget{*vector_store_, *embedder_}, options,
                              progress);
  // Even a failed run may have committed some tickers: keep the context true.
  // The windows were counted mid-ingest under the last bar version: recount.
  {
    std::lock_guard status_lock(status_mu_);
    status_cache_.valid = false;
  }
  Status refreshed = RefreshContext();
  if (!stats.ok()) return stats;
  OHLCV_RETURN_IF_ERROR(refreshed);
  return stats;
}

Result<Answer> KnowledgeBase::Ask(const AskRequest& request) const {
  RefreshIfStale();
  return answers_->Ask(request);
}

Result<AnalysisReport> KnowledgeBase::Analyze(const AnalyzeRequest& request) const {
  RefreshIfStale();
  return answers_->Analyze(request);
}

Result<RetrievalResult> KnowledgeBase::Retrieve(const RetrievalRequest& request) const {
  RefreshIfStale();
  return retriever_->Retrieve(request);
}

Result<SimilarResult> KnowledgeBase::Similar(const SimilarRequest& request) const {
  RefreshIfStale();
  return retriever_->Similar(request);
}

Result<BarSeries> KnowledgeBase::Bars(const std::string& ticker, Interval interval, std::optional<int64_t> start,
                               std::optional<int64_t> end) const {
  return bar_store_->Load(ticker, interval, start, end);
}

Result<KnowledgeBase::StatusCache> KnowledgeBase::CachedStatus(uint64_t version, bool need_windows) const {
  std::lock_guard lock(status_mu_);  // one recount at a time; the rest wait for it
  StatusCache& c = status_cache_;
  if (!c.valid || c.version != version) {
    OHLCV_ASSIGN_OR_RETURN(auto tickers, bar_store_->ListTickers());
    c = StatusCache{};
    c.version = version;
    c.bars = 0;
    for (const auto& t : tickers) c.bars += t.bars;
    c.tickers = std::make_shared<const std::vector<TickerInfo>>(std::move(tickers));
    c.valid = true;
  }
  if (need_windows && !c.windows) {
    OHLCV_ASSIGN_OR_RETURN(uint64_t windows, vector_store_->Count());
    c.windows = windows;
  }
  return c;
}

Result<std::vector<TickerInfo>> KnowledgeBase::Tickers() const {
  OHLCV_ASSIGN_OR_RETURN(uint64_t version, bar_store_->DataVersion());
  OHLCV_ASSIGN_OR_RETURN(StatusCache c, CachedStatus(version, false));
  return *c.tickers;
}

Result<KbStatus> KnowledgeBase::GetStatus() const {
  KbStatus s;
  OHLCV_ASSIGN_OR_RETURN(s.data_version, bar_store_->DataVersion());
  OHLCV_ASSIGN_OR_RETURN(StatusCache c, CachedStatus(s.data_version, true));
  s.tickers = *c.tickers;
  s.bars = c.bars;
  s.windows = *c.windows;
  s.vector_store_type = std::string(vector_store_->type());
  s.embedder = std::string(embedder_->name());
  s.data_dir = options_.data_dir;
  return s;
}

Status KnowledgeBase::ReadOnlyStatus() const {
  // IOError, not PermissionDenied: the CLI maps PermissionDenied to exit 5
  // ("authentication"), and this is the volume, not the caller.
  return Status::IOError(write_error_.empty() ? "the data directory is open read-only"
                                              : "the data directory is read-only (writes are off: " +
                                                    write_error_ + ")");
}

std::vector<ComponentHealth> KnowledgeBase::Health() const {
  std::vector<ComponentHealth> out;
  if (!write_error_.empty()) {
    // Reads keep answering; writes (ingest) are off until the volume is fixed.
    out.push_back({"writes", false, false, "read-only: " + write_error_});
  }
  auto version = bar_store_->DataVersion();
  out.push_back({"bar_store", version.ok(), true, version.ok() ? "ok" : version.status().ToString()});
  Status vs = vector_store_->Health();
  // A remote vector store that is down degrades the service; the local one is
  // part of the process, so its failure is critical.
  out.push_back({"vector_store", vs.ok(), vector_store_->type() == "local",
                 vs.ok() ? std::string(vector_store_->type()) : vs.ToString()});
  if (llm_probe_) {
    LlmProbeResult llm = llm_probe_->Check();
    // Answers fall back to the offline template when the LLM fails: degraded.
    // The URL may carry credentials and /health answers without auth: not in the detail.
    out.push_back({"llm", llm.ok, false, llm.detail});
  }
  return out;
}

Status KnowledgeBase::Clear() {
  if (options_.read_only) return ReadOnlyStatus();
  std::lock_guard lock(ingest_mu_);
  OHLCV_ASSIGN_OR_RETURN(auto tickers, bar_store_->ListTickers());
  for (const auto& t : tickers) {
    OHLCV_RETURN_IF_ERROR(bar_store_->DeleteTicker(t.ticker).status());
    OHLCV_RETURN_IF_ERROR(vector_store_->DeleteTicker(t.ticker).status());
  }
  {
    std::lock_guard status_lock(status_mu_);
    status_cache_.valid = false;
  }
  return RefreshContext();
}

Status KnowledgeBase::Backup(const std::string& dest_dir) const {
  // Idle: hold the writer lock so bars and windows are from one moment.
  std::unique_lock idle(ingest_mu_, std::try_to_lock);
  std::error_code ec;
  fs::create_directories(dest_dir + "/index", ec);
  if (ec) return Status::IOError("cannot create " + dest_dir + ": " + ec.message());
  fs::remove(dest_dir + "/manifest.json", ec);  // a rerun into the same folder is unfinished until the end
  BackupManifest m;
  m.source_dir = options_.data_dir;
  m.vector_store_type = std::string(vector_store_->type());
  // A read-only engine (`ohlcv-rag backup` beside a running server) cannot
  // see another process's writer, so it never claims one moment.
  m.quiescent = idle.owns_lock() && !options_.read_only;
  // Windows before bars: an ingest commits a ticker's bars before indexing
  // its windows, so this order never yields windows without their bars.
  if (vector_store_->type() == "local") {
    OHLCV_RETURN_IF_ERROR(SnapshotSqlite(options_.data_dir + "/index/windows.db", dest_dir + "/index/windows.db"));
    m.files.push_back("index/windows.db");
    OHLCV_ASSIGN_OR_RETURN(m.windows, CountRows(dest_dir + "/index/windows.db", "windows"));
    for (const char* derived : {"index/text.hnsw", "index/shape.hnsw"}) m.skipped.push_back(derived);
    m.notes.push_back("HNSW graph files are derived from index/windows.db and rebuilt on first open");
  } else {
    m.notes.push_back("vector store is " + m.vector_store_type +
                      ": its windows live on the ChromaDB server; snapshot its volume too");
  }
  OHLCV_RETURN_IF_ERROR(SnapshotSqlite(options_.data_dir + "/bars.db", dest_dir + "/bars.db"));
  m.files.push_back("bars.db");
  OHLCV_ASSIGN_OR_RETURN(m.bars, CountRows(dest_dir + "/bars.db", "bars"));
  for (const char* name : {"sectors.csv", "companies.csv"}) {
    std::string src = options_.data_dir + "/" + name;
    if (!fs::exists(src)) continue;
    fs::copy_file(src, dest_dir + "/" + name, fs::copy_options::overwrite_existing, ec);
    if (ec) return Status::IOError(std::string("cannot copy ") + name + ": " + ec.message());
    m.files.push_back(name);
  }
  if (!m.quiescent) {
    m.notes.push_back(std::string(options_.read_only ? "taken read-only, another process may have been ingesting"
                                                     : "taken during an ingest") +
                      ": bars.db may hold bars whose windows were not indexed yet; "
                      "re-run that ingest after restoring to index them");
  }
  return WriteBackupManifest(m, dest_dir);
}

}  // namespace ohlcv
