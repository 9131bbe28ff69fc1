// `promtool check metrics` for tests (Debian package prometheus).
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "testutil/test_paths.h"

namespace ohlcv::testing {

inline bool HavePromtool() { return std::system("command -v promtool >/dev/null 2>&1") == 0; }

// Exit code of promtool on `text`; its messages go to *output.
inline int Promtool(const std::string& text, std::string* output) {
  std::string dir = MakeTempDir("promtool");
  std::ofstream(dir + "/m.txt") << text;
  std::string cmd = "promtool check metrics < " + dir + "/m.txt 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[512];
  while (fgets(buf, sizeof(buf), p)) *output += buf;
  int rc = pclose(p);
  return WEXITSTATUS(rc);
}

}  // namespace ohlcv::testing
