// The metrics page ([metrics] listen): off by default, never on a client's port, and in
// Prometheus's text format with the figures a run of the real node produced.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "ledger/status.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

struct Sample {
  std::string name;
  std::string labels;  // as written, without the braces
  double value = 0;
};

// Parses a page in the text exposition format (version 0.0.4), failing the test on any line
// that is not a HELP, a TYPE or a sample of a family declared before it.
std::vector<Sample> ParsePage(const std::string& page) {
  static const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+)");
  static const std::regex kType(
      R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex kSample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*)\})? ([-+]?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\+Inf|-Inf|NaN)))");
  std::map<std::string, std::string> types;
  std::set<std::string> helped;
  std::vector<Sample> samples;
  REQUIRE(!page.empty());
  REQUIRE(page.back() == '\n');
  for (const std::string& line : Lines(page)) {
    INFO(line);
    std::smatch m;
    if (std::regex_match(line, m, kHelp)) {
      CHECK(helped.insert(m[1]).second);
    } else if (std::regex_match(line, m, kType)) {
      CHECK(types.emplace(m[1], m[2]).second);
    } else {
      REQUIRE(std::regex_match(line, m, kSample));
      std::string family = m[1];
      if (!types.count(family))
        for (const char* suffix : {"_bucket", "_sum", "_count"})
          if (family.ends_with(suffix) &&
              types[family.substr(0, family.size() - std::string(suffix).size())] == "histogram") {
            family = family.substr(0, family.size() - std::string(suffix).size());
            break;
          }
      CHECK(types.count(family) == 1);
      CHECK(helped.count(family) == 1);
      samples.push_back({m[1], m[3], std::stod(m[4])});
    }
  }
  return samples;
}

double Value(const std::vector<Sample>& samples, const std::string& name,
             const std::string& labels = "") {
  for (const Sample& s : samples)
    if (s.name == name && s.labels == labels) return s.value;
  FAIL("no sample " << name << "{" << labels << "}");
  return 0;
}

TEST_CASE("the metrics page counts what the node did, in Prometheus's text format", "[metrics]") {
  TempDir tmp;
  const std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  WriteFile(tmp.Join("node.toml"), "[metrics]\nlisten = \"127.0.0.1:0\"\n");
  NodeProcess node(data, {"--config", tmp.Join("node.toml")});
  node.Start();
  Client c(node.channel());
  for (uint64_t s = 1; s <= 5; ++s)
    REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1'00, s)).status.ok());
  // Two refusals: more than alice has, and a payer without money.
  CHECK(c.Submit(c.SignTransfer("alice", "bob", 1'000'000'00, 6)).liard_code ==
        std::to_string(static_cast<int>(Code::kInsufficientFunds)));
  CHECK(c.Submit(c.SignTransfer("carol", "bob", 1'00, 1)).liard_code ==
        std::to_string(static_cast<int>(Code::kInsufficientFunds)));

  const int metrics_port = MetricsPort(node);
  REQUIRE(metrics_port != 0);
  httplib::Client http("127.0.0.1", metrics_port);
  auto res = http.Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type").starts_with("text/plain; version=0.0.4"));
  const std::vector<Sample> page = ParsePage(res->body);

  CHECK(Value(page, "liard_operations_applied_total") == 5);
  CHECK(Value(page, "liard_journal_head") == 5);
  CHECK(Value(page, "liard_writable") == 1);
  const std::string insufficient =
      "code=\"" + std::to_string(static_cast<int>(Code::kInsufficientFunds)) + "\",name=\"" +
      std::string(CodeName(Code::kInsufficientFunds)) + "\"";
  CHECK(Value(page, "liard_operations_refused_total", insufficient) == 2);
  // Five operations, one by one: each its own group.
  CHECK(Value(page, "liard_group_operations_count") == 5);
  CHECK(Value(page, "liard_group_operations_sum") == 5);
  CHECK(Value(page, "liard_group_operations_bucket", "le=\"1\"") == 5);
  CHECK(Value(page, "liard_group_commit_seconds_count") == 5);
  CHECK(Value(page, "liard_group_commit_seconds_bucket", "le=\"+Inf\"") == 5);
  // Buckets are cumulative.
  double previous = 0;
  for (const Sample& s : page)
    if (s.name == "liard_group_commit_seconds_bucket") {
      CHECK(s.value >= previous);
      previous = s.value;
    }
  CHECK(Value(page, "liard_checkpoint_age_seconds") >= 0);
  CHECK(Value(page, "liard_verify_queue") == 0);
  CHECK(Value(page, "liard_streams_open") == 0);
  CHECK(Value(page, "liard_store_write_stopped") == 0);
  CHECK(Value(page, "liard_store_compaction_pending") >= 0);
  CHECK(Value(page, "liard_store_pending_compaction_bytes") >= 0);
  const double rss = Value(page, "liard_process_resident_bytes");
  CHECK(rss > 1e6);
  const double vm_rss = static_cast<double>(ProcStatus(node.pid(), "VmRSS")) * 1024.0;
  CHECK(rss > vm_rss / 2);
  CHECK(rss < vm_rss * 2);

  // Only /metrics, only read.
  auto other = http.Get("/");
  REQUIRE(other);
  CHECK(other->status == 404);
  auto post = http.Post("/metrics", "x", "text/plain");
  REQUIRE(post);
  CHECK(post->status != 200);
}

TEST_CASE("the metrics are off by default and never on a port that clients use", "[metrics]") {
  TempDir tmp;
  const std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  {
    NodeProcess node(data);
    node.Start();
    CHECK_FALSE(Contains(node.out(), "metrics"));
    CHECK_FALSE(Contains(node.err(), "event=metrics-start"));
  }
  WriteFile(tmp.Join("same.toml"),
            "[server]\nlisten = \"127.0.0.1:17421\"\n[metrics]\nlisten = \"127.0.0.1:17421\"\n");
  CommandResult same = RunNode({"run", "--data", data, "--config", tmp.Join("same.toml")});
  CHECK(same.exit_code == 2);
  CHECK(Contains(same.err, "[metrics] listen 127.0.0.1:17421 uses the port of the ledger's gRPC"));
  WriteFile(tmp.Join("web.toml"),
            "[web]\nlisten = \"127.0.0.1:17480\"\n[metrics]\nlisten = \"127.0.0.1:17480\"\n");
  CommandResult web = RunNode({"run", "--data", data, "--config", tmp.Join("web.toml")});
  CHECK(web.exit_code == 2);
  CHECK(Contains(web.err, "uses the port of the ledger's web listener"));
  WriteFile(tmp.Join("bad.toml"), "[metrics]\nlisten = \"nowhere\"\n");
  CommandResult bad = RunNode({"run", "--data", data, "--config", tmp.Join("bad.toml")});
  CHECK(bad.exit_code == 2);
  CHECK(Contains(bad.err, "bad.toml:2"));
}

}  // namespace
}  // namespace liard::e2e
