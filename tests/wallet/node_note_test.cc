// The node's English notes said in French (wallet-cli/node_note.h): each kind of note the
// ledger writes, with its amounts, dates and nested reasons, and an unknown clause kept whole.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ledger/amount.h"
#include "node/answers.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/node_note.h"

namespace liard::wallet {
namespace {

// The language, with the build tree's catalogue bound as the wallet binds it at start.
struct LanguageScope {
  Language before = CurrentLanguage();
  explicit LanguageScope(Language l) {
    const char* argv[] = {"wallet_tests", "--lang", l == Language::kFrench ? "fr" : "en"};
    InitLanguage(3, const_cast<char**>(argv));
  }
  ~LanguageScope() { SetLanguage(before); }
};

// Amounts as the ledger writes them into its notes (ledger/amount.h).
std::string U(int64_t minor) { return FormatAmount(Amount(minor), 2, "ROUE"); }
std::string E(int64_t cents) { return FormatEuros(cents); }

TEST_CASE("node notes: English stays the node's words", "[wallet][note]") {
  LanguageScope english(Language::kEnglish);
  const Money money("ROUE", 2, '.');
  const std::string note = "converted " + E(1000) + " into " + U(1200) + " (bonus " + U(200) + ")";
  CHECK(NodeNote(note, money) == note);
}

TEST_CASE("node notes: each kind of note reads French, amounts and dates the French way",
          "[wallet][note]") {
  LanguageScope french(Language::kFrench);
  const Money money("ROUE", 2, ',');
  const std::string eur10 = money.Euros(1000), u12 = money.Units(1200), u2 = money.Units(200);
  struct Case {
    std::string node, french;
  };
  const Case cases[] = {
      {"converted " + E(1000) + " into " + U(1200) + " (bonus " + U(200) + ")",
       eur10 + " changés en " + u12 + " (bonification " + u2 + ")"},
      {"converted " + E(1000) + " into " + U(1000) + " (bonus " + U(0) +
           "): programme 'agglo-2026' has ended; association's share " + U(30),
       eur10 + " changés en " + money.Units(1000) + " (bonification " + money.Units(0) +
           ") : le programme « agglo-2026 » est terminé ; part associative " + money.Units(30)},
      {"converted " + E(500) + " into " + U(500) + " (bonus " + U(0) +
           "): programme 'p' is not open to merchant accounts",
       money.Euros(500) + " changés en " + money.Units(500) + " (bonification " + money.Units(0) +
           ") : le programme « p » n'est pas ouvert aux comptes de type commerçant"},
      {"association's share of " + U(30) + " not paid: the budget of programme 'p' is short",
       "part associative de " + money.Units(30) +
           " non versée : le budget du programme « p » est insuffisant"},
      {"reconverted " + U(3000) + ": " + E(2850) + " owed, fee " + E(150),
       money.Units(3000) + " reconvertis : " + money.Euros(2850) + " dus, commission " +
           money.Euros(150)},
      {"the first execution is due on 2027-01-31", "la première échéance est le 31/01/2027"},
      {"execution 3 refused (INSUFFICIENT_FUNDS): tried again on 2027-03-01",
       "échéance 3 refusée (INSUFFICIENT_FUNDS) : nouvel essai le 01/03/2027"},
      {"execution 12 paid; it was the order's last",
       "échéance 12 payée ; c'était la dernière de l'ordre"},
      {"gave " + U(5000) + " of earmarked aid to 1 recipients",
       money.Units(5000) + " d'aide fléchée donnés à 1 bénéficiaire"},
      {"gave " + U(15000) + " of earmarked aid to 3 recipients",
       money.Units(15000) + " d'aide fléchée donnés à 3 bénéficiaires"},
      {"paid " + U(2000) + ": " + U(1500) + " from the aid 'cantine, été', " + U(500) + " ordinary",
       money.Units(2000) + " payés : " + money.Units(1500) + " de l'aide « cantine, été », " +
           money.Units(500) + " ordinaires"},
      {"paid " + U(2000) + ": " + U(2000) + " from the aid 'culture'",
       money.Units(2000) + " payés : " + money.Units(2000) + " de l'aide « culture »"},
      {"decided set-rules with 2 of 2 approvals: dropped the member's 1 pending proposals and 0 "
       "approvals",
       "décision prise (changement des règles), approbations : 2 sur 2 ; propositions du membre "
       "abandonnées : 1 ; ses approbations retirées : 0"},
      {"proposal 0123456789abcdef (freeze): 1 of 2 approvals",
       "proposition 0123456789abcdef (gel d'un compte), approbations : 1 sur 2"},
      {"proposal 0123456789abcdef (some-new-decision) withdrawn",
       "proposition 0123456789abcdef (some-new-decision) retirée"},
      {"membership renewed", "adhésion renouvelée"},
      // A clause this wallet does not know (a newer node's) is kept, the rest translated.
      {"membership renewed; something new happened",
       "adhésion renouvelée ; something new happened"},
  };
  for (const Case& c : cases) {
    INFO(c.node);
    CHECK(NodeNote(c.node, money) == c.french);
  }
}

TEST_CASE("node notes: amounts of another currency or precision are left as written",
          "[wallet][note]") {
  LanguageScope french(Language::kFrench);
  const Money money("ROUE", 2, ',');
  CHECK(NodeNote("association's share 0.3 ROUE", money) == "part associative 0.3 ROUE");
  CHECK(NodeNote("association's share 1.00 EUSKO", money) == "part associative 1.00 EUSKO");
}

// The node's own answers (node/answers.h: the very strings the node sends): every clause of
// each is said in French, none left in English, the values it carries kept.
TEST_CASE("node notes: the node's answers to a write it cannot take, or to what it cannot find",
          "[wallet][note]") {
  using namespace node::answers;
  LanguageScope french(Language::kFrench);
  const Money money("ROUE", 2, ',');
  const std::string id(64, 'a');
  const std::string address = "roue1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqa0t22r";
  struct Case {
    std::string node;
    std::vector<std::string> kept;  // values the French must still show
  };
  const Case cases[] = {
      {kShuttingDown, {}},
      {kClockUntrusted, {}},
      {kFenced, {}},
      {kFencedDuringWrite, {}},
      {kDiskFailed, {}},
      {FillAnswer(kSyncTimeout, {{"count", "2"}, {"ms", "800"}}), {"2 nœud(s)", "800 ms"}},
      {kSyncShuttingDown, {}},
      {FillAnswer(kStandby, {{"primary", "10.0.0.2:7400"}}), {"10.0.0.2:7400"}},
      {FillAnswer(kNoAccount, {{"address", address}}), {address}},
      {FillAnswer(kNoOperation, {{"id", id}}), {id}},
      {kNoOrder, {}},
      {kNoCheckpointYet, {}},
  };
  for (const Case& c : cases) {
    INFO(c.node);
    CHECK(c.node.find('{') == std::string::npos);  // every value filled in
    const std::string french = NodeNote(c.node, money);
    INFO(french);
    // Each clause was recognised: none of the node's English clauses is left.
    size_t from = 0;
    while (from < c.node.size()) {
      const size_t semi = c.node.find("; ", from);
      const std::string clause = c.node.substr(from, semi - from);
      CHECK(french.find(clause) == std::string::npos);
      if (semi == std::string::npos) break;
      from = semi + 2;
    }
    CHECK(french != c.node);
    for (const std::string& v : c.kept) CHECK(french.find(v) != std::string::npos);
  }
}

}  // namespace
}  // namespace liard::wallet
