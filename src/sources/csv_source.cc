// CsvSource: a file or a folder of CSV files; one unit per file. Parsing is
// in csv_parse.cc (ParseCsvBuffer); this file plans and reads files.
#include "sources/csv_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

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

struct FileBytes {
  std::unique_ptr<char[]> data;
  size_t size = 0;
};

Result<FileBytes> ReadWholeFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path, errno);
  FdCloser closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus(path, errno);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + ": not a regular file");
  FileBytes out;
  out.data = std::make_unique_for_overwrite<char[]>(static_cast<size_t>(st.st_size) + 1);
  size_t cap = static_cast<size_t>(st.st_size);
  while (out.size < cap) {
    ssize_t n = ::read(fd, out.data.get() + out.size, cap - out.size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(path, errno);
    if (n == 0) break;  // file shrank while reading: parse what we have
    out.size += static_cast<size_t>(n);
  }
  return out;
}

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
    std::error_code ec;
    fs::file_status st = fs::status(options_.path, ec);
    if (ec || !fs::exists(st)) return Status::NotFound(options_.path + ": no such file or folder");
    if (fs::is_regular_file(st)) return std::vector<std::string>{options_.path};
    if (!fs::is_directory(st)) return Status::InvalidArgument(options_.path + ": not a file or folder");
    std::vector<std::string> files;
    for (fs::directory_iterator it(options_.path, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && IsCsvName(it->path())) files.push_back(it->path().string());
    }
    if (ec) return Status::IOError(options_.path + ": " + ec.message());
    if (files.empty()) return Status::NotFound(options_.path + ": no *.csv or *.txt files");
    std::sort(files.begin(), files.end());
    return files;
  }

  Result<FetchResult> Fetch(const std::string& unit, const FetchRequest& request) override {
    OHLCV_ASSIGN_OR_RETURN(FileBytes bytes, ReadWholeFile(unit));
    return ParseCsvBuffer(std::string_view(bytes.data.get(), bytes.size), unit, request,
                          options_.ticker_override);
  }

  Result<std::optional<std::string>> Fingerprint(const std::string& unit) override {
    OHLCV_ASSIGN_OR_RETURN(std::string fp, CsvFileFingerprint(unit));
    // The override changes which ticker the file's bars belong to.
    if (!options_.ticker_override.empty()) fp += ":" + options_.ticker_override;
    return std::optional<std::string>(std::move(fp));
  }

 private:
  const CsvSourceOptions options_;
};

}  // namespace

std::unique_ptr<Source> NewCsvSource(CsvSourceOptions options) {
  return std::make_unique<CsvSource>(std::move(options));
}

}  // namespace ohlcv
