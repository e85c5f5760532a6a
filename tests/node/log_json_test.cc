// JSON logs: a key=value line, with what LogText made of a client's bytes, as one JSON object.
#include "node/log_json.h"

#include <spdlog/details/log_msg.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "node/log_text.h"

namespace liard::node {
namespace {

nlohmann::json Parse(std::string_view message) {
  return nlohmann::json::parse("{" + LogPairsToJson(message) + "}");
}

TEST_CASE("a key=value log line becomes JSON members, numbers as numbers", "[log_json]") {
  nlohmann::json j = Parse(
      "event=start listen=127.0.0.1:7421 tls=off accounts=6 sequence=0 load_ms=88 "
      "version=0.1.0");
  CHECK(j["event"] == "start");
  CHECK(j["listen"] == "127.0.0.1:7421");
  CHECK(j["accounts"] == 6);
  CHECK(j["sequence"] == 0);
  CHECK(j["version"] == "0.1.0");
  CHECK(Parse("event=x n=-12")["n"] == -12);
  // Not numbers: leading zeros, too long for every reader, hex.
  CHECK(Parse("event=x n=007")["n"] == "007");
  CHECK(Parse("event=x n=1234567890123456789")["n"] == "1234567890123456789");
  CHECK(Parse("event=x op=5fb3a5e1")["op"] == "5fb3a5e1");
}

TEST_CASE("quoted values keep what LogText escaped, and never break the line", "[log_json]") {
  const std::string hostile = std::string("x\"} {\"level\":\"critical\n\x1b[31m\xff") + "\\";
  const std::string line = "event=refused code=205 name=INSUFFICIENT_FUNDS reason=\"" +
                           LogText(hostile) + "\" account=-";
  const std::string members = LogPairsToJson(line);
  CHECK(members.find('\n') == std::string::npos);
  nlohmann::json j = nlohmann::json::parse("{" + members + "}");
  CHECK(j["code"] == 205);
  CHECK(j["name"] == "INSUFFICIENT_FUNDS");
  CHECK(j["account"] == "-");
  // Quotes, backslash and newline decoded; the other bytes as LogText wrote them.
  CHECK(j["reason"] == "x\"} {\"level\":\"critical\n\\x1b[31m\\xff\\");
  CHECK(j.size() == 5);
}

TEST_CASE("a line that is not key=value pairs is one message member", "[log_json]") {
  CHECK(Parse("Failed to bind: address in use")["message"] == "Failed to bind: address in use");
  CHECK(Parse("event=x reason=\"unterminated")["message"] == "event=x reason=\"unterminated");
  CHECK(Parse("")["message"] == "");
}

TEST_CASE("the JSON formatter writes one object a line with time and level", "[log_json]") {
  auto formatter = MakeJsonLogFormatter();
  spdlog::details::log_msg msg("liard-node", spdlog::level::warn,
                               "event=insecure listen=0.0.0.0:7421");
  spdlog::memory_buf_t out;
  formatter->format(msg, out);
  const std::string line(out.data(), out.size());
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  nlohmann::json j = nlohmann::json::parse(line);
  CHECK(j["level"] == "warning");
  CHECK(j["event"] == "insecure");
  CHECK(j["time"].get<std::string>().size() == 24);  // 2026-12-04T19:12:00.123Z
  CHECK(j["time"].get<std::string>().back() == 'Z');
}

}  // namespace
}  // namespace liard::node
