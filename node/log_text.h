// Log text: what a client sent, made safe for a one-line log (escaped and bounded), and a rate
// limit for the lines a stranger can cause (refusals).
#ifndef LIARD_NODE_LOG_TEXT_H_
#define LIARD_NODE_LOG_TEXT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace liard::node {

// At most this many bytes of a client-supplied field are logged (before escaping).
inline constexpr size_t kLogFieldBytes = 200;
// Reasons and errors (sentences that may quote a client's field) are bounded at this many.
inline constexpr size_t kLogReasonBytes = 600;

// `text` as it may go into a log line between double quotes or as a bare value: printable ASCII
// and valid UTF-8 (except control and format characters) are kept; `"` and `\` get a backslash;
// newline, carriage return and tab become \n, \r, \t; any other control byte, a byte of invalid
// UTF-8, or a code point in C1 (U+0080..U+009F) or the line/paragraph separators (U+2028,
// U+2029) becomes \xNN per byte. Only the first `max_bytes` bytes of `text` are kept; if there
// were more, "…(+N bytes)" follows, N counting what was left out. The result is never longer
// than 4 * max_bytes + 24 bytes and never holds a newline.
std::string LogText(std::string_view text, size_t max_bytes = kLogFieldBytes);

// Allows at most `per_second` events in each one-second window; the events beyond are counted,
// and reported once, by the first allowed event of a later window. Thread-safe.
class LogRateLimit {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LogRateLimit(int per_second) : per_second_(per_second) {}

  struct Decision {
    bool allow = false;       // log this event's line
    uint64_t suppressed = 0;  // before it: events not logged since the last report (log this)
  };
  Decision Take(Clock::time_point now = Clock::now());

 private:
  const int per_second_;
  std::mutex mu_;
  Clock::time_point window_start_{};
  int in_window_ = 0;
  uint64_t suppressed_ = 0;
};

// The rate limit shared by every refusal line of the node (event=refused, read-refused,
// batch-refused, ...): at most 20 a second; the rest are counted and reported by one
// `event=refusals-suppressed count=N` line when the next refusal is logged (at most one per
// second while a flood lasts).
inline constexpr int kRefusalLinesPerSecond = 20;
// True if the caller should log its refusal line now; logs the suppressed count first if due.
bool AllowRefusalLine();

}  // namespace liard::node

#endif  // LIARD_NODE_LOG_TEXT_H_
