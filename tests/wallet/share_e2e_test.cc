// The association's share (issue 21), against a real liard-node with the real liard binary: the
// board sets the rule with set-rules and reads it before → after, a resident chooses a listed
// association (refused for one not listed and for herself, nothing sent), a conversion issues the
// share to the association from the sponsor's budget, both histories say so, the general
// assembly's report has the association's line; French first, JSON.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/e2e/harness.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

ProgramOptions French(const WalletWorld& w) {
  ProgramOptions o = w.Options();
  o.env["LANG"] = "fr_FR.UTF-8";
  return o;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE(
    "the board sets a 3 % association's share, a resident chooses the shop's association, and "
    "her conversion pays it from the sponsor's budget",
    "[wallet][e2e][share]") {
  WalletWorld w;
  w.Import("board-1");
  const std::string rules = w.tmp().Join("rules.toml");
  WriteFile(rules,
            "[association_share]\nbasis_points = 300\nprogramme = \"demo-bonus\"\n"
            "associations = [\"" +
                w.Address("shop") + "\", \"" + w.Address("association") + "\"]\n");
  CommandResult set =
      w.Liard({"--key", "board-1", "board", "propose", "set-rules", rules, "--yes"});
  INFO(set.out << set.err);
  REQUIRE(set.exit_code == 0);
  CHECK(Has(set.out,
            "association's share: off → 3 % of each conversion, from programme "
            "'demo-bonus'"));
  CHECK(Has(set.out, "association's share: Boulangerie du Rhône"));
  CHECK(Has(set.out, "added to the associations members may choose"));
  CHECK(Has(set.out, "decided"));

  // Above 10 % is refused before anything is sent, naming the line.
  WriteFile(rules, "[association_share]\nbasis_points = 1001\n");
  CommandResult high =
      w.Liard({"--key", "board-1", "board", "propose", "set-rules", rules, "--yes"});
  CHECK(high.exit_code == 2);
  CHECK(Has(high.err, "rules.toml:2"));
  CHECK(Has(high.err, "between 0 and 1000"));

  // Alice reads the rule and the list, in French, and chooses nothing yet.
  CommandResult shown = w.Liard({"--key", "alice", "association", "show"}, French(w));
  INFO(shown.out << shown.err);
  REQUIRE(shown.exit_code == 0);
  CHECK(Has(shown.out, "3,00"));
  CHECK(Has(shown.out, "de chaque change, payés par le programme « demo-bonus »"));
  CHECK(Has(shown.out, "votre choix"));
  CHECK(Has(shown.out, "aucun"));
  CHECK(Has(shown.out, w.Address("shop")));

  // Refusals: an account the rule does not list, her own; nothing is sent.
  const uint64_t head = w.Head();
  CommandResult bob = w.Liard({"--key", "alice", "association", "choose", w.Address("bob")});
  CHECK(bob.exit_code == 1);
  CHECK(Has(bob.err, "NOT_ELIGIBLE_ASSOCIATION"));
  CommandResult self = w.Liard({"--key", "shop", "association", "choose", w.Address("shop")});
  CHECK(self.exit_code == 1);
  CHECK(Has(self.err, "BAD_ASSOCIATION_CHOICE"));
  CommandResult typo = w.Liard({"--key", "alice", "association", "choose", "roue1qqqq"});
  CHECK(typo.exit_code == 2);
  CHECK(w.Head() == head);

  const nlohmann::json chosen =
      w.Json({"--key", "alice", "association", "choose", w.Address("shop"), "--json"});
  CHECK(chosen["association"] == w.Address("shop"));
  const nlohmann::json now = w.Json({"--key", "alice", "association", "show", "--json"});
  CHECK(now["basis_points"] == 300);
  CHECK(now["programme"] == "demo-bonus");
  CHECK(now["chosen"] == w.Address("shop"));
  CHECK(now["chosen_eligible"] == true);
  REQUIRE(now["associations"].size() == 2);

  // 10,00 € with the 20 % bonus: 12,00 to Alice, and 3 % of 10,00, 0,30, to the shop's
  // association, both backed from the programme's budget.
  const int64_t alice0 = w.Balance("alice"), shop0 = w.Balance("shop");
  const std::string converted = w.Ok(
      {"--key", "office", "convert", "--member", w.Address("alice"), "--eur", "10,00", "--yes"});
  CHECK(Has(converted, "association's share 0.30 ROUE"));
  CHECK(w.Balance("alice") - alice0 == 12'00);
  CHECK(w.Balance("shop") - shop0 == 30);
  // The office at the counter reads the node's note in French (wallet-cli/node_note.h).
  CommandResult fr = w.Liard(
      {"--key", "office", "convert", "--member", w.Address("alice"), "--eur", "10,00", "--yes"},
      French(w));
  INFO(fr.out << fr.err);
  REQUIRE(fr.exit_code == 0);
  CHECK(Has(fr.out,
            "nœud\u00a0: 10,00\u00a0€ changés en 12,00\u00a0ROUE (bonification "
            "2,00\u00a0ROUE) ; part associative 0,30\u00a0ROUE"));
  CHECK_FALSE(Has(fr.out, "converted"));
  CHECK(w.Balance("shop") - shop0 == 60);
  const auto reserves = w.client().Reserves();
  CHECK(reserves.fund() + reserves.office_cash() >= reserves.circulation());

  CommandResult history = w.Liard({"--key", "shop", "history"}, French(w));
  INFO(history.out << history.err);
  REQUIRE(history.exit_code == 0);
  CHECK(Has(history.out, "part associative du change de 10,00\u00a0€ d'un adhérent"));
  CHECK(Has(history.out, "+0,30\u00a0ROUE"));
  const std::string mine = w.Ok({"--key", "alice", "history"});
  CHECK(Has(mine, "association chosen for the share of your conversions"));

  // Alice chooses none: the next conversion pays no share.
  w.Ok({"--key", "alice", "association", "choose", "none"});
  w.Ok({"--key", "office", "convert", "--member", w.Address("alice"), "--eur", "10,00", "--yes"});
  CHECK(w.Balance("shop") - shop0 == 60);

  // The general assembly's report: what the shop's association received.
  const std::string html = w.tmp().Join("ag.html");
  CommandResult report =
      w.Liard({"--key", "association", "audit", "report", "--out", html}, French(w));
  INFO(report.err);
  REQUIRE(report.exit_code == 0);
  const std::string page = ReadAll(html);
  INFO(page.substr(
      page.find("La part associative") == std::string::npos ? 0 : page.find("La part associative"),
      3000));
  CHECK(Has(page, "La part associative"));
  CHECK(Has(page, "Boulangerie du Rhône"));
  CHECK(Has(page, "<td>0,60\u00a0ROUE</td>"));
  CHECK(Has(page, "a garanti les parts à hauteur de 0,60\u00a0€"));
}

}  // namespace
}  // namespace liard::e2e
