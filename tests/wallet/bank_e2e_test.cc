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

  CommandResult Reconcile(const std::string& file, std::vector<std::string> more = {},
                          const std::string& lang = "en_US.UTF-8") const {
    std::vector<std::string> args = {"--as",        "association",
                                     "audit",       "reconcile",
                                     "--statement", std::string(LIARD_BANK_DATA) + "/" + file};
    args.insert(args.end(), more.begin(), more.end());
    return Liard(args, In(lang));
  }

  // The wallet's options with LANG set to `lang` ("fr_FR.UTF-8", "C.UTF-8").
  ProgramOptions In(const std::string& lang) const {
    ProgramOptions o = Options();
    o.env["LANG"] = lang;
    return o;
  }
};

// Euro cents as the French read them, written here digit by digit: 165520 -> "1 655,20 €", with a
// narrow no-break space (U+202F) between thousands and a no-break space (U+00A0) before the sign.
std::string FrenchEuros(int64_t cents) {
  const uint64_t v = cents < 0 ? static_cast<uint64_t>(-cents) : static_cast<uint64_t>(cents);
  const std::string whole = std::to_string(v / 100);
  std::string out = cents < 0 ? "-" : "";
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += "\u202F";
    out += whole[i];
  }
  const unsigned c = static_cast<unsigned>(v % 100);
  return out + "," + std::to_string(c / 10) + std::to_string(c % 10) + "\u00A0€";
}

// The command between the first pair of backquotes of `text`, as words.
std::vector<std::string> QuotedCommand(const std::string& text) {
  const size_t from = text.find("`liard "), to = text.find('`', from + 1);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  std::vector<std::string> words;
  std::istringstream in(text.substr(from + 7, to - from - 7));
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

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

TEST_CASE(
    "the treasurer reconciles and reads the reserves in French and in English, amounts and "
    "advice in each language",
    "[wallet][e2e][bank][reconcile][i18n]") {
  BankWorld w;
  w.Month();
  const json before = w.Reserves();
  auto cents = [&](const char* k) { return before[std::string(k) + "_minor"].get<int64_t>(); };
  const int64_t expected =
      cents("fund") + cents("owed_to_merchants") + cents("sponsor_budgets") + cents("income");
  REQUIRE(expected == 1'655'20);

  // English (C.UTF-8): English words, decimal points, the command to type.
  CommandResult en = w.Reconcile("credit-coop-2026-11.csv", {"--closing", "1 655,00"}, "C.UTF-8");
  INFO(en.out << en.err);
  CHECK(en.exit_code == 1);
  for (const char* words :
       {"(CSV, read as Windows-1252) against the journal to entry",
        "lines 1 to 5 come before the header and were skipped",
        "matched: 5 of 6 statement lines and 5 recorded movements",
        "-> a bank fee: record it with `liard bank-fee --eur 0,20 --ref CB-2026-11`",
        "the bank should hold 1655.20 EUR", "a difference of -0.20 EUR",
        "NOT reconciled: see above."}) {
    INFO(words);
    CHECK(en.out.find(words) != std::string::npos);
  }
  CHECK(en.out.find("rapproch") == std::string::npos);

  // French (fr_FR.UTF-8): French words and amounts, the same command.
  CommandResult fr =
      w.Reconcile("credit-coop-2026-11.csv", {"--closing", "1 655,00"}, "fr_FR.UTF-8");
  INFO(fr.out << fr.err);
  CHECK(fr.exit_code == 1);
  for (const std::string& words : std::vector<std::string>{
           std::string("(CSV, lu en Windows-1252) rapproché du journal jusqu'à l'écriture"),
           std::string("les lignes 1 à 5 précèdent l'en-tête et ont été ignorées"),
           std::string("la ligne 14 est un solde ou un total, pas une opération : non lue"),
           std::string("rapprochées : 5 des 6 lignes du relevé et des 5 opérations enregistrées"),
           std::string("Sur le relevé, absentes du registre :"),
           "-> des frais bancaires : enregistrez-les avec `liard bank-fee --eur 0,20 --ref "
           "CB-2026-11`",
           "la banque devrait détenir " + FrenchEuros(expected),
           "le solde de clôture du relevé est de " + FrenchEuros(1'655'00) + ", soit un écart de " +
               FrenchEuros(-20),
           std::string("NON rapproché : voir ci-dessus.")}) {
    INFO(words);
    CHECK(fr.out.find(words) != std::string::npos);
  }
  for (const char* english : {"matched", "the bank should hold", "record it with", "NOT"}) {
    INFO(english);
    CHECK(fr.out.find(english) == std::string::npos);
  }
  // The reserves in each language's amounts: the bonus budgets run into thousands.
  const int64_t budgets = cents("sponsor_budgets");
  REQUIRE(budgets >= 1'000'00);
  const std::string reserves_fr = w.Ok({"--key", "association", "reserves", "--lang", "fr"});
  CHECK(reserves_fr.find(FrenchEuros(budgets)) != std::string::npos);
  CHECK(reserves_fr.find(FrenchEuros(cents("fund"))) != std::string::npos);
  CommandResult reserves_c = w.Liard({"--key", "association", "reserves"}, w.In("C.UTF-8"));
  REQUIRE(reserves_c.exit_code == 0);
  const std::string plain = std::to_string(budgets / 100) + "." +
                            std::to_string(budgets % 100 / 10) + std::to_string(budgets % 10);
  CHECK(reserves_c.out.find(plain + " EUR") != std::string::npos);

  // --json is the same in both languages, advice included: scripts read it.
  CommandResult json_fr =
      w.Reconcile("credit-coop-2026-11.csv", {"--closing", "1 655,00", "--json"}, "fr_FR.UTF-8");
  CommandResult json_c =
      w.Reconcile("credit-coop-2026-11.csv", {"--closing", "1 655,00", "--json"}, "C.UTF-8");
  CHECK(json_fr.exit_code == 1);
  CHECK(json_fr.out.find("a bank fee: record it with") != std::string::npos);
  CHECK(json_fr.out == json_c.out);

  // The command the French advice prints works as printed; then both languages say reconciled.
  std::vector<std::string> command = {"--key", "association"};
  for (const std::string& word : QuotedCommand(fr.out)) command.push_back(word);
  command.push_back("--yes");
  w.Ok(command);
  fr = w.Reconcile("credit-coop-2026-11.csv", {"--closing", "1 655,00"}, "fr_FR.UTF-8");
  INFO(fr.out << fr.err);
  CHECK(fr.exit_code == 0);
  CHECK(fr.out.find("le solde de clôture du relevé est de " + FrenchEuros(1'655'00) +
                    " : il concorde") != std::string::npos);
  CHECK(fr.out.find("OK : rapproché.") != std::string::npos);
  en = w.Reconcile("credit-coop-2026-11.csv", {"--closing", "1 655,00"}, "C.UTF-8");
  CHECK(en.exit_code == 0);
  CHECK(en.out.find("OK: reconciled.") != std::string::npos);

  // A statement the wallet cannot read is refused in the reader's language, naming the line.
  const std::string bad = w.tmp().Join("releve.csv");
  WriteFile(bad, "Date;Montant\n31/02/2026;1,00\n");
  CommandResult refused = w.Liard({"--as", "association", "audit", "reconcile", "--statement", bad},
                                  w.In("fr_FR.UTF-8"));
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("releve.csv:2: la date « 31/02/2026 » n'est ni JJ/MM/AAAA") !=
        std::string::npos);
}

}  // namespace
}  // namespace liard::e2e
