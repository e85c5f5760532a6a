// FakeClock: moves the wall clock of every process a test starts (liard-node, liard), with
// libfaketime (Debian's `faketime`, preloaded; its offset read from a file at every call, the
// monotonic clock left real). Shared by the clock guard's tests and the statement's.
#ifndef LIARD_TESTS_E2E_FAKE_CLOCK_H_
#define LIARD_TESTS_E2E_FAKE_CLOCK_H_

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "tests/e2e/harness.h"

namespace liard::e2e {

inline constexpr char kFakeTimeLib[] = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

// While it lives, every process the test starts (NodeProcess and RunProgram pass the test's
// environment on) runs with libfaketime and the offset in `offset_file`, reread at each call.
class FakeClock {
 public:
  explicit FakeClock(const TempDir& tmp) : file_(tmp.Join("faketime")) {
    REQUIRE(access(kFakeTimeLib, R_OK) == 0);  // scripts/setup.sh installs `faketime`
    Set("+0");
    setenv("LD_PRELOAD", kFakeTimeLib, 1);
    setenv("FAKETIME_TIMESTAMP_FILE", file_.c_str(), 1);
    setenv("FAKETIME_NO_CACHE", "1", 1);
    setenv("FAKETIME_DONT_FAKE_MONOTONIC", "1", 1);
  }
  ~FakeClock() {
    unsetenv("LD_PRELOAD");
    unsetenv("FAKETIME_TIMESTAMP_FILE");
    unsetenv("FAKETIME_NO_CACHE");
    unsetenv("FAKETIME_DONT_FAKE_MONOTONIC");
  }
  FakeClock(const FakeClock&) = delete;
  FakeClock& operator=(const FakeClock&) = delete;
  // An offset as libfaketime reads it: "+365d", "-1d", "+0", "+2419200" (seconds).
  void Set(const std::string& offset) { WriteFile(file_, offset + "\n"); }

 private:
  std::string file_;
};

}  // namespace liard::e2e

#endif  // LIARD_TESTS_E2E_FAKE_CLOCK_H_
