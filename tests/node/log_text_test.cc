// LogText and LogRateLimit: what a client sent, made safe for one log line, and refusal lines
// at a bounded rate.
#include "node/log_text.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

namespace liard::node {
namespace {

TEST_CASE("LogText keeps plain text and valid UTF-8 as it is", "[log_text]") {
  CHECK(LogText("GetAccount") == "GetAccount");
  CHECK(LogText("") == "");
  CHECK(LogText("café Œuvre 日本 🙂") == "café Œuvre 日本 🙂");
}

TEST_CASE("LogText escapes quotes, backslashes and control characters", "[log_text]") {
  CHECK(LogText("a\"b\\c") == "a\\\"b\\\\c");
  CHECK(LogText("x\n2026-12-03 critical event=append-failed") ==
        "x\\n2026-12-03 critical event=append-failed");
  CHECK(LogText("a\rb\tc") == "a\\rb\\tc");
  CHECK(LogText(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(LogText("\x1b[31mred") == "\\x1b[31mred");
  CHECK(LogText("del\x7f") == "del\\x7f");
  // C1 controls and the Unicode line separators end lines in some viewers.
  CHECK(LogText("a\xc2\x85z") == "a\\xc2\\x85z");
  CHECK(LogText("a\xe2\x80\xa8z") == "a\\xe2\\x80\\xa8z");
}

TEST_CASE("LogText writes invalid UTF-8 as hex bytes", "[log_text]") {
  CHECK(LogText("\xff\xfe") == "\\xff\\xfe");
  CHECK(LogText("a\xc3") == "a\\xc3");                           // cut sequence
  CHECK(LogText("\xc0\xaf") == "\\xc0\\xaf");                    // overlong '/'
  CHECK(LogText("\xed\xa0\x80") == "\\xed\\xa0\\x80");           // a surrogate
  CHECK(LogText("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
}

TEST_CASE("LogText bounds what it keeps and says how much it left out", "[log_text]") {
  const std::string big(3 << 20, 'A');
  const std::string out = LogText(big);
  CHECK(out == std::string(kLogFieldBytes, 'A') + "…(+" +
                   std::to_string(big.size() - kLogFieldBytes) + " bytes)");
  CHECK(LogText("abcdef", 3) == "abc…(+3 bytes)");
  CHECK(LogText("abc", 3) == "abc");
  // Never half a character: "é" is two bytes.
  CHECK(LogText("aé", 2) == "a…(+2 bytes)");
  // Even a field of control bytes stays bounded: 4 bytes out per byte in, plus the note.
  const std::string controls(10'000, '\x01');
  CHECK(LogText(controls).size() <= 4 * kLogFieldBytes + 24);
  CHECK(LogText(controls).find('\n') == std::string::npos);
}

TEST_CASE("LogRateLimit allows a number per second and reports the rest once", "[log_text]") {
  using namespace std::chrono_literals;
  LogRateLimit limit(3);
  const auto t0 = LogRateLimit::Clock::time_point{} + 100s;
  for (int i = 0; i < 3; ++i) {
    auto d = limit.Take(t0 + std::chrono::milliseconds(i));
    CHECK(d.allow);
    CHECK(d.suppressed == 0);
  }
  for (int i = 0; i < 5; ++i) CHECK_FALSE(limit.Take(t0 + 500ms).allow);
  // A second later: allowed again, with the count of what was left out, reported once.
  auto d = limit.Take(t0 + 1s);
  CHECK(d.allow);
  CHECK(d.suppressed == 5);
  d = limit.Take(t0 + 1s + 1ms);
  CHECK(d.allow);
  CHECK(d.suppressed == 0);
  d = limit.Take(t0 + 3s);
  CHECK(d.allow);
  CHECK(d.suppressed == 0);
}

}  // namespace
}  // namespace liard::node
