// Issue 14, item 2, end to end: an office that records conversions without handing in the cash
// can no longer hide the hole (coverage from the fund alone) nor dig it past its ceiling.
#include <string>

#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

using json = nlohmann::json;

TEST_CASE(
    "an office converting without cash shows as 0 % coverage and cash at risk, and is "
    "refused past its ceiling, for itself and for the association",
    "[wallet][e2e][money]") {
  WalletWorld w;  // the demo: version 3, an office cash ceiling of 2000.00 EUR
  const std::string shop = w.Address("shop"), alice = w.Address("alice");
  auto ok = [&](const std::vector<std::string>& args) {
    CommandResult r = w.Liard(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  };
  // The scenario: 150.00 converted for the shop with no cash, reconverted, paid out.
  ok({"--key", "office", "convert", "--member", shop, "--eur", "150,00", "--no-bonus", "--yes"});
  ok({"--key", "shop", "reconvert", "150", "--yes"});
  ok({"--key", "association", "payout", "--merchant", shop, "--eur", "142.50", "--ref", "VIR-1",
      "--yes"});

  json r = w.Json({"reserves", "--json"});
  CHECK(r["fund_minor"] == 0);
  CHECK(r["office_cash_minor"] == 150'00);
  CHECK(r["required_reserve_minor"] == 150'00);
  CHECK(r["coverage_basis_points"] == 0);  // was 10000 before: fund + office cash
  CHECK(r["office_cash_basis_points"] == 10000);
  CHECK(r["covered"] == false);
  pb::Reserves g = w.client().Reserves();  // the node's answer over gRPC, same figures
  CHECK(g.coverage_basis_points() == 0);
  CHECK(g.office_cash_basis_points() == 10000);
  CommandResult text = w.Liard({"reserves"});
  INFO(text.out);
  REQUIRE(text.exit_code == 0);
  CHECK(Has(text.out, "coverage by the fund"));
  CHECK(Has(text.out,
            "WARNING: the guarantee fund covers only 0.00 % of the circulation; "
            "150.00 EUR held by exchange offices is not yet deposited"));

  // The guards: never for itself nor the association, never past the ceiling; nothing moves.
  const uint64_t head = w.Head();
  CommandResult self = w.Liard({"--key", "office", "convert", "--member", w.Address("office"),
                                "--eur", "10", "--no-bonus", "--yes"});
  CHECK(self.exit_code == 1);
  CHECK(Has(self.err, "NOT_CONVERTIBLE"));
  CHECK(Has(self.err, "cannot convert for itself"));
  CommandResult association =
      w.Liard({"--key", "office", "convert", "--member", w.Address("association"), "--eur", "10",
               "--no-bonus", "--yes"});
  CHECK(association.exit_code == 1);
  CHECK(Has(association.err, "NOT_CONVERTIBLE"));
  CommandResult ceiling = w.Liard(
      {"--key", "office", "convert", "--member", alice, "--eur", "1850.01", "--no-bonus", "--yes"});
  CHECK(ceiling.exit_code == 1);
  CHECK(Has(ceiling.err, "OFFICE_CASH_CEILING"));
  CHECK(Has(ceiling.err, "ceiling of 2000.00 EUR"));
  CommandResult notes = w.Liard({"--key", "office", "notes", "sell", "--eur", "1850.01", "--yes"});
  CHECK(notes.exit_code == 1);
  CHECK(Has(notes.err, "OFFICE_CASH_CEILING"));
  CHECK(w.Head() == head);
  // Up to the ceiling is still allowed; the treasurer's deposit restores the coverage.
  ok({"--key", "office", "convert", "--member", alice, "--eur", "1850", "--no-bonus", "--yes"});
  ok({"--key", "association", "deposit", "--office", w.Address("office"), "--eur", "2000", "--ref",
      "NEF-1", "--yes"});
  r = w.Json({"reserves", "--json"});
  CHECK(r["office_cash_minor"] == 0);
  CHECK(r["coverage_basis_points"] == 10000);
  CHECK(r["covered"] == true);
}

TEST_CASE("the board lowers the office cash ceiling and narrows whom offices convert for",
          "[wallet][e2e][money][board]") {
  WalletWorld w;  // the demo's board has one member, board-1: a proposal applies at once
  w.Import("board-1");
  const std::string rules = w.tmp().Join("rules.toml");
  WriteFile(rules,
            "[rules]\noffice_cash_ceiling = \"100,00\"\nconversion_kinds = [\"resident\"]\n");
  CommandResult proposed =
      w.Liard({"--key", "board-1", "board", "propose", "set-rules", rules, "--yes"});
  INFO(proposed.out << proposed.err);
  REQUIRE(proposed.exit_code == 0);
  CHECK(Has(proposed.out, "offices convert for: resident, merchant, municipality → resident"));
  CHECK(Has(proposed.out, "office cash ceiling: 2000.00 EUR → 100.00 EUR"));
  CommandResult shop = w.Liard({"--key", "office", "convert", "--member", w.Address("shop"),
                                "--eur", "10", "--no-bonus", "--yes"});
  CHECK(shop.exit_code == 1);
  CHECK(Has(shop.err, "NOT_CONVERTIBLE"));
  CommandResult big = w.Liard({"--key", "office", "convert", "--member", w.Address("alice"),
                               "--eur", "100.01", "--no-bonus", "--yes"});
  CHECK(big.exit_code == 1);
  CHECK(Has(big.err, "OFFICE_CASH_CEILING"));
  CommandResult ok = w.Liard({"--key", "office", "convert", "--member", w.Address("alice"), "--eur",
                              "100", "--no-bonus", "--yes"});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  // A kind the ledger never allows is refused by the wallet before anything is signed.
  WriteFile(rules, "[rules]\nconversion_kinds = [\"association\"]\n");
  CommandResult bad =
      w.Liard({"--key", "board-1", "board", "propose", "set-rules", rules, "--yes"});
  CHECK(bad.exit_code != 0);
  CHECK(Has(bad.err, "conversion_kinds entries must be among: resident, merchant, municipality"));
}

}  // namespace
}  // namespace liard::e2e
