// The crash path of LIARD_CHECK: not the ledger's I/O, the last words of a broken program.
#include "ledger/check.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace liard {

void CheckFailed(const char* file, int line, const char* condition) {
  const std::string message = std::string("liard: check failed at ") + file + ":" +
                              std::to_string(line) + ": " + condition + "\n";
  std::fputs(message.c_str(), stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace liard
