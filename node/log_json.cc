#include "node/log_json.h"

#include <spdlog/details/log_msg.h>

#include <chrono>
#include <ctime>

namespace liard::node {
namespace {

// `text` as the inside of a JSON string.
void AppendJsonString(std::string* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

bool IsKeyChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

bool IsInteger(std::string_view v) {
  size_t i = v.starts_with('-') ? 1 : 0;
  if (v.size() == i || v.size() - i > 18) return false;
  if (v.size() - i > 1 && v[i] == '0') return false;
  for (; i < v.size(); ++i)
    if (v[i] < '0' || v[i] > '9') return false;
  return true;
}

}  // namespace

std::string LogPairsToJson(std::string_view message) {
  std::string out;
  size_t i = 0;
  bool first = true;
  while (i < message.size()) {
    while (i < message.size() && message[i] == ' ') ++i;
    if (i == message.size()) break;
    size_t k = i;
    while (k < message.size() && IsKeyChar(message[k])) ++k;
    if (k == i || k == message.size() || message[k] != '=') {
      out.clear();
      break;  // not pairs
    }
    const std::string_view key = message.substr(i, k - i);
    std::string value;
    bool quoted = false;
    size_t v = k + 1;
    if (v < message.size() && message[v] == '"') {
      quoted = true;
      ++v;
      bool closed = false;
      while (v < message.size()) {
        const char c = message[v];
        if (c == '"') {
          closed = true;
          ++v;
          break;
        }
        if (c == '\\' && v + 1 < message.size()) {
          const char e = message[v + 1];
          if (e == '"' || e == '\\')
            value.push_back(e);
          else if (e == 'n')
            value.push_back('\n');
          else if (e == 'r')
            value.push_back('\r');
          else if (e == 't')
            value.push_back('\t');
          else
            value.append(message.substr(v, 2));  // \xNN and others: kept as written
          v += 2;
          continue;
        }
        value.push_back(c);
        ++v;
      }
      if (!closed || (v < message.size() && message[v] != ' ')) {
        out.clear();
        break;
      }
    } else {
      const size_t end = message.find(' ', v);
      value = std::string(message.substr(v, end == std::string_view::npos ? end : end - v));
      v = end == std::string_view::npos ? message.size() : end;
    }
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(&out, key);
    out.push_back(':');
    if (!quoted && IsInteger(value))
      out += value;
    else
      AppendJsonString(&out, value);
    i = v;
  }
  if (out.empty()) {
    out = "\"message\":";
    AppendJsonString(&out, message);
  }
  return out;
}

namespace {

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto since = msg.time.time_since_epoch();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since).count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char time[40];
    const size_t n = std::strftime(time, sizeof time, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(time + n, sizeof time - n, ".%03dZ", static_cast<int>(ms % 1000));
    std::string line = "{\"time\":\"";
    line += time;
    line += "\",\"level\":\"";
    const auto level = spdlog::level::to_string_view(msg.level);
    line.append(level.data(), level.size());
    line += "\",";
    line += LogPairsToJson(std::string_view(msg.payload.data(), msg.payload.size()));
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> MakeJsonLogFormatter() {
  return std::make_unique<JsonFormatter>();
}

}  // namespace liard::node
