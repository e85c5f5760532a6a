// [log] format = "json": every line the real node writes is one JSON object, and a refused
// operation is logged by its code, never with what the client put in it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "ledger/status.h"
#include "tests/e2e/harness.h"

namespace liard::e2e {
namespace {

TEST_CASE("with [log] format = json every line is a JSON object, refusals by their code", "[log]") {
  TempDir tmp;
  const std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  WriteFile(tmp.Join("node.toml"), "[log]\nformat = \"json\"\n");
  NodeProcess node(data, {"--config", tmp.Join("node.toml")});
  node.Start();
  Client c(node.channel());
  REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1'00, 1)).status.ok());
  const std::string memo = "\"} {\"level\":\"critical\",\"event\":\"forged";
  REQUIRE(!c.Submit(c.SignTransfer("carol", "bob", 1'00, 1, memo)).status.ok());
  REQUIRE(node.Stop() == 0);

  bool started = false, refused = false, stopped = false;
  for (const std::string& line : Lines(node.err())) {
    INFO(line);
    nlohmann::json j;
    REQUIRE_NOTHROW(j = nlohmann::json::parse(line));
    REQUIRE(j.contains("time"));
    REQUIRE(j.contains("level"));
    CHECK(j.value("event", "") != "forged");
    if (j.value("event", "") == "start") {
      started = true;
      CHECK(j["accounts"].is_number());
    }
    if (j.value("event", "") == "refused") {
      refused = true;
      CHECK(j["code"] == static_cast<int>(Code::kInsufficientFunds));
      CHECK(j["name"] == "INSUFFICIENT_FUNDS");
    }
    if (j.value("event", "") == "stopped") stopped = true;
  }
  CHECK(started);
  CHECK(refused);
  CHECK(stopped);
  CHECK(!Contains(node.err(), "forged"));
}

}  // namespace
}  // namespace liard::e2e
