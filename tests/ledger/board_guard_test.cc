// The board's guards and account keys of genesis version 3 (issue 14, items 6 and 7): each rule
// shown refusing on a version 3 ledger and, where it is new, accepting as before on version 2.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kDay = 86'400'000;

void Version3(Genesis* g) {
  g->version = kGenesisVersion3;
  g->node_key = KeyFor("node").public_key();
}

// Version 3 with a board of four, three of whom decide.
void Version3Board4(Genesis* g) {
  Version3(g);
  g->board_keys.push_back(KeyFor("board-4").public_key());
  g->board_threshold = 3;
}
void Version2Board4(Genesis* g) {
  Fixture::Version2(g);
  g->board_keys.push_back(KeyFor("board-4").public_key());
  g->board_threshold = 3;
}

Fixture Town(uint32_t version, bool four = false) {
  void (*customize)(Genesis*) = nullptr;
  if (version == 3) customize = four ? Version3Board4 : Version3;
  if (version == 2) customize = four ? Version2Board4 : Fixture::Version2;
  Fixture f(
      {Member{"alice", AccountKind::kResident, 10'000}, Member{"bob", AccountKind::kResident, 500}},
      0, customize);
  if (four) f.Remember("board-4");
  return f;
}

Operation ProposeOp(const Fixture& f, std::string_view member, Decision d,
                    int64_t expires = kNow + kDay) {
  return f.MakeOp(member, Propose{std::move(d), expires});
}

Hash IdOf(const Fixture& f, const Operation& op) {
  return OperationId(f.ledger().id(), codec::EncodeOperation(op));
}

// Proposes as `proposer` and approves in turn by `approvers`; the last status.
Status Decide(Fixture& f, std::string_view proposer, Decision d,
              const std::vector<std::string>& approvers) {
  Operation p = ProposeOp(f, proposer, std::move(d));
  Status s = f.Submit(p);
  for (const auto& who : approvers) {
    if (!s.ok()) return s;
    s = f.Submit(f.MakeOp(who, Approve{IdOf(f, p)}));
  }
  return s;
}

size_t PendingOf(Fixture& f, std::string_view member) {
  size_t n = 0;
  for (const auto& p : f.state().governance().pending) n += p.proposer == Fixture::Id(member);
  return n;
}

PublicKey FromHexKey(std::string_view hex) {
  std::string bytes;
  PublicKey k;
  if (!FromHex(hex, &bytes) || !k.Assign(bytes)) throw std::logic_error("bad hex");
  return k;
}

// Keys that can never verify a signature: the identity, 32 zero bytes (order 4), the point of
// order 2, one of order 8, and a non-canonical encoding.
std::vector<PublicKey> BadKeys() {
  return {FromHexKey("0100000000000000000000000000000000000000000000000000000000000000"),
          FromHexKey("0000000000000000000000000000000000000000000000000000000000000000"),
          FromHexKey("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
          FromHexKey("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
          FromHexKey("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")};
}

TEST_CASE("a board member holds at most its share of the pending proposals (version 3)",
          "[ledger][governance][board-guard]") {
  Fixture f = Town(3);
  const size_t cap = ProposalCapPerMember(f.state().governance());
  CHECK(cap == kMaxPendingProposals / 3);  // 21 for a board of three
  for (size_t i = 0; i < cap; ++i) REQUIRE(f.Submit(ProposeOp(f, "board-1", Resume{})).ok());
  const std::string digest = ToHex(f.state().digest());
  Status s = f.Submit(ProposeOp(f, "board-1", Resume{}));
  CHECK(s.code() == Code::kProposerCapReached);
  CHECK(s.message().find("this board member has 21 proposals pending") != std::string::npos);
  CHECK(ToHex(f.state().digest()) == digest);
  CHECK(PendingOf(f, "board-1") == cap);

  // A withdrawn proposal still holds its place until it expires.
  const Hash first = f.state().governance().pending.front().id;
  REQUIRE(f.Submit(f.MakeOp("board-1", Withdraw{first})).ok());
  CHECK(f.Submit(ProposeOp(f, "board-1", Resume{})).code() == Code::kProposerCapReached);

  // The others still have their places: a freeze of the member passes, and drops its proposals.
  Operation freeze = ProposeOp(f, "board-2", Freeze{Fixture::Id("board-1"), "spam"});
  REQUIRE(f.Submit(freeze).ok());
  REQUIRE(f.Submit(f.MakeOp("board-3", Approve{IdOf(f, freeze)})).ok());
  CHECK(f.last_note().find("decided freeze") != std::string::npos);
  CHECK(f.last_note().find("dropped the member's 21 pending proposals") != std::string::npos);
  CHECK(f.state().FindAccount(Fixture::Id("board-1"))->status == AccountStatus::kFrozen);
  CHECK(f.state().governance().pending.empty());
}

TEST_CASE("on a version 2 ledger one member still fills the 64 places and blocks its freeze",
          "[ledger][governance][board-guard]") {
  Fixture f = Town(2);
  for (size_t i = 0; i < kMaxPendingProposals; ++i)
    REQUIRE(f.Submit(ProposeOp(f, "board-1", Resume{})).ok());
  CHECK(f.Submit(ProposeOp(f, "board-2", Freeze{Fixture::Id("board-1"), "spam"})).code() ==
        Code::kTooManyProposals);
}

TEST_CASE("a removed or frozen board member loses its proposals and approvals (version 3)",
          "[ledger][governance][board-guard]") {
  for (bool freeze : {false, true}) {
    for (uint32_t version : {2u, 3u}) {
      CAPTURE(freeze, version);
      Fixture f = Town(version, /*four=*/true);
      Operation own = ProposeOp(f, "board-1", Pause{"audit"});
      REQUIRE(f.Submit(own).ok());
      Operation other = ProposeOp(f, "board-4", Freeze{Fixture::Id("bob"), "court order"});
      REQUIRE(f.Submit(other).ok());
      REQUIRE(f.Submit(f.MakeOp("board-1", Approve{IdOf(f, other)})).ok());  // 2 of 3

      Decision out = freeze ? Decision{Freeze{Fixture::Id("board-1"), "lost trust"}}
                            : Decision{RevokeRole{Fixture::Id("board-1"), Role::kBoardMember}};
      REQUIRE(Decide(f, "board-2", out, {"board-3", "board-4"}).ok());

      const Governance& g = f.state().governance();
      const Proposal* kept = g.FindProposal(IdOf(f, other));
      REQUIRE(kept != nullptr);
      if (version == 3) {
        CHECK(g.FindProposal(IdOf(f, own)) == nullptr);
        CHECK(kept->approvals == std::vector<AccountId>{Fixture::Id("board-4")});
        CHECK(f.last_note().find("dropped the member's 1 pending proposals and 1 approvals") !=
              std::string::npos);
      } else {
        CHECK(g.FindProposal(IdOf(f, own)) != nullptr);
        CHECK(kept->approvals.size() == 2);
      }
      // The next approval decides on version 2 only when the frozen member's approval counts.
      REQUIRE(f.Submit(f.MakeOp("board-2", Approve{IdOf(f, other)})).ok());
      const bool decided =
          f.state().FindAccount(Fixture::Id("bob"))->status == AccountStatus::kFrozen;
      CHECK(decided == (version == 2 && freeze));
    }
  }
}

TEST_CASE("a revoke or a threshold counts only active board members (version 3)",
          "[ledger][governance][board-guard]") {
  for (uint32_t version : {2u, 3u}) {
    CAPTURE(version);
    // Four members, three decide; board-4 is frozen: three can sign.
    Fixture f = Town(version, /*four=*/true);
    REQUIRE(
        Decide(f, "board-1", Freeze{Fixture::Id("board-4"), "lost phone"}, {"board-2", "board-3"})
            .ok());
    // Revoking board-1 would leave board-2 and board-3 to sign, below the threshold of 3.
    const std::string digest = ToHex(f.state().digest());
    Status s =
        f.Submit(ProposeOp(f, "board-2", RevokeRole{Fixture::Id("board-1"), Role::kBoardMember}));
    if (version == 3) {
      CHECK(s.code() == Code::kBoardTooSmall);
      CHECK(s.message().find("2 active members") != std::string::npos);
      CHECK(ToHex(f.state().digest()) == digest);
    } else {
      CHECK(s.ok());
    }
    // A threshold of 4 with one member frozen: nobody could ever decide again.
    s = f.Submit(ProposeOp(f, "board-3", SetThreshold{4}));
    if (version == 3) {
      CHECK(s.code() == Code::kBoardTooSmall);
      CHECK(s.message().find("the 3 active board members") != std::string::npos);
    } else {
      CHECK(s.ok());
    }
  }
}

TEST_CASE("a threshold as high as the active board is still accepted (version 3)",
          "[ledger][governance][board-guard]") {
  Fixture f = Town(3, /*four=*/true);
  REQUIRE(Decide(f, "board-1", Freeze{Fixture::Id("board-4"), "lost phone"}, {"board-2", "board-3"})
              .ok());
  CHECK(Decide(f, "board-1", SetThreshold{2}, {"board-2", "board-3"}).ok());
  CHECK(f.state().governance().threshold == 2);
  CHECK(Decide(f, "board-1", SetThreshold{3}, {"board-2"}).ok());
  CHECK(f.state().governance().threshold == 3);
}

TEST_CASE("a renewal never gives a lifetime membership an end (version 3)",
          "[ledger][membership][board-guard]") {
  for (uint32_t version : {2u, 3u}) {
    CAPTURE(version);
    Fixture f = Town(version);
    REQUIRE(f.state().FindAccount(Fixture::Id("alice"))->member_until_ms == 0);
    const std::string digest = ToHex(f.state().digest());
    Status s =
        f.Submit(f.MakeOp("office", RenewMembership{Fixture::Id("alice"), kNow + 2000, Amount(0)}));
    if (version == 3) {
      CHECK(s.code() == Code::kInvalidArgument);
      CHECK(s.message().find("member for life") != std::string::npos);
      CHECK(ToHex(f.state().digest()) == digest);
      CHECK(f.SubmitAt(f.TransferOp("alice", "bob", 100), kNow + 3000).ok());
    } else {
      // The old rule: the office gave her an end two seconds away, and she could not pay.
      REQUIRE(s.ok());
      CHECK(f.SubmitAt(f.TransferOp("alice", "bob", 100), kNow + 3000).code() ==
            Code::kMembershipExpired);
    }
  }
}

TEST_CASE("a renewal never shortens a membership", "[ledger][membership][board-guard]") {
  Fixture f = Town(3);
  f.Remember("carol");
  REQUIRE(f.Submit(f.MakeOp("office", OpenAccount{Fixture::Id("carol"), AccountKind::kResident,
                                                  "Carol", kNow + 10 * kDay, Amount(0)}))
              .ok());
  CHECK(f.Submit(
             f.MakeOp("office", RenewMembership{Fixture::Id("carol"), kNow + 5 * kDay, Amount(0)}))
            .code() == Code::kInvalidArgument);
  CHECK(f.Submit(
             f.MakeOp("office", RenewMembership{Fixture::Id("carol"), kNow + 20 * kDay, Amount(0)}))
            .ok());
  CHECK(f.state().FindAccount(Fixture::Id("carol"))->member_until_ms == kNow + 20 * kDay);
}

TEST_CASE("an account key must be a valid point (version 3)", "[ledger][keys][board-guard]") {
  Fixture f = Town(3);
  const std::string digest = ToHex(f.state().digest());
  for (const PublicKey& bad : BadKeys()) {
    CAPTURE(ToHex(bad));
    REQUIRE_FALSE(IsValidPublicKey(bad));
    // An office opening a resident directly: refused at preflight, before any state.
    Operation open =
        f.MakeOp("office", OpenAccount{bad, AccountKind::kResident, "Trou noir", 0, Amount(0)});
    Status s = f.Submit(open);
    CHECK(s.code() == Code::kBadAccountId);
    CHECK(s.message().find("not a valid Ed25519 public key") != std::string::npos);
    Delta d;
    CHECK(f.ledger()
              .Simulate(f.state(), open, Fixture::Id("office"), ApplyContext{kNow}, &d)
              .code() == Code::kBadAccountId);
    // A board proposal to open one or to re-key an account to one: refused when proposed.
    CHECK(f.Submit(ProposeOp(f, "board-1",
                             OpenAccount{bad, AccountKind::kMerchant, "Trou noir", 0, Amount(0)}))
              .code() == Code::kBadAccountId);
    CHECK(f.Submit(ProposeOp(f, "board-1", Rekey{Fixture::Id("alice"), bad})).code() ==
          Code::kBadAccountId);
  }
  CHECK(ToHex(f.state().digest()) == digest);
  // A real key opens as before.
  f.Remember("carol");
  CHECK(f.Submit(f.MakeOp("office", OpenAccount{Fixture::Id("carol"), AccountKind::kResident,
                                                "Carol", 0, Amount(0)}))
            .ok());
}

TEST_CASE("on a version 2 ledger an office still opens an account at the identity point",
          "[ledger][keys][board-guard]") {
  Fixture f = Town(2);
  const PublicKey identity = BadKeys()[0];
  CHECK(f.Submit(f.MakeOp("office",
                          OpenAccount{identity, AccountKind::kResident, "Trou noir", 0, Amount(0)}))
            .ok());
  CHECK(f.state().FindAccount(identity) != nullptr);
}

TEST_CASE("a version 3 genesis refuses board, account and node keys that are not valid points",
          "[ledger][keys][board-guard]") {
  Fixture f = Town(3);
  const PublicKey bad = BadKeys()[3];
  Genesis g = f.genesis();
  REQUIRE(ValidateGenesis(g).ok());
  Genesis board = g;
  board.board_keys[0] = bad;
  CHECK(ValidateGenesis(board).code() == Code::kInvalidArgument);
  CHECK(ValidateGenesis(board).message().find("board key") != std::string::npos);
  Genesis account = g;
  account.accounts[0].id = bad;
  CHECK(ValidateGenesis(account).message().find("genesis account 'association'") !=
        std::string::npos);
  Genesis node = g;
  node.node_key = bad;
  CHECK(ValidateGenesis(node).message().find("node key") != std::string::npos);
  // Version 2 documents keep their rules: the same keys were accepted.
  for (Genesis* v2 : {&board, &account, &node}) {
    v2->version = kGenesisVersion2;
    CHECK(ValidateGenesis(*v2).ok());
  }
}

}  // namespace
}  // namespace liard
