// The treasurer's guide (docs/guide/treasurer.md) replayed on a real demo node: its month of
// activity (scripts/demo-month.sh, run as the guide runs it), the bank's records, the example
// statement reconciled after the advice, and the figures the guide quotes.
#include <catch2/catch.hpp>

#include "tests/wallet/wallet_world.h"

#ifndef LIARD_SOURCE_DIR
#error "LIARD_SOURCE_DIR must name the repository (set by tests/CMakeLists.txt)"
#endif

namespace liard::e2e {
namespace {

TEST_CASE(
    "the treasurer's guide: its month, its records and its statement give the figures it "
    "shows",
    "[wallet][e2e][guide]") {
  WalletWorld w;  // the demo keys imported with fast hashing, so the script's unlocks are quick
  for (int i = 1; i <= 6; ++i) w.Ok({"key", "new", "resident-" + std::to_string(i), "--fast"});
  ProgramOptions o = w.Options();
  o.env["LIARD_DEMO_DATA"] = w.data();
  o.env["LIARD_WALLET"] = LIARD_WALLET_PATH;
  const std::string source = LIARD_SOURCE_DIR;
  CommandResult month =
      RunProgram("/bin/bash", {source + "/scripts/demo-month.sh"}, o, Millis(110'000));
  INFO(month.out << month.err);
  REQUIRE(month.exit_code == 0);

  // The guide's first `liard reserves`.
  nlohmann::json r = w.Json({"reserves", "--json"});
  CHECK(r["sequence"] == 36);
  CHECK(r["circulation_accounts_minor"] == 326'00);
  CHECK(r["circulation_paper_minor"] == 110'00);
  CHECK(r["fund_minor"] == 56'00);
  CHECK(r["office_cash_minor"] == 380'00);
  CHECK(r["owed_to_merchants_minor"] == 133'00);
  CHECK(r["sponsor_budgets_minor"] == 454'00);
  CHECK(r["income_minor"] == 67'00);

  // The bank's records, then the Crédit Coopératif's export of the guide.
  w.Ok({"--key", "association", "deposit", "--office", w.Address("office"), "--eur", "380", "--ref",
        "REM-2026-12-03", "--yes"});
  w.Ok({"--key", "association", "payout", "--merchant", w.Address("shop"), "--eur", "133", "--ref",
        "VIR-2026-12-04", "--yes"});
  w.Ok({"--key", "association", "fund-programme", "demo-bonus", "--eur", "1000", "--ref",
        "SUBV-2026-12", "--yes"});
  const std::string statement = source + "/docs/guide/examples/releve-credit-coop-2026-12.csv";
  const std::vector<std::string> reconcile = {"--as",      "association", "audit",
                                              "reconcile", "--statement", statement,
                                              "--closing", "1953,35"};
  CommandResult first = w.Liard(reconcile);
  INFO(first.out);
  CHECK(first.exit_code == 1);
  CHECK(first.out.find("liard bank-interest --eur 0,85 --ref INT-2026-12") != std::string::npos);
  CHECK(first.out.find("liard bank-fee --eur 4,50 --ref FRAIS-2026-12") != std::string::npos);
  w.Ok({"--key", "association", "bank-interest", "--eur", "0,85", "--ref", "INT-2026-12", "--yes"});
  w.Ok({"--key", "association", "bank-fee", "--eur", "4,50", "--ref", "FRAIS-2026-12", "--yes"});
  CommandResult second = w.Liard(reconcile);
  INFO(second.out << second.err);
  CHECK(second.exit_code == 0);
  CHECK(second.out.find("OK: reconciled.") != std::string::npos);

  // The ties the guide's table quotes.
  r = w.Json({"reserves", "--json"});
  CHECK(r["fund_minor"] == 436'00);
  CHECK(r["sponsor_budgets_minor"] == 1'454'00);
  CHECK(r["income_minor"] == 63'35);
  CHECK(r["fund_minor"].get<int64_t>() + r["owed_to_merchants_minor"].get<int64_t>() +
            r["sponsor_budgets_minor"].get<int64_t>() + r["income_minor"].get<int64_t>() ==
        1'953'35);
}

}  // namespace
}  // namespace liard::e2e
