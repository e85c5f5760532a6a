// Escaping and rate limiting of log lines that carry what a client sent.
#include "node/log_text.h"

#include <spdlog/spdlog.h>

namespace liard::node {
namespace {

// The length of the valid UTF-8 sequence at text[i] (1 to 4) and its code point, or 0 if the
// bytes there are not one (overlong forms, surrogates and values past U+10FFFF are not).
size_t DecodeUtf8(std::string_view text, size_t i, uint32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char c = b(0);
  size_t n;
  uint32_t v;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    v = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    v = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(k) & 0x3F);
  }
  if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  *cp = v;
  return n;
}

void AppendHexByte(std::string* out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\x");
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xF]);
}

}  // namespace

std::string LogText(std::string_view text, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 16);
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = 0;
    size_t n = DecodeUtf8(text, i, &cp);
    const size_t take = n == 0 ? 1 : n;
    if (i + take > max_bytes) break;  // never half a character
    if (n == 0) {
      AppendHexByte(&out, static_cast<unsigned char>(text[i]));
    } else if (cp == '"' || cp == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(cp));
    } else if (cp == '\n') {
      out.append("\\n");
    } else if (cp == '\r') {
      out.append("\\r");
    } else if (cp == '\t') {
      out.append("\\t");
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 ||
               cp == 0x2029) {
      for (size_t k = 0; k < n; ++k) AppendHexByte(&out, static_cast<unsigned char>(text[i + k]));
    } else {
      out.append(text.substr(i, n));
    }
    i += take;
  }
  if (i < text.size()) out += "…(+" + std::to_string(text.size() - i) + " bytes)";
  return out;
}

LogRateLimit::Decision LogRateLimit::Take(Clock::time_point now) {
  std::lock_guard lock(mu_);
  Decision d;
  if (in_window_ == 0 || now - window_start_ >= std::chrono::seconds(1)) {
    window_start_ = now;
    in_window_ = 0;
    d.suppressed = suppressed_;
    suppressed_ = 0;
  }
  if (in_window_ < per_second_) {
    ++in_window_;
    d.allow = true;
  } else {
    ++suppressed_;
  }
  return d;
}

bool AllowRefusalLine() {
  static LogRateLimit limit(kRefusalLinesPerSecond);
  const LogRateLimit::Decision d = limit.Take();
  if (d.suppressed > 0)
    spdlog::warn("event=refusals-suppressed count={} per_second={}", d.suppressed,
                 kRefusalLinesPerSecond);
  return d.allow;
}

}  // namespace liard::node
