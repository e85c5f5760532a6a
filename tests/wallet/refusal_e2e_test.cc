// Issue 18: a refusal reaches the user in the user's language, made by the wallet from the
// structured rejection (code and figures, as integers), never by passing on the node's English
// sentence. The real node and the real `liard`, in English and in French.
#include <string>

#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

// The same wallet in French (the locale need not exist: the wallet finds French anyway), and
// both languages in the time zone the dates are checked in.
ProgramOptions French(const WalletWorld& w) {
  ProgramOptions o = w.Options();
  o.env["LANG"] = "fr_FR.UTF-8";
  o.env["TZ"] = "Europe/Paris";
  return o;
}
ProgramOptions English(const WalletWorld& w) {
  ProgramOptions o = w.Options();
  o.env["TZ"] = "Europe/Paris";
  return o;
}

TEST_CASE("insufficient funds is said from its figures, in English and in French",
          "[wallet][e2e][refusal]") {
  WalletWorld w;
  REQUIRE(w.Balance("bob") == 50'00);
  const uint64_t head = w.Head();
  const std::vector<std::string> pay = {"--key",           "bob",     "pay",
                                        w.Address("shop"), "2140,01", "--yes"};

  CommandResult en = w.Liard(pay, English(w));
  INFO(en.err);
  CHECK(en.exit_code == 1);
  CHECK(en.err ==
        "liard: refused: INSUFFICIENT_FUNDS: the balance is 50.00 ROUE, less than 2140.01 ROUE\n");

  CommandResult fr = w.Liard(pay, French(w));
  INFO(fr.err);
  CHECK(fr.exit_code == 1);
  CHECK(fr.err ==
        "liard: refusé\u00a0: INSUFFICIENT_FUNDS\u00a0: le solde est de 50,00\u00a0ROUE, "
        "inférieur à 2\u202f140,01\u00a0ROUE\n");
  // Never the node's English sentence, nor its amounts.
  CHECK(!Has(fr.err, "balance"));
  CHECK(!Has(fr.err, "2140.01"));
  CHECK(w.Head() == head);
}

TEST_CASE("an expired membership is said with its date in the user's language",
          "[wallet][e2e][refusal]") {
  WalletWorld w;
  // The demo names no time zone: dates are typed and shown in the machine's, here UTC.
  auto in_utc = [](ProgramOptions o) {
    o.env["TZ"] = "UTC";
    return o;
  };
  REQUIRE(w.Liard({"key", "new", "dora"}).exit_code == 0);
  const std::string dora = w.Address("dora");
  // The membership runs through 31/12/2020, in the currency's time zone: it ends when 2021
  // begins there.
  REQUIRE(w.Liard({"--key", "office", "account", "open", dora, "--name", "Dora", "--member-until",
                   "31/12/2020", "--yes"},
                  in_utc(English(w)))
              .exit_code == 0);
  REQUIRE(w.Liard({"--key", "office", "convert", "--member", dora, "--eur", "20", "--yes"},
                  in_utc(English(w)))
              .exit_code == 0);
  const uint64_t head = w.Head();
  const std::vector<std::string> pay = {"--key", "dora", "pay", w.Address("shop"), "5", "--yes"};

  CommandResult en = w.Liard(pay, in_utc(English(w)));
  INFO(en.err);
  CHECK(en.exit_code == 1);
  CHECK(en.err ==
        "liard: refused: MEMBERSHIP_EXPIRED: the membership ended on 2021-01-01 00:00:00; an "
        "exchange office can renew it\n");

  CommandResult fr = w.Liard(pay, in_utc(French(w)));
  INFO(fr.err);
  CHECK(fr.exit_code == 1);
  CHECK(fr.err ==
        "liard: refusé\u00a0: MEMBERSHIP_EXPIRED\u00a0: l'adhésion a pris fin le 01/01/2021 "
        "00:00\u00a0; un comptoir de change peut la renouveler\n");
  CHECK(w.Head() == head);
}

TEST_CASE("a refusal the preview finds is said from the simulation's figures",
          "[wallet][e2e][refusal]") {
  WalletWorld w;  // the demo: an office cash ceiling of 2000.00 EUR
  const uint64_t head = w.Head();
  const std::vector<std::string> convert = {
      "--key", "office", "convert", "--member", w.Address("alice"), "--eur", "2500", "--yes"};
  CommandResult en = w.Liard(convert, English(w));
  INFO(en.err);
  CHECK(en.exit_code == 1);
  CHECK(en.err ==
        "liard: the ledger would refuse this: OFFICE_CASH_CEILING: the office holds 0.00 EUR not "
        "yet deposited; 2500.00 EUR more would pass the ceiling of 2000.00 EUR: the treasurer "
        "must record a deposit first\n");
  CommandResult fr = w.Liard(convert, French(w));
  INFO(fr.err);
  CHECK(fr.exit_code == 1);
  CHECK(fr.err ==
        "liard: le registre refuserait ceci\u00a0: OFFICE_CASH_CEILING\u00a0: le comptoir de "
        "change détient 0,00\u00a0€ pas encore déposés\u00a0; 2\u202f500,00\u00a0€ de plus "
        "dépasseraient le plafond de 2\u202f000,00\u00a0€\u00a0: le trésorier doit d'abord "
        "enregistrer un dépôt\n");
  CHECK(w.Head() == head);
}

}  // namespace
}  // namespace liard::e2e
