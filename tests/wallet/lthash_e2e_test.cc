// End-to-end test of state digest rule 2 (LtHash): a version 2 ledger served by the real node,
// checked by the real `liard audit verify`, and a database altered behind the node's back.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ledger/journal.h"
#include "node/store.h"
#include "proto/codec.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/tamper.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using json = nlohmann::json;
using testing::Fixture;
using testing::I64Bytes;
using testing::KeyFor;
using testing::Member;
using testing::Tamper;

constexpr char kPassphrase[] = "une phrase de passe";

int64_t FromI64Bytes(const std::string& s) {
  uint64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<uint8_t>(c);
  return static_cast<int64_t>(v);
}

std::string BalanceKey(const AccountId& id) {
  return std::string(1, static_cast<char>(Slot::kMember)) + std::string(id.view());
}

// A version 2 ledger (node key KeyFor("node")) written as `liard-node init` writes one, its node
// signing a checkpoint after every entry, and a wallet home with the keys of alice, bob, shop
// and the association.
class Version2World {
 public:
  Version2World()
      : fixture_({Member{"alice", AccountKind::kResident, 10'000},
                  Member{"bob", AccountKind::kResident, 5'000},
                  Member{"shop", AccountKind::kMerchant, 0}},
                 0, Fixture::Version2),
        data_(tmp_.Join("data")) {
    REQUIRE(fixture_.state().digest_rule() == kStateDigestLtHash);
    {
      std::unique_ptr<node::Store> store;
      REQUIRE(node::Store::Open(data_, /*create=*/true, &store).ok());
      const std::string genesis = codec::EncodeGenesis(fixture_.genesis());
      Status s = store->Initialize(genesis, fixture_.ledger().id(), fixture_.state());
      INFO(s.ToString());
      REQUIRE(s.ok());
      REQUIRE(store->PutNodeSeed(KeyFor("node").seed()).ok());
    }
    WriteFile(tmp_.Join("node.toml"), "[checkpoint]\nevery_entries = 1\nevery_seconds = 1\n");
    node_ = std::make_unique<NodeProcess>(
        data_, std::vector<std::string>{"--config", tmp_.Join("node.toml")});
    node_->Start();
    for (const char* name : {"alice", "bob", "shop", "association"}) {
      const std::string seed = tmp_.Join(std::string(name) + ".seed");
      WriteFile(seed, ToHex(KeyFor(name).seed()) + "\n");
      Ok({"key", "import", name, "--fast", "--seed-file", seed});
    }
  }

  CommandResult Liard(const std::vector<std::string>& args) const {
    ProgramOptions o;
    o.env = {{"HOME", tmp_.Join("home")},
             {"XDG_CONFIG_HOME", tmp_.Join("home/.config")},
             {"XDG_DATA_HOME", tmp_.Join("home/.local/share")},
             {"XDG_STATE_HOME", tmp_.Join("home/.local/state")},
             {"LIARD_NODE", node_->target()},
             {"LIARD_PASSPHRASE", kPassphrase},
             {"LANG", "en_US.UTF-8"}};
    o.unset_env = {"LC_ALL", "LC_NUMERIC", "LC_MESSAGES", "LANGUAGE", "LIARD_KEY", "NO_COLOR"};
    return RunProgram(LIARD_WALLET_PATH, args, o, Millis(30'000));
  }
  std::string Ok(const std::vector<std::string>& args) const {
    CommandResult r = Liard(args);
    INFO("liard " << args.at(0) << "...: " << r.err << r.out);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }
  std::string Address(const std::string& key) const {
    const std::string out = Ok({"key", "export", key, "--address"});
    return out.substr(0, out.find('\n'));
  }

  NodeProcess& node() { return *node_; }
  const std::string& data() const { return data_; }

 private:
  TempDir tmp_;
  Fixture fixture_;
  std::string data_;
  std::unique_ptr<NodeProcess> node_;
};

TEST_CASE(
    "a version 2 ledger's node signs LtHash checkpoints that liard audit verify accepts, and "
    "refuses to start on altered balances",
    "[wallet][e2e][audit][digest]") {
  Version2World w;
  w.Ok({"--key", "alice", "pay", w.Address("shop"), "12,50", "--yes"});
  w.Ok({"--key", "bob", "pay", w.Address("alice"), "3,00", "--yes"});
  w.Ok({"--key", "alice", "pay", w.Address("bob"), "90,50", "--yes"});  // alice's balance: 0
  json j = json::parse(w.Ok({"--key", "association", "audit", "verify", "--json"}));
  CHECK(j["ok"] == true);
  CHECK(j["sequence"] == 3);
  bool digest_checked = false, checkpoint_checked = false;
  for (const auto& c : j["checks"]) {
    const std::string text = c.get<std::string>();
    digest_checked |= text.find("state digest at entry 3 are the replay's") != std::string::npos;
    checkpoint_checked |= text.find("checkpoint") != std::string::npos;
  }
  CHECK(digest_checked);
  CHECK(checkpoint_checked);
  REQUIRE(w.node().Stop() == 0);

  // The node keeps the whole LtHash (2048 bytes) to go on updating it.
  std::string stored_digest;
  Tamper(w.data(), [&](rocksdb::DB* db, auto& cf) {
    REQUIRE(db->Get(rocksdb::ReadOptions(), cf["meta"], "digest", &stored_digest).ok());
  });
  REQUIRE(stored_digest.size() == LtHash::kBytes);

  // 5.00 moved from bob to the shop in the stored balances, the books still balanced (so the
  // totals' recount sees nothing); with `forge_digest`, the stored LtHash updated to match.
  auto move_five = [&](bool forge_digest) {
    Tamper(w.data(), [&](rocksdb::DB* db, auto& cf) {
      std::string b, s;
      const AccountId bob = Fixture::Id("bob"), shop = Fixture::Id("shop");
      REQUIRE(db->Get(rocksdb::ReadOptions(), cf["balances"], BalanceKey(bob), &b).ok());
      REQUIRE(db->Get(rocksdb::ReadOptions(), cf["balances"], BalanceKey(shop), &s).ok());
      const int64_t old_b = FromI64Bytes(b), old_s = FromI64Bytes(s);
      REQUIRE(old_b >= 500);
      REQUIRE(
          db->Put(rocksdb::WriteOptions(), cf["balances"], BalanceKey(bob), I64Bytes(old_b - 500))
              .ok());
      REQUIRE(
          db->Put(rocksdb::WriteOptions(), cf["balances"], BalanceKey(shop), I64Bytes(old_s + 500))
              .ok());
      if (!forge_digest) return;
      StateDigest sd;
      REQUIRE(StateDigest::FromStored(kStateDigestLtHash, stored_digest, &sd));
      sd.Remove(BalanceRecordHash(BookKey::Member(bob), old_b));
      sd.Remove(BalanceRecordHash(BookKey::Member(shop), old_s));
      sd.Add(BalanceRecordHash(BookKey::Member(bob), old_b - 500));
      sd.Add(BalanceRecordHash(BookKey::Member(shop), old_s + 500));
      REQUIRE(db->Put(rocksdb::WriteOptions(), cf["meta"], "digest", sd.Stored()).ok());
    });
  };

  SECTION("balances altered, the books balanced: the node's LtHash check refuses to start") {
    move_five(/*forge_digest=*/false);
    CommandResult r = RunNode({"run", "--data", w.data(), "--listen", "127.0.0.1:0"});
    INFO(r.err);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("altered or damaged") != std::string::npos);
    CHECK(r.err.find("the digest of the stored accounts and balances") != std::string::npos);
  }

  SECTION("a careful forger's LtHash, recomputed: the node starts, the audit finds it") {
    move_five(/*forge_digest=*/true);
    w.node().Start();  // consistent: the node's own checks pass
    CommandResult r = w.Liard({"--key", "association", "audit", "verify", "--fresh", "--json"});
    INFO(r.err << r.out);
    CHECK(r.exit_code == 1);
    json k = json::parse(r.out);
    CHECK(k["ok"] == false);
    CHECK(k["discrepancy"].get<std::string>().find("changed outside the rules") !=
          std::string::npos);
  }
}

}  // namespace
}  // namespace liard::e2e
