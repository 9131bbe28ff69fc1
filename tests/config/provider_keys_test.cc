// The data providers' keys are secrets of the settings table: env, *_FILE
// and the Swarm secret mount, like the other secrets.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "config/config_loader.h"
#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

ConfigInputs Inputs(std::map<std::string, std::string> env, const std::string& dir) {
  ConfigInputs in;
  in.default_config_path = dir + "/config.json";
  in.secrets_dir = dir + "/secrets";
  in.getenv = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return in;
}

TEST(ProviderKeysTest, FromEnvFileAndSecretMountAndRedacted) {
  std::string dir = testing::MakeTempDir();
  std::filesystem::create_directories(dir + "/secrets");
  std::ofstream(dir + "/secrets/polygon_api_key") << "poly-from-mount\n";
  std::ofstream(dir + "/av.txt") << "av-from-file\n";
  auto c = LoadConfig(Inputs({{"ALPHA_VANTAGE_API_KEY_FILE", dir + "/av.txt"}}, dir));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->alpha_vantage_api_key, "av-from-file");
  EXPECT_EQ(c->polygon_api_key, "poly-from-mount");
  EXPECT_EQ(FormatConfig(*c).find("av-from-file"), std::string::npos) << "secrets must be redacted";

  c = LoadConfig(Inputs({{"ALPHA_VANTAGE_API_KEY", "av-env"}, {"POD_NAME", "ohlcv-7f9"}}, dir));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->alpha_vantage_api_key, "av-env");
  EXPECT_EQ(c->pod_name, "ohlcv-7f9");
}

TEST(ProviderKeysTest, ChoicesAreCaseInsensitive) {
  std::string dir = testing::MakeTempDir();
  auto c = LoadConfig(Inputs({{"LOG_LEVEL", "INFO"}, {"VECTOR_STORE_TYPE", "ChromaDB"}}, dir));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->log_level, "info");
  EXPECT_EQ(c->vector_store_type, "chromadb");
  EXPECT_FALSE(LoadConfig(Inputs({{"LOG_LEVEL", "loud"}}, dir)).ok());
}

}  // namespace
}  // namespace ohlcv
