#include "service/engine.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "retrieval/window_indexer.h"
#include "windows/shape_vector.h"

namespace ohlcv {
namespace {
namespace fs = std::filesystem;

std::string SectorsPath(const EngineOptions& o) { return o.data_dir + "/sectors.csv"; }

Result<std::unique_ptr<Embedder>> OpenEmbedder(const EngineOptions& o) {
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

Result<std::unique_ptr<VectorStore>> OpenVectorStore(const EngineOptions& o, const Embedder& e) {
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

// Writes the sector map as ticker,sector CSV (temp file + rename).
Status SaveSectors(const SectorMap& sectors, const std::string& path) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Status::IOError("cannot write " + tmp);
    out << "ticker,sector\n";
    for (const auto& sector : sectors.Sectors()) {
      for (const auto& t : sectors.TickersIn(sector)) out << t << ",\"" << sector << "\"\n";
    }
    if (!out.flush()) return Status::IOError("cannot write " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot rename " + tmp + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  std::unique_ptr<Engine> e(new Engine());
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

Status Engine::RefreshContext() {
  OHLCV_ASSIGN_OR_RETURN(auto tickers, bar_store_->ListTickers());
  QuestionContext ctx;
  for (const auto& t : tickers) {
    ctx.known_tickers.insert(t.ticker);
    if (!ctx.latest_ts || t.last_ts > *ctx.latest_ts) ctx.latest_ts = t.last_ts;
  }
  ctx.sector_names = sectors_.Sectors();
  retriever_->Refresh(std::move(ctx));
  return Status::Ok();
}

Result<IngestStats> Engine::Ingest(Source& source, const FetchRequest& request, IngestOptions options,
                                   const IngestProgressFn& progress) {
  if (options_.read_only) return Status::PermissionDenied("the data directory is open read-only");
  std::lock_guard lock(ingest_mu_);
  options.sectors = &sectors_;
  options.analysis = options_.analysis;
  // Windows are indexed in large batches: one Index call per ticker costs
  // about 3x more (embedding and store transactions amortise over a batch).
  // The pipeline calls the sink one call at a time, so `pending` needs no lock.
  constexpr size_t kIndexBatch = 16384;
  WindowIndexer indexer(*vector_store_, *embedder_);
  std::vector<Window> pending;
  auto stats = RunIngest(source, request, *bar_store_, options, progress,
                         [&](const BarSeries&, std::span<const Window> windows) {
                           pending.insert(pending.end(), windows.begin(), windows.end());
                           if (pending.size() < kIndexBatch) return Status::Ok();
                           Status st = indexer.Index(pending);
                           pending.clear();
                           return st;
                         });
  Status flushed = stats.ok() && !pending.empty() ? indexer.Index(pending) : Status::Ok();
  // Even a failed run may have committed some tickers: keep the context true.
  Status refreshed = RefreshContext();
  if (!stats.ok()) return stats;
  OHLCV_RETURN_IF_ERROR(flushed.WithContext("indexing the last windows"));
  OHLCV_RETURN_IF_ERROR(refreshed);
  return stats;
}

Result<Answer> Engine::Ask(const AskRequest& request) const { return answers_->Ask(request); }

Result<AnalysisReport> Engine::Analyze(const AnalyzeRequest& request) const {
  return answers_->Analyze(request);
}

Result<RetrievalResult> Engine::Retrieve(const RetrievalRequest& request) const {
  return retriever_->Retrieve(request);
}

Result<SimilarResult> Engine::Similar(const SimilarRequest& request) const {
  return retriever_->Similar(request);
}

Result<BarSeries> Engine::Bars(const std::string& ticker, Interval interval, std::optional<int64_t> start,
                               std::optional<int64_t> end) const {
  return bar_store_->Load(ticker, interval, start, end);
}

Result<EngineStatus> Engine::GetStatus() const {
  EngineStatus s;
  OHLCV_ASSIGN_OR_RETURN(s.tickers, bar_store_->ListTickers());
  for (const auto& t : s.tickers) s.bars += t.bars;
  OHLCV_ASSIGN_OR_RETURN(s.windows, vector_store_->Count());
  OHLCV_ASSIGN_OR_RETURN(s.data_version, bar_store_->DataVersion());
  s.vector_store_type = std::string(vector_store_->type());
  s.embedder = std::string(embedder_->name());
  s.data_dir = options_.data_dir;
  return s;
}

std::vector<ComponentHealth> Engine::Health() const {
  std::vector<ComponentHealth> out;
  auto version = bar_store_->DataVersion();
  out.push_back({"bar_store", version.ok(), true, version.ok() ? "ok" : version.status().ToString()});
  Status vs = vector_store_->Health();
  // A remote vector store that is down degrades the service; the local one is
  // part of the process, so its failure is critical.
  out.push_back({"vector_store", vs.ok(), vector_store_->type() == "local",
                 vs.ok() ? std::string(vector_store_->type()) : vs.ToString()});
  return out;
}

Status Engine::Clear() {
  if (options_.read_only) return Status::PermissionDenied("the data directory is open read-only");
  std::lock_guard lock(ingest_mu_);
  OHLCV_ASSIGN_OR_RETURN(auto tickers, bar_store_->ListTickers());
  for (const auto& t : tickers) {
    OHLCV_RETURN_IF_ERROR(bar_store_->DeleteTicker(t.ticker).status());
    OHLCV_RETURN_IF_ERROR(vector_store_->DeleteTicker(t.ticker).status());
  }
  return RefreshContext();
}

Status Engine::Backup(const std::string& dest_dir) const {
  std::error_code ec;
  fs::create_directories(dest_dir, ec);
  if (ec) return Status::IOError("cannot create " + dest_dir + ": " + ec.message());
  OHLCV_RETURN_IF_ERROR(bar_store_->Backup(dest_dir + "/bars.db"));
  if (fs::exists(SectorsPath(options_))) {
    fs::copy_file(SectorsPath(options_), dest_dir + "/sectors.csv", fs::copy_options::overwrite_existing, ec);
    if (ec) return Status::IOError("cannot copy sectors.csv: " + ec.message());
  }
  return Status::Ok();
}

}  // namespace ohlcv
