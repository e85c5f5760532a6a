// Governance: roles, the board's M-of-N decisions, membership, limits, the pause and private
// reads, through real signatures and the wire codec.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <optional>
#include <random>

#include "ledger/money.h"
#include "ledger/permissions.h"
#include "ledger/read_auth.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kDay = 86'400'000;

// The fixture's board is board-1, board-2 and board-3, two of whom decide.
Fixture Town() {
  return Fixture({Member{"alice", AccountKind::kResident, 10'000},
                  Member{"bob", AccountKind::kResident, 500},
                  Member{"shop", AccountKind::kMerchant, 5'000},
                  Member{"town", AccountKind::kMunicipality, 20'000}});
}

Operation ProposeOp(const Fixture& f, std::string_view member, Decision d,
                    int64_t expires = kNow + kDay) {
  return f.MakeOp(member, Propose{std::move(d), expires});
}

// Proposes as board-1 and approves as board-2: a decision of the 2-of-3 board.
Status Decide(Fixture& f, Decision d, int64_t now = kNow) {
  Operation p = ProposeOp(f, "board-1", std::move(d), now + kDay);
  Status s = f.SubmitAt(p, now);
  if (!s.ok()) return s;
  const Hash id = OperationId(f.ledger().id(), codec::EncodeOperation(p));
  if (f.state().governance().FindProposal(id) == nullptr) return s;  // a threshold of 1
  return f.SubmitAt(f.MakeOp("board-2", Approve{id}), now);
}

Hash IdOf(const Fixture& f, const Operation& op) {
  return OperationId(f.ledger().id(), codec::EncodeOperation(op));
}

TEST_CASE("the genesis board keys become board-member accounts", "[ledger][governance]") {
  Fixture f = Town();
  const Governance& g = f.state().governance();
  CHECK(g.board.size() == 3);
  CHECK(g.threshold == 2);
  CHECK_FALSE(g.paused);
  for (const char* b : {"board-1", "board-2", "board-3"}) {
    const Account* a = f.state().FindAccount(Fixture::Id(b));
    REQUIRE(a != nullptr);
    CHECK(RolesOf(*a, g) & RoleBit(Role::kBoardMember));
  }
  CHECK(g.rules.reconversion.fee_num == f.genesis().rules.reconversion.fee_num);
  CHECK_FALSE(RolesOf(*f.state().FindAccount(Fixture::Id("alice")), g) &
              RoleBit(Role::kBoardMember));
}

TEST_CASE("a proposal below the threshold stays pending and changes nothing else",
          "[ledger][governance]") {
  Fixture f = Town();
  Operation p = ProposeOp(
      f, "board-1",
      OpenAccount{Fixture::Id("bakery"), AccountKind::kMerchant, "Boulangerie", 0, Amount(0)});
  REQUIRE(f.Submit(p).ok());
  CHECK(f.last_note().find("1 of 2 approvals") != std::string::npos);
  CHECK(f.state().FindAccount(Fixture::Id("bakery")) == nullptr);
  const Proposal* pending = f.state().governance().FindProposal(IdOf(f, p));
  REQUIRE(pending != nullptr);
  CHECK(pending->approvals == std::vector<AccountId>{Fixture::Id("board-1")});

  // The second board member decides it, once.
  REQUIRE(f.Submit(f.MakeOp("board-2", Approve{IdOf(f, p)})).ok());
  CHECK(f.last_note().find("decided open-account") != std::string::npos);
  const Account* bakery = f.state().FindAccount(Fixture::Id("bakery"));
  REQUIRE(bakery != nullptr);
  CHECK(bakery->kind == AccountKind::kMerchant);
  CHECK(f.state().governance().pending.empty());
  // A third approval finds nothing to approve: the decision is never applied twice.
  CHECK(f.Submit(f.MakeOp("board-3", Approve{IdOf(f, p)})).code() == Code::kUnknownProposal);
}

TEST_CASE("a board member cannot approve twice, nor can anyone else approve",
          "[ledger][governance]") {
  Fixture f = Town();
  Operation p = ProposeOp(f, "board-1", Pause{"theft at the office"});
  REQUIRE(f.Submit(p).ok());
  const std::string digest = ToHex(f.state().digest());
  CHECK(f.Submit(f.MakeOp("board-1", Approve{IdOf(f, p)})).code() == Code::kAlreadyApproved);
  CHECK(f.Submit(f.MakeOp("alice", Approve{IdOf(f, p)})).code() == Code::kNotPermitted);
  CHECK(f.Submit(f.MakeOp("association", Approve{IdOf(f, p)})).code() == Code::kNotPermitted);
  CHECK(f.Submit(ProposeOp(f, "alice", Resume{})).code() == Code::kNotPermitted);
  CHECK(ToHex(f.state().digest()) == digest);
  CHECK_FALSE(f.state().governance().paused);
}

TEST_CASE("an expired proposal cannot be approved", "[ledger][governance]") {
  Fixture f = Town();
  Operation p = ProposeOp(f, "board-1", Freeze{Fixture::Id("bob"), "court order"}, kNow + 1000);
  REQUIRE(f.Submit(p).ok());
  const std::string digest = ToHex(f.state().digest());
  CHECK(f.SubmitAt(f.MakeOp("board-2", Approve{IdOf(f, p)}), kNow + 1001).code() ==
        Code::kProposalExpired);
  CHECK(ToHex(f.state().digest()) == digest);
  CHECK(f.state().FindAccount(Fixture::Id("bob"))->status == AccountStatus::kActive);
  // Valid up to and including its expiry.
  CHECK(f.SubmitAt(f.MakeOp("board-2", Approve{IdOf(f, p)}), kNow + 1000).ok());
  CHECK(f.state().FindAccount(Fixture::Id("bob"))->status == AccountStatus::kFrozen);
}

TEST_CASE("a proposal must expire after now and within 30 days", "[ledger][governance]") {
  Fixture f = Town();
  CHECK(f.Submit(ProposeOp(f, "board-1", Resume{}, kNow)).code() == Code::kBadDecision);
  CHECK(f.Submit(ProposeOp(f, "board-1", Resume{}, kNow + kMaxProposalLifetimeMs + 1)).code() ==
        Code::kBadDecision);
  CHECK(f.Submit(ProposeOp(f, "board-1", Resume{}, kNow + kMaxProposalLifetimeMs)).ok());
}

TEST_CASE("expired proposals are pruned and the pending list is bounded", "[ledger][governance]") {
  Fixture f = Town();
  for (size_t i = 0; i < kMaxPendingProposals; ++i)
    REQUIRE(f.Submit(ProposeOp(f, "board-1", SetThreshold{2}, kNow + 1000)).ok());
  CHECK(f.Submit(ProposeOp(f, "board-1", SetThreshold{2})).code() == Code::kTooManyProposals);
  // Once they expired, the next governance change drops them.
  REQUIRE(f.SubmitAt(ProposeOp(f, "board-1", SetThreshold{2}, kNow + 5000), kNow + 2000).ok());
  CHECK(f.state().governance().pending.size() == 1);
}

TEST_CASE("pending proposals stay oldest first as approvals come in", "[ledger][governance]") {
  Fixture f = Town();
  REQUIRE(Decide(f, SetThreshold{3}).ok());
  Operation first = ProposeOp(f, "board-1", Pause{"one"});
  REQUIRE(f.Submit(first).ok());
  Operation second = ProposeOp(f, "board-1", Pause{"two"});
  REQUIRE(f.Submit(second).ok());
  REQUIRE(f.Submit(f.MakeOp("board-2", Approve{IdOf(f, first)})).ok());
  const auto& pending = f.state().governance().pending;
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].id == IdOf(f, first));
  CHECK(pending[0].approvals.size() == 2);
  CHECK(pending[1].id == IdOf(f, second));
  REQUIRE(f.Submit(f.MakeOp("board-3", Approve{IdOf(f, first)})).ok());
  CHECK(f.state().governance().pause_reason == "one");
  CHECK(f.state().governance().pending.size() == 1);
}

TEST_CASE("a board signature cannot be replayed on another proposal", "[ledger][governance]") {
  Fixture f = Town();
  Operation a = ProposeOp(f, "board-1", Freeze{Fixture::Id("bob"), "lost card"});
  REQUIRE(f.Submit(a).ok());
  Operation b = ProposeOp(f, "board-1", Freeze{Fixture::Id("alice"), "lost card"});
  REQUIRE(f.Submit(b).ok());

  // board-2 approves a; its signature is lifted onto a body approving b instead.
  Operation approve_a = f.MakeOp("board-2", Approve{IdOf(f, a)});
  SignedOperation signed_a = codec::SignOperation(approve_a, f.ledger().id(), KeyFor("board-2"));
  Operation approve_b = approve_a;
  approve_b.payload = Approve{IdOf(f, b)};
  SignedOperation forged = signed_a;
  forged.body = codec::EncodeOperation(approve_b);
  const std::string digest = ToHex(f.state().digest());
  CHECK(f.SubmitEnvelope(codec::EncodeEnvelope(forged)).code() == Code::kBadSignature);
  CHECK(ToHex(f.state().digest()) == digest);

  // The genuine approval of a decides a; sent again, it is a replay.
  REQUIRE(f.SubmitEnvelope(codec::EncodeEnvelope(signed_a)).ok());
  CHECK(f.SubmitEnvelope(codec::EncodeEnvelope(signed_a)).code() == Code::kSequenceUsed);
  CHECK(f.state().FindAccount(Fixture::Id("bob"))->status == AccountStatus::kFrozen);
  CHECK(f.state().FindAccount(Fixture::Id("alice"))->status == AccountStatus::kActive);
  CHECK(f.state().governance().FindProposal(IdOf(f, b)) != nullptr);
}

TEST_CASE("approvals of members who left the board no longer count", "[ledger][governance]") {
  Fixture f = Town();
  Operation p = ProposeOp(f, "board-3", Pause{"test"});
  REQUIRE(f.Submit(p).ok());
  REQUIRE(Decide(f, RevokeRole{Fixture::Id("board-3"), Role::kBoardMember}).ok());
  CHECK(f.state().governance().board.size() == 2);
  // board-3's own approval is void now: board-1's makes 1 of 2, not 2.
  REQUIRE(f.Submit(f.MakeOp("board-1", Approve{IdOf(f, p)})).ok());
  CHECK_FALSE(f.state().governance().paused);
  REQUIRE(f.Submit(f.MakeOp("board-2", Approve{IdOf(f, p)})).ok());
  CHECK(f.state().governance().paused);
  CHECK(f.Submit(ProposeOp(f, "board-3", Resume{})).code() == Code::kNotPermitted);
}

TEST_CASE("the board cannot shrink below its threshold", "[ledger][governance]") {
  Fixture f = Town();
  CHECK(Decide(f, SetThreshold{4}).code() == Code::kBoardTooSmall);
  REQUIRE(Decide(f, SetThreshold{3}).ok());
  CHECK(f.state().governance().threshold == 3);
  Operation p = ProposeOp(f, "board-1", RevokeRole{Fixture::Id("board-3"), Role::kBoardMember});
  REQUIRE(f.Submit(p).ok());  // genesis version 1: the decision's checks wait for the decision
  REQUIRE(f.Submit(f.MakeOp("board-2", Approve{IdOf(f, p)})).ok());
  CHECK(f.Submit(f.MakeOp("board-3", Approve{IdOf(f, p)})).code() == Code::kBoardTooSmall);
  CHECK(f.state().governance().board.size() == 3);
  // A new member joins; then the board has room for one to leave.
  REQUIRE(f.SubmitAt(f.MakeOp("office", OpenAccount{Fixture::Id("claire"), AccountKind::kResident,
                                                    "Claire", 0, Amount(0)}),
                     kNow)
              .ok());
  f.Remember("claire");
  Operation grant = ProposeOp(f, "board-1", GrantRole{Fixture::Id("claire"), Role::kBoardMember});
  REQUIRE(f.Submit(grant).ok());
  REQUIRE(f.Submit(f.MakeOp("board-2", Approve{IdOf(f, grant)})).ok());
  REQUIRE(f.Submit(f.MakeOp("board-3", Approve{IdOf(f, grant)})).ok());
  CHECK(f.state().governance().board.size() == 4);
}

TEST_CASE("the board cannot freeze itself below its threshold of signers", "[ledger][governance]") {
  Fixture f = Town();
  REQUIRE(Decide(f, Freeze{Fixture::Id("board-3"), "lost phone"}).ok());
  // Two active members of three, two needed: freezing another would lock the board forever.
  CHECK(Decide(f, Freeze{Fixture::Id("board-2"), "lost phone too"}).code() == Code::kBoardTooSmall);
  CHECK(f.Submit(ProposeOp(f, "board-3", Resume{})).code() == Code::kAccountFrozen);
  REQUIRE(Decide(f, Unfreeze{Fixture::Id("board-3")}).ok());
  CHECK(f.Submit(ProposeOp(f, "board-3", Resume{})).ok());
}

TEST_CASE("only the treasurer, board-member and auditor roles are granted",
          "[ledger][governance]") {
  Fixture f = Town();
  CHECK(
      f.Submit(ProposeOp(f, "board-1", GrantRole{Fixture::Id("alice"), Role::kMerchant})).code() ==
      Code::kBadRole);
  CHECK(f.Submit(ProposeOp(f, "board-1", GrantRole{Fixture::Id("alice"), static_cast<Role>(0)}))
            .code() == Code::kBadRole);
  CHECK(Decide(f, GrantRole{Fixture::Id("nobody"), Role::kAuditor}).code() ==
        Code::kUnknownDestination);
}

TEST_CASE("a granted treasurer records deposits, revoked, it may not", "[ledger][governance]") {
  Fixture f = Town();
  REQUIRE(f.Submit(f.MakeOp("office", Conversion{Fixture::Id("alice"), Amount(1'000), ""})).ok());
  Payload deposit = Deposit{Fixture::Id("office"), Amount(500), "VIR 1"};
  CHECK(f.Submit(f.MakeOp("bob", deposit)).code() == Code::kNotPermitted);
  REQUIRE(Decide(f, GrantRole{Fixture::Id("bob"), Role::kTreasurer}).ok());
  CHECK(f.state().FindAccount(Fixture::Id("bob"))->roles == RoleBit(Role::kTreasurer));
  REQUIRE(f.Submit(f.MakeOp("bob", deposit)).ok());
  REQUIRE(Decide(f, RevokeRole{Fixture::Id("bob"), Role::kTreasurer}).ok());
  CHECK(f.Submit(f.MakeOp("bob", deposit)).code() == Code::kNotPermitted);
}

// One valid payload of every operation type, so that each can be offered to every role.
std::vector<Payload> OneOfEach(const Fixture& f) {
  const AccountId alice = Fixture::Id("alice"), shop = Fixture::Id("shop"),
                  office = Fixture::Id("office");
  std::vector<Payload> v = {
      Transfer{alice, Amount(1), ""},
      OpenAccount{Fixture::Id("newcomer"), AccountKind::kResident, "Newcomer", 0, Amount(0)},
      Conversion{alice, Amount(100), ""},
      NoteSale{Amount(100)},
      NoteRedemption{shop, Amount(1)},
      Deposit{office, Amount(1), "ref"},
      Reconversion{Amount(100)},
      Payout{shop, Amount(1), "ref"},
      FundProgramme{"none", Amount(1), "ref"},
      MultiTransfer{{Leg{alice, Amount(1), ""}}},
      Propose{Resume{}, kNow + kDay},
      Approve{Hash{}},
      RenewMembership{alice, kNow + 365 * kDay, Amount(0)},
      Withdraw{Hash{}},
      BankEntry{BankEntryKind::kFee, Amount(1), "ref"},
      CancelRequest{Hash{}},
      Refund{Hash{}, alice, Amount(1), ""},
      AddKey{Fixture::Id("newcomer"), KeyScope::kReceive, 0, "till"},
      RevokeKey{Fixture::Id("newcomer")},
      SetCard{Card{"1 rue Haute", "84000", "Avignon", "", "", "", "", "", false, {}}},
      Collect{codec::SignMandate(Mandate{f.ledger().id(), shop, alice, Amount(100),
                                         MandatePeriod::kMonth, "", 0, std::string(16, 'n'), 0},
                                 KeyFor("alice")),
              Amount(1), ""},
      RevokeMandate{Hash{}},
      GrantAid{
          "Aide", {"Alimentation"}, {}, kNow + kDay, {Leg{Fixture::Id("newcomer"), Amount(1), ""}}},
      ExpireAid{Hash{}, {Fixture::Id("newcomer")}},
      PlaceOrder{{Leg{alice, Amount(1), ""}}, OrderSchedule::kMonthly, 1, 20300101, 0, 0, 0, ""},
      SetOrderState{Hash{}, OrderAction::kPause},
      ExecuteOrder{},
      ChooseAssociation{AccountId{}},
      ApplyDemurrage{202612, {alice}},
  };
  REQUIRE(v.size() == std::variant_size_v<Payload>);
  return v;
}

TEST_CASE("every operation a role may not perform is refused with NOT_PERMITTED",
          "[ledger][governance][permissions]") {
  Fixture f = Town();
  REQUIRE(Decide(f, GrantRole{Fixture::Id("bob"), Role::kAuditor}).ok());
  int refused = 0;
  for (const char* actor :
       {"alice", "bob", "shop", "office", "town", "association", "board-1", "board-3"}) {
    const Account* a = f.state().FindAccount(Fixture::Id(actor));
    REQUIRE(a != nullptr);
    const uint32_t roles = RolesOf(*a, f.state().governance());
    for (const Payload& p : OneOfEach(f)) {
      Operation op = f.MakeOp(actor, p);
      if (std::holds_alternative<Transfer>(p) && op.account == Fixture::Id("alice"))
        op.payload = Transfer{Fixture::Id("bob"), Amount(1), ""};
      // Likewise a refund to oneself is malformed (TRANSFER_TO_SELF) before any permission.
      if (std::holds_alternative<Refund>(p) && op.account == Fixture::Id("alice"))
        op.payload = Refund{Hash{}, Fixture::Id("bob"), Amount(1), ""};
      if (MayPerform(roles, op.type())) continue;
      // Signed by no account: executions (the node key's).
      if (op.type() == OpType::kExecuteOrder) continue;
      INFO(actor << " " << OpTypeName(op.type()));
      const std::string digest = ToHex(f.state().digest());
      Status s = f.Submit(op);
      CHECK(s.code() == Code::kNotPermitted);
      CHECK(ToHex(f.state().digest()) == digest);
      ++refused;
    }
  }
  CHECK(refused == 129);  // 8 actors x 28 operations (executions apart), less what roles allow
}

TEST_CASE("a re-keyed account refuses the old key and keeps its balance",
          "[ledger][governance][rekey]") {
  Fixture f = Town();
  const KeyPair lost = KeyFor("alice");
  const KeyPair fresh = KeyFor("alice-new-phone");
  REQUIRE(Decide(f, Rekey{Fixture::Id("alice"), fresh.public_key()}).ok());
  const Account* a = f.state().FindAccount(Fixture::Id("alice"));
  CHECK(a->key == fresh.public_key());
  CHECK(a->id == Fixture::Id("alice"));  // the id, hence the address, stays
  CHECK(f.BalanceOf("alice") == 10'000);
  Operation pay = f.TransferOp("alice", "shop", 100);
  const std::string digest = ToHex(f.state().digest());
  CHECK(f.SubmitEnvelope(f.Sign(pay, &lost)).code() == Code::kWrongKey);
  CHECK(ToHex(f.state().digest()) == digest);
  REQUIRE(f.SubmitEnvelope(f.Sign(pay, &fresh)).ok());
  CHECK(f.BalanceOf("alice") == 9'900);
  CHECK(Decide(f, Rekey{Fixture::Id("alice"), fresh.public_key()}).code() == Code::kBadDecision);
  PublicKey not_a_point;
  not_a_point.data.fill(0xff);  // not a canonical point: no signature could ever verify
  CHECK(Decide(f, Rekey{Fixture::Id("alice"), not_a_point}).code() == Code::kBadDecision);
}

TEST_CASE("a frozen account can neither send nor receive, and only its holder sees the reason",
          "[ledger][governance][freeze]") {
  Fixture f = Town();
  REQUIRE(Decide(f, Freeze{Fixture::Id("bob"), "card reported stolen"}).ok());
  const Account* bob = f.state().FindAccount(Fixture::Id("bob"));
  CHECK(bob->status == AccountStatus::kFrozen);
  CHECK(bob->freeze_reason == "card reported stolen");
  Status send = f.Submit(f.TransferOp("bob", "shop", 100));
  CHECK(send.code() == Code::kAccountFrozen);
  CHECK(send.message().find("card reported stolen") != std::string::npos);
  Status receive = f.Submit(f.TransferOp("alice", "bob", 100));
  CHECK(receive.code() == Code::kDestinationFrozen);
  // The board's reason is private to bob and those who may read his account, not his payers.
  CHECK(receive.message() == "the account to be paid is frozen");
  Status leg = f.Submit(f.MakeOp("town", MultiTransfer{{Leg{Fixture::Id("alice"), Amount(1), ""},
                                                        Leg{Fixture::Id("bob"), Amount(1), ""}}}));
  CHECK(leg.code() == Code::kDestinationFrozen);
  CHECK(leg.message() == "leg 2: the account to be paid is frozen");
  // Nor to an office converting for him.
  Status convert = f.Submit(f.MakeOp("office", Conversion{Fixture::Id("bob"), Amount(1'000), ""}));
  CHECK(convert.code() == Code::kDestinationFrozen);
  CHECK(convert.message().find("stolen") == std::string::npos);
  CHECK(f.Submit(ProposeOp(f, "board-1", Freeze{Fixture::Id("bob"), ""})).code() ==
        Code::kBadDecision);  // a freeze always says why
  REQUIRE(Decide(f, Unfreeze{Fixture::Id("bob")}).ok());
  CHECK(f.state().FindAccount(Fixture::Id("bob"))->freeze_reason.empty());
  CHECK(f.Submit(f.TransferOp("bob", "shop", 100)).ok());
}

TEST_CASE("the board's pause stops every operation but board decisions",
          "[ledger][governance][pause]") {
  Fixture f = Town();
  REQUIRE(Decide(f, Pause{"key theft at the Comptoir de la Gare"}).ok());
  CHECK(f.state().governance().paused);
  const std::string digest = ToHex(f.state().digest());
  Status s = f.Submit(f.TransferOp("alice", "shop", 100));
  CHECK(s.code() == Code::kPaused);
  CHECK(s.message().find("key theft") != std::string::npos);
  CHECK(f.Submit(f.MakeOp("office", Conversion{Fixture::Id("alice"), Amount(1'000), ""})).code() ==
        Code::kPaused);
  CHECK(f.Submit(f.MakeOp("shop", Reconversion{Amount(100)})).code() == Code::kPaused);
  CHECK(ToHex(f.state().digest()) == digest);
  // The board still decides: it resumes.
  REQUIRE(Decide(f, Resume{}).ok());
  CHECK_FALSE(f.state().governance().paused);
  CHECK(f.Submit(f.TransferOp("alice", "shop", 100)).ok());
}

TEST_CASE("a resident's membership is recorded with its fee and must be current to pay",
          "[ledger][governance][membership]") {
  Fixture f = Town();
  const int64_t until = kNow + 30 * kDay;
  REQUIRE(f.Submit(f.MakeOp("office", OpenAccount{Fixture::Id("dan"), AccountKind::kResident, "Dan",
                                                  until, Amount(1'500)}))
              .ok());
  f.Remember("dan");
  CHECK(f.Total(Slot::kIncome) == 1'500);  // the fee is the association's income
  CHECK(f.state().FindAccount(Fixture::Id("dan"))->member_until_ms == until);
  REQUIRE(f.Submit(f.MakeOp("office", Conversion{Fixture::Id("dan"), Amount(2'000), ""})).ok());
  CHECK(f.SubmitAt(f.TransferOp("dan", "shop", 100), until).ok());  // the last day counts
  Status late = f.SubmitAt(f.TransferOp("dan", "shop", 100), until + 1);
  CHECK(late.code() == Code::kMembershipExpired);
  // Paid while expired? No. Paid to? Yes: a shop can still give change.
  CHECK(f.SubmitAt(f.TransferOp("shop", "dan", 50), until + 1).ok());
  // Renewal must move the end forward, past now.
  CHECK(f.SubmitAt(f.MakeOp("office", RenewMembership{Fixture::Id("dan"), until, Amount(0)}),
                   until + 1)
            .code() == Code::kInvalidArgument);
  CHECK(f.SubmitAt(
             f.MakeOp("shop", RenewMembership{Fixture::Id("dan"), until + 365 * kDay, Amount(0)}),
             until + 1)
            .code() == Code::kNotPermitted);
  REQUIRE(f.SubmitAt(f.MakeOp("office", RenewMembership{Fixture::Id("dan"), until + 365 * kDay,
                                                        Amount(1'500)}),
                     until + 1)
              .ok());
  CHECK(f.Total(Slot::kIncome) == 3'000);
  CHECK(f.SubmitAt(f.TransferOp("dan", "shop", 100), until + 2).ok());
  REQUIRE(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
}

Rules WithResidentLimits(Rules r, int64_t max_payment, int64_t daily, int64_t ceiling) {
  r.limits = {KindLimits{AccountKind::kResident, max_payment, daily, ceiling}};
  return r;
}

TEST_CASE("residents' limits: largest payment, daily total and balance ceiling",
          "[ledger][governance][limits]") {
  Fixture f = Town();
  REQUIRE(
      Decide(f, SetRules{WithResidentLimits(f.state().governance().rules, 5'000, 8'000, 12'000)})
          .ok());
  CHECK(f.Submit(f.TransferOp("alice", "shop", 5'001)).code() == Code::kAboveMaximum);
  REQUIRE(f.Submit(f.TransferOp("alice", "shop", 5'000)).ok());
  Status daily = f.Submit(f.TransferOp("alice", "shop", 3'001));
  CHECK(daily.code() == Code::kDailyLimit);
  REQUIRE(f.Submit(f.TransferOp("alice", "shop", 3'000)).ok());  // exactly the daily limit
  // The next UTC day starts afresh.
  CHECK(f.SubmitAt(f.TransferOp("alice", "shop", 1), kNow + kDay).ok());
  // bob holds 5.00; the town may not take him above the 120.00 ceiling. A merchant has none.
  CHECK(f.Submit(f.MakeOp("town", Transfer{Fixture::Id("bob"), Amount(11'501), ""})).code() ==
        Code::kBalanceCeiling);
  REQUIRE(f.Submit(f.MakeOp("town", Transfer{Fixture::Id("bob"), Amount(11'500), ""})).ok());
  CHECK(f.Submit(f.MakeOp("town", Transfer{Fixture::Id("shop"), Amount(5'000), ""})).ok());
  // Municipalities have no limit here, but a leg to a resident over the ceiling names itself.
  Status leg = f.Submit(f.MakeOp("town", MultiTransfer{{Leg{Fixture::Id("shop"), Amount(1), ""},
                                                        Leg{Fixture::Id("bob"), Amount(1), ""}}}));
  CHECK(leg.code() == Code::kBalanceCeiling);
  // The tally book counts, it does not balance the books: totals still reconcile.
  REQUIRE(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
}

TEST_CASE("a ceiling refusal names the payee and the ceiling, never the payee's balance",
          "[ledger][governance][limits][privacy]") {
  Fixture f = Town();
  REQUIRE(Decide(f, SetRules{WithResidentLimits(f.state().governance().rules, 0, 0, 12'000)}).ok());
  // bob holds 5.00; 115.01 more would make 120.01, which neither the town nor an office may
  // read: the refusal, simulated or submitted, says that the ceiling bit and nothing more.
  const std::vector<std::pair<std::string, Payload>> ops = {
      {"town", Transfer{Fixture::Id("bob"), Amount(11'501), ""}},
      {"town", MultiTransfer{{Leg{Fixture::Id("shop"), Amount(1), ""},
                              Leg{Fixture::Id("bob"), Amount(11'501), ""}}}},
      {"office", Conversion{Fixture::Id("bob"), Amount(11'501), ""}}};  // at par 1/1
  for (const auto& [actor, payload] : ops) {
    const Operation op = f.MakeOp(actor, payload);
    Delta d;
    for (const Status& s :
         {f.ledger().Simulate(f.state(), op, Fixture::Id(actor), ApplyContext{kNow}, &d),
          f.Submit(op)}) {
      INFO(actor << ": " << s.ToString());
      CHECK(s.code() == Code::kBalanceCeiling);
      CHECK(s.message().find("'bob'") != std::string::npos);
      CHECK(s.message().find("120.00 ROUE") != std::string::npos);  // the rules are public
      for (const char* secret : {"12001", "120.01", "500", "5.00"})
        CHECK(s.message().find(secret) == std::string::npos);
    }
  }
  CHECK(f.BalanceOf("bob") == 500);
}

TEST_CASE("the signer's own refusals still show its own numbers",
          "[ledger][governance][limits][privacy]") {
  Fixture f = Town();
  REQUIRE(Decide(f, SetRules{WithResidentLimits(f.state().governance().rules, 0, 8'000, 0)}).ok());
  REQUIRE(f.Submit(f.TransferOp("alice", "shop", 7'000)).ok());
  Status daily = f.Submit(f.TransferOp("alice", "shop", 1'500));
  CHECK(daily.code() == Code::kDailyLimit);
  CHECK(daily.message() ==
        "today's payments would reach 85.00 ROUE, above the daily limit of 80.00 ROUE");
  Status funds = f.Submit(f.TransferOp("bob", "shop", 501));
  CHECK(funds.code() == Code::kInsufficientFunds);
  CHECK(funds.message() == "the balance is 5.00 ROUE, less than 5.01 ROUE");
}

TEST_CASE("a resident's batch payment counts every leg against the limits",
          "[ledger][governance][limits]") {
  Fixture f = Town();
  REQUIRE(
      Decide(f, SetRules{WithResidentLimits(f.state().governance().rules, 3'000, 5'000, 0)}).ok());
  Status big_leg =
      f.Submit(f.MakeOp("alice", MultiTransfer{{Leg{Fixture::Id("shop"), Amount(10), ""},
                                                Leg{Fixture::Id("bob"), Amount(3'001), ""}}}));
  CHECK(big_leg.code() == Code::kAboveMaximum);
  CHECK(big_leg.item() == 2);
  CHECK(f.Submit(f.MakeOp("alice", MultiTransfer{{Leg{Fixture::Id("shop"), Amount(3'000), ""},
                                                  Leg{Fixture::Id("bob"), Amount(2'001), ""}}}))
            .code() == Code::kDailyLimit);
  REQUIRE(f.Submit(f.MakeOp("alice", MultiTransfer{{Leg{Fixture::Id("shop"), Amount(3'000), ""},
                                                    Leg{Fixture::Id("bob"), Amount(2'000), ""}}}))
              .ok());
  CHECK(f.Submit(f.TransferOp("alice", "shop", 1)).code() == Code::kDailyLimit);
}

TEST_CASE("rules changed by the board apply from the deciding operation on",
          "[ledger][governance][rules]") {
  Fixture f = Town();
  Rules r = f.state().governance().rules;
  r.reconversion = {3, 100, 1};  // 3 % instead of the genesis fee
  REQUIRE(Decide(f, SetRules{r}).ok());
  REQUIRE(f.Submit(f.MakeOp("shop", Reconversion{Amount(1'000)})).ok());
  CHECK(f.Held(Slot::kOwedToMerchant, Fixture::Id("shop")) == 970);
  CHECK(f.Total(Slot::kIncome) == 30);
  // Incoherent rules are refused before any board member is asked.
  Rules bad = r;
  bad.reconversion.fee_num = 200;
  CHECK(f.Submit(ProposeOp(f, "board-1", SetRules{bad})).code() == Code::kBadRules);
  Rules twice = r;
  twice.limits = {KindLimits{AccountKind::kResident, 1, 0, 0},
                  KindLimits{AccountKind::kResident, 2, 0, 0}};
  CHECK(f.Submit(ProposeOp(f, "board-1", SetRules{twice})).code() == Code::kBadRules);
}

TEST_CASE("a programme with budget left cannot be dropped by new rules",
          "[ledger][governance][rules]") {
  Fixture f({Member{"alice", AccountKind::kResident, 0}}, 0, [](Genesis* g) {
    Programme p;
    p.name = "agglo";
    p.ratio_num = 12;
    p.ratio_den = 10;
    p.opening_budget = 10'000;
    g->rules.programmes = {p};
  });
  Rules r = f.state().governance().rules;
  r.programmes.clear();
  CHECK(Decide(f, SetRules{r}).code() == Code::kBadRules);
  // Ending it is the way: the bonus stops, the budget stays on the books.
  r = f.state().governance().rules;
  r.programmes[0].ends_ms = kNow + 1;
  REQUIRE(Decide(f, SetRules{r}).ok());
  REQUIRE(f.SubmitAt(f.MakeOp("office", Conversion{Fixture::Id("alice"), Amount(1'000), "agglo"}),
                     kNow + 2)
              .ok());
  CHECK(f.BalanceOf("alice") == 1'000);  // at par: the programme has ended
}

TEST_CASE("a higher backing decided by the board is enforced at once",
          "[ledger][governance][rules]") {
  Fixture f = Town();  // the fund holds exactly the circulation
  Rules r = f.state().governance().rules;
  r.backing_num = 11;
  r.backing_den = 10;
  CHECK(Decide(f, SetRules{r}).code() == Code::kReserveShort);
}

TEST_CASE("the board opens merchants, offices and municipalities", "[ledger][governance]") {
  Fixture f = Town();
  for (auto [name, kind] : {std::pair{"bakery", AccountKind::kMerchant},
                            std::pair{"desk", AccountKind::kExchangeOffice},
                            std::pair{"village", AccountKind::kMunicipality}}) {
    REQUIRE(Decide(f, OpenAccount{Fixture::Id(name), kind, name, 0, Amount(0)}).ok());
    CHECK(f.state().FindAccount(Fixture::Id(name))->kind == kind);
  }
  CHECK(Decide(f, OpenAccount{Fixture::Id("bakery"), AccountKind::kMerchant, "again", 0, Amount(0)})
            .code() == Code::kAccountExists);
}

TEST_CASE("a board member's decision about its own account keeps its sequence",
          "[ledger][governance]") {
  Fixture f = Town();
  // board-2 approves the grant of auditor to itself: one record written, with both changes.
  Operation p = ProposeOp(f, "board-1", GrantRole{Fixture::Id("board-2"), Role::kAuditor});
  REQUIRE(f.Submit(p).ok());
  REQUIRE(f.Submit(f.MakeOp("board-2", Approve{IdOf(f, p)})).ok());
  const Account* b2 = f.state().FindAccount(Fixture::Id("board-2"));
  CHECK(b2->roles == RoleBit(Role::kAuditor));
  CHECK(b2->sequence == 1);
  CHECK(f.Submit(f.MakeOp("board-2", Approve{IdOf(f, p)})).code() == Code::kUnknownProposal);
}

TEST_CASE("the governance record survives its byte encoding exactly",
          "[ledger][governance][encoding]") {
  Governance g;
  g.rules.programmes.push_back(Programme{"agglo", "Grand Avignon", 12, 10, Rounding::kDown, 1, 0, 0,
                                         0, 3'000, KindBit(AccountKind::kResident), 50'000});
  g.rules.limits = {KindLimits{AccountKind::kResident, 1, 2, 3}};
  g.board = {Fixture::Id("board-1"), Fixture::Id("board-2")};
  g.threshold = 2;
  g.paused = true;
  g.pause_reason = "théft";
  Rules r;
  r.reconversion = {5, 100, 1};
  const std::vector<Decision> decisions = {
      OpenAccount{Fixture::Id("x"), AccountKind::kMerchant, "X", 7, Amount(8)},
      GrantRole{Fixture::Id("x"), Role::kAuditor},
      RevokeRole{Fixture::Id("x"), Role::kTreasurer},
      SetRules{r},
      Freeze{Fixture::Id("x"), "why"},
      Unfreeze{Fixture::Id("x")},
      Rekey{Fixture::Id("x"), Fixture::Id("y")},
      Pause{"p"},
      Resume{},
      SetThreshold{2},
      SetNodeKey{Fixture::Id("node")},
      SetNodeKeys{{Fixture::Id("node"), Fixture::Id("node-2")}}};
  REQUIRE(decisions.size() == std::variant_size_v<Decision>);
  for (const Decision& d : decisions)
    g.pending.push_back(Proposal{Sha256({DecisionName(d)}),
                                 Fixture::Id("board-1"),
                                 d,
                                 99,
                                 {Fixture::Id("board-1"), Fixture::Id("board-2")}});
  const std::string bytes = EncodeGovernance(g);
  Governance back;
  REQUIRE(DecodeGovernance(bytes, &back));
  CHECK(EncodeGovernance(back) == bytes);  // the layout is injective: same bytes, same record
  CHECK(back.pause_reason == "théft");
  CHECK(back.pending.size() == decisions.size());
  CHECK(back.rules.programmes.at(0).monthly_cap == 3'000);
  CHECK(back.rules.limits.at(0).balance_ceiling == 3);
  // Any truncation, and any trailing byte, is refused.
  for (size_t n = 0; n < bytes.size(); n += 7)
    CHECK_FALSE(DecodeGovernance(bytes.substr(0, n), &back));
  CHECK_FALSE(DecodeGovernance(bytes + '\0', &back));
  // Every decision also crosses the wire codec unchanged.
  for (const Decision& d : decisions) {
    liard::v1::Decision wire;
    codec::EncodeDecision(d, &wire);
    Decision decoded;
    REQUIRE(codec::DecodeDecision(wire, &decoded).ok());
    CHECK(EncodeGovernance(Governance{{}, {}, 1, false, "", {Proposal{{}, {}, decoded, 0, {}}}}) ==
          EncodeGovernance(Governance{{}, {}, 1, false, "", {Proposal{{}, {}, d, 0, {}}}}));
  }
}

TEST_CASE(
    "a version 1 ledger names no node key and keeps layout 1 bytes until a board SetNodeKey "
    "names one",
    "[ledger][governance][node-key]") {
  Fixture f = Town();
  const Governance& g = f.state().governance();
  CHECK_FALSE(g.node_key.has_value());
  const std::string before = EncodeGovernance(g);
  CHECK(before[0] == 1);  // layout 1: the bytes (and digests) of version 1 ledgers are unchanged
  const Hash digest_before = f.state().digest();

  const PublicKey node = KeyFor("node").public_key();
  REQUIRE(Decide(f, SetNodeKey{node}).ok());
  REQUIRE(g.node_key.has_value());
  CHECK(*g.node_key == node);
  const std::string after = EncodeGovernance(g);
  CHECK(after[0] == 2);  // layout 2: layout 1's fields, then the key
  CHECK(after.substr(after.size() - 32) == std::string(node.view()));
  CHECK(after.substr(1, after.size() - 33) == before.substr(1));
  Governance back;
  REQUIRE(DecodeGovernance(after, &back));
  REQUIRE(back.node_key.has_value());
  CHECK(*back.node_key == node);
  CHECK(EncodeGovernance(back) == after);
  CHECK_FALSE(DecodeGovernance(after.substr(0, after.size() - 1), &back));
  CHECK(f.state().digest() != digest_before);

  // The same key again, or a key that is no Ed25519 point, is refused and changes nothing.
  CHECK(Decide(f, SetNodeKey{node}).code() == Code::kBadDecision);
  PublicKey not_a_point;  // all zeros: a point of small order
  CHECK(f.Submit(ProposeOp(f, "board-1", SetNodeKey{not_a_point})).code() == Code::kBadDecision);
  CHECK(*g.node_key == node);
  // A non-member cannot propose it.
  CHECK(f.Submit(ProposeOp(f, "alice", SetNodeKey{KeyFor("mallory").public_key()})).code() ==
        Code::kNotPermitted);
}

TEST_CASE("a version 2 genesis's node key is the governance record's until the board replaces it",
          "[ledger][governance][node-key]") {
  const PublicKey first = KeyFor("node").public_key();
  Fixture f({Member{"alice", AccountKind::kResident, 10'000}}, 0, [&](Genesis* g) {
    g->version = kGenesisVersion2;
    g->node_key = first;
  });
  const Governance& g = f.state().governance();
  REQUIRE(g.node_key.has_value());
  CHECK(*g.node_key == first);
  const PublicKey second = KeyFor("node-2").public_key();
  REQUIRE(Decide(f, SetNodeKey{second}).ok());
  CHECK(*g.node_key == second);
}

// ---- Private reads.

struct ReadCase {
  std::string body;
  Signature signature;
  ReadRequest request;
};

// Signs `request` as given (with its nonce and parameters) by `key`.
ReadCase SignRequest(const Fixture& f, ReadRequest request, const KeyPair& key) {
  ReadCase c;
  c.request = std::move(request);
  c.body = codec::EncodeReadRequest(c.request);
  c.signature = key.Sign(ReadSigningMessage(f.ledger().id(), c.body));
  return c;
}

ReadCase SignRead(const Fixture& f, std::string_view reader, std::string method,
                  std::optional<std::string_view> target, int64_t not_after,
                  const KeyPair* key = nullptr) {
  ReadCase c;
  c.request.ledger_id = f.ledger().id();
  c.request.reader = Fixture::Id(reader);
  c.request.method = std::move(method);
  if (target) c.request.target = Fixture::Id(*target);
  c.request.not_after_ms = not_after;
  c.request.nonce = std::string(kMinReadNonce, 'n');
  c.body = codec::EncodeReadRequest(c.request);
  KeyPair k = key ? *key : KeyFor(reader);
  c.signature = k.Sign(ReadSigningMessage(f.ledger().id(), c.body));
  return c;
}

Status Read(Fixture& f, const ReadCase& c, std::string_view method,
            std::optional<std::string_view> target, std::string_view signer, int64_t now = kNow) {
  ReadRequest decoded;
  Status s = codec::DecodeReadRequest(c.body, &decoded);
  if (!s.ok()) return s;
  AccountId t = target ? Fixture::Id(*target) : AccountId{};
  return AuthorizeRead(f.state(), f.ledger().id(), decoded, c.body, KeyFor(signer).public_key(),
                       c.signature, ReadCall{method, target ? &t : nullptr}, now);
}

// Decides `c` for `call`, presented with `signer`'s key.
Status ReadCallWith(Fixture& f, const ReadCase& c, const ReadCall& call, std::string_view signer) {
  ReadRequest decoded;
  Status s = codec::DecodeReadRequest(c.body, &decoded);
  if (!s.ok()) return s;
  return AuthorizeRead(f.state(), f.ledger().id(), decoded, c.body, KeyFor(signer).public_key(),
                       c.signature, call, kNow);
}

TEST_CASE("an account's data is read with its own fresh signature, or a treasurer's or auditor's",
          "[ledger][governance][reads]") {
  Fixture f = Town();
  const int64_t soon = kNow + 60'000;
  CHECK(Read(f, SignRead(f, "alice", "GetAccount", "alice", soon), "GetAccount", "alice", "alice")
            .ok());
  CHECK(Read(f, SignRead(f, "association", "GetHistory", "alice", soon), "GetHistory", "alice",
             "association")
            .ok());  // the association's account is its treasurer's
  CHECK(Read(f, SignRead(f, "bob", "GetAccount", "alice", soon), "GetAccount", "alice", "bob")
            .code() == Code::kReadRefused);
  CHECK(Read(f, SignRead(f, "board-1", "GetAccount", "alice", soon), "GetAccount", "alice",
             "board-1")
            .code() == Code::kReadRefused);  // the board decides, it does not read accounts
  REQUIRE(Decide(f, GrantRole{Fixture::Id("bob"), Role::kAuditor}).ok());
  CHECK(
      Read(f, SignRead(f, "bob", "GetAccount", "alice", soon), "GetAccount", "alice", "bob").ok());
  CHECK(Read(f, SignRead(f, "bob", "StreamJournal", std::nullopt, soon), "StreamJournal",
             std::nullopt, "bob")
            .ok());
  CHECK(Read(f, SignRead(f, "alice", "StreamJournal", std::nullopt, soon), "StreamJournal",
             std::nullopt, "alice")
            .code() == Code::kReadRefused);
}

TEST_CASE("a read request is bound to every parameter of its call", "[ledger][governance][reads]") {
  Fixture f = Town();
  const AccountId alice = Fixture::Id("alice");
  const int64_t soon = kNow + 60'000;
  const std::string nonce(kMinReadNonce, 'n');
  auto signed_for = [&](std::string_view who, const ReadCall& call) {
    return SignRequest(f, ReadRequestFor(f.ledger().id(), Fixture::Id(who), call, soon, nonce),
                       KeyFor(who));
  };
  auto refusal = [&](const ReadCase& c, const ReadCall& call, std::string_view who) {
    Status s = ReadCallWith(f, c, call, who);
    CHECK(s.code() == Code::kReadRefused);
    return s.message();
  };
  REQUIRE(Decide(f, GrantRole{Fixture::Id("bob"), Role::kAuditor}).ok());

  SECTION("GetHistory: before_sequence and limit") {
    ReadCall page{"GetHistory", &alice};
    page.before_sequence = 40;
    page.limit = 10;
    const ReadCase c = signed_for("alice", page);
    CHECK(ReadCallWith(f, c, page, "alice").ok());
    ReadCall earlier = page;
    earlier.before_sequence = 0;
    CHECK_THAT(refusal(c, earlier, "alice"),
               Catch::Contains("signed for before_sequence 40, but the call sends 0"));
    ReadCall longer = page;
    longer.limit = 500;
    CHECK_THAT(refusal(c, longer, "alice"),
               Catch::Contains("signed for limit 10, but the call sends 500"));
    ReadCall unsigned_limit = page;
    unsigned_limit.limit = 0;  // 0 means 50 to the node, but it is compared as sent
    CHECK_THAT(refusal(c, unsigned_limit, "alice"), Catch::Contains("limit"));
  }
  SECTION("StreamJournal: from_sequence and follow") {
    ReadCall tail{"StreamJournal", nullptr};
    tail.from_sequence = 100;
    const ReadCase c = signed_for("bob", tail);
    CHECK(ReadCallWith(f, c, tail, "bob").ok());
    ReadCall whole = tail;
    whole.from_sequence = 1;
    CHECK_THAT(refusal(c, whole, "bob"),
               Catch::Contains("signed for from_sequence 100, but the call sends 1"));
    ReadCall live = tail;
    live.follow = true;
    CHECK_THAT(refusal(c, live, "bob"),
               Catch::Contains("signed for follow false, but the call sends follow true"));
  }
  SECTION("Watch: from_sequence") {
    ReadCall watch{"Watch", &alice};
    watch.from_sequence = 7;
    const ReadCase c = signed_for("alice", watch);
    CHECK(ReadCallWith(f, c, watch, "alice").ok());
    CHECK_THAT(refusal(c, ReadCall{"Watch", &alice}, "alice"), Catch::Contains("from_sequence"));
  }
  SECTION("Simulate: the previewed body and key") {
    ReadCall preview{"Simulate", &alice};
    preview.request_digest =
        std::string(SimulateDigest(KeyFor("alice").public_key().view(), "body one").view());
    const ReadCase c = signed_for("alice", preview);
    CHECK(ReadCallWith(f, c, preview, "alice").ok());
    ReadCall other = preview;
    other.request_digest =
        std::string(SimulateDigest(KeyFor("alice").public_key().view(), "body two").view());
    CHECK_THAT(refusal(c, other, "alice"), Catch::Contains("request_digest"));
    // A request signed without a digest previews nothing.
    const ReadCase bare = signed_for("alice", ReadCall{"Simulate", &alice});
    CHECK_THAT(refusal(bare, preview, "alice"), Catch::Contains("request_digest"));
    // The digest has its own domain (docs/protocol.md shows its bytes).
    CHECK(ToHex(kSimulateDomain) == "6c696172642f76312f73696d756c61746500");
    CHECK(SimulateDigest("k", "b") == Sha256({kSimulateDomain, "k", "b"}));
  }
  SECTION("a parameter the method does not have must stay at its default") {
    ReadCall odd{"GetAccount", &alice};
    odd.from_sequence = 3;
    const ReadCase c = signed_for("alice", odd);
    CHECK_THAT(refusal(c, ReadCall{"GetAccount", &alice}, "alice"),
               Catch::Contains("from_sequence 3"));
  }
  SECTION("a nonce of 16 to 32 bytes is required") {
    const ReadCall call{"GetAccount", &alice};
    for (size_t size : {size_t{0}, size_t{15}, size_t{33}}) {
      INFO("nonce of " << size << " bytes");
      const ReadCase c =
          SignRequest(f, ReadRequestFor(f.ledger().id(), alice, call, soon, std::string(size, 'x')),
                      KeyFor("alice"));
      CHECK_THAT(refusal(c, call, "alice"), Catch::Contains("nonce"));
    }
    for (size_t size : {kMinReadNonce, kMaxReadNonce}) {
      const ReadCase c =
          SignRequest(f, ReadRequestFor(f.ledger().id(), alice, call, soon, std::string(size, 'x')),
                      KeyFor("alice"));
      CHECK(ReadCallWith(f, c, call, "alice").ok());
    }
  }
  SECTION("the parameters survive the codec, and a malformed digest is refused") {
    ReadCall page{"GetHistory", &alice};
    page.before_sequence = 1;
    page.limit = 2;
    ReadRequest r = ReadRequestFor(f.ledger().id(), alice, page, soon, nonce);
    r.from_sequence = 3;
    r.follow = true;
    r.request_digest = std::string(32, 'd');
    ReadRequest back;
    REQUIRE(codec::DecodeReadRequest(codec::EncodeReadRequest(r), &back).ok());
    CHECK(back.before_sequence == 1);
    CHECK(back.limit == 2);
    CHECK(back.from_sequence == 3);
    CHECK(back.follow);
    CHECK(back.request_digest == r.request_digest);
    CHECK(back.nonce == nonce);
    r.request_digest = "short";
    CHECK(codec::DecodeReadRequest(codec::EncodeReadRequest(r), &back).code() ==
          Code::kReadRefused);
  }
}

TEST_CASE("a read request is bound to its call, its account, its key and a short time",
          "[ledger][governance][reads]") {
  Fixture f = Town();
  const int64_t soon = kNow + 60'000;
  ReadCase good = SignRead(f, "alice", "GetAccount", "alice", soon);
  CHECK(Read(f, good, "GetHistory", "alice", "alice").code() == Code::kReadRefused);
  CHECK(Read(f, good, "GetAccount", "bob", "alice").code() == Code::kReadRefused);
  CHECK(Read(f, good, "GetAccount", "alice", "alice", soon + 1).code() == Code::kReadRefused);
  CHECK(Read(f, SignRead(f, "alice", "GetAccount", "alice", kNow + kMaxReadLifetimeMs + 1),
             "GetAccount", "alice", "alice")
            .code() == Code::kReadRefused);
  const KeyPair other = KeyFor("mallory");
  CHECK(Read(f, SignRead(f, "alice", "GetAccount", "alice", soon, &other), "GetAccount", "alice",
             "alice")
            .code() == Code::kReadRefused);  // signed by another key than the one presented
  CHECK(Read(f, SignRead(f, "alice", "GetAccount", "alice", soon, &other), "GetAccount", "alice",
             "mallory")
            .code() == Code::kReadRefused);  // presented with a key that is not alice's
  ReadCase flipped = good;
  flipped.signature.data[5] ^= 1;
  CHECK(Read(f, flipped, "GetAccount", "alice", "alice").code() == Code::kReadRefused);
  ReadCase garbage = good;
  garbage.body = "\xff\xff";
  CHECK(Read(f, garbage, "GetAccount", "alice", "alice").code() == Code::kReadRefused);
  // After re-keying, the old key no longer reads either.
  REQUIRE(Decide(f, Rekey{Fixture::Id("alice"), KeyFor("alice-2").public_key()}).ok());
  CHECK(Read(f, good, "GetAccount", "alice", "alice").code() == Code::kReadRefused);
  const KeyPair fresh = KeyFor("alice-2");
  ReadCase renewed = SignRead(f, "alice", "GetAccount", "alice", soon, &fresh);
  ReadRequest decoded;
  REQUIRE(codec::DecodeReadRequest(renewed.body, &decoded).ok());
  AccountId target = Fixture::Id("alice");
  CHECK(AuthorizeRead(f.state(), f.ledger().id(), decoded, renewed.body, fresh.public_key(),
                      renewed.signature, ReadCall{"GetAccount", &target}, kNow)
            .ok());
}

}  // namespace
}  // namespace liard

namespace liard {
namespace {

// ---- Propose-time checks (genesis version 2) and Withdraw.

// A ledger with a funded programme, so that dropping it is a decision that cannot apply.
Fixture FundedTown(uint32_t genesis_version = kCurrentGenesisVersion) {
  return Fixture(
      {Member{"alice", AccountKind::kResident, 10'000}, Member{"bob", AccountKind::kResident, 500}},
      0, [genesis_version](Genesis* g) {
        g->version = genesis_version;
        if (genesis_version >= kGenesisVersion2) g->node_key = KeyFor("node").public_key();
        if (genesis_version >= kGenesisVersion4) g->time_zone = "Europe/Paris";
        Programme p;
        p.name = "agglo";
        p.ratio_num = 12;
        p.ratio_den = 10;
        p.opening_budget = 10'000;
        g->rules.programmes = {p};
      });
}

// Decisions that cannot apply to FundedTown as it is, each with the code that refuses it.
std::vector<std::pair<Decision, Code>> ImpossibleDecisions(Fixture& f) {
  Rules dropped = f.state().governance().rules;
  dropped.programmes.clear();
  return {
      {GrantRole{Fixture::Id("nobody"), Role::kAuditor}, Code::kUnknownDestination},
      {RevokeRole{Fixture::Id("nobody"), Role::kTreasurer}, Code::kUnknownDestination},
      {Freeze{Fixture::Id("nobody"), "stolen card"}, Code::kUnknownDestination},
      {Unfreeze{Fixture::Id("nobody")}, Code::kUnknownDestination},
      {Rekey{Fixture::Id("alice"), Fixture::Id("alice")}, Code::kBadDecision},
      {Rekey{Fixture::Id("nobody"), KeyFor("fresh").public_key()}, Code::kUnknownDestination},
      {SetThreshold{4}, Code::kBoardTooSmall},
      {SetRules{dropped}, Code::kBadRules},
      {OpenAccount{Fixture::Id("alice"), AccountKind::kMerchant, "Alice again", 0, Amount(0)},
       Code::kAccountExists},
  };
}

TEST_CASE("a proposal that could not apply is refused when proposed and changes nothing",
          "[ledger][governance][propose]") {
  Fixture f = FundedTown();
  REQUIRE(f.genesis().version >= kGenesisVersion2);
  for (const auto& [decision, code] : ImpossibleDecisions(f)) {
    INFO(DecisionName(decision));
    const std::string digest = ToHex(f.state().digest());
    Status s = f.Submit(ProposeOp(f, "board-1", decision));
    CHECK(s.code() == code);
    CHECK(ToHex(f.state().digest()) == digest);
    CHECK(f.state().governance().pending.empty());
    CHECK(f.NextSequence("board-1") == 1);
  }
  // The board's size bounds a revocation too: with a threshold of 3, nobody may leave (on a
  // version 1 ledger this proposal is accepted: "the board cannot shrink below its threshold").
  REQUIRE(Decide(f, SetThreshold{3}).ok());
  CHECK(f.Submit(ProposeOp(f, "board-1", RevokeRole{Fixture::Id("board-2"), Role::kBoardMember}))
            .code() == Code::kBoardTooSmall);
  CHECK(f.state().governance().pending.empty());
}

TEST_CASE("a version 1 ledger still accepts such proposals and refuses them when decided",
          "[ledger][governance][propose]") {
  // The journal is forever: a v1 journal may hold these proposals, accepted; replaying it must
  // accept them again.
  Fixture f = FundedTown(kGenesisVersion1);
  for (const auto& [decision, code] : ImpossibleDecisions(f)) {
    INFO(DecisionName(decision));
    Operation p = ProposeOp(f, "board-1", decision);
    REQUIRE(f.Submit(p).ok());
    REQUIRE(f.state().governance().FindProposal(IdOf(f, p)) != nullptr);
    const std::string digest = ToHex(f.state().digest());
    CHECK(f.Submit(f.MakeOp("board-2", Approve{IdOf(f, p)})).code() == code);
    CHECK(ToHex(f.state().digest()) == digest);
  }
}

TEST_CASE("a genesis of an unknown version is refused", "[ledger][governance][propose]") {
  Genesis g;
  g.currency_code = "ROUE";
  g.currency_name = "la Roue";
  g.board_keys = {KeyFor("board-1").public_key()};
  for (uint32_t v : {0u, 3u}) {
    g.version = v;
    CHECK(ValidateGenesis(g).code() == Code::kInvalidArgument);
  }
  g.version = kGenesisVersion1;
  CHECK(ValidateGenesis(g).ok());
  g.version = kGenesisVersion2;
  g.node_key = KeyFor("node").public_key();
  CHECK(ValidateGenesis(g).ok());
}

TEST_CASE("a decision's checks run again when it is decided, against the state then",
          "[ledger][governance][propose]") {
  Fixture f({}, 0, Fixture::Version2);
  // A threshold of 3 fits the board of 3 when proposed...
  Operation p = ProposeOp(f, "board-1", SetThreshold{3});
  REQUIRE(f.Submit(p).ok());
  // ...then a member leaves the board...
  REQUIRE(Decide(f, RevokeRole{Fixture::Id("board-3"), Role::kBoardMember}).ok());
  // ...and the last approval is refused: 3 approvals would be more than the board's 2 members.
  const std::string digest = ToHex(f.state().digest());
  CHECK(f.Submit(f.MakeOp("board-2", Approve{IdOf(f, p)})).code() == Code::kBoardTooSmall);
  CHECK(ToHex(f.state().digest()) == digest);
  CHECK(f.state().governance().threshold == 2);
}

TEST_CASE("a proposer withdraws a pending proposal, which can then no longer be approved",
          "[ledger][governance][withdraw]") {
  Fixture f = Town();
  Operation p = ProposeOp(f, "board-1", Freeze{Fixture::Id("bob"), "court order"});
  REQUIRE(f.Submit(p).ok());
  const Hash id = IdOf(f, p);
  // Only its proposer may withdraw it; a stranger to the board may not even try.
  CHECK(f.Submit(f.MakeOp("board-2", Withdraw{id})).code() == Code::kNotProposer);
  CHECK(f.Submit(f.MakeOp("alice", Withdraw{id})).code() == Code::kNotPermitted);
  CHECK(f.Submit(f.MakeOp("board-1", Withdraw{Hash{}})).code() == Code::kUnknownProposal);
  const size_t balances = f.state().NonZeroBalances().size();
  REQUIRE(f.Submit(f.MakeOp("board-1", Withdraw{id})).ok());
  CHECK(f.last_note().find("withdrawn") != std::string::npos);
  CHECK(f.state().NonZeroBalances().size() == balances);  // no postings
  const Proposal* left = f.state().governance().FindProposal(id);
  REQUIRE(left != nullptr);  // listed as withdrawn until it expires
  CHECK(left->withdrawn());
  // The governance record keeps it exactly through its byte encoding.
  Governance decoded;
  REQUIRE(DecodeGovernance(EncodeGovernance(f.state().governance()), &decoded));
  REQUIRE(decoded.FindProposal(id) != nullptr);
  CHECK(decoded.FindProposal(id)->withdrawn());
  // Nobody can approve it now, and it cannot be withdrawn twice.
  const std::string digest = ToHex(f.state().digest());
  CHECK(f.Submit(f.MakeOp("board-2", Approve{id})).code() == Code::kProposalWithdrawn);
  CHECK(f.Submit(f.MakeOp("board-3", Approve{id})).code() == Code::kProposalWithdrawn);
  CHECK(f.Submit(f.MakeOp("board-1", Withdraw{id})).code() == Code::kProposalWithdrawn);
  CHECK(ToHex(f.state().digest()) == digest);
  CHECK(f.state().FindAccount(Fixture::Id("bob"))->status == AccountStatus::kActive);
  // After its expiry the next board operation prunes it like any other.
  REQUIRE(f.SubmitAt(ProposeOp(f, "board-2", Resume{}, kNow + 3 * kDay), kNow + kDay + 1).ok());
  CHECK(f.state().governance().FindProposal(id) == nullptr);
  CHECK(f.SubmitAt(f.MakeOp("board-1", Withdraw{id}), kNow + kDay + 2).code() ==
        Code::kUnknownProposal);
}

TEST_CASE("a proposal is withdrawn while the ledger is paused, but not once decided or expired",
          "[ledger][governance][withdraw]") {
  Fixture f = Town();
  REQUIRE(Decide(f, Pause{"office key stolen"}).ok());
  Operation p = ProposeOp(f, "board-3", Resume{});
  REQUIRE(f.Submit(p).ok());
  CHECK(f.Submit(f.MakeOp("board-3", Withdraw{IdOf(f, p)})).ok());
  // A decided proposal is no longer pending: nothing to withdraw.
  Operation q = ProposeOp(f, "board-1", Resume{});
  REQUIRE(f.Submit(q).ok());
  REQUIRE(f.Submit(f.MakeOp("board-2", Approve{IdOf(f, q)})).ok());
  CHECK_FALSE(f.state().governance().paused);
  CHECK(f.Submit(f.MakeOp("board-1", Withdraw{IdOf(f, q)})).code() == Code::kUnknownProposal);
  // An expired one neither.
  Operation r = ProposeOp(f, "board-1", Pause{"again"}, kNow + 1000);
  REQUIRE(f.Submit(r).ok());
  CHECK(f.SubmitAt(f.MakeOp("board-1", Withdraw{IdOf(f, r)}), kNow + 1001).code() ==
        Code::kUnknownProposal);
}

TEST_CASE("random board decisions mixed with payments never break a rule or a book",
          "[ledger][governance][property]") {
  const uint64_t seed = testing::PropertySeed();
  std::mt19937_64 rng(seed);
  INFO("seed " << seed << " (rerun with LIARD_TEST_SEED=" << seed << ")");
  std::vector<Member> members;
  std::vector<std::string> payers;
  for (int i = 0; i < 12; ++i) {
    payers.push_back("r" + std::to_string(i));
    members.push_back({payers.back(), AccountKind::kResident, int64_t(rng() % 20'000)});
  }
  for (int i = 0; i < 4; ++i) {
    payers.push_back("m" + std::to_string(i));
    members.push_back({payers.back(), AccountKind::kMerchant, int64_t(rng() % 20'000)});
  }
  Fixture f(members);
  std::map<std::string, KeyPair> keys;  // the key each account signs with now
  for (const auto& p : payers) keys.emplace(p, KeyFor(p));
  int64_t now = kNow;
  int accepted_payments = 0, decisions = 0, refusals = 0;

  for (int step = 0; step < 3'000; ++step) {
    now += int64_t(rng() % 3'600'000);
    const std::string& from = payers[rng() % payers.size()];
    const std::string& to = payers[rng() % payers.size()];
    const Account before_from = *f.state().FindAccount(Fixture::Id(from));
    const Account before_to = *f.state().FindAccount(Fixture::Id(to));
    const bool paused = f.state().governance().paused;
    const Rules rules = f.state().governance().rules;
    const std::string digest = ToHex(f.state().digest());
    Status s;
    bool payment = false;
    switch (rng() % 10) {
      case 0: {  // the board decides something about someone
        const AccountId who = Fixture::Id(to);
        Decision d;
        switch (rng() % 6) {
          case 0:
            d = Freeze{who, "step " + std::to_string(step)};
            break;
          case 1:
            d = Unfreeze{who};
            break;
          case 2:
            d = rng() % 4 == 0 ? Decision{Pause{"drill"}} : Decision{Resume{}};
            break;
          case 3: {
            Rules r = f.state().governance().rules;
            r.limits.clear();  // half the time the board lifts every limit
            if (rng() % 2)
              r.limits = {KindLimits{AccountKind::kResident, int64_t(rng() % 5'000),
                                     int64_t(rng() % 10'000), int64_t(rng() % 40'000)}};
            d = SetRules{r};
            break;
          }
          case 4: {
            KeyPair fresh = KeyFor(to + "/" + std::to_string(step));
            d = Rekey{who, fresh.public_key()};
            Status r = Decide(f, d, now);
            if (r.ok()) keys.insert_or_assign(to, fresh);
            s = r;
            ++decisions;
            goto checked;
          }
          default:
            d = SetThreshold{uint32_t(1 + rng() % 2)};  // board-1 and board-2 decide
            break;
        }
        s = Decide(f, d, now);
        ++decisions;
        break;
      }
      case 1: {  // an office renews or sets a short membership
        s = f.SubmitAt(f.MakeOp("office", RenewMembership{Fixture::Id(from),
                                                          now + int64_t(rng() % (60 * kDay)) + 1,
                                                          Amount(int64_t(rng() % 2'000))}),
                       now);
        break;
      }
      default: {
        if (from == to) continue;
        Operation op = f.TransferOp(from, to, int64_t(1 + rng() % 2'000));
        s = f.SubmitEnvelope(f.Sign(op, &keys.at(from)), now);
        payment = true;
        break;
      }
    }
  checked:
    INFO("step " << step << ": " << s.ToString());
    if (!s.ok()) ++refusals;
    if (payment) {
      const int64_t moved =
          before_from.sequence == f.state().FindAccount(Fixture::Id(from))->sequence ? 0 : 1;
      if (s.ok()) {
        ++accepted_payments;
        // An accepted payment broke none of the rules in force.
        REQUIRE(moved == 1);
        REQUIRE_FALSE(paused);
        REQUIRE(before_from.status == AccountStatus::kActive);
        REQUIRE(before_to.status == AccountStatus::kActive);
        REQUIRE((before_from.member_until_ms == 0 || now <= before_from.member_until_ms ||
                 before_from.kind != AccountKind::kResident));
        if (const KindLimits* l = rules.LimitsFor(before_from.kind)) {
          if (l->daily_outgoing > 0)
            REQUIRE(f.state().Balance(DailyOutTallyKey(
                        before_from.id, now, CurrencyZone(f.genesis()))) <= l->daily_outgoing);
        }
        if (const KindLimits* l = rules.LimitsFor(before_to.kind)) {
          if (l->balance_ceiling > 0)
            REQUIRE(f.state().Balance(BookKey::Member(before_to.id)) <= l->balance_ceiling);
        }
      } else {
        REQUIRE(ToHex(f.state().digest()) == digest);  // a refusal changes nothing at all
      }
    }
    REQUIRE(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
    REQUIRE(f.Reserve() >= f.Circulation());
    REQUIRE(-f.Total(Slot::kIssuance) == f.Circulation());
  }
  // The mix really reached both sides: payments accepted and refused, decisions taken.
  CHECK(accepted_payments > 100);
  CHECK(refusals > 100);
  CHECK(decisions > 100);
}

TEST_CASE("a board SetNodeKeys decision names the whole set of node keys; SetNodeKey one key",
          "[ledger][governance][node-key]") {
  Fixture f = Town();
  const Governance& g = f.state().governance();
  const PublicKey primary = KeyFor("node").public_key();
  const PublicKey standby = KeyFor("node-standby").public_key();
  const PublicKey third = KeyFor("node-third").public_key();
  REQUIRE(Decide(f, SetNodeKey{primary}).ok());
  CHECK(g.NamesNodeKey(primary));
  CHECK_FALSE(g.NamesNodeKey(standby));

  REQUIRE(Decide(f, SetNodeKeys{{primary, standby}}).ok());
  CHECK(*g.node_key == primary);  // the first stays node_key: old code keeps its meaning
  CHECK(g.more_node_keys == std::vector<PublicKey>{standby});
  CHECK(g.NamesNodeKey(primary));
  CHECK(g.NamesNodeKey(standby));
  CHECK_FALSE(g.NamesNodeKey(third));
  CHECK(g.NodeKeys() == std::vector<PublicKey>{primary, standby});
  // The record carries the rest of the set under layout bit 32, and decodes to the same set.
  const std::string bytes = EncodeGovernance(g);
  CHECK(static_cast<uint8_t>(bytes[0]) == 1 + 1 + 32);
  Governance back;
  REQUIRE(DecodeGovernance(bytes, &back));
  CHECK(back.NodeKeys() == g.NodeKeys());
  CHECK(EncodeGovernance(back) == bytes);
  for (size_t n = 0; n < bytes.size(); ++n)
    CHECK_FALSE(DecodeGovernance(bytes.substr(0, n), &back));

  // The same set in the same order again is refused; a new order is a new decision (the first
  // key is node_key). Nothing else changes on a refusal.
  CHECK(Decide(f, SetNodeKeys{{primary, standby}}).code() == Code::kBadDecision);
  // Bad sets are refused when proposed: empty, too many, a key twice, a key that is no point.
  CHECK(f.Submit(ProposeOp(f, "board-1", SetNodeKeys{})).code() == Code::kBadDecision);
  std::vector<PublicKey> eight;
  for (int i = 0; i < 8; ++i) eight.push_back(KeyFor("n" + std::to_string(i)).public_key());
  CHECK(f.Submit(ProposeOp(f, "board-1", SetNodeKeys{eight})).code() == Code::kBadDecision);
  eight.pop_back();
  CHECK(f.Submit(ProposeOp(f, "board-1", SetNodeKeys{{standby, standby}})).code() ==
        Code::kBadDecision);
  CHECK(f.Submit(ProposeOp(f, "board-1", SetNodeKeys{{standby, PublicKey{}}})).code() ==
        Code::kBadDecision);
  CHECK(f.Submit(ProposeOp(f, "alice", SetNodeKeys{{third}})).code() == Code::kNotPermitted);
  CHECK(g.NodeKeys() == std::vector<PublicKey>{primary, standby});

  // Seven keys is the most; the set is replaced whole, never merged.
  REQUIRE(Decide(f, SetNodeKeys{eight}).ok());
  CHECK(g.NodeKeys() == eight);
  CHECK_FALSE(g.NamesNodeKey(primary));
  REQUIRE(DecodeGovernance(EncodeGovernance(g), &back));
  CHECK(back.NodeKeys() == eight);

  // SetNodeKey keeps its meaning: the set becomes that one key, and the record its old layout.
  REQUIRE(Decide(f, SetNodeKey{eight[0]}).ok());
  CHECK(g.NodeKeys() == std::vector<PublicKey>{eight[0]});
  CHECK(static_cast<uint8_t>(EncodeGovernance(g)[0]) == 2);
  CHECK(Decide(f, SetNodeKey{eight[0]}).code() == Code::kBadDecision);
  REQUIRE(Decide(f, SetNodeKeys{{standby}}).ok());  // a set of one: the same as SetNodeKey
  CHECK(g.NodeKeys() == std::vector<PublicKey>{standby});
  CHECK(static_cast<uint8_t>(EncodeGovernance(g)[0]) == 2);
}

TEST_CASE("a governance record without more node keys keeps its bytes and digest (vector)",
          "[ledger][governance][node-key][protocol]") {
  // Layout 2 as written before SetNodeKeys existed: default rules, no board, threshold 1, not
  // paused, nothing pending, node key 0x04...: these bytes and this digest never change.
  Governance g;
  g.node_key = KeyFor("node").public_key();
  const std::string bytes = EncodeGovernance(g);
  std::string expected = std::string("\x02", 1);
  auto i64 = [&](int64_t v) {
    for (int i = 7; i >= 0; --i)
      expected += static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff);
  };
  auto u32 = [&](uint32_t v) {
    for (int i = 3; i >= 0; --i) expected += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  const Rules r;
  i64(r.backing_num);
  i64(r.backing_den);
  i64(r.conversion.min_euros);
  i64(r.conversion.max_euros);
  i64(r.reconversion.fee_num);
  i64(r.reconversion.fee_den);
  i64(r.reconversion.min_units);
  u32(0);            // programmes
  u32(0);            // limits
  u32(0);            // board
  u32(1);            // threshold
  expected += '\0';  // not paused
  u32(0);            // pause reason, empty
  u32(0);            // pending
  expected += std::string(g.node_key->view());
  CHECK(ToHex(bytes) == ToHex(expected));
  CHECK(ToHex(GovernanceRecordHash(g)) ==
        "889ed7bf8b5d3f68a63e9dd272b9126d7fc0a90f71ff6246029edf22caf27fe4");
}

}  // namespace
}  // namespace liard
