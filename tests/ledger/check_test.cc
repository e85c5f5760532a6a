// LIARD_CHECK stays on in release builds: a failed check aborts with file:line and the
// condition on stderr, whatever NDEBUG says (this file is built RelWithDebInfo, with NDEBUG).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "ledger/check.h"

namespace liard {
namespace {

struct ChildResult {
  int status = 0;
  std::string stderr_text;
};

// Runs `body` in a child process with its stderr piped back; the child exits 0 if it returns.
template <typename F>
ChildResult RunInChild(F body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    signal(SIGABRT, SIG_DFL);  // the test runner's fatal-signal report is not for this child
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    body();
    _exit(0);
  }
  close(fds[1]);
  ChildResult r;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) r.stderr_text.append(buf, n);
  close(fds[0]);
  REQUIRE(waitpid(pid, &r.status, 0) == pid);
  return r;
}

int Opaque(int x) {  // keeps the compiler from deciding the checks below at compile time
  static volatile int sink;
  sink = x;
  return sink;
}

TEST_CASE("LIARD_CHECK aborts with file, line and condition in a release build", "[check]") {
#ifdef NDEBUG
  INFO("built with NDEBUG: the check must still be on");
#endif
  const int check_line = __LINE__ + 3;  // the line of the LIARD_CHECK below
  ChildResult r = RunInChild([] {
    const int units = Opaque(5), euro = Opaque(-5);
    LIARD_CHECK(units + euro == 1);
  });
  INFO("stderr: " << r.stderr_text);
  REQUIRE(WIFSIGNALED(r.status));
  CHECK(WTERMSIG(r.status) == SIGABRT);
  CHECK(r.stderr_text.find("liard: check failed at ") == 0);
  CHECK(r.stderr_text.find("check_test.cc:" + std::to_string(check_line) +
                           ": units + euro == 1\n") != std::string::npos);
}

TEST_CASE("LIARD_CHECK of a true condition does nothing", "[check]") {
  ChildResult r = RunInChild([] { LIARD_CHECK(Opaque(2) + Opaque(2) == 4); });
  REQUIRE(WIFEXITED(r.status));
  CHECK(WEXITSTATUS(r.status) == 0);
  CHECK(r.stderr_text.empty());
}

}  // namespace
}  // namespace liard
