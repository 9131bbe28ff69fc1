// `ohlcv-rag interactive`: a read-eval-print loop over `query`. The engine is
// opened once, so each question costs only its answer. Works the same with a
// terminal (prompt shown) and with piped stdin (no prompt, one answer per
// line). End of input, `exit` or `quit` end it with exit code 0; a failed
// question prints its error and the loop goes on.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#ifdef OHLCV_HAVE_EDITLINE
#include <editline/readline.h>
#endif

#include "cli/cli_common.h"

namespace ohlcv::cli {
namespace {

constexpr const char* kHelp =
    "Ask a question about the ingested data, e.g. \"How did AAPL perform in 2019?\".\n"
    "Commands: help, status, clear (the screen), exit (or quit, or end of input).\n"
    "On a terminal, arrow keys edit the line and recall earlier questions (history).\n";

// One line from the user: with line editing and history on a terminal
// (libedit), plain getline otherwise. False at end of input.
bool ReadLine(bool tty, std::string* line) {
#ifdef OHLCV_HAVE_EDITLINE
  if (tty) {
    char* raw = readline("> ");
    if (!raw) return false;
    *line = raw;
    std::free(raw);
    if (line->find_first_not_of(" \t") != std::string::npos) add_history(line->c_str());
    return true;
  }
#endif
  if (tty) std::cout << "> " << std::flush;
  return static_cast<bool>(std::getline(std::cin, *line));
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

int RunInteractive(size_t n_results, const GlobalOptions& global) {
  auto engine = OpenKbToRead(global);
  if (!engine.ok()) return ReportError(engine.status());
  const bool tty = StdinIsTerminal();
  if (tty) std::cout << "ohlcv-rag interactive: " << global.data_dir << "\n" << kHelp;
  std::string line;
  while (true) {
    if (tty) std::cout << "\n" << std::flush;
    if (!ReadLine(tty, &line)) break;  // EOF (Ctrl-D or end of the pipe)
    std::string question = Trim(line);
    if (question.empty()) continue;
    if (question == "exit" || question == "quit") break;
    if (question == "help" || question == "?") {
      std::cout << kHelp;
      continue;
    }
    if (question == "clear" || question == "cls") {
      if (tty) std::cout << "\x1b[H\x1b[2J" << std::flush;  // not a question: clear the screen
      continue;
    }
    if (question == "status") {
      PrintStatus(**engine, global.json);
      continue;
    }
    AskRequest ask;
    ask.question = question;
    ask.n_results = n_results;
    auto answer = (*engine)->Ask(ask);
    if (!answer.ok()) {
      std::cout << "error: " << answer.status().message() << "\n";
    } else {
      PrintAnswer(*answer, global.json);
    }
    if (!tty) std::cout << "\n";  // blank line between piped answers
    std::cout << std::flush;
  }
  if (tty) std::cout << "\n";
  return kExitOk;
}

}  // namespace

void RegisterInteractiveCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto n = std::make_shared<size_t>(5);
  CLI::App* cmd = app.add_subcommand("interactive", "Ask questions one after another (exit, quit or EOF to end)");
  cmd->add_option("--n-results,-n", *n, "Sources to cite per answer")->capture_default_str();
  cmd->add_flag("--json", global.json, "Print each answer as JSON");
  cmd->callback([n, &global, &exit_code] { exit_code = RunInteractive(*n, global); });
}

}  // namespace ohlcv::cli
