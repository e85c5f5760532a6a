// End-to-end tests of the treasurer's bank records: `liard bank-fee` and `liard bank-interest`
// with the real wallet against the real node, and `liard audit reconcile` reading the bank
// statements of tests/data/bank/ as French banks export them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

using json = nlohmann::json;

class BankWorld : public WalletWorld {
 public:
  // Runs a command that must succeed.
  std::string Ok(const std::vector<std::string>& args) const {
    CommandResult r = Liard(args);
    INFO("liard " << args.at(2) << "...: " << r.err << r.out);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }
  json Reserves() const { return Json({"--key", "association", "reserves", "--json"}); }
  int64_t Income() const { return Reserves()["income_minor"].get<int64_t>(); }
};

TEST_CASE("the treasurer records a bank fee and bank interest with the wallet",
          "[wallet][e2e][bank]") {
  BankWorld w;
  const int64_t income = w.Income();
  const json before = w.Reserves();

  std::string out = w.Ok(
      {"--key", "association", "bank-interest", "--eur", "1,20", "--ref", "INT-2026-11", "--yes"});
  CHECK(out.find("applied: record bank interest of 1") != std::string::npos);
  CHECK(w.Income() == income + 120);

  out = w.Ok(
      {"--key", "association", "bank-fee", "--eur", "0,70", "--ref", "FRAIS-2026-11", "--yes"});
  CHECK(out.find("applied: record a bank fee of 0") != std::string::npos);
  const json after = w.Reserves();
  CHECK(after["income_minor"] == income + 50);
  // Neither touches the guarantee fund nor the circulation.
  CHECK(after["fund_minor"] == before["fund_minor"]);
  CHECK(after["circulation_minor"] == before["circulation_minor"]);

  // The association's history shows both, with their references.
  out = w.Ok({"--key", "association", "history"});
  CHECK(out.find("bank interest") != std::string::npos);
  CHECK(out.find("FRAIS-2026-11") != std::string::npos);
}

TEST_CASE("a bank fee above the association's income is refused and changes nothing",
          "[wallet][e2e][bank]") {
  BankWorld w;
  w.Ok({"--key", "association", "bank-interest", "--eur", "1,00", "--ref", "INT-1", "--yes"});
  const json before = w.Reserves();
  const int64_t income = before["income_minor"].get<int64_t>();
  REQUIRE(income >= 100);
  const std::string above = std::to_string((income + 1) / 100) + "," +
                            std::to_string((income + 1) % 100 / 10) +
                            std::to_string((income + 1) % 10);
  CommandResult r =
      w.Liard({"--key", "association", "bank-fee", "--eur", above, "--ref", "FRAIS-TROP", "--yes"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("INSUFFICIENT_FUNDS") != std::string::npos);
  CHECK(r.err.find("the guarantee fund never pays fees") != std::string::npos);
  CHECK(w.Reserves() == before);

  // Only a treasurer may: a resident's fee is refused before anything changes.
  r = w.Liard({"--key", "alice", "bank-fee", "--eur", "0,01", "--ref", "X", "--yes"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("NOT_PERMITTED") != std::string::npos);
  // Bad input is refused by the wallet before connecting.
  r = w.Liard({"--key", "association", "bank-fee", "--eur", "-2,50", "--ref", "X", "--yes"});
  CHECK(r.exit_code == 2);
  r = w.Liard({"--key", "association", "bank-interest", "--eur", "1,20", "--ref",
               std::string(65, 'R'), "--yes"});
  CHECK(r.exit_code == 2);
  CHECK(w.Reserves() == before);
}

}  // namespace
}  // namespace liard::e2e
