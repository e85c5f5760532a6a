// Several nodes (issue 23, step 4): the wallet given a standby and its primary reads from the
// first that answers and sends writes to the primary (following the standby's liard-primary
// trailer), the same signed envelope, once; with no primary up, it says so and nothing applies.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "tests/e2e/harness.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

using Clock = std::chrono::steady_clock;

bool SameHead(Client& a, Client& b) {
  const auto deadline = Clock::now() + Millis(30'000);
  while (Clock::now() < deadline) {
    if (a.Head().head_hash() == b.Head().head_hash()) return true;
    std::this_thread::sleep_for(Millis(50));
  }
  return false;
}

TEST_CASE(
    "the wallet given a standby and its primary pays through the primary and reads from the "
    "standby; given the standby alone it follows the liard-primary trailer",
    "[wallet][e2e][standby]") {
  WalletWorld w;
  // A standby of the demo ledger, reading with the association's (treasurer's) key.
  const std::string config = w.tmp().Join("standby.toml");
  WriteFile(config, "[replication]\nprimary = \"" + w.node().target() + "\"\nledger = \"" +
                        ToHex(w.client().ledger_id()) + "\"\nreader_key = \"" +
                        w.SeedFile("association") + "\"\n");
  NodeProcess standby(w.tmp().Join("standby"), {"--config", config});
  standby.Start();
  Client on_standby(standby.channel());
  REQUIRE(SameHead(w.client(), on_standby));

  const std::string primary = w.node().target(), second = standby.target();
  ProgramOptions both = w.Options();
  both.env["LIARD_NODE"] = second + "," + primary;
  const uint64_t before = w.Head();
  CommandResult r = w.Liard(
      {"--key", "office", "convert", "--member", w.Address("alice"), "--eur", "10,00", "--yes"},
      both);
  INFO(r.err << r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.err,
                 "the node at " + second + " is a standby; sending the operation to " + primary));
  CHECK(w.Head() == before + 1);
  r = w.Liard({"--key", "alice", "pay", w.Address("shop"), "2,50", "--yes"}, both);
  REQUIRE(r.exit_code == 0);
  CHECK(w.Head() == before + 2);
  // Reads: from the standby, the first address, once it holds the payment.
  REQUIRE(SameHead(w.client(), on_standby));
  r = w.Liard({"--key", "alice", "balance", "--json"}, both);
  REQUIRE(r.exit_code == 0);
  const int64_t on_primary = w.Balance("alice");
  CHECK(nlohmann::json::parse(r.out)["balance_minor"].get<int64_t>() == on_primary);
  CHECK(on_primary == 100'00 + 12'00 - 2'50);  // the demo's opening, converted, paid

  // The standby alone: the write goes to the primary it names.
  ProgramOptions alone = w.Options();
  alone.env["LIARD_NODE"] = second;
  r = w.Liard({"--key", "alice", "pay", w.Address("shop"), "1,00", "--yes"}, alone);
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.err, "sending the operation to " + primary));
  CHECK(w.Head() == before + 3);
  REQUIRE(SameHead(w.client(), on_standby));

  // No primary up: a clear error (in French here), exit 3, and nothing applied anywhere.
  REQUIRE(w.node().Stop() == 0);
  alone.env["LANG"] = "fr_FR.UTF-8";
  r = w.Liard({"--key", "alice", "pay", w.Address("shop"), "1,00", "--yes"}, alone);
  CHECK(r.exit_code == 3);
  CHECK(Contains(r.err, "aucun nœud primaire ne répond"));
  CHECK(Contains(r.err, second + " est un nœud de secours"));
  CHECK(on_standby.Head().sequence() == before + 3);
  // Neither address answers at all: said so, naming both.
  REQUIRE(standby.Stop() == 0);
  r = w.Liard({"--key", "alice", "balance"}, both);
  CHECK(r.exit_code == 3);
  CHECK(Contains(r.err, "none of the nodes " + second + ", " + primary + " answers"));
}

TEST_CASE(
    "the node's own answers reach a French user in French: a write its standbys did not confirm "
    "in time, an operation it does not know",
    "[wallet][e2e][standby]") {
  WalletWorld w;
  REQUIRE(w.node().Stop() == 0);
  // The demo's node again, now a primary waiting for a synchronous standby that never comes.
  const std::string config = w.tmp().Join("sync.toml");
  WriteFile(config,
            "[replication]\nsync_standbys = 1\nsync_timeout_ms = 300\non_sync_timeout = "
            "\"fail\"\nstandbys = [\"s1=" +
                std::string(64, 'a') + "\"]\n");
  NodeProcess primary(w.data(), {"--config", config});
  primary.Start();
  Client on_primary(primary.channel());
  const uint64_t before = on_primary.Head().sequence();
  ProgramOptions fr = w.Options();
  fr.env["LIARD_NODE"] = primary.target();
  fr.env["LANG"] = "fr_FR.UTF-8";
  CommandResult r = w.Liard({"--key", "alice", "pay", w.Address("shop"), "1,00", "--yes"}, fr);
  INFO(r.err << r.out);
  CHECK(r.exit_code == 3);
  CHECK(Contains(r.err, "le nœud liard à " + primary.target() +
                            " répond : moins de 1 nœud(s) de secours ont confirmé détenir cette "
                            "opération en 300 ms"));
  CHECK(Contains(r.err, "son issue reste inconnue"));
  CHECK(!Contains(r.err, "standby(s)"));
  // As the sentence says: the operation is in the primary's journal.
  CHECK(on_primary.Head().sequence() == before + 1);
  // An operation id the node never applied.
  const std::string unknown(64, 'b');
  r = w.Liard({"receipt", unknown}, fr);
  CHECK(r.exit_code != 0);
  CHECK(Contains(r.err, "aucune opération appliquée n'a l'identifiant " + unknown));
}

}  // namespace
}  // namespace liard::e2e
