// Mandates (issue 21), against a real liard-node with the real liard binary: the association
// asks a resident for a mandate, the resident signs it, the association collects within the
// ceiling and is refused past it, the resident revokes it and nothing more is collected; a CSV
// of collections from many debtors, one refused without stopping the others; bad input refused
// before anything is sent; French first.
#include <catch2/catch.hpp>

#include <fstream>
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

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The association asks `debtor` for a mandate and the debtor signs it; the signed mandate's
// file.
std::string Signed(WalletWorld& w, const std::string& debtor, const std::string& ceiling,
                   const std::string& period, const std::string& memo) {
  const std::string ask = w.tmp().Join(debtor + "-" + period + ".ask");
  const std::string mandate = w.tmp().Join(debtor + "-" + period + ".mandate");
  w.Ok({"--key", "association", "mandate", "ask", "--debtor", w.Address(debtor), "--ceiling",
        ceiling, "--period", period, "--memo", memo, "--out", ask});
  w.Ok({"--key", debtor, "mandate", "sign", ask, "--yes", "--out", mandate});
  return mandate;
}

TEST_CASE(
    "the association collects a membership fee by mandate within its ceiling, and nothing "
    "after the resident revokes it",
    "[wallet][e2e][mandate]") {
  WalletWorld w;
  const std::string ask = w.tmp().Join("fee.ask");
  const std::string asked =
      w.Ok({"--key", "association", "mandate", "ask", "--debtor", w.Address("alice"), "--ceiling",
            "20,00", "--period", "year", "--memo", "Cotisation 2027", "--out", ask});
  CHECK(Has(asked, "up to 20.00 ROUE per year, until revoked"));
  REQUIRE(FirstLine(ask).rfind("liard-mandate-ask:", 0) == 0);

  // Alice reads it in French before signing; without --yes and no terminal, nothing is signed.
  CommandResult unsure = w.Liard({"--key", "alice", "mandate", "sign", ask}, French(w));
  CHECK(unsure.exit_code == 2);
  CommandResult signed_fr =
      w.Liard({"--key", "alice", "mandate", "sign", ask, "--yes", "--json"}, French(w));
  INFO(signed_fr.err);
  REQUIRE(signed_fr.exit_code == 0);
  const auto j = nlohmann::json::parse(signed_fr.out);
  const std::string mandate = j["mandate"].get<std::string>();
  const std::string id = j["id"].get<std::string>();
  REQUIRE(mandate.rfind("liard-mandate:", 0) == 0);
  CHECK(j["ceiling_minor"] == 2'000);
  CHECK(j["period"] == "year");

  const int64_t alice0 = w.Balance("alice"), asso0 = w.Balance("association");
  const std::string first = w.Ok({"--key", "association", "mandate", "collect", mandate, "--amount",
                                  "15,00", "--memo", "cotisation", "--yes"});
  CHECK(Has(first, "collected 15.00 ROUE from Alice Martin"));
  CHECK(Has(first, "5.00 ROUE can still be collected this year"));
  CHECK(w.Balance("alice") == alice0 - 1'500);
  CHECK(w.Balance("association") == asso0 + 1'500);

  // Past the ceiling: the ledger refuses with its figures, in French too, and nothing moves.
  CommandResult over = w.Liard({"--key", "association", "mandate", "collect", id.substr(0, 12),
                                "--amount", "5,01", "--yes"});
  CHECK(over.exit_code == 1);
  CHECK(Has(over.err, "MANDATE_CEILING"));
  CHECK(Has(over.err,
            "15.00 ROUE was collected this period under this mandate; 5.01 ROUE more "
            "would pass its ceiling of 20.00 ROUE"));
  CommandResult over_fr =
      w.Liard({"--key", "association", "mandate", "collect", mandate, "--amount", "5,01", "--yes"},
              French(w));
  CHECK(over_fr.exit_code == 1);
  CHECK(Has(over_fr.err, "dépasseraient son plafond de 20,00\u00A0ROUE"));
  CHECK(w.Balance("alice") == alice0 - 1'500);

  // Both see it: the list with this period's total, the histories with the mandate.
  const auto listed = w.Json({"--key", "association", "mandate", "list", "--json"});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["collected_minor"] == 1'500);
  CHECK(listed[0]["remaining_minor"] == 500);
  CHECK(listed[0]["state"] == "active");
  CHECK(listed[0]["role"] == "creditor");
  CHECK(Has(w.Ok({"--key", "alice", "history"}),
            "collected under your mandate « Cotisation 2027 » (" + id.substr(0, 16) + "…)"));
  CHECK(Has(w.Liard({"--key", "alice", "mandate", "list"}, French(w)).out, "débiteur"));

  // Alice revokes it (by the start of its id): at once, for good.
  const std::string revoked =
      w.Ok({"--key", "alice", "mandate", "revoke", id.substr(0, 10), "--yes"});
  CHECK(Has(revoked, "mandate " + id.substr(0, 16) + " revoked"));
  CommandResult after =
      w.Liard({"--key", "association", "mandate", "collect", mandate, "--amount", "1,00", "--yes"});
  CHECK(after.exit_code == 1);
  CHECK(Has(after.err, "MANDATE_REVOKED"));
  CHECK(w.Balance("alice") == alice0 - 1'500);
  CHECK(w.Json({"--key", "alice", "mandate", "list", "--json"})[0]["state"] == "revoked");
  CommandResult again = w.Liard({"--key", "alice", "mandate", "revoke", mandate, "--yes"});
  CHECK(again.exit_code == 1);
  CHECK(Has(again.err, "MANDATE_REVOKED"));

  // The auditor's replay of the whole journal agrees with the node.
  CommandResult audit = w.Liard({"--key", "association", "audit", "verify"});
  INFO(audit.err << audit.out);
  CHECK(audit.exit_code == 0);
}

TEST_CASE("a CSV of collections collects from each debtor on its own, a refusal stops no other",
          "[wallet][e2e][mandate]") {
  WalletWorld w;
  const std::string alice = Signed(w, "alice", "30,00", "month", "cantine");
  const std::string bob = Signed(w, "bob", "10,00", "month", "cantine");
  const int64_t alice0 = w.Balance("alice"), bob0 = w.Balance("bob"),
                asso0 = w.Balance("association");
  const std::string csv = w.tmp().Join("novembre.csv");
  WriteFile(csv, "mandat;montant;libellé\n" + alice + ";25,00;repas de novembre\n" + bob +
                     ";8,00;repas de novembre\n" + bob + ";3,00;goûters\n");
  CommandResult r =
      w.Liard({"--key", "association", "mandate", "collect", "--csv", csv, "--yes", "--json"});
  INFO(r.err << r.out);
  CHECK(r.exit_code == 1);  // one refused
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["collected_minor"] == 3'300);
  CHECK(j["refused"] == 1);
  CHECK(j["results"][2]["code"] == "MANDATE_CEILING");
  CHECK(w.Balance("alice") == alice0 - 2'500);
  CHECK(w.Balance("bob") == bob0 - 800);
  CHECK(w.Balance("association") == asso0 + 3'300);
}

TEST_CASE("bad mandates and bad requests are refused before anything is sent",
          "[wallet][e2e][mandate]") {
  WalletWorld w;
  const std::string ask = w.tmp().Join("a.ask");
  w.Ok({"--key", "association", "mandate", "ask", "--debtor", w.Address("alice"), "--ceiling",
        "20,00", "--memo", "cotisation", "--out", ask});
  const uint64_t head = w.Head();
  // Bob cannot sign what was asked of Alice.
  CommandResult bob = w.Liard({"--key", "bob", "mandate", "sign", ask, "--yes"});
  CHECK(bob.exit_code == 2);
  CHECK(Has(bob.err, "this mandate is asked of Alice Martin ("));
  CHECK(Has(bob.err, "not of your account"));
  // A resident does not ask for mandates; nor does anyone of itself.
  CommandResult resident = w.Liard(
      {"--key", "bob", "mandate", "ask", "--debtor", w.Address("alice"), "--ceiling", "5,00"});
  CHECK(resident.exit_code == 2);
  CHECK(Has(resident.err, "only a merchant, a municipality or the association"));
  CHECK(w.Liard({"--key", "association", "mandate", "ask", "--debtor", w.Address("association"),
                 "--ceiling", "5,00"})
            .exit_code == 2);
  CHECK(w.Liard({"--key", "association", "mandate", "ask", "--debtor", w.Address("alice"),
                 "--ceiling", "5,00", "--period", "fortnight"})
            .exit_code == 2);
  // The shop cannot collect under the association's mandate; a changed mandate is refused.
  const std::string mandate = w.tmp().Join("a.mandate");
  w.Ok({"--key", "alice", "mandate", "sign", ask, "--yes", "--out", mandate});
  CommandResult shop =
      w.Liard({"--key", "shop", "mandate", "collect", mandate, "--amount", "1,00", "--yes"});
  CHECK(shop.exit_code == 2);
  CHECK(Has(shop.err, "this mandate lets Association la Roue ("));
  CHECK(Has(shop.err, "collect, not your account"));
  std::string text = FirstLine(mandate);
  text[text.size() / 2] = text[text.size() / 2] == 'A' ? 'B' : 'A';
  CommandResult changed =
      w.Liard({"--key", "association", "mandate", "collect", text, "--amount", "1,00", "--yes"});
  CHECK(changed.exit_code == 2);
  // Bob revoking Alice's mandate is refused by the wallet (only its debtor revokes it).
  CHECK(w.Liard({"--key", "bob", "mandate", "revoke", mandate, "--yes"}).exit_code == 2);
  CHECK(w.Head() == head + 0);  // signing sends nothing; none of the above reached the ledger
}

}  // namespace
}  // namespace liard::e2e
