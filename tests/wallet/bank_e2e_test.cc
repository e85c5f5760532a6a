// End-to-end tests of the treasurer's bank records: `liard bank-fee` and `liard bank-interest`
// with the real wallet against the real node, and `liard audit reconcile` reading the bank
// statements of tests/data/bank/ as French banks export them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/wallet/wallet_world.h"

#ifndef LIARD_BANK_DATA
#error "LIARD_BANK_DATA must name tests/data/bank (set by tests/CMakeLists.txt)"
#endif

namespace liard::e2e {
namespace {

using json = nlohmann::json;

class BankWorld : public WalletWorld {
 public:
  json Reserves() const { return Json({"--key", "association", "reserves", "--json"}); }
  int64_t Income() const { return Reserves()["income_minor"].get<int64_t>(); }

  // The month every statement of tests/data/bank shows (the demo's genesis: a fund of 150.00 €
  // and 500.00 € of bonus budget): conversions, payments, a reconversion, the office's cash
  // banked, the merchant paid, a sponsor's payment, the bank's interest and its account fee.
  // The card fee of 0.20 € (CB-2026-11) is left out, for the reconciliation to find.
  void Month() const {
    SmallMonth();
    Ok({"--key", "association", "fund-programme", "demo-bonus", "--eur", "1000,00", "--ref",
        "SPONSOR-0012", "--yes"});
    Ok({"--key", "association", "bank-interest", "--eur", "1,20", "--ref", "INT-2026-11", "--yes"});
    Ok({"--key", "association", "bank-fee", "--eur", "2,50", "--ref", "FRAIS-2026-11", "--yes"});
  }

  CommandResult Reconcile(const std::string& file, std::vector<std::string> more = {}) const {
    std::vector<std::string> args = {"--as",        "association",
                                     "audit",       "reconcile",
                                     "--statement", std::string(LIARD_BANK_DATA) + "/" + file};
    args.insert(args.end(), more.begin(), more.end());
    return Liard(args);
  }
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

TEST_CASE(
    "a month of treasury reconciles to the cent with each bank's export, once the fee the "
    "advice names is recorded",
    "[wallet][e2e][bank][reconcile]") {
  BankWorld w;
  w.Month();
  // The bank holds the fund, what is owed to merchants, the bonus budgets and the income: with
  // the card fee still unrecorded, 0.20 € more than the statements' closing 1 655,00 €.
  const json before = w.Reserves();
  auto cents = [&](const char* k) { return before[std::string(k) + "_minor"].get<int64_t>(); };
  CHECK(cents("fund") + cents("owed_to_merchants") + cents("sponsor_budgets") + cents("income") ==
        1'655'20);

  // The Crédit Coopératif's export (Windows-1252, a preamble, Débit/Crédit, total lines).
  CommandResult r = w.Reconcile("credit-coop-2026-11.csv", {"--closing", "1 655,00"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("(CSV, read as Windows-1252)") != std::string::npos);
  CHECK(r.out.find("lines 1 to 5 come before the header and were skipped") != std::string::npos);
  CHECK(r.out.find("line 14 is a balance or total, not a movement: not read") != std::string::npos);
  CHECK(r.out.find("matched: 5 of 6 statement lines and 5 recorded movements") !=
        std::string::npos);
  CHECK(r.out.find("-> a bank fee: record it with `liard bank-fee --eur 0,20 --ref CB-2026-11`") !=
        std::string::npos);
  CHECK(r.out.find("a difference of -0.20 EUR") != std::string::npos);

  // The same advice in JSON, from which the treasurer's command is taken as it is written.
  r = w.Reconcile("nef-2026-11.csv", {"--closing", "1655,00", "--json"});
  CHECK(r.exit_code == 1);
  json j = json::parse(r.out);
  CHECK(j["encoding"] == "UTF-8 with a byte order mark");
  CHECK(j["matched"] == 5);
  CHECK(j["unmatched_ledger"].empty());
  REQUIRE(j["unmatched_bank"].size() == 1);
  CHECK(j["unmatched_bank"][0]["reference"] == "CB-2026-11");
  const std::string advice = j["unmatched_bank"][0]["advice"];
  const size_t from = advice.find("`liard "), to = advice.rfind('`');
  REQUIRE(from != std::string::npos);
  REQUIRE(to > from);
  std::vector<std::string> command = {"--key", "association"};
  std::istringstream words(advice.substr(from + 7, to - from - 7));
  for (std::string word; words >> word;) command.push_back(word);
  CHECK(command == std::vector<std::string>{"--key", "association", "bank-fee", "--eur", "0,20",
                                            "--ref", "CB-2026-11"});
  command.push_back("--yes");
  w.Ok(command);

  // Now every export reconciles to the cent: the camt.053's closing balance (CLBD) is its own.
  for (const char* file : {"credit-coop-2026-11.csv", "nef-2026-11.csv"}) {
    INFO(file);
    r = w.Reconcile(file, {"--closing", "1 655,00", "--json"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    j = json::parse(r.out);
    CHECK(j["ok"] == true);
    CHECK(j["matched"] == 6);
    CHECK(j["difference"] == "0.00");
  }
  r = w.Reconcile("camt053-2026-11.xml", {"--json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  j = json::parse(r.out);
  CHECK(j["format"] == "camt.053");
  CHECK(j["ok"] == true);
  CHECK(j["matched"] == 6);
  CHECK(j["closing_balance"] == "1655.00");
  CHECK(j["difference"] == "0.00");
  r = w.Reconcile("camt053-2026-11.xml");
  CHECK(r.out.find("OK: reconciled.") != std::string::npos);
  CHECK(r.out.find("closing booked balance (CLBD) read from the statement") != std::string::npos);

  // A wrong --closing still overrides the file's and is reported.
  r = w.Reconcile("camt053-2026-11.xml", {"--closing", "1655,01"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("a difference of 0.01 EUR") != std::string::npos);
}

}  // namespace
}  // namespace liard::e2e
