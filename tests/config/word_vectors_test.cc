// WordVectorSearchDirs: the word vectors are found wherever the binary runs.
#include "config/word_vectors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace ohlcv {
namespace {

auto Env(std::map<std::string, std::string> env) {
  return [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

TEST(WordVectorSearchDirsTest, CacheDirSettingIsTheOnlyPlace) {
  AppConfig c;
  c.cache_dir = "/opt/vectors";
  EXPECT_EQ(WordVectorSearchDirs(c, Env({{"XDG_CACHE_HOME", "/x"}})), std::vector<std::string>{"/opt/vectors"});
}

TEST(WordVectorSearchDirsTest, XdgThenHomeThenBesideTheBinaryThenDataDir) {
  AppConfig c;
  c.data_dir = "/srv/ohlcv/data";
  auto dirs = WordVectorSearchDirs(c, Env({{"XDG_CACHE_HOME", "/xdg"}, {"HOME", "/home/u"}}));
  ASSERT_GE(dirs.size(), 3u);
  EXPECT_EQ(dirs.front(), "/xdg/ohlcv-rag");
  EXPECT_EQ(dirs[dirs.size() - 2], "/srv/ohlcv/.cache");
  EXPECT_EQ(dirs.back(), "./.cache");
  // The test binary's own folder is searched (the CLI finds vectors installed beside it).
  std::error_code ec;
  std::string bin = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path().string();
  EXPECT_NE(std::find(dirs.begin(), dirs.end(), bin), dirs.end());

  dirs = WordVectorSearchDirs(c, Env({{"HOME", "/home/u"}}));
  EXPECT_EQ(dirs.front(), "/home/u/.cache/ohlcv-rag");
}

}  // namespace
}  // namespace ohlcv
