#include "config/config_loader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "testutil/test_paths.h"

namespace ohlcv {
namespace {

using Env = std::map<std::string, std::string>;

ConfigInputs Inputs(const Env& env, const std::string& dir) {
  ConfigInputs in;
  in.default_config_path = dir + "/config.json";  // never /app/config.json of the machine
  in.secrets_dir = dir + "/secrets";
  in.getenv = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return in;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

TEST(ConfigLoaderTest, DefaultsMatchTheContract) {
  std::string dir = testing::MakeTempDir();
  auto c = LoadConfig(Inputs({}, dir));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->http_port, 8000);
  EXPECT_EQ(c->metrics_port, 9090);
  EXPECT_EQ(c->data_dir, "./data");
  EXPECT_EQ(c->bind, "127.0.0.1");
  EXPECT_EQ(c->drain_seconds, 5);
  EXPECT_EQ(c->log_level, "info");
  EXPECT_TRUE(c->api_keys.empty());
}

TEST(ConfigLoaderTest, PrecedenceDefaultsFileEnvFlags) {
  std::string dir = testing::MakeTempDir();
  Write(dir + "/c.json",
        R"({"log_level": "debug", "http_port": 8100, "chromadb_host": "chroma", "data_dir": "/from-file"})");
  ConfigInputs in = Inputs({{"LOG_LEVEL", "warn"}, {"OHLCV_HTTP_PORT", "8200"}}, dir);
  in.config_path = dir + "/c.json";
  in.flags = {{"--port", "8300"}};
  auto c = LoadConfig(in);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->http_port, 8300);            // flag beats env and file
  EXPECT_EQ(c->log_level, "warn");          // env beats file
  EXPECT_EQ(c->chromadb_host, "chroma");    // file beats default
  EXPECT_EQ(c->data_dir, "/from-file");
  EXPECT_EQ(c->metrics_port, 9090);         // default
}

TEST(ConfigLoaderTest, DefaultConfigFileIsUsedWhenPresent) {
  std::string dir = testing::MakeTempDir();
  Write(dir + "/config.json", R"({"vector_store_type": "chromadb", "chromadb_port": 8001})");
  auto c = LoadConfig(Inputs({}, dir));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->vector_store_type, "chromadb");
  EXPECT_EQ(c->chromadb_port, 8001);
}

TEST(ConfigLoaderTest, MissingExplicitConfigIsAnError) {
  std::string dir = testing::MakeTempDir();
  ConfigInputs in = Inputs({}, dir);
  in.config_path = dir + "/nope.json";
  auto c = LoadConfig(in);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("nope.json"), std::string::npos);
}

TEST(ConfigLoaderTest, UnknownKeyIsAnErrorNamingTheKey) {
  std::string dir = testing::MakeTempDir();
  Write(dir + "/config.json", R"({"log_levle": "debug"})");
  auto c = LoadConfig(Inputs({}, dir));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("log_levle"), std::string::npos) << c.status().message();
}

TEST(ConfigLoaderTest, BadValuesAreErrorsNamingTheKey) {
  std::string dir = testing::MakeTempDir();
  struct Case {
    Env env;
    std::string json;
    std::string expect_in_message;
  };
  std::vector<Case> cases = {
      {{{"OHLCV_HTTP_PORT", "80x"}}, "", "OHLCV_HTTP_PORT"},
      {{{"OHLCV_HTTP_PORT", "70000"}}, "", "http_port"},
      {{{"LOG_LEVEL", "loud"}}, "", "LOG_LEVEL"},
      {{{"VECTOR_STORE_TYPE", "pinecone"}}, "", "VECTOR_STORE_TYPE"},
      {{{"OHLCV_INSECURE", "maybe"}}, "", "OHLCV_INSECURE"},
      {{{"OHLCV_DRAIN_SECONDS", "-1"}}, "", "drain_seconds"},
      {{}, R"({"http_port": "8000"})", "http_port"},
      {{}, R"({"chromadb_port": 8000.5})", "chromadb_port"},
      {{}, R"({"api_keys": [1, 2]})", "api_keys"},
      {{}, R"([1])", "JSON object"},
      {{}, R"({"log_level": )", "not valid JSON"},
  };
  for (const auto& k : cases) {
    if (!k.json.empty()) Write(dir + "/config.json", k.json);
    else std::filesystem::remove(dir + "/config.json");
    auto c = LoadConfig(Inputs(k.env, dir));
    ASSERT_FALSE(c.ok()) << k.expect_in_message;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(c.status().message().find(k.expect_in_message), std::string::npos)
        << k.expect_in_message << " not in: " << c.status().message();
  }
}

TEST(ConfigLoaderTest, ApiKeysAreACommaSeparatedList) {
  std::string dir = testing::MakeTempDir();
  auto c = LoadConfig(Inputs({{"API_KEY", " k1, k2 ,,k3 "}}, dir));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->api_keys, (std::vector<std::string>{"k1", "k2", "k3"}));

  Write(dir + "/config.json", R"({"api_keys": ["a", "b"]})");
  c = LoadConfig(Inputs({}, dir));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->api_keys, (std::vector<std::string>{"a", "b"}));
}

TEST(ConfigLoaderTest, SecretsFromFiles) {
  std::string dir = testing::MakeTempDir();
  std::filesystem::create_directories(dir + "/secrets");
  // Swarm mount only.
  Write(dir + "/secrets/api_key", "swarm-key\n");
  Write(dir + "/secrets/chroma_token", "chroma-token\n");
  Write(dir + "/secrets/db_password", "db-secret\n");
  auto c = LoadConfig(Inputs({}, dir));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->api_keys, (std::vector<std::string>{"swarm-key"}));
  // db_password is the database's (issue 14); ChromaDB has its own secret.
  EXPECT_EQ(c->chromadb_token, "chroma-token");
  EXPECT_EQ(c->database_password, "db-secret");
  Write(dir + "/chroma.txt", "file-token\n");
  c = LoadConfig(Inputs({{"CHROMADB_TOKEN_FILE", dir + "/chroma.txt"},
                         {"OHLCV_DATABASE_URL", "postgresql://ohlcv@db:5432/ohlcv"}}, dir));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->chromadb_token, "file-token");
  EXPECT_EQ(c->database_url, "postgresql://ohlcv@db:5432/ohlcv");
  c = LoadConfig(Inputs({{"OHLCV_DATABASE_PASSWORD", "env-pw"}}, dir));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->database_password, "env-pw");

  // API_KEY_FILE beats the Swarm mount; API_KEY beats the file.
  Write(dir + "/key.txt", "file-key-1,file-key-2\r\n");
  c = LoadConfig(Inputs({{"API_KEY_FILE", dir + "/key.txt"}}, dir));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->api_keys, (std::vector<std::string>{"file-key-1", "file-key-2"}));
  c = LoadConfig(Inputs({{"API_KEY_FILE", dir + "/key.txt"}, {"API_KEY", "env-key"}}, dir));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->api_keys, (std::vector<std::string>{"env-key"}));

  // A named file that cannot be read is an error naming the variable.
  c = LoadConfig(Inputs({{"OPENAI_API_KEY_FILE", dir + "/missing"}}, dir));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("OPENAI_API_KEY_FILE"), std::string::npos);
}

TEST(ConfigLoaderTest, EmptyEnvironmentValueCountsAsUnset) {
  std::string dir = testing::MakeTempDir();
  auto c = LoadConfig(Inputs({{"OHLCV_HTTP_PORT", ""}, {"API_KEY", ""}}, dir));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->http_port, 8000);
  EXPECT_TRUE(c->api_keys.empty());
}

TEST(ConfigLoaderTest, ParseFlagsSplitsTableFlagsFromTheRest) {
  std::string dir = testing::MakeTempDir();
  Write(dir + "/c.json", R"({"bind": "0.0.0.0"})");
  std::vector<std::string> args = {"serve", "--port", "9001", "--insecure", "--config=" + dir + "/c.json",
                                   "--api-key", "a", "--api-key=b", "--verbose", "--log-level=debug"};
  ConfigInputs in = Inputs({}, dir);
  std::vector<std::string> rest;
  ASSERT_TRUE(ParseConfigFlags(args, in, &rest).ok());
  EXPECT_EQ(rest, (std::vector<std::string>{"serve", "--verbose"}));
  auto c = LoadConfig(in);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->http_port, 9001);
  EXPECT_TRUE(c->insecure);
  EXPECT_EQ(c->bind, "0.0.0.0");
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_EQ(c->api_keys, (std::vector<std::string>{"a", "b"}));

  ConfigInputs strict = Inputs({}, dir);
  std::vector<std::string> bad = {"--prot", "1"};
  Status st = ParseConfigFlags(bad, strict, nullptr);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("--prot"), std::string::npos);
  std::vector<std::string> missing = {"--port"};
  EXPECT_FALSE(ParseConfigFlags(missing, strict, nullptr).ok());
}

TEST(ConfigLoaderTest, FormatConfigRedactsSecretsAndRoundTrips) {
  std::string dir = testing::MakeTempDir();
  auto c = LoadConfig(Inputs({{"API_KEY", "super-secret-1,super-secret-2"}, {"OPENAI_API_KEY", "sk-xyz"}}, dir));
  ASSERT_TRUE(c.ok());
  std::string text = FormatConfig(*c);
  EXPECT_EQ(text.find("super-secret"), std::string::npos) << text;
  EXPECT_EQ(text.find("sk-xyz"), std::string::npos) << text;
  EXPECT_NE(text.find("<redacted>"), std::string::npos);
  EXPECT_NE(text.find("\"http_port\": 8000"), std::string::npos) << text;

  // The unredacted printout is a valid config file giving the same values.
  Write(dir + "/roundtrip.json", FormatConfig(*c, /*show_secrets=*/true));
  ConfigInputs in = Inputs({}, dir);
  in.config_path = dir + "/roundtrip.json";
  auto again = LoadConfig(in);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->api_keys, c->api_keys);
  EXPECT_EQ(again->openai_api_key, "sk-xyz");
  EXPECT_EQ(FormatConfig(*again, true), FormatConfig(*c, true));
}

TEST(ConfigLoaderTest, TableIsConsistent) {
  std::set<std::string_view> names, envs, flags, keys;
  for (const auto& s : SettingsTable()) {
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    EXPECT_TRUE(envs.insert(s.env).second) << s.env;
    EXPECT_TRUE(flags.insert(s.flag).second) << s.flag;
    EXPECT_TRUE(keys.insert(s.json_key).second) << s.json_key;
    EXPECT_EQ(s.flag.substr(0, 2), "--") << s.flag;
    EXPECT_FALSE(s.help.empty()) << s.name;
    EXPECT_EQ(FindSetting(s.env), &s);
  }
  // Names fixed by the deployment contract.
  for (auto env : {"LOG_LEVEL", "DATA_SOURCE", "VECTOR_STORE_TYPE", "CHROMADB_HOST", "CHROMADB_PORT", "API_KEY",
                   "OHLCV_DATA_DIR", "OHLCV_CACHE_DIR", "OHLCV_HTTP_PORT", "OHLCV_METRICS_PORT", "OHLCV_BIND",
                   "LLM_PROVIDER", "OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL", "OHLCV_DRAIN_SECONDS"}) {
    EXPECT_TRUE(envs.count(env)) << env;
  }
  EXPECT_TRUE(ValidateConfig(AppConfig{}).ok());
  std::string help = ConfigHelp();
  EXPECT_NE(help.find("API_KEY_FILE"), std::string::npos);
  EXPECT_NE(help.find("/run/secrets/api_key"), std::string::npos);
}

// docs/service.md embeds the generated table; regenerate it with
// OHLCV_WRITE_CONFIG_TABLE=path when a setting changes.
TEST(ConfigLoaderTest, DocsTableMatchesTheSettingsTable) {
  std::string table = ConfigMarkdownTable();
  if (const char* out = std::getenv("OHLCV_WRITE_CONFIG_TABLE")) Write(out, table);
  std::ifstream in(testing::SourceDir() + "/docs/service.md");
  ASSERT_TRUE(in) << "docs/service.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find(table), std::string::npos) << "docs/service.md is out of date; expected table:\n"
                                                      << table;
}

}  // namespace
}  // namespace ohlcv
