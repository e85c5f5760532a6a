// The ledger names the keys of all its nodes (issue 23, step 5): a real etcd, a primary and a
// standby on loopback, each with its own node key made on its own data directory; the board
// names both with the real `liard` CLI; the primary is SIGKILLed, the standby takes over and
// signs checkpoints with its own key, which the wallet (pinned before the failover) accepts; a
// key the ledger no longer names is refused. And the wallet, given both addresses, pays through
// a failover: one `liard pay` run as the primary dies waits for the standby to take over.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "ledger/crypto.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kPassphrase[] = "correct horse battery staple";
// Every entry checkpointed, so that a receipt is tied to a checkpoint at once.
constexpr char kCheckpointToml[] = "\n[checkpoint]\nevery_entries = 1\nevery_seconds = 1\n";

// The real wallet, its home in `tmp`, talking to `nodes` (HOST:PORT,HOST:PORT).
class Wallet {
 public:
  Wallet(const TempDir& tmp, std::string nodes) : tmp_(tmp), nodes_(std::move(nodes)) {}
  void set_nodes(std::string nodes) { nodes_ = std::move(nodes); }

  CommandResult Run(const std::vector<std::string>& args) const {
    ProgramOptions o;
    o.env = {{"HOME", tmp_.Join("home")},
             {"XDG_CONFIG_HOME", tmp_.Join("home/.config")},
             {"XDG_DATA_HOME", tmp_.Join("home/.local/share")},
             {"XDG_STATE_HOME", tmp_.Join("home/.local/state")},
             {"LIARD_NODE", nodes_},
             {"LIARD_PASSPHRASE", kPassphrase},
             {"LANG", "en_US.UTF-8"}};
    o.unset_env = {"LC_ALL", "LC_NUMERIC", "LC_MESSAGES", "LANGUAGE", "LIARD_KEY", "NO_COLOR"};
    return RunProgram(LIARD_WALLET_PATH, args, o, Millis(30'000));
  }
  CommandResult Ok(const std::vector<std::string>& args) const {
    CommandResult r = Run(args);
    INFO("liard " << args.back() << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  }
  void Import(const std::string& name) const {
    const std::string seed = tmp_.Join(name + ".seed");
    WriteFile(seed, ToHex(testing::KeyFor(name).seed()) + "\n");
    Ok({"key", "import", name, "--fast", "--seed-file", seed});
  }
  std::string Address(const std::string& name) const {
    const std::string out = Ok({"key", "export", name, "--address"}).out;
    return out.substr(0, out.find('\n'));
  }
  // Pays 1,00 ROUE from alice to the shop; the operation id.
  std::string Pay() const {
    const CommandResult r = Ok({"--key", "alice", "pay", Address("shop"), "1,00", "--yes"});
    static const std::regex kOp("([0-9a-f]{64})");
    std::smatch m;
    REQUIRE(std::regex_search(r.out, m, kOp));
    return m[1].str();
  }
  // `liard receipt ID` until a checkpoint covers the entry (bounded), as the association.
  CommandResult Receipt(const std::string& id) const {
    CommandResult r;
    const auto deadline = Clock::now() + Millis(10'000);
    do {
      r = Run({"--key", "association", "receipt", id});
      if (r.exit_code != 0 || Contains(r.out, "hash chain links")) break;
      std::this_thread::sleep_for(Millis(200));
    } while (Clock::now() < deadline);
    return r;
  }

 private:
  const TempDir& tmp_;
  std::string nodes_;
};

// "node key HEX (fingerprint ...)" as `liard-node node-key` prints it: HEX.
std::string NodeKeyOf(const std::string& data) {
  const CommandResult r = RunNode({"node-key", "--data", data});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  static const std::regex kKey("^node key ([0-9a-f]{64}) \\(fingerprint ");
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, kKey));
  return m[1].str();
}

PublicKey KeyOfHex(const std::string& hex) {
  std::string bytes;
  PublicKey k;
  REQUIRE((FromHex(hex, &bytes) && k.Assign(bytes)));
  return k;
}

TEST_CASE(
    "the board names the keys of a primary and its standby; after a failover the standby signs "
    "checkpoints with its own key, which the wallet accepts; a key no longer named is refused",
    "[e2e][failover][node-key]") {
  TempDir tmp;
  constexpr int kTtl = 3;
  PrimaryAndStandby nodes(tmp, kTtl, kCheckpointToml);
  ClusterNode& a = *nodes.a;
  ClusterNode& b = *nodes.b;
  const std::string &a_at = nodes.a_at, &b_at = nodes.b_at;
  const uint64_t first_term = nodes.first_term;

  // Each node made its own key on its own data directory; nothing was copied.
  const std::string a_key = NodeKeyOf(tmp.Join("a"));
  const std::string b_key = NodeKeyOf(tmp.Join("b"));
  CHECK(a_key != b_key);
  CHECK(Contains(a.err(), "node_key_named=yes"));
  CHECK(Contains(b.err(), "node_key_named=no"));
  CHECK(Contains(b.err(), "event=node-key-not-named key=" + b_key));

  // The wallet pins the ledger at both addresses before the failover.
  Wallet w(tmp, a_at + "," + b_at);
  for (const char* name : {"board-1", "alice", "shop", "association"}) w.Import(name);
  const CommandResult before = w.Receipt(w.Pay());
  INFO(before.out << before.err);
  REQUIRE(before.exit_code == 0);
  CHECK(Contains(before.out, "signed by the node key " + a_key.substr(0, 16)));

  // The board names both keys, the primary's first.
  const CommandResult named =
      w.Ok({"--key", "board-1", "board", "propose", "set-node-keys", a_key + "," + b_key, "--yes"});
  CHECK(Contains(named.out,
                 "name 2 node keys for the checkpoints: " + KeyFingerprint(KeyOfHex(a_key)) + " (" +
                     a_key + "), " + KeyFingerprint(KeyOfHex(b_key)) + " (" + b_key + ")"));
  w.set_nodes(b_at);
  w.Ok({"--key", "alice", "balance"});  // b's address pinned too
  w.set_nodes(a_at + "," + b_at);
  const CommandResult still_a = w.Receipt(w.Pay());
  INFO(still_a.out << still_a.err);
  REQUIRE(still_a.exit_code == 0);
  CHECK(Contains(still_a.err, "the ledger's node keys are now " + KeyFingerprint(KeyOfHex(a_key)) +
                                  " (" + a_key + ")"));
  REQUIRE(CaughtUp(a, b));

  // The primary dies; the standby takes over and signs with its own key.
  REQUIRE(::kill(a.pid(), SIGKILL) == 0);
  uint64_t term = 0;
  REQUIRE(WaitNewLeader({&b}, Millis(kTtl * 1000 + 15'000), &term) == &b);
  CHECK(term > first_term);
  const auto write_deadline = Clock::now() + Millis(10'000);
  CommandResult paid;
  while (Clock::now() < write_deadline) {
    paid = w.Run({"--key", "alice", "pay", w.Address("shop"), "1,00", "--yes"});
    if (paid.exit_code == 0) break;
    std::this_thread::sleep_for(Millis(200));
  }
  INFO(paid.out << paid.err);
  REQUIRE(paid.exit_code == 0);
  static const std::regex kOp("([0-9a-f]{64})");
  std::smatch m;
  REQUIRE(std::regex_search(paid.out, m, kOp));
  const CommandResult after = w.Receipt(m[1].str());
  INFO(after.out << after.err);
  REQUIRE(after.exit_code == 0);
  CHECK(Contains(after.out, "hash chain links"));
  CHECK(Contains(after.out, "signed by the node key " + b_key.substr(0, 16)));
  CHECK_FALSE(Contains(after.out, "FAILED"));

  // The board names the old primary's key alone: the new primary's key counts no more. It signs
  // no more checkpoints and says so; the wallet refuses the checkpoint it still shows.
  w.Ok({"--key", "board-1", "board", "propose", "set-node-keys", a_key, "--yes"});
  const std::string late = w.Pay();
  const CommandResult refused = w.Run({"--key", "association", "receipt", late});
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 5);
  CHECK(refused.err == "liard: the node's checkpoints are signed by key " +
                           KeyFingerprint(KeyOfHex(b_key)) + " (" + b_key +
                           "), but the ledger names key " + KeyFingerprint(KeyOfHex(a_key)) + " (" +
                           a_key +
                           "): do not trust this node's checkpoints; ask the association which "
                           "node key it announced\n");
  CHECK(Contains(b.err(), "event=node-key-not-held"));
}

TEST_CASE(
    "a payment made as the primary dies waits for the standby to take over and is applied once "
    "on it",
    "[e2e][failover][wallet]") {
  TempDir tmp;
  constexpr int kTtl = 3;
  PrimaryAndStandby nodes(tmp, kTtl);
  ClusterNode& a = *nodes.a;
  ClusterNode& b = *nodes.b;
  const uint64_t first_term = nodes.first_term;

  Wallet w(tmp, nodes.a_at + "," + nodes.b_at);
  for (const char* name : {"alice", "shop"}) w.Import(name);
  const std::string shop = w.Address("shop");
  w.Pay();
  REQUIRE(CaughtUp(a, b));

  // The primary dies; the very next payment, run once, finds no primary for a few seconds.
  a.Kill();
  const auto killed = Clock::now();
  const CommandResult paid = w.Run({"--key", "alice", "pay", shop, "2,00", "--yes"});
  const auto took = std::chrono::duration_cast<Millis>(Clock::now() - killed).count();
  INFO(paid.out << paid.err << "(" << took << " ms)");
  REQUIRE(paid.exit_code == 0);
  // Said once, however many rounds it took.
  const std::string waiting = "no node takes writes now (a standby may be taking over)";
  CHECK(Contains(paid.err, waiting));
  CHECK(paid.err.find(waiting) == paid.err.rfind(waiting));
  CHECK(took < kTtl * 1000 + 15'000);
  static const std::regex kOp("operation ([0-9a-f]{64})");
  std::smatch m;
  REQUIRE(std::regex_search(paid.out, m, kOp));
  std::string id_bytes;
  REQUIRE(FromHex(m[1].str(), &id_bytes));
  Hash id;
  REQUIRE(id.Assign(id_bytes));
  // b leads now and holds it, once; alice paid 1,00 then 2,00.
  REQUIRE(Replication(b).role() == pb::ReplicationStatus::PRIMARY);
  Client on_b(b.channel());
  pb::Receipt r;
  REQUIRE(on_b.GetOperation(id, &r).ok());
  CHECK(r.term() > first_term);
  size_t seen = 0;
  for (const pb::JournalEntry& e : on_b.Journal()) {
    pb::SignedOperation so;
    REQUIRE(so.ParseFromString(e.envelope()));
    if (on_b.OperationIdOf(so) == id) ++seen;
  }
  CHECK(seen == 1);
  CHECK(Contains(w.Ok({"--key", "alice", "history"}).out, "-2.00 ROUE"));
}

}  // namespace
}  // namespace liard::e2e
