// LIARD_CHECK: an assertion of the apply path's pre- and postconditions that stays on in release
// builds (NDEBUG does not remove it), as TigerBeetle keeps its asserts. It guards programming
// errors only: a refusal of bad input is a Status, never a failed check. A failed check prints
// file:line and the condition to stderr and aborts: continuing would write wrong books.
#ifndef LIARD_LEDGER_CHECK_H_
#define LIARD_LEDGER_CHECK_H_

namespace liard {

// Prints "liard: check failed at file:line: condition" to stderr and aborts.
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition);

}  // namespace liard

#define LIARD_CHECK(condition)                              \
  do {                                                      \
    if (!(condition)) [[unlikely]]                          \
      ::liard::CheckFailed(__FILE__, __LINE__, #condition); \
  } while (false)

#endif  // LIARD_LEDGER_CHECK_H_
