// Hostile bytes against the real liard-node's log: a read request whose method forges a log
// line or weighs 3 MiB, and a flood of refused operations. The node's stderr must keep one line
// per event, every line bounded, and refusal lines at a bounded rate.
#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using testing::KeyFor;

// GetAccount(alice) with a read request signed by alice for `method` instead of GetAccount.
grpc::Status ReadWithMethod(Client& c, const std::string& method) {
  const AccountId alice = KeyFor("alice").public_key();
  pb::GetAccountRequest req;
  req.set_id(std::string(alice.view()));
  *req.mutable_auth() = c.SignRead(KeyFor("alice"), ReadCall{method, &alice});
  pb::AccountInfo info;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  return c.stub().GetAccount(&ctx, req, &info);
}

TEST_CASE("a read request's method cannot forge a log line nor write a 3 MiB one", "[e2e][log]") {
  RunningLedger ledger;
  NodeProcess& node = ledger.node;
  Client& c = ledger.client();

  const std::string forged =
      "x\n2026-12-03T04:00:00.000+00:00 critical event=append-failed sequence=1 error=\"forged\"";
  grpc::Status s = ReadWithMethod(c, forged);
  CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  // Something the log line must still show, escaped: a quote and a backslash.
  s = ReadWithMethod(c, "q\"b\\");
  CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  // Refused too; the refusal's message quotes the method whole, which this client's default
  // limit on received metadata (8 KiB) turns into RESOURCE_EXHAUSTED on its side.
  s = ReadWithMethod(c, std::string(3 << 20, 'A'));
  CHECK((s.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
         s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED));
  CHECK(node.Stop() == 0);

  const std::vector<std::string> lines = Lines(node.err());
  size_t refused = 0;
  for (const std::string& line : lines) {
    INFO(line.substr(0, 300));
    // Every line is one event of the node's own: a timestamp, a level, an event.
    CHECK(std::regex_search(line,
                            std::regex("^20[0-9-]{8}T[0-9:.]{12}[+-][0-9:]{4,5} [a-z]+ event=")));
    CHECK_FALSE(std::regex_search(line, std::regex("^[^ ]+ critical ")));
    CHECK(line.size() <= 4'096);
    if (line.find("event=read-refused") != std::string::npos) ++refused;
  }
  CHECK(refused == 3);
  const std::string err = node.err();
  CHECK(err.find("x\\n2026-12-03T04:00:00.000+00:00 critical") != std::string::npos);
  CHECK(err.find("bytes)") != std::string::npos);  // the 3 MiB method, cut
  CHECK(err.find("q\\\"b\\\\") != std::string::npos);
}

TEST_CASE("a flood of refused operations logs a bounded number of lines", "[e2e][log]") {
  RunningLedger ledger;
  NodeProcess& node = ledger.node;
  Client& c = ledger.client();

  // carol holds nothing: every payment of hers is refused (INSUFFICIENT_FUNDS).
  constexpr int kFlood = 300;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 1; i <= kFlood; ++i)
    REQUIRE(!c.Submit(c.SignTransfer("carol", "bob", 1, 1)).status.ok());
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start)
          .count();
  // One more, a second later: it reports how many lines the flood's last second left out.
  std::this_thread::sleep_for(std::chrono::milliseconds(1'100));
  REQUIRE(!c.Submit(c.SignTransfer("carol", "bob", 1, 1)).status.ok());
  CHECK(node.Stop() == 0);

  size_t refused_lines = 0;
  uint64_t suppressed = 0;
  static const std::regex kSuppressed("event=refusals-suppressed count=([0-9]+)");
  for (const std::string& line : Lines(node.err())) {
    if (line.find("event=refused ") != std::string::npos) ++refused_lines;
    std::smatch m;
    if (std::regex_search(line, m, kSuppressed)) suppressed += std::stoull(m[1].str());
  }
  INFO("flood took " << seconds << " s; refused lines " << refused_lines << ", suppressed "
                     << suppressed);
  CHECK(refused_lines <= static_cast<size_t>(20 * (seconds + 2)));
  CHECK(refused_lines + suppressed == kFlood + 1);
}

}  // namespace
}  // namespace liard::e2e
