// Earmarked aid end to end, with the real liard-node and liard binaries and libfaketime's clock:
// the town gives food aid from a CSV file, residents see its parts in their balance and spend it
// at the grocery but not at the bookshop, another recipient's history names nobody else, and
// after the last day the aid is no longer spent and the town takes back exactly what is left.
#include <catch2/catch.hpp>

#include "ledger/civil_time.h"
#include "tests/e2e/fake_clock.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

int64_t UtcAt(int y, int mo, int d, int h, int mi) {
  return DaysFromCivil(y, mo, d) * 86'400'000 + (h * 60 + mi) * 60'000LL;
}

// The fake clock's offset that makes it read `target_ms` now, rounded up to the second.
std::string ClockOffset(int64_t target_ms) {
  const int64_t ms = target_ms - NowMs();
  const int64_t s = ms >= 0 ? (ms + 999) / 1000 : ms / 1000;
  return (s >= 0 ? "+" : "") + std::to_string(s);
}

GenesisSpec TownSpec() {
  GenesisSpec spec;
  spec.created_at_ms = UtcAt(2026, 12, 1, 8, 0);
  spec.time_zone = "Europe/Paris";
  spec.members = {{"association", "association", 0},
                  {"office", "exchange-office", 0},
                  {"mairie", "municipality", 500'00},
                  {"alice", "resident", 50'00},
                  {"bob", "resident", 0},
                  {"epicerie", "merchant", 0},
                  {"librairie", "merchant", 0}};
  return spec;
}

TEST_CASE("aid e2e: food aid given from a CSV, spent at the grocery only, taken back after",
          "[wallet][e2e][aid]") {
  TempDir clock_dir;
  FakeClock clock(clock_dir);
  // 30 December 2026, 10:00 UTC (11:00 in Paris).
  clock.Set(ClockOffset(UtcAt(2026, 12, 30, 10, 0)));
  const GenesisSpec spec = TownSpec();
  WalletWorld w(false, &spec);
  for (const char* n : {"mairie", "alice", "bob", "epicerie", "librairie"}) w.Import(n);
  const std::string alice = w.Address("alice"), bob = w.Address("bob");
  const std::string epicerie = w.Address("epicerie"), librairie = w.Address("librairie");
  w.Ok({"--key", "epicerie", "card", "set", "--city", "Avignon", "--category", "Alimentation"});
  w.Ok({"--key", "librairie", "card", "set", "--city", "Avignon", "--category", "Livres"});

  const std::string csv = w.tmp().Join("aide.csv");
  WriteFile(csv,
            "Adresse;Montant;Libellé\n" + alice + ";30,00;décembre\n" + bob + ";20,00;décembre\n");
  // A dry run sends nothing.
  std::string out = w.Ok({"--key", "mairie", "aid", "grant", csv, "--purpose", "Aide alimentaire",
                          "--until", "30/12/2026", "--category", "alimentation", "--dry-run"});
  CHECK(Has(out, "50.00 ROUE of earmarked aid « Aide alimentaire », until 2026-12-30"));
  CHECK(w.Balance("mairie") == 500'00);
  // Without a place to spend it: a usage error.
  CommandResult r =
      w.Liard({"--key", "mairie", "aid", "grant", csv, "--purpose", "x", "--until", "30/12/2026"});
  CHECK(r.exit_code == 2);
  out = w.Ok({"--key", "mairie", "aid", "grant", csv, "--purpose", "Aide alimentaire", "--until",
              "30/12/2026", "--category", "alimentation", "--yes"});
  CHECK(Has(out, "gave 50.00 ROUE of earmarked aid"));
  const std::string aid = OperationIn(out);
  CHECK(w.Balance("mairie") == 450'00);

  // Alice's balance: the ordinary part, and the aid's.
  nlohmann::json j = w.Json({"--key", "alice", "balance", "--json"});
  CHECK(j["balance_minor"] == 50'00);
  REQUIRE(j["earmarked"].size() == 1);
  CHECK(j["earmarked"][0]["aid"] == aid);
  CHECK(j["earmarked"][0]["balance_minor"] == 30'00);
  CHECK(j["earmarked"][0]["purpose"] == "Aide alimentaire");
  CHECK(j["earmarked"][0]["until"] == "2026-12-30");
  out = w.Ok({"--key", "alice", "balance"});
  CHECK(Has(out, "earmarked aid"));
  CHECK(Has(out, "30.00 ROUE « Aide alimentaire », until 2026-12-30, at: alimentation"));
  CHECK(Has(out, "80.00 ROUE"));  // in all
  ProgramOptions fr = w.Options();
  fr.env["LANG"] = "fr_FR.UTF-8";
  r = w.Liard({"--key", "alice", "balance"}, fr);
  REQUIRE(r.exit_code == 0);
  CHECK(Has(r.out, "aide fléchée"));
  CHECK(Has(r.out, "« Aide alimentaire », jusqu'au 30/12/2026, chez : alimentation"));

  // At the grocery the aid pays first; the node says which part was which.
  out = w.Ok({"--key", "alice", "pay", epicerie, "12,50", "--yes"});
  CHECK(Has(out, "12.50 ROUE from the aid 'Aide alimentaire'"));
  j = w.Json({"--key", "alice", "balance", "--json"});
  CHECK(j["balance_minor"] == 50'00);
  CHECK(j["earmarked"][0]["balance_minor"] == 17'50);
  CHECK(w.Balance("epicerie") == 12'50);
  // Bob holds only aid: the bookshop cannot be paid with it.
  r = w.Liard({"--key", "bob", "pay", librairie, "1,00", "--yes"});
  CHECK(r.exit_code == 1);
  CHECK(w.Json({"--key", "bob", "balance", "--json"})["earmarked"][0]["balance_minor"] == 20'00);
  // Bob's history shows his aid, and nobody else's.
  out = w.Ok({"--key", "bob", "history"});
  CHECK(Has(out, "earmarked aid received: 20.00 ROUE « Aide alimentaire »"));
  CHECK_FALSE(Has(out, alice.substr(0, 12)));
  CHECK_FALSE(Has(out, "30.00"));
  out = w.Ok({"--key", "alice", "history"});
  CHECK(Has(out, "12.50 ROUE paid, of which 12.50 ROUE from earmarked aid"));
  // Too early to take it back: the wallet says until when.
  r = w.Liard({"--key", "mairie", "aid", "expire", aid, "--yes"});
  CHECK(r.exit_code == 1);
  CHECK(Has(r.err, "runs until 2026-12-30"));

  // 31 December, 09:00 UTC: the last day has passed in Paris. The node restarts there (a jump
  // while it runs would stop its writes: the clock guard).
  REQUIRE(w.node().Stop() == 0);
  clock.Set(ClockOffset(UtcAt(2026, 12, 31, 9, 0)));
  w.node().Start();
  out = w.Ok({"--key", "alice", "balance"});
  CHECK(Has(out, "expired on 2026-12-30"));
  // The aid no longer pays: the grocery is paid with ordinary units.
  w.Ok({"--key", "alice", "pay", epicerie, "5,00", "--yes"});
  CHECK(w.Balance("alice") == 45'00);
  out = w.Ok({"--key", "mairie", "aid", "expire", aid, "--yes"});
  CHECK(Has(out, "took back 37.50 ROUE left of the aid « Aide alimentaire »"));
  CHECK(w.Balance("mairie") == 450'00 + 37'50);
  j = w.Json({"--key", "alice", "balance", "--json"});
  CHECK(j["earmarked"].empty());
  out = w.Ok({"--key", "bob", "history"});
  CHECK(Has(out, "earmarked aid expired: 20.00 ROUE went back to its funder"));
  // Once only.
  r = w.Liard({"--key", "mairie", "aid", "expire", aid, "--yes"});
  CHECK(r.exit_code == 1);
  // The funder reads its aid back; the auditor's replay agrees with the node.
  nlohmann::json shown = w.Json({"--key", "mairie", "aid", "show", aid, "--json"});
  CHECK(shown["recipients"].size() == 2);
  CHECK(shown["total_minor"] == 50'00);
  w.Import("association");
  nlohmann::json audit = w.Json({"--key", "association", "audit", "verify", "--json"});
  CHECK(audit["ok"] == true);
  bool reserves_checked = false;
  for (const auto& c : audit["checks"])
    reserves_checked |= c.get<std::string>() == "the node's reserves are the replay's";
  CHECK(reserves_checked);
}

}  // namespace
}  // namespace liard::e2e
