// Standing orders (issue 21) with the real liard binary against a real liard-node whose clock
// libfaketime moves: a resident places her rent, the node pays it on its day and her history
// says so, as `order list|show` read from the node do; a pause skips a payment; a cancellation
// ends it; bad input is refused before anything is sent; French first.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "ledger/civil_time.h"
#include "tests/e2e/fake_clock.h"
#include "tests/e2e/harness.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

// Restarts the node with its clock `days` days on (within the clock guard's 31 days).
void DaysLater(WalletWorld& w, FakeClock& clock, int days) {
  REQUIRE(w.node().Stop() == 0);
  clock.Set("+" + std::to_string(days) + "d");
  w.node().Start();
}

bool WaitBalance(WalletWorld& w, const std::string& key, int64_t want) {
  for (int i = 0; i < 100; ++i) {
    if (w.Balance(key) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST_CASE("a resident's rent by standing order is paid by the node on its day, once",
          "[wallet][e2e][order]") {
  TempDir clock_dir;
  FakeClock clock(clock_dir);  // before the node starts, so that it runs under libfaketime
  WalletWorld w;
  // Tomorrow in Paris, as the wallet reads a date.
  const TimeZone paris = *TimeZone::Named("Europe/Paris");
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  int y = 0, m = 0, d = 0;
  CivilFromDays(paris.DayOf(now) + 1, &y, &m, &d);
  char tomorrow[16];
  std::snprintf(tomorrow, sizeof tomorrow, "%02d/%02d/%04d", d, m, y);

  // Bad input: nothing is sent.
  CommandResult no_schedule =
      w.Liard({"--key", "alice", "order", "create", "--to", w.Address("bob"), "--amount", "10,00"});
  CHECK(no_schedule.exit_code == 2);
  CommandResult past =
      w.Liard({"--key", "alice", "order", "create", "--to", w.Address("bob"), "--amount", "10,00",
               "--every", "7", "--from", "01/01/2026", "--yes"});
  CHECK(past.exit_code == 1);
  CHECK(Has(past.err, "ORDER_DATE"));

  const int64_t alice0 = w.Balance("alice"), bob0 = w.Balance("bob");
  const nlohmann::json placed = w.Json(
      {"--key", "alice", "order", "create", "--to", w.Address("bob"), "--amount", "10,00",
       "--every", "7", "--from", tomorrow, "--memo", "Loyer", "--retries", "1", "--yes", "--json"});
  const std::string id = placed["id"].get<std::string>();
  REQUIRE(id.size() == 64);
  const std::string listed = w.Ok({"--key", "alice", "order", "list"});
  CHECK(Has(listed, id.substr(0, 16)));
  CHECK(Has(listed, "every 7 days"));
  CommandResult fr = w.Liard({"--key", "alice", "order", "list"}, [&] {
    ProgramOptions o = w.Options();
    o.env["LANG"] = "fr_FR.UTF-8";
    return o;
  }());
  CHECK(Has(fr.out, "tous les 7 jours"));
  CHECK(w.Balance("alice") == alice0);

  // Two days on: the first payment was due at 00:00 tomorrow; the node pays it once.
  DaysLater(w, clock, 2);
  REQUIRE(WaitBalance(w, "bob", bob0 + 1'000));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  CHECK(w.Balance("alice") == alice0 - 1'000);
  CHECK(w.Balance("bob") == bob0 + 1'000);
  CHECK(Has(w.Ok({"--key", "alice", "history"}), "payment 1"));
  // The payer's row names the order's one payee.
  std::string payee;
  const nlohmann::json alice_history = w.Json({"--key", "alice", "history", "--json"});
  INFO(alice_history.dump(1));
  for (const auto& e : alice_history["entries"])
    if (e["type"] == "execute-order") payee = e.value("counterparty", "");
  CHECK(payee == w.Address("bob"));
  CHECK(Has(w.Ok({"--key", "bob", "history"}), "Loyer"));
  // The node says where the order stands: one payment made, the next in 7 days.
  const nlohmann::json shown = w.Json({"--key", "alice", "order", "show", id, "--json"});
  CHECK(shown["state"] == "active");
  CHECK(shown["executions"] == 1);
  REQUIRE(shown["events"].size() == 2);
  CHECK(shown["events"][0]["type"] == "execute-order");
  CHECK(shown["events"][0]["failed"] == "");
  CHECK(Has(w.Ok({"--key", "alice", "order", "show", id.substr(0, 12)}), "payment 1 paid"));
  // Bob, its payee, reads it too (by its whole id); a stranger cannot.
  CHECK(w.Json({"--key", "bob", "order", "show", id, "--json"})["executions"] == 1);
  CommandResult nosy = w.Liard({"--key", "shop", "order", "show", id});
  CHECK(nosy.exit_code == 1);
  CHECK(Has(nosy.err, "no standing order with this id"));

  // Paused: the next payment is skipped, and said so; cancelled: nothing more.
  w.Ok({"--key", "alice", "order", "pause", id.substr(0, 12), "--yes"});
  CommandResult again = w.Liard({"--key", "alice", "order", "pause", id, "--yes"});
  CHECK(again.exit_code == 1);
  CHECK(Has(again.err, "ORDER_PAUSED"));
  DaysLater(w, clock, 9);
  std::string history;
  for (int i = 0; i < 50 && !Has(history, "skipped"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    history = w.Ok({"--key", "alice", "history"});
  }
  CHECK(Has(history, "payment 2 skipped, the order is paused"));
  CHECK(w.Balance("alice") == alice0 - 1'000);
  CHECK(Has(w.Ok({"--key", "alice", "order", "list"}), "paused"));
  w.Ok({"--key", "alice", "order", "cancel", id.substr(0, 12), "--yes"});
  CommandResult stranger = w.Liard({"--key", "bob", "order", "cancel", id, "--yes"});
  CHECK(stranger.exit_code == 1);
  CHECK(Has(stranger.err, "ORDER_UNKNOWN"));
  DaysLater(w, clock, 17);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  CHECK(w.Balance("alice") == alice0 - 1'000);
  const nlohmann::json list = w.Json({"--key", "alice", "order", "list", "--json"});
  REQUIRE(list.size() == 1);
  CHECK(list[0]["state"] == "cancelled");
  CHECK(list[0]["executions"] == 2);  // the payment, the skipped one
  CommandResult fr_show = w.Liard({"--key", "alice", "order", "show", id}, [&] {
    ProgramOptions o = w.Options();
    o.env["LANG"] = "fr_FR.UTF-8";
    return o;
  }());
  CHECK(Has(fr_show.out, "annulé (définitif)"));
  CHECK(Has(fr_show.out, "paiement 2 sauté, l'ordre est suspendu"));
}

}  // namespace
}  // namespace liard::e2e
