// End-to-end: the board's guards and account keys of genesis version 3 (issue 14, items 6 and
// 7), on a ledger `liard-node init` writes today, driven by the real `liard` binary.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "ledger/address.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

using json = nlohmann::json;

GenesisSpec BoardOfThree() {
  GenesisSpec spec = StandardGenesis();
  spec.board = {"board-1", "board-2", "board-3"};
  spec.threshold = 2;
  return spec;
}

size_t PendingOf(const json& listed, const std::string& address) {
  size_t n = 0;
  for (const auto& p : listed["proposals"]) n += p["proposer"] == address;
  return n;
}

TEST_CASE(
    "a board member who fills its share of the pending proposals cannot block its own freeze, "
    "which drops them",
    "[wallet][e2e][board][board-guard]") {
  GenesisSpec spec = BoardOfThree();
  WalletWorld w(/*import_keys=*/false, &spec);
  for (const char* name : {"board-1", "board-2", "board-3"}) w.Import(name);
  REQUIRE(w.client().Governance().board_size() == 3);
  REQUIRE(w.client().Governance().threshold() == 2);
  const std::string rogue = w.Address("board-1");

  // board-1 fills its share: 64 places for 3 members, 21 each.
  for (int i = 0; i < 21; ++i) {
    CommandResult r = w.Liard({"--key", "board-1", "board", "propose", "pause", "--reason",
                               "spam " + std::to_string(i), "--yes"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  const uint64_t head = w.Head();
  CommandResult capped =
      w.Liard({"--key", "board-1", "board", "propose", "pause", "--reason", "spam 22", "--yes"});
  INFO(capped.out << capped.err);
  CHECK(capped.exit_code == 1);
  CHECK(Has(capped.err, "PROPOSER_CAP_REACHED"));
  CHECK(Has(capped.err, "this board member has 21 proposals pending"));
  CHECK(w.Head() == head);
  CHECK(PendingOf(w.Json({"board", "list", "--json"}), rogue) == 21);

  // Another member still has room: the freeze is proposed and decided.
  CommandResult freeze = w.Liard({"--key", "board-2", "board", "propose", "freeze", rogue,
                                  "--reason", "filled the proposals", "--yes"});
  INFO(freeze.out << freeze.err);
  REQUIRE(freeze.exit_code == 0);
  static const std::regex kId("proposal ([0-9a-f]{64})");
  std::smatch id;
  REQUIRE(std::regex_search(freeze.out, id, kId));
  CommandResult sign = w.Liard({"--key", "board-3", "board", "sign", id[1].str(), "--yes"});
  INFO(sign.out << sign.err);
  REQUIRE(sign.exit_code == 0);
  // GetGovernance: the frozen member's 21 proposals are gone with it.
  const json listed = w.Json({"board", "list", "--json"});
  CHECK(listed["proposals"].empty());
  CHECK(w.client().Governance().proposals_size() == 0);
  pb::AccountInfo frozen = w.client().AccountOf("board-1");
  CHECK(frozen.status() == pb::ACCOUNT_STATUS_FROZEN);
  CommandResult again = w.Liard({"--key", "board-1", "board", "propose", "resume", "--yes"});
  CHECK(again.exit_code == 1);
  CHECK(Has(again.err, "ACCOUNT_FROZEN"));
}

TEST_CASE("an office cannot give a lifetime member an end by renewing it",
          "[wallet][e2e][membership][board-guard]") {
  GenesisSpec spec = StandardGenesis();
  WalletWorld w(/*import_keys=*/false, &spec);
  for (const char* name : {"office", "alice"}) w.Import(name);
  const std::string alice = w.Address("alice");
  REQUIRE(w.client().AccountOf("alice").member_until_ms() == 0);
  const uint64_t head = w.Head();
  CommandResult renew =
      w.Liard({"--key", "office", "member", "renew", alice, "--until", "2027-01-01", "--yes"});
  INFO(renew.out << renew.err);
  CHECK(renew.exit_code == 1);
  CHECK(Has(renew.err, "INVALID_ARGUMENT"));
  // The wallet says the refusal from its code: INVALID_ARGUMENT states no figure, so the node's
  // English sentence ("member for life") is no longer shown (issue 18).
  CHECK(w.Head() == head);
  CHECK(w.client().AccountOf("alice").member_until_ms() == 0);
  // She still pays.
  CommandResult pay = w.Liard({"--key", "alice", "pay", w.Address("office"), "1,00", "--yes"});
  INFO(pay.out << pay.err);
  CHECK(pay.exit_code == 0);
}

TEST_CASE("an account cannot be opened at a key that can never sign",
          "[wallet][e2e][keys][board-guard]") {
  GenesisSpec spec = StandardGenesis();
  WalletWorld w(/*import_keys=*/false, &spec);
  w.Import("office");
  PublicKey identity;
  identity.data[0] = 1;  // the identity point, 01 00…00
  const std::string address = EncodeAddress("ROUE", identity);
  const uint64_t head = w.Head();
  // The wallet refuses it before sending anything.
  CommandResult open =
      w.Liard({"--key", "office", "account", "open", address, "--name", "Trou noir", "--yes"});
  INFO(open.out << open.err);
  CHECK(open.exit_code == 2);
  CHECK(Has(open.err, "not a key that can ever sign"));
  // A client that skips the wallet's check meets the node's.
  Operation op;
  op.account = testing::KeyFor("office").public_key();
  op.sequence = 1;
  op.payload = OpenAccount{identity, AccountKind::kResident, "Trou noir", 0, Amount(0)};
  SubmitOutcome direct = w.client().Submit(w.client().Sign(testing::KeyFor("office"), op));
  CHECK(direct.liard_code == std::to_string(static_cast<int>(Code::kBadAccountId)));
  CHECK(Has(direct.status.error_message(), "not a valid Ed25519 public key"));
  CHECK(w.Head() == head);
}

}  // namespace
}  // namespace liard::e2e
