// CsvSource: a file or a folder of CSV files; one unit per file. Parsing is
// in csv_parse.cc (ParseCsvBuffer); this file plans and reads files.
#include "sources/csv_source.h"

#include <fcntl.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "sources/csv_paths.h"

namespace ohlcv {
namespace {

namespace fs = std::filesystem;

bool IsCsvName(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".csv" || ext == ".txt";
}

Status ErrnoStatus(const std::string& path, int err) {
  std::string m = path + ": " + std::strerror(err);
  return err == ENOENT ? Status::NotFound(m) : Status::IOError(m);
}

// Closes a file descriptor on scope exit.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

// A read-only mapping of a whole file: pages come in as the parser walks
// them (MADV_SEQUENTIAL lets the kernel drop them behind it) and are clean
// page cache, so a large file costs address space, not anonymous memory.
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) { o.data_ = nullptr; }

  static Result<MappedFile> Open(const std::string& path, uint64_t max_bytes, bool no_follow) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (no_follow ? O_NOFOLLOW : 0));
    if (fd < 0) return ErrnoStatus(path, errno);
    FdCloser closer{fd};
    struct stat st;
    if (::fstat(fd, &st) != 0) return ErrnoStatus(path, errno);
    if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + ": not a regular file");
    uint64_t size = static_cast<uint64_t>(st.st_size);
    if (max_bytes > 0 && size > max_bytes) {
      return Status::InvalidArgument(path + ": " + std::to_string(size) + " bytes is above the limit of " +
                                     std::to_string(max_bytes) + " bytes per file (OHLCV_INGEST_MAX_FILE_BYTES)");
    }
    MappedFile m;
    if (size == 0) return m;
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) return ErrnoStatus(path, errno);
    ::madvise(p, size, MADV_SEQUENTIAL);
    m.data_ = static_cast<char*>(p);
    m.size_ = size;
    return m;
  }
  std::string_view view() const { return {data_, size_}; }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
};

// FNV-1a over `n` bytes.
uint64_t Fnv1a(const char* p, size_t n, uint64_t h = 1469598103934665603ull) {
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(p[i]);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

Result<std::string> CsvFileFingerprint(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path, errno);
  FdCloser closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus(path, errno);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + ": not a regular file");
  // The tail catches an append or an edit of the last rows even when the
  // size and mtime were restored (cp -p of an edited file, coarse mtimes).
  char tail[kFingerprintTailBytes];
  const off_t size = st.st_size;
  const off_t from = size > static_cast<off_t>(sizeof tail) ? size - static_cast<off_t>(sizeof tail) : 0;
  size_t got = 0;
  while (got < static_cast<size_t>(size - from)) {
    ssize_t n = ::pread(fd, tail + got, static_cast<size_t>(size - from) - got, from + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(path, errno);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  char buf[96];
  std::snprintf(buf, sizeof buf, "%lld:%lld.%09ld:%016llx", static_cast<long long>(size),
                static_cast<long long>(st.st_mtim.tv_sec), static_cast<long>(st.st_mtim.tv_nsec),
                static_cast<unsigned long long>(Fnv1a(tail, got)));
  return std::string(buf);
}

namespace {

class CsvSource final : public Source {
 public:
  explicit CsvSource(CsvSourceOptions options) : options_(std::move(options)) {}

  std::string_view name() const override { return "csv"; }

  Result<std::vector<std::string>> Plan(const FetchRequest& request) override {
    std::string path = options_.path;
    if (confined()) {
      OHLCV_ASSIGN_OR_RETURN(path, ConfinedPath(path, options_.allowed_roots));
    }
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) return Status::NotFound(options_.path + ": no such file or folder");
    if (fs::is_regular_file(st)) return std::vector<std::string>{path};
    if (!fs::is_directory(st)) return Status::InvalidArgument(options_.path + ": not a file or folder");
    std::vector<std::string> files;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec) || !IsCsvName(it->path())) continue;
      if (!confined()) {
        files.push_back(it->path().string());
        continue;
      }
      // A symlink inside the folder may point anywhere: keep its target only
      // when that is inside the roots too.
      auto target = ConfinedPath(it->path().string(), options_.allowed_roots);
      if (target.ok()) files.push_back(*target);
    }
    if (ec) return Status::IOError(options_.path + ": " + ec.message());
    if (files.empty()) return Status::NotFound(options_.path + ": no *.csv or *.txt files");
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    if (!request.tickers.empty() && options_.ticker_override.empty()) {
      // Only the files that can hold a wanted ticker are units, so the job's
      // progress counts them: one named after a wanted ticker, or one with a
      // ticker column (its rows may name any ticker).
      std::erase_if(files, [&](const std::string& f) { return !MayHoldWanted(f, request.tickers); });
      if (files.empty()) {
        std::string names;
        for (const auto& t : request.tickers) names += (names.empty() ? "" : ", ") + t;
        return Status::NotFound(options_.path + ": no file named after " + names + " and none with a ticker column");
      }
    }
    return files;
  }

  Result<FetchResult> Fetch(const std::string& unit, const FetchRequest& request) override {
    std::string path = unit;
    // Checked again at open: the folder may have changed since Plan, and the
    // canonical path is opened without following a final symlink.
    if (confined()) {
      OHLCV_ASSIGN_OR_RETURN(path, ConfinedPath(unit, options_.allowed_roots));
    }
    OHLCV_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path, options_.max_file_bytes, confined()));
    return ParseCsvBuffer(file.view(), unit, request, options_.ticker_override);
  }

  Result<std::optional<std::string>> Fingerprint(const std::string& unit) override {
    OHLCV_ASSIGN_OR_RETURN(std::string fp, CsvFileFingerprint(unit));
    // The override changes which ticker the file's bars belong to.
    if (!options_.ticker_override.empty()) fp += ":" + options_.ticker_override;
    return std::optional<std::string>(std::move(fp));
  }

 private:
  bool confined() const { return options_.confined; }

  // A file named after a wanted ticker, or one with a ticker column in which
  // some wanted ticker's name appears (case-insensitively) at all: a superset
  // of the files whose rows Fetch keeps, found with one streaming read.
  static bool MayHoldWanted(const std::string& file, const std::vector<std::string>& wanted) {
    const std::string ticker = TickerFromFileName(file);
    std::vector<std::string> upper;
    size_t longest = 0;
    for (const auto& w : wanted) {
      if (strcasecmp(w.c_str(), ticker.c_str()) == 0) return true;
      upper.push_back(w);
      for (char& ch : upper.back()) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      longest = std::max(longest, w.size());
    }
    std::ifstream in(file, std::ios::binary);
    if (!in.is_open()) return true;  // kept, so that Fetch reports why
    std::string buf(size_t{1} << 20, '\0');
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    size_t have = static_cast<size_t>(in.gcount());
    if (!CsvHeaderNamesTickers(std::string_view(buf.data(), std::min<size_t>(have, 4096)))) return false;
    size_t carry = 0;  // bytes kept from the previous chunk, so a name across the seam is seen
    while (have > carry) {
      for (size_t i = carry; i < have; ++i) buf[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(buf[i])));
      const std::string_view text(buf.data(), have);
      for (const auto& w : upper) {
        if (text.find(w) != std::string_view::npos) return true;
      }
      carry = std::min(have, longest);
      std::memmove(buf.data(), buf.data() + have - carry, carry);
      in.read(buf.data() + carry, static_cast<std::streamsize>(buf.size() - carry));
      have = carry + static_cast<size_t>(in.gcount());
    }
    return false;
  }

  const CsvSourceOptions options_;
};

}  // namespace

std::unique_ptr<Source> NewCsvSource(CsvSourceOptions options) {
  return std::make_unique<CsvSource>(std::move(options));
}

}  // namespace ohlcv
