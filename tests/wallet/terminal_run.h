// RunInTerminal: the real liard binary on a pseudo-terminal, for what a person must type at a
// terminal (key export's passphrase). RunProgram gives a child no terminal at all (setsid).
#ifndef LIARD_TESTS_WALLET_TERMINAL_RUN_H_
#define LIARD_TESTS_WALLET_TERMINAL_RUN_H_

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/harness.h"

extern char** environ;

namespace liard::e2e {

struct TerminalResult {
  int exit_code = -1;
  bool timed_out = false;
  std::string output;  // standard output and error as the terminal showed them
};

// Runs `path args...` as the session leader of a new pseudo-terminal (its /dev/tty), with the
// environment of `options` (stdin_data unused). Each time the program prompts for a passphrase
// ("assphrase" appears once more) and has turned echo off, types the next of `typed` and Enter.
inline TerminalResult RunInTerminal(const std::string& path, const std::vector<std::string>& args,
                                    const ProgramOptions& options,
                                    const std::vector<std::string>& typed,
                                    Millis timeout = Millis(30'000)) {
  std::vector<std::string> argv_storage{path};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    std::string name(kv.substr(0, kv.find('=')));
    bool drop = options.env.count(name) > 0;
    for (const auto& u : options.unset_env) drop = drop || u == name;
    if (!drop) env_storage.emplace_back(kv);
  }
  for (const auto& [k, v] : options.env) env_storage.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) throw std::runtime_error("forkpty failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execve(path.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  TerminalResult r;
  size_t prompts_answered = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    if (std::chrono::steady_clock::now() > deadline) {
      r.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd p{master, POLLIN, 0};
    int n = poll(&p, 1, 20);
    if (n > 0) {
      ssize_t got = read(master, buf, sizeof buf);
      if (got <= 0) break;  // EIO: the program closed the terminal (it ended)
      r.output.append(buf, static_cast<size_t>(got));
    }
    size_t prompts = 0;
    for (size_t at = 0; (at = r.output.find("assphrase", at)) != std::string::npos; ++at) ++prompts;
    if (prompts > prompts_answered && prompts_answered < typed.size()) {
      // Typed before echo is off, the line would be flushed (TCSAFLUSH) and shown.
      termios mode;
      if (tcgetattr(master, &mode) == 0 && (mode.c_lflag & ECHO) == 0) {
        std::string line = typed[prompts_answered++] + "\n";
        if (write(master, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
          throw std::runtime_error("cannot type on the pseudo-terminal");
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  close(master);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace liard::e2e

#endif  // LIARD_TESTS_WALLET_TERMINAL_RUN_H_
