#include "cli/cli_common.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include "config/config_loader.h"
#include "kb/kb_config.h"

namespace ohlcv::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kNotFound: return 3;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded: return 4;
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied: return 5;
    case StatusCode::kResourceExhausted: return 6;
    case StatusCode::kIOError:
    case StatusCode::kCorruption:
    case StatusCode::kInternal: return kExitFailure;
  }
  return kExitFailure;
}

int ReportError(const Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  return ExitCodeFor(status);
}

void PrintJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

std::string BarStorePath(const GlobalOptions& global) { return global.data_dir + "/bars.db"; }

Result<std::unique_ptr<BarStore>> OpenBarStore(const GlobalOptions& global, bool read_only) {
  BarStoreOptions options;
  options.path = BarStorePath(global);
  options.read_only = read_only;
  auto store = BarStore::Open(options);
  if (!store.ok() && read_only && store.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("no data in " + global.data_dir +
                            " yet; run `ohlcv-rag ingest` first (e.g. `ohlcv-rag ingest --source synthetic`)");
  }
  return store;
}

namespace {

Result<KbOptions> EngineOptionsFor(const GlobalOptions& global) {
  ConfigInputs inputs;
  inputs.flags.emplace_back("--data-dir", global.data_dir);
  OHLCV_ASSIGN_OR_RETURN(AppConfig config, LoadConfig(inputs));
  return KbOptionsFromConfig(config);
}

}  // namespace

Result<std::unique_ptr<KnowledgeBase>> OpenKb(const GlobalOptions& global, const std::string& sectors_file,
                                              bool lazy_index) {
  OHLCV_ASSIGN_OR_RETURN(KbOptions options, EngineOptionsFor(global));
  options.open_index = !lazy_index;
  if (!sectors_file.empty()) options.sectors_file = sectors_file;
  return KnowledgeBase::Open(options);
}

Result<std::unique_ptr<KnowledgeBase>> OpenKbToRead(const GlobalOptions& global) {
  OHLCV_ASSIGN_OR_RETURN(KbOptions options, EngineOptionsFor(global));
  auto engine = KnowledgeBase::Open(options);
  // Unavailable: the directory's single writer is another process.
  if (engine.ok() || engine.status().code() != StatusCode::kUnavailable) return engine;
  options.read_only = true;
  return KnowledgeBase::Open(options);
}

Result<std::unique_ptr<KnowledgeBase>> OpenKbLight(const GlobalOptions& global) {
  OHLCV_ASSIGN_OR_RETURN(KbOptions options, EngineOptionsFor(global));
  options.open_index = false;
  options.read_only = true;
  auto kb = KnowledgeBase::Open(options);
  if (!kb.ok() && kb.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("no data in " + global.data_dir +
                            " yet; run `ohlcv-rag ingest` first (e.g. `ohlcv-rag ingest --source synthetic`)");
  }
  return kb;
}

std::string NormalizeTicker(std::string ticker) {
  std::transform(ticker.begin(), ticker.end(), ticker.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return ticker;
}

std::vector<std::string> SplitTickers(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const auto& item : raw) {
    std::string cur;
    for (char c : item + ",") {
      if (c == ',' || c == ' ') {
        if (!cur.empty()) out.push_back(NormalizeTicker(cur));
        cur.clear();
      } else {
        cur += c;
      }
    }
  }
  return out;
}

bool StdinIsTerminal() { return ::isatty(STDIN_FILENO) == 1; }

std::string DefaultSourceName() {
  const char* env = std::getenv("DATA_SOURCE");
  return env && *env ? env : "synthetic";
}

}  // namespace ohlcv::cli
