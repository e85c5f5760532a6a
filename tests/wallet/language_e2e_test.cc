// The wallet in its users' language: the same commands run with LANG=fr_FR.UTF-8 and with
// LANG=C.UTF-8 (and --lang), each output checked in its language: the key commands, a member's
// balance, a usage error and CLI11's help.
#include <catch2/catch.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

// The wallet's options with LANG set to `lang`.
ProgramOptions WithLang(const WalletWorld& w, const std::string& lang) {
  ProgramOptions o = w.Options();
  o.env["LANG"] = lang;
  return o;
}

// The digits of an amount as shown ("1 234,56 ROUE" -> "123456").
std::string DigitsOf(const std::string& shown) {
  std::string out;
  for (char c : shown)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

struct Language {
  const char* lang;  // LANG
  bool french;
};

TEST_CASE(
    "key new, import and list, a member's balance, a usage error and the help read French in "
    "fr_FR.UTF-8 and English in C.UTF-8",
    "[wallet][e2e][i18n]") {
  WalletWorld w(/*import_keys=*/false);
  for (const Language& l : {Language{"fr_FR.UTF-8", true}, Language{"C.UTF-8", false}}) {
    DYNAMIC_SECTION(l.lang) {
      const ProgramOptions o = WithLang(w, l.lang);
      const std::string alice = l.french ? "alice-fr" : "alice-en";

      // key import: the sentence and the two labels, in the language.
      CommandResult imported =
          w.Liard({"key", "import", alice, "--fast", "--seed-file", w.SeedFile("alice")}, o);
      INFO(imported.out << imported.err);
      REQUIRE(imported.exit_code == 0);
      const std::string address = w.Address(alice);
      if (l.french) {
        CHECK(Has(imported.out, "clé « " + alice + " » importée ("));
        CHECK(std::regex_search(imported.out, std::regex("\nadresse +" + address + "\n")));
        CHECK(std::regex_search(imported.out, std::regex("\nclé publique +[0-9a-f]{64}\n")));
        CHECK_FALSE(Has(imported.out, "imported"));
      } else {
        CHECK(Has(imported.out, "key '" + alice + "' imported ("));
        CHECK(std::regex_search(imported.out, std::regex("\naddress +" + address + "\n")));
        CHECK(std::regex_search(imported.out, std::regex("\npublic key +[0-9a-f]{64}\n")));
      }

      // key new.
      const std::string till = l.french ? "caisse" : "till";
      CommandResult created = w.Liard({"key", "new", till, "--fast"}, o);
      INFO(created.out << created.err);
      REQUIRE(created.exit_code == 0);
      CHECK(Has(created.out, l.french ? "clé « caisse » créée (" : "key 'till' created ("));

      // key list: its headings.
      CommandResult list = w.Liard({"key", "list"}, o);
      INFO(list.out << list.err);
      REQUIRE(list.exit_code == 0);
      CHECK(std::regex_search(list.out,
                              std::regex(l.french ? "^ +NOM +ADRESSE\n" : "^ +NAME +ADDRESS\n")));
      CHECK(Has(list.out, address));

      // A member's balance: the labels, the kind and the amount in the language's format.
      const int64_t minor =
          w.Json({"--key", alice, "balance", "--json"})["balance_minor"].get<int64_t>();
      REQUIRE(minor >= 100);
      CommandResult balance = w.Liard({"--key", alice, "balance"}, o);
      INFO(balance.out << balance.err);
      REQUIRE(balance.exit_code == 0);
      std::smatch m;
      if (l.french) {
        CHECK(Has(balance.out, "(particulier)"));
        CHECK(std::regex_search(balance.out, std::regex("\nadresse +" + address + "\n")));
        // "1 234,56 ROUE": U+202F between thousands, a comma, U+00A0 before the code.
        REQUIRE(std::regex_search(
            balance.out, m,
            std::regex("\nsolde +([0-9]{1,3}(\u202F[0-9]{3})*,[0-9]{2}\u00A0ROUE)\n")));
      } else {
        CHECK(Has(balance.out, "(resident)"));
        CHECK(std::regex_search(balance.out, std::regex("\naddress +" + address + "\n")));
        REQUIRE(
            std::regex_search(balance.out, m, std::regex("\nbalance +([0-9]+\\.[0-9]{2} ROUE)\n")));
      }
      CHECK(DigitsOf(m[1].str()) == std::to_string(minor));

      // A usage error: CLI11's, said in the language with the argument named; exit 2.
      CommandResult missing = w.Liard({"--key", alice, "pay"}, o);
      CHECK(missing.exit_code == 2);
      CHECK(Has(missing.err, l.french ? "TARGET est obligatoire" : "TARGET is required"));
      CHECK(Has(missing.err, l.french ? "Ajoutez --help pour en savoir plus."
                                      : "Run with --help for more information."));
      CommandResult extra = w.Liard({"balance", "--bogus"}, o);
      CHECK(extra.exit_code == 2);
      CHECK(Has(extra.err, l.french ? "Cet argument n'était pas attendu : --bogus"
                                    : "The following argument was not expected: --bogus"));
      CommandResult conversion = w.Liard({"history", "--limit", "beaucoup"}, o);
      CHECK(conversion.exit_code == 2);
      CHECK(Has(conversion.err, l.french ? "Valeur illisible : --limit = beaucoup"
                                         : "Could not convert: --limit = beaucoup"));
      CommandResult no_value = w.Liard({"--key", alice, "pay", address, "1", "--memo"}, o);
      CHECK(no_value.exit_code == 2);
      CHECK(Has(no_value.err, l.french ? "--memo : il manque la valeur (TEXTE)"
                                       : "--memo: 1 required TEXT missing"));

      // The help: CLI11's headings and the wallet's own texts.
      CommandResult help = w.Liard({"--help"}, o);
      INFO(help.out);
      CHECK(help.exit_code == 0);
      CommandResult pay_help = w.Liard({"pay", "--help"}, o);
      INFO(pay_help.out);
      CHECK(pay_help.exit_code == 0);
      if (l.french) {
        CHECK(Has(help.out, "Utilisation: liard"));
        CHECK(Has(help.out, "\nOptions:\n"));
        CHECK(Has(help.out, "\nSous-commandes:\n"));
        CHECK(Has(help.out, "Affiche cette aide et s'arrête"));
        CHECK(Has(help.out, "la langue des messages, des montants et des dates"));
        CHECK(Has(help.out, "Codes de sortie : 0 bon"));
        CHECK_FALSE(Has(help.out, "Print this help message"));
        CHECK(Has(pay_help.out, "payer une adresse, ou une demande de paiement"));
        CHECK(Has(pay_help.out, "\nArguments:\n"));
        CHECK(Has(pay_help.out, "OBLIGATOIRE"));
        CHECK(Has(pay_help.out, "un libellé que voit le bénéficiaire"));
        CHECK_FALSE(Has(pay_help.out, "REQUIRED"));
      } else {
        CHECK(Has(help.out, "Usage: liard"));
        CHECK(Has(help.out, "\nOptions:\n"));
        CHECK(Has(help.out, "\nSubcommands:\n"));
        CHECK(Has(help.out, "Print this help message and exit"));
        CHECK(Has(help.out, "Exit codes: 0 ok"));
        CHECK(Has(pay_help.out, "pay an address, or a payment request"));
        CHECK(Has(pay_help.out, "\nPositionals:\n"));
        CHECK(Has(pay_help.out, "REQUIRED"));
      }
    }
  }
}

TEST_CASE("the option --lang chooses the language over LANG, and LC_ALL over LANG",
          "[wallet][e2e][i18n]") {
  WalletWorld w(/*import_keys=*/false);
  ProgramOptions english = WithLang(w, "C.UTF-8");
  CommandResult fr = w.Liard({"--lang", "fr", "key", "list"}, english);
  CHECK(Has(fr.out, "aucune clé pour l'instant dans "));
  CommandResult after = w.Liard({"key", "list", "--lang=fr"}, english);
  CHECK(Has(after.out, "aucune clé pour l'instant dans "));
  ProgramOptions french = WithLang(w, "fr_FR.UTF-8");
  CommandResult en = w.Liard({"key", "list", "--lang", "en"}, french);
  CHECK(Has(en.out, "no keys yet in "));
  french.env["LC_ALL"] = "C.UTF-8";
  CHECK(Has(w.Liard({"key", "list"}, french).out, "no keys yet in "));
  // A language the wallet does not have: a usage error (in English, the language it falls back
  // to), naming the choices.
  CommandResult other = w.Liard({"--lang", "de", "key", "list"}, WithLang(w, "fr_FR.UTF-8"));
  CHECK(other.exit_code == 2);
  CHECK(Has(other.err, "--lang: de not in {fr,en}"));
}

}  // namespace
}  // namespace liard::e2e
