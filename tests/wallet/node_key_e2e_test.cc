// End-to-end tests of the node key's anchor: init names the node key in a version 2 genesis, a
// node refuses to start with a key its ledger does not name, a board SetNodeKey decision moves
// the checkpoints to a new key, and the real wallet pins the ledger id and the node key and
// refuses a substitute ledger or a checkpoint signed by a key the ledger does not name.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "ledger/address.h"
#include "ledger/genesis.h"
#include "ledger/journal.h"
#include "ledger/memory_state.h"
#include "node/store.h"
#include "proto/codec.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/tamper.h"
#include "tests/ledger/fixture.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

using json = nlohmann::json;

std::string OpIdIn(const std::string& out) {
  static const std::regex kOp("operation ([0-9a-f]{64}), journal entry [0-9]+");
  std::smatch m;
  REQUIRE(std::regex_search(out, m, kOp));
  return m[1].str();
}

// "node key HEX (fingerprint ...)" as init and rekey-node print it.
std::string NodeKeyIn(const std::string& out) {
  static const std::regex kKey("node key ([0-9a-f]{64}) \\(fingerprint [0-9a-f-]{19}\\)");
  std::smatch m;
  REQUIRE(std::regex_search(out, m, kKey));
  return m[1].str();
}

PublicKey KeyOfHex(const std::string& hex) {
  std::string bytes;
  PublicKey k;
  REQUIRE(FromHex(hex, &bytes));
  REQUIRE(k.Assign(bytes));
  return k;
}

PublicKey GenesisNodeKey(Client& c) {
  Genesis g;
  REQUIRE(codec::DecodeGenesis(c.genesis_bytes(), &g).ok());
  REQUIRE(g.node_key.has_value());
  return *g.node_key;
}

pb::SignedCheckpoint LatestCheckpoint(Client& c) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::SignedCheckpoint cp;
  REQUIRE(c.stub().GetCheckpoint(&ctx, pb::GetCheckpointRequest(), &cp).ok());
  return cp;
}

// Waits until the node has logged `text` on stderr.
bool WaitForLog(NodeProcess& node, const std::string& text) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (node.err().find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(Millis(50));
  }
  return true;
}

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return json::parse(in);
}

int NonEmptyLines(const std::string& text) {
  std::istringstream in(text);
  int n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.find_first_not_of(" \t\r") != std::string::npos) ++n;
  return n;
}

TEST_CASE(
    "the wallet pins the ledger id and the node key on first contact and refuses another ledger "
    "at the same address unless told",
    "[wallet][e2e][node-key]") {
  WalletWorld w;
  const std::string known_path = w.tmp().Join("home/.config/liard/known-ledgers.json");
  const std::string target = w.node().target();
  const std::string id_hex = ToHex(w.client().ledger_id());
  const std::string key_hex = ToHex(GenesisNodeKey(w.client()));

  REQUIRE(w.Liard({"--key", "alice", "balance"}).exit_code == 0);
  json known = ReadJson(known_path);
  CHECK(known[target]["ledger_id"] == id_hex);
  CHECK(known[target]["node_key"] == key_hex);  // from the genesis, before any checkpoint

  // The address served another ledger before: a substitute is refused, and nothing is re-pinned.
  const std::string other_id(64, 'a');
  known[target]["ledger_id"] = other_id;
  known[target]["node_key"] = std::string(64, 'b');
  {
    std::ofstream out(known_path, std::ios::trunc);
    out << known.dump(2);
  }
  CommandResult refused = w.Liard({"--key", "alice", "balance"});
  INFO(refused.err);
  CHECK(refused.exit_code == 5);
  CHECK(refused.out.empty());
  CHECK(refused.err == "liard: the node at " + target + " now serves ledger " +
                           id_hex.substr(0, 16) + "… (la Roue (démo)), but it served ledger " +
                           other_id.substr(0, 16) +
                           "… before: refusing it. If the association announced a new ledger, run "
                           "the command again with --accept-new-ledger; if not, stop and ask the "
                           "association\n");
  CHECK(ReadJson(known_path)[target]["ledger_id"] == other_id);
  // Every command connects through the same check.
  CHECK(w.Liard({"--key", "alice", "history"}).exit_code == 5);

  // Said explicitly, the new ledger is trusted and pinned with the node key its genesis names.
  CommandResult accepted = w.Liard({"--key", "alice", "--accept-new-ledger", "balance"});
  INFO(accepted.err);
  CHECK(accepted.exit_code == 0);
  CHECK(accepted.err.find("trusting the new ledger " + id_hex.substr(0, 16)) != std::string::npos);
  known = ReadJson(known_path);
  CHECK(known[target]["ledger_id"] == id_hex);
  CHECK(known[target]["node_key"] == key_hex);
  CHECK(w.Liard({"--key", "alice", "balance"}).exit_code == 0);

  // The config can name the one ledger to trust: any other is refused, even when told.
  const std::string config = w.tmp().Join("home/.config/liard/config.toml");
  WriteFile(config, "ledger_id = \"" + other_id + "\"\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--key", "alice", "balance"},
        std::vector<std::string>{"--key", "alice", "--accept-new-ledger", "balance"}}) {
    CommandResult r = w.Liard(args);
    INFO(r.err);
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("your config file trusts only ledger " + other_id.substr(0, 16)) !=
          std::string::npos);
  }
  WriteFile(config, "ledger_id = \"" + id_hex + "\"\n");
  CHECK(w.Liard({"--key", "alice", "balance"}).exit_code == 0);
  WriteFile(config, "ledger_id = \"not hex\"\n");
  CommandResult bad = w.Liard({"--key", "alice", "balance"});
  CHECK(bad.exit_code == 5);
  CHECK(bad.err.find("'ledger_id' must be 64 lower-case hexadecimal digits") != std::string::npos);
}

TEST_CASE(
    "a board SetNodeKey decision moves the checkpoints to the new key, until the node holds it, "
    "the wallet refuses its checkpoints",
    "[wallet][e2e][node-key][audit]") {
  WalletWorld w;
  w.Import("board-1");
  const PublicKey first = GenesisNodeKey(w.client());
  const std::string pay1 =
      OpIdIn(w.Liard({"--key", "alice", "pay", w.Address("bob"), "1,00", "--yes"}).out);
  CommandResult r1 = w.Liard({"--key", "association", "receipt", pay1});
  INFO(r1.out << r1.err);
  REQUIRE(r1.exit_code == 0);

  // The operator prepares the next key; the board names it. The node does not hold it yet (its
  // seed was moved away): it stops signing checkpoints and says so.
  CommandResult prepared = RunNode({"rekey-node", "--data", w.data()});
  INFO(prepared.out << prepared.err);
  REQUIRE(prepared.exit_code == 0);
  const std::string second_hex = NodeKeyIn(prepared.out);
  const PublicKey second = KeyOfHex(second_hex);
  CHECK(prepared.out.find("board propose set-node-key " + second_hex) != std::string::npos);
  const std::string next = w.data() + "/node-key.next";
  struct stat st;
  REQUIRE(::stat(next.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // Run again, it shows the same prepared key rather than making another.
  CommandResult again = RunNode({"rekey-node", "--data", w.data()});
  CHECK(again.exit_code == 0);
  CHECK(NodeKeyIn(again.out) == second_hex);
  const std::string aside = w.tmp().Join("next.seed");
  std::filesystem::rename(next, aside);

  CommandResult proposed =
      w.Liard({"--key", "board-1", "board", "propose", "set-node-key", second_hex, "--yes"});
  INFO(proposed.out << proposed.err);
  REQUIRE(proposed.exit_code == 0);
  CHECK(proposed.out.find("make the node sign its checkpoints with node key " +
                          KeyFingerprint(second)) != std::string::npos);
  CHECK(Hex(w.client().Governance().node_key()) == second_hex);
  REQUIRE(WaitForLog(w.node(), "event=node-key-not-held"));
  CHECK(Hex(LatestCheckpoint(w.client()).node_key()) == ToHex(first));

  const std::string pay2 =
      OpIdIn(w.Liard({"--key", "alice", "pay", w.Address("bob"), "2,00", "--yes"}).out);
  CommandResult refused = w.Liard({"--key", "association", "receipt", pay2});
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 5);
  CHECK(refused.err == "liard: the node's checkpoints are signed by key " + KeyFingerprint(first) +
                           " (" + ToHex(first) + "), but the ledger names key " +
                           KeyFingerprint(second) + " (" + second_hex +
                           "): do not trust this node's checkpoints; ask the association which "
                           "node key it announced\n");

  // The operator installs the named key: the node adopts it and signs with it at once.
  std::filesystem::rename(aside, next);
  REQUIRE(WaitForLog(w.node(), "event=node-key-changed"));
  CHECK_FALSE(std::filesystem::exists(next));
  const std::string pay3 =
      OpIdIn(w.Liard({"--key", "alice", "pay", w.Address("bob"), "3,00", "--yes"}).out);
  CommandResult receipt;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    receipt = w.Liard({"--key", "association", "receipt", pay3});
  } while (receipt.out.find("hash chain links") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline);
  INFO(receipt.out << receipt.err);
  CHECK(receipt.exit_code == 0);
  CHECK(receipt.out.find("signed by the node key " + second_hex.substr(0, 16)) !=
        std::string::npos);
  CHECK(receipt.err.find("the ledger's node key is now " + KeyFingerprint(second) +
                         ", named by a board decision") != std::string::npos);
  CHECK(receipt.out.find("FAILED") == std::string::npos);

  // The auditor's replay finds the decision in the journal and accepts the new key's checkpoint.
  CommandResult audit = w.Liard({"--key", "association", "audit", "verify", "--fresh", "--json"});
  INFO(audit.out << audit.err);
  REQUIRE(audit.exit_code == 0);
  json j = json::parse(audit.out);
  CHECK(j["ok"] == true);

  // A restart keeps the new key.
  REQUIRE(w.node().Stop() == 0);
  w.node().Start();
  Client c(w.node().channel());
  CHECK(Hex(LatestCheckpoint(c).node_key()) == second_hex);
}

TEST_CASE("a node whose key is not the one its ledger names refuses to start, in one sentence",
          "[wallet][e2e][node-key]") {
  TempDir tmp;
  const std::string data = tmp.Join("data");
  CommandResult init = RunNode({"init", "--data", data, "--demo"});
  REQUIRE(init.exit_code == 0);
  const std::string named_hex = NodeKeyIn(init.out);
  const PublicKey named = KeyOfHex(named_hex);

  std::string seed;
  const KeyPair mallory = testing::KeyFor("mallory");
  testing::Tamper(data, [&](rocksdb::DB* db, auto& cf) {
    REQUIRE(db->Get(rocksdb::ReadOptions(), cf.at("meta"), "node_seed", &seed).ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf.at("meta"), "node_seed",
                    std::string(mallory.seed().view()))
                .ok());
  });
  REQUIRE(seed.size() == 32);
  CommandResult r = RunNode({"run", "--data", data, "--listen", "127.0.0.1:0"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(NonEmptyLines(r.err) == 1);
  CHECK(r.err == "liard-node: the ledger names node key " + KeyFingerprint(named) + " (" +
                     named_hex + ") but this node holds key " +
                     KeyFingerprint(mallory.public_key()) + "; put the named key's seed in " +
                     data +
                     "/node-key.next (liard-node rekey-node prepares one) or restore this "
                     "node's own key\n");

  // Another prepared key does not help either.
  WriteFile(data + "/node-key.next", ToHex(testing::KeyFor("eve").seed()) + "\n");
  CHECK(RunNode({"run", "--data", data, "--listen", "127.0.0.1:0"}).exit_code == 1);

  // The named key's seed, prepared: the node adopts it, keeps it, and signs with it.
  WriteFile(data + "/node-key.next", ToHex(seed) + "\n");
  NodeProcess node(data);
  node.Start();
  CHECK_FALSE(std::filesystem::exists(data + "/node-key.next"));
  Client c(node.channel());
  CHECK(LatestCheckpoint(c).node_key() == std::string(named.view()));
  REQUIRE(node.Stop() == 0);
  node.Start();
  Client again(node.channel());
  CHECK(LatestCheckpoint(again).node_key() == std::string(named.view()));
}

TEST_CASE("liard audit verify refuses a checkpoint signed by a key the ledger does not name",
          "[wallet][e2e][node-key][audit]") {
  WalletWorld w;
  REQUIRE(w.Liard({"--key", "alice", "pay", w.Address("bob"), "1,00", "--yes"}).exit_code == 0);
  const std::string path = w.tmp().Join("roue.journal");
  CommandResult exported =
      w.Liard({"--key", "association", "audit", "export-journal", "--out", path});
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  CommandResult good = w.Liard({"audit", "verify", "--journal", path, "--fresh"});
  INFO(good.out << good.err);
  REQUIRE(good.exit_code == 0);

  // The same file, its checkpoint re-signed by a stranger's key (a valid signature): records
  // are a type byte, a 4-byte length and the bytes; the checkpoint (3) and node key (4) end it.
  std::string file = ReadFile(path);
  size_t pos = std::string("liard-journal/1\n").size();
  size_t checkpoint_at = 0;
  pb::SignedCheckpoint cp;
  while (pos + 5 <= file.size()) {
    uint32_t n = 0;
    for (int i = 1; i <= 4; ++i) n = (n << 8) | static_cast<uint8_t>(file[pos + i]);
    if (file[pos] == 3) {
      checkpoint_at = pos;
      REQUIRE(cp.ParseFromString(file.substr(pos + 5, n)));
    }
    pos += 5 + n;
  }
  REQUIRE(checkpoint_at != 0);
  const KeyPair stranger = testing::KeyFor("mallory");
  Checkpoint c;
  c.sequence = cp.sequence();
  c.time_ms = cp.time_ms();
  REQUIRE(c.head_hash.Assign(cp.head_hash()));
  REQUIRE(c.state_digest.Assign(cp.state_digest()));
  cp.set_node_key(std::string(stranger.public_key().view()));
  cp.set_signature(std::string(stranger.Sign(CheckpointMessage(w.client().ledger_id(), c)).view()));
  auto record = [](char type, const std::string& bytes) {
    std::string r(1, type);
    for (int i = 3; i >= 0; --i) r.push_back(static_cast<char>(bytes.size() >> (8 * i)));
    return r + bytes;
  };
  const std::string forged_path = w.tmp().Join("forged.journal");
  WriteFile(forged_path, file.substr(0, checkpoint_at) + record(3, cp.SerializeAsString()) +
                             record(4, std::string(stranger.public_key().view())));
  CommandResult forged = w.Liard({"audit", "verify", "--journal", forged_path, "--fresh"});
  INFO(forged.out << forged.err);
  CHECK(forged.exit_code == 1);
  CHECK((forged.out + forged.err)
            .find("is signed by node key " + KeyFingerprint(stranger.public_key()) +
                  ", but the ledger names node key " +
                  KeyFingerprint(GenesisNodeKey(w.client()))) != std::string::npos);
}

TEST_CASE(
    "a version 1 ledger still runs and verifies with the node's own key, until a board "
    "SetNodeKey names one",
    "[wallet][e2e][node-key][v1]") {
  // A data directory as a liard-node from before named node keys wrote it: a version 1 genesis
  // (no node key; its governance record keeps layout 1) and a node seed of its own.
  testing::Fixture f({testing::Member{"alice", AccountKind::kResident, 100'00},
                      testing::Member{"bob", AccountKind::kResident, 0}},
                     0, [](Genesis* g) { g->board_threshold = 1; });
  REQUIRE(f.genesis().version == kGenesisVersion1);
  REQUIRE_FALSE(f.state().governance().node_key.has_value());
  TempDir tmp;
  const std::string data = tmp.Join("data");
  const KeyPair own = testing::KeyFor("old-node");
  {
    std::unique_ptr<node::Store> store;
    REQUIRE(node::Store::Open(data, /*create=*/true, &store).ok());
    REQUIRE(store->Initialize(codec::EncodeGenesis(f.genesis()), f.ledger().id(), f.state()).ok());
    REQUIRE(store->PutNodeSeed(own.seed()).ok());
  }
  WriteFile(tmp.Join("node.toml"), "[checkpoint]\nevery_entries = 1\nevery_seconds = 1\n");
  NodeProcess node(data, {"--config", tmp.Join("node.toml")});
  node.Start();
  Client c(node.channel());
  CHECK(c.Governance().node_key().empty());
  CHECK(LatestCheckpoint(c).node_key() == std::string(own.public_key().view()));

  ProgramOptions o;
  o.env = {{"HOME", tmp.Join("home")},
           {"XDG_CONFIG_HOME", tmp.Join("home/.config")},
           {"XDG_DATA_HOME", tmp.Join("home/.local/share")},
           {"XDG_STATE_HOME", tmp.Join("home/.local/state")},
           {"LIARD_NODE", node.target()},
           {"LIARD_PASSPHRASE", kPassphrase},
           {"LANG", "en_US.UTF-8"}};
  o.unset_env = {"LC_ALL", "LC_NUMERIC", "LC_MESSAGES", "LANGUAGE", "LIARD_KEY", "NO_COLOR"};
  auto liard = [&](const std::vector<std::string>& args) {
    return RunProgram(LIARD_WALLET_PATH, args, o, Millis(30'000));
  };
  for (const char* name : {"alice", "association", "board-1"}) {
    WriteFile(tmp.Join(std::string(name) + ".seed"), ToHex(testing::KeyFor(name).seed()) + "\n");
    REQUIRE(liard({"key", "import", name, "--fast", "--seed-file",
                   tmp.Join(std::string(name) + ".seed")})
                .exit_code == 0);
  }
  const std::string bob = EncodeAddress("ROUE", testing::KeyFor("bob").public_key());
  auto pay_and_receipt = [&](const std::string& amount) {
    CommandResult pay = liard({"--key", "alice", "pay", bob, amount, "--yes"});
    INFO(pay.err);
    REQUIRE(pay.exit_code == 0);
    const std::string op = OpIdIn(pay.out);
    CommandResult receipt;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    do {
      receipt = liard({"--key", "association", "receipt", op});
    } while (receipt.out.find("hash chain links") == std::string::npos &&
             std::chrono::steady_clock::now() < deadline);
    return receipt;
  };
  CommandResult first = pay_and_receipt("1.00");
  INFO(first.out << first.err);
  CHECK(first.exit_code == 0);
  CHECK(first.out.find("signed by the node key " + ToHex(own.public_key()).substr(0, 16)) !=
        std::string::npos);
  CommandResult audit = liard({"--key", "association", "audit", "verify", "--fresh"});
  INFO(audit.out << audit.err);
  CHECK(audit.exit_code == 0);

  // The board names a key for the first time: the node adopts it, wallets and audits follow.
  CommandResult prepared = RunNode({"rekey-node", "--data", data});
  REQUIRE(prepared.exit_code == 0);
  const std::string named_hex = NodeKeyIn(prepared.out);
  CommandResult proposed =
      liard({"--key", "board-1", "board", "propose", "set-node-key", named_hex, "--yes"});
  INFO(proposed.out << proposed.err);
  REQUIRE(proposed.exit_code == 0);
  REQUIRE(WaitForLog(node, "event=node-key-changed"));
  CHECK(Hex(c.Governance().node_key()) == named_hex);
  CommandResult second = pay_and_receipt("2.00");
  INFO(second.out << second.err);
  CHECK(second.exit_code == 0);
  CHECK(second.out.find("signed by the node key " + named_hex.substr(0, 16)) != std::string::npos);
  CommandResult audited = liard({"--key", "association", "audit", "verify", "--fresh"});
  INFO(audited.out << audited.err);
  CHECK(audited.exit_code == 0);
}

}  // namespace
}  // namespace liard::e2e
