// End-to-end: what the real `liard` prints of text it did not write (names, memos, payment
// requests) can neither hide characters nor drive the terminal, and a payment's confirmation
// names the payee's kind and whole address.
#include <catch2/catch.hpp>

#include "node/store.h"
#include "proto/codec.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;

constexpr char kPassphrase[] = "une phrase de passe";

// The shop's name on a version 2 ledger, which accepted hidden characters in names: a
// right-to-left override and a zero-width space.
const std::string kHiddenName = "Boulangerie\u202e du Rh\u00f4ne\u200b";

bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// A version 2 ledger written as `liard-node init` wrote one, with a merchant named kHiddenName,
// its real node, and a wallet home with the keys of alice and shop.
class Version2Names {
 public:
  Version2Names()
      : fixture_({Member{"alice", AccountKind::kResident, 10'000},
                  Member{"shop", AccountKind::kMerchant, 0}},
                 0,
                 [](Genesis* g) {
                   Fixture::Version2(g);
                   for (auto& a : g->accounts)
                     if (a.name == "shop") a.name = kHiddenName;
                 }),
        data_(tmp_.Join("data")) {
    {
      std::unique_ptr<node::Store> store;
      REQUIRE(node::Store::Open(data_, /*create=*/true, &store).ok());
      const std::string genesis = codec::EncodeGenesis(fixture_.genesis());
      REQUIRE(store->Initialize(genesis, fixture_.ledger().id(), fixture_.state()).ok());
      REQUIRE(store->PutNodeSeed(KeyFor("node").seed()).ok());
    }
    node_ = std::make_unique<NodeProcess>(data_);
    node_->Start();
    for (const char* name : {"alice", "shop"}) {
      const std::string seed = tmp_.Join(std::string(name) + ".seed");
      WriteFile(seed, ToHex(KeyFor(name).seed()) + "\n");
      REQUIRE(Liard({"key", "import", name, "--seed-file", seed}).exit_code == 0);
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
  std::string Address(const std::string& key) const {
    CommandResult r = Liard({"key", "export", key, "--address"});
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.find('\n'));
  }

 private:
  TempDir tmp_;
  Fixture fixture_;
  std::string data_;
  std::unique_ptr<NodeProcess> node_;
};

// No byte of a control, bidi or invisible character in what reached the terminal.
void CheckClean(const std::string& bytes) {
  INFO(bytes);
  CHECK(bytes.find('\x1b') == std::string::npos);  // ESC
  CHECK(bytes.find('\x07') == std::string::npos);  // BEL, which ends an OSC sequence
  CHECK_FALSE(Has(bytes, "\u202e"));
  CHECK_FALSE(Has(bytes, "\u200b"));
}

TEST_CASE("pay names the payee's kind and whole address, and escapes hidden characters",
          "[wallet][e2e][names]") {
  Version2Names w;
  const std::string shop = w.Address("shop");
  CommandResult pay = w.Liard({"--key", "alice", "pay", shop, "12,50", "--yes"});
  INFO(pay.err);
  REQUIRE(pay.exit_code == 0);
  CHECK(Has(pay.out, "paid 12.50 ROUE to Boulangerie\\u{202E} du Rh\u00f4ne\\u{200B} (merchant, " +
                         shop + ")"));
  CheckClean(pay.out + pay.err);
  // The history table shows the same name, escaped.
  CommandResult history = w.Liard({"--key", "alice", "history"});
  REQUIRE(history.exit_code == 0);
  CHECK(Has(history.out, "Boulangerie\\u{202E} du Rh\u00f4ne\\u{200B}"));
  CheckClean(history.out + history.err);
}

TEST_CASE("a payment request whose amount or memo holds an escape sequence is printed without it",
          "[wallet][e2e][names]") {
  Version2Names w;
  const std::string shop = w.Address("shop");
  // OSC 52 writes the clipboard: ESC ] 52 ; c ; base64 BEL. Percent-encoded in the request.
  const std::string osc52 = "%1B%5D52%3Bc%3BZWNobyBwd25lZA%3D%3D%07";
  CommandResult amount =
      w.Liard({"--key", "alice", "pay", "liard:" + shop + "?amount=1" + osc52, "--yes"});
  CHECK(amount.exit_code == 2);
  CHECK(Has(amount.err, "the amount '1\\u{001B}]52;c;ZWNobyBwd25lZA==\\u{0007}'"));
  CheckClean(amount.out + amount.err);
  CommandResult memo =
      w.Liard({"--key", "alice", "pay", "liard:" + shop + "?amount=1&memo=" + osc52, "--yes"});
  CHECK(memo.exit_code == 2);
  CheckClean(memo.out + memo.err);
  CommandResult param =
      w.Liard({"--key", "alice", "pay", "liard:" + shop + "?" + osc52 + "=1", "--yes"});
  CHECK(param.exit_code == 2);
  CheckClean(param.out + param.err);
}

}  // namespace
}  // namespace liard::e2e
