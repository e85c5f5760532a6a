// Demurrage (issue 21) with the real liard binary against a real liard-node whose clock
// libfaketime moves: the board sets 0,82 % a month above 100,00 ROUE from next month (refused
// above 1 % and with a shorter notice), a resident sees the announced charge in her balance, the
// month ends, the treasurer's run charges each holder once (a second run charges nobody), and
// the resident's history says what was taken; French first, JSON.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "ledger/civil_time.h"
#include "tests/e2e/fake_clock.h"
#include "tests/e2e/harness.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

ProgramOptions French(const WalletWorld& w) {
  ProgramOptions o = w.Options();
  o.env["LANG"] = "fr_FR.UTF-8";
  return o;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint32_t Next(uint32_t ym) { return ym % 100 == 12 ? (ym / 100 + 1) * 100 + 1 : ym + 1; }

int64_t MonthStart(const TimeZone& zone, uint32_t ym) {
  return zone.StartOfDay(DaysFromCivil(static_cast<int>(ym / 100), static_cast<int>(ym % 100), 1));
}

std::string MonthText(uint32_t ym) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04u-%02u", ym / 100, ym % 100);
  return buf;
}

// floor((balance - 100,00) × 82 / 10000), 0 at or below 100,00.
int64_t Charge(int64_t balance) { return balance <= 10'000 ? 0 : (balance - 10'000) * 82 / 10'000; }

// Restarts the node with its clock (and the wallet's) `seconds` on from the real one.
void ClockAt(WalletWorld& w, FakeClock& clock, int64_t seconds) {
  w.node().set_listen(w.node().target());  // the same port: the world's client keeps its channel
  REQUIRE(w.node().Stop() == 0);
  clock.Set("+" + std::to_string(seconds));
  w.node().Start();
}

TEST_CASE(
    "the board announces 0,82 % a month of demurrage, a resident sees it coming, and the "
    "treasurer's run after the month's end charges each holder once",
    "[wallet][e2e][demurrage]") {
  TempDir clock_dir;
  FakeClock clock(clock_dir);  // before the node starts, so that it runs under libfaketime
  WalletWorld w;
  w.Import("board-1");
  // The node may start up to 70 days past its journal's last entry (the month's end is up to
  // two months away).
  WriteFile(w.tmp().Join("node.toml"),
            "[checkpoint]\nevery_entries = 1\nevery_seconds = 1\n[clock]\nmax_gap_days = 70\n");
  const TimeZone paris = *TimeZone::Named("Europe/Paris");
  const uint32_t this_month = paris.YearMonthOf(NowMs());
  const uint32_t first = Next(this_month);
  const std::string rules = w.tmp().Join("rules.toml");
  auto rule = [&](int bp, uint32_t month) {
    WriteFile(rules, "[demurrage]\nbasis_points = " + std::to_string(bp) +
                         "\nthreshold = \"100,00\"\naccount = \"" + w.Address("association") +
                         "\"\nfirst_month = \"" + MonthText(month) + "\"\n");
  };

  // Above 1 % a month: refused before anything is sent, naming the line.
  const uint64_t head = w.Head();
  rule(101, first);
  CommandResult high =
      w.Liard({"--key", "board-1", "board", "propose", "set-rules", rules, "--yes"});
  CHECK(high.exit_code == 2);
  CHECK(Has(high.err, "rules.toml:2"));
  CHECK(Has(high.err, "between 0 and 100"));
  // This month has begun: the notice is too short.
  rule(82, this_month);
  CommandResult early =
      w.Liard({"--key", "board-1", "board", "propose", "set-rules", rules, "--yes"});
  CHECK(early.exit_code == 1);
  CHECK(Has(early.err, "DEMURRAGE_NOTICE_SHORT"));
  CHECK(w.Head() == head);

  rule(82, first);
  CommandResult set =
      w.Liard({"--key", "board-1", "board", "propose", "set-rules", rules, "--yes"});
  INFO(set.out << set.err);
  REQUIRE(set.exit_code == 0);
  CHECK(Has(set.out, "demurrage: off → 0.82 % a month of what is held above 100.00 ROUE, from "));
  CHECK(Has(set.out, "demurrage paid to: — → "));
  CHECK(Has(set.out, "decided"));

  // Alice holds more than the threshold; she sees what she would lose, in French.
  w.Ok({"--key", "office", "convert", "--member", w.Address("alice"), "--eur", "500,00", "--yes"});
  const int64_t alice0 = w.Balance("alice");
  REQUIRE(alice0 > 10'000);
  CommandResult bal = w.Liard({"--key", "alice", "balance"}, French(w));
  INFO(bal.out << bal.err);
  REQUIRE(bal.exit_code == 0);
  CHECK(Has(bal.out, "fonte au "));
  const nlohmann::json me = w.Json({"--key", "alice", "balance", "--json"});
  CHECK(me["demurrage"]["month"] == MonthText(first));
  CHECK(me["demurrage"]["charge_minor"] == Charge(alice0));
  CHECK(me["demurrage"]["last_month_charged"].is_null());
  CommandResult shown = w.Liard({"--key", "alice", "demurrage", "show"}, French(w));
  CHECK(Has(shown.out, "0,82"));
  CHECK(Has(shown.out, "par mois de ce qui est détenu au-delà de 100,00"));

  // Before the month has ended, the run is refused by the ledger.
  CommandResult not_yet =
      w.Liard({"--key", "association", "demurrage", "run", "--month", MonthText(first), "--yes"});
  CHECK(not_yet.exit_code == 1);
  CHECK(Has(not_yet.err, "DEMURRAGE_NOT_DUE"));

  // To two hours after the month's end, in two restarts (a payment in between, so that the
  // journal follows the clock).
  const int64_t target = MonthStart(paris, Next(first)) + 2 * 3600 * 1000;
  const int64_t seconds = (target - NowMs()) / 1000;
  ClockAt(w, clock, seconds / 2);
  w.Ok({"--key", "bob", "pay", w.Address("shop"), "0,01", "--yes"});
  ClockAt(w, clock, seconds);

  std::map<std::string, int64_t> before;
  for (const char* k : {"alice", "bob", "shop", "office"}) before[k] = w.Balance(k);
  const int64_t association0 = w.Balance("association");
  const auto reserves0 = w.client().Reserves();
  // The treasurer's run, one holder per operation.
  const nlohmann::json run =
      w.Json({"--key", "association", "demurrage", "run", "--batch", "1", "--yes", "--json"});
  INFO(run.dump());
  CHECK(run["month"] == MonthText(first));
  CHECK(run["holders"].get<int>() >= 1);
  CHECK(run["operations"].size() == run["holders"].get<size_t>());
  int64_t expected = 0;
  for (const auto& [k, b] : before) {
    CHECK(w.Balance(k) == b - Charge(b));
    expected += Charge(b);
  }
  CHECK(w.Balance("alice") == alice0 - Charge(alice0));
  CHECK(run["charged_minor"].get<int64_t>() >= expected);
  CHECK(w.Balance("association") - association0 == run["charged_minor"].get<int64_t>());
  const auto reserves1 = w.client().Reserves();
  CHECK(reserves1.circulation() == reserves0.circulation());
  CHECK(reserves1.fund() == reserves0.fund());

  // A second run charges nobody.
  const uint64_t after_run = w.Head();
  CommandResult again = w.Liard({"--key", "association", "demurrage", "run", "--yes"}, French(w));
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(Has(again.out, "plus personne n'est concerné par la fonte"));
  CHECK(w.Head() == after_run);
  // A resident cannot run it.
  CommandResult alice_runs = w.Liard({"--key", "alice", "demurrage", "run", "--yes"});
  CHECK(alice_runs.exit_code != 0);

  // Her history says what was taken; her balance now announces the next month.
  CommandResult history = w.Liard({"--key", "alice", "history"}, French(w));
  INFO(history.out << history.err);
  REQUIRE(history.exit_code == 0);
  CHECK(Has(history.out, "de ce que vous déteniez au-delà du seuil"));
  const nlohmann::json after = w.Json({"--key", "alice", "balance", "--json"});
  CHECK(after["demurrage"]["last_month_charged"] == MonthText(first));
  CHECK(after["demurrage"]["month"] == MonthText(Next(first)));
  const nlohmann::json hist = w.Json({"--key", "alice", "history", "--json"});
  bool found = false;
  for (const auto& row : hist["entries"])
    if (row.value("detail", "") == "demurrage for " + MonthText(first)) found = true;
  CHECK(found);
}

}  // namespace
}  // namespace liard::e2e
