// Earmarked aid: given by a funder from its balance, spent first at qualifying shops, never
// elsewhere, and taken back exactly after the expiry (docs/money.md, "Earmarked aid").
#include <catch2/catch.hpp>

#include <algorithm>

#include "ledger/invariants.h"
#include "ledger/ops/ops.h"
#include "tests/ledger/fixture.h"
#include "tests/ledger/replayed_journal.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;
using testing::ReplayedJournal;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kDay = 86'400'000;

// Earmarked aid on the genesis version `init` writes, or on `version` (5: refunds kept a tally).
Fixture Town(uint32_t version = kCurrentGenesisVersion) {
  return Fixture(
      {Member{"mairie", AccountKind::kMunicipality, 1'000'00},
       Member{"alice", AccountKind::kResident, 50'00}, Member{"bob", AccountKind::kResident, 0},
       Member{"epicerie", AccountKind::kMerchant, 0},
       Member{"librairie", AccountKind::kMerchant, 0},
       Member{"boulangerie", AccountKind::kMerchant, 0}},
      0, [version](Genesis* g) {
        Fixture::Version4(g);
        g->version = version;
      });
}

Card CardWith(std::string category) {
  Card c;
  c.city = "Avignon";
  c.category = std::move(category);
  return c;
}

// Cards: the grocery sells food ("Alimentation"), the bookshop books; the bakery has none.
void SetCards(Fixture& f) {
  REQUIRE_OK(f.Submit(f.MakeOp("epicerie", SetCard{CardWith("Alimentation")})));
  REQUIRE_OK(f.Submit(f.MakeOp("librairie", SetCard{CardWith("Livres")})));
}

GrantAid FoodAid(std::vector<Leg> recipients, int64_t expires_ms = kNow + 30 * kDay) {
  GrantAid g;
  g.purpose = "Aide alimentaire";
  g.categories = {"alimentation"};
  g.merchants = {Fixture::Id("boulangerie")};
  g.expires_ms = expires_ms;
  g.recipients = std::move(recipients);
  return g;
}

int64_t Earmarked(Fixture& f, std::string_view holder, const Hash& grant) {
  return f.state().Balance(ops::EarmarkKey(Fixture::Id(holder), grant));
}

int64_t Outstanding(Fixture& f, const Hash& grant) {
  return f.state().Balance(BookKey{Slot::kAidOutstanding, grant});
}

// Gives alice 30.00 and bob 20.00 of food aid; returns the aid's id.
Hash GiveFoodAid(Fixture& f, int64_t expires_ms = kNow + 30 * kDay) {
  Hash id;
  const Operation op =
      f.MakeOp("mairie", FoodAid({Leg{Fixture::Id("alice"), Amount(30'00), "novembre"},
                                  Leg{Fixture::Id("bob"), Amount(20'00), "novembre"}},
                                 expires_ms));
  REQUIRE_OK(f.SubmitEnvelope(f.Sign(op), kNow, nullptr, &id));
  return id;
}

TEST_CASE("a grant moves units from the funder to earmarked accounts, circulation unchanged",
          "[ledger][aid]") {
  Fixture f = Town();
  const int64_t circulation = f.Circulation();
  const Hash id = GiveFoodAid(f);
  CHECK(f.BalanceOf("mairie") == 950'00);
  CHECK(Earmarked(f, "alice", id) == 30'00);
  CHECK(Earmarked(f, "bob", id) == 20'00);
  CHECK(f.BalanceOf("alice") == 50'00);  // the ordinary part is untouched
  CHECK(Outstanding(f, id) == 50'00);
  CHECK(f.Circulation() == circulation);
  CHECK(f.Total(Slot::kEarmarked) == 50'00);
  CHECK(f.Total(Slot::kIssuance) == -f.Circulation());
  CHECK(f.Reserve() >= f.Circulation());
  const Account* alice = f.state().FindAccount(Fixture::Id("alice"));
  REQUIRE(alice->grants.size() == 1);
  CHECK(alice->grants[0].grant == id);
  CHECK(alice->grants[0].funder == Fixture::Id("mairie"));
  CHECK(alice->grants[0].purpose == "Aide alimentaire");
  CHECK(f.last_note() == "gave 50.00 ROUE of earmarked aid to 2 recipients");
}

TEST_CASE("a payment at a qualifying shop draws the aid first, then ordinary units",
          "[ledger][aid]") {
  Fixture f = Town();
  SetCards(f);
  const Hash id = GiveFoodAid(f);
  // 12.50 at the grocery: all from the aid.
  Delta d;
  REQUIRE_OK(f.SubmitEnvelope(f.Sign(f.TransferOp("alice", "epicerie", 12'50)), kNow + kDay, &d));
  CHECK(Earmarked(f, "alice", id) == 17'50);
  CHECK(f.BalanceOf("alice") == 50'00);
  CHECK(f.BalanceOf("epicerie") == 12'50);
  CHECK(Outstanding(f, id) == 37'50);
  CHECK(f.last_note() == "paid 12.50 ROUE: 12.50 ROUE from the aid 'Aide alimentaire'");
  // 20.00 at the bakery (listed by account, no card): 17.50 of aid, 2.50 ordinary.
  REQUIRE_OK(f.SubmitAt(f.TransferOp("alice", "boulangerie", 20'00), kNow + kDay));
  CHECK(Earmarked(f, "alice", id) == 0);
  CHECK(f.BalanceOf("alice") == 47'50);
  CHECK(f.BalanceOf("boulangerie") == 20'00);
  CHECK(f.last_note() ==
        "paid 20.00 ROUE: 17.50 ROUE from the aid 'Aide alimentaire', 2.50 ROUE ordinary");
  // Spent: the record forgets the aid, so the next payment reads no aid account.
  CHECK(f.state().FindAccount(Fixture::Id("alice"))->grants.empty());
  CHECK(Outstanding(f, id) == 20'00);  // bob's
  CHECK(f.Total(Slot::kIssuance) == -f.Circulation());
}

TEST_CASE("earmarked units are never spent at a shop that does not qualify", "[ledger][aid]") {
  Fixture f = Town();
  SetCards(f);
  const Hash id = GiveFoodAid(f);
  // At the bookshop: ordinary units only.
  REQUIRE_OK(f.SubmitAt(f.TransferOp("alice", "librairie", 10'00), kNow + kDay));
  CHECK(Earmarked(f, "alice", id) == 30'00);
  CHECK(f.BalanceOf("alice") == 40'00);
  // Bob holds only aid: he cannot pay the bookshop, nor a resident.
  Status s = f.SubmitAt(f.TransferOp("bob", "librairie", 1), kNow + kDay);
  CHECK(s.code() == Code::kInsufficientFunds);
  s = f.SubmitAt(f.TransferOp("bob", "alice", 1), kNow + kDay);
  CHECK(s.code() == Code::kInsufficientFunds);
  // Nor with a multi-leg payment, which spends ordinary units only.
  s = f.SubmitAt(f.MakeOp("bob", MultiTransfer{{Leg{Fixture::Id("epicerie"), Amount(1), ""}}}),
                 kNow + kDay);
  CHECK(s.code() == Code::kInsufficientFunds);
  CHECK(Earmarked(f, "bob", id) == 20'00);
  // Too much at the grocery: 20.00 of aid and nothing ordinary is less than 20.01.
  s = f.SubmitAt(f.TransferOp("bob", "epicerie", 20'01), kNow + kDay);
  CHECK(s.code() == Code::kInsufficientFunds);
  CHECK(s.message() ==
        "the balance is 0.00 ROUE besides 20.00 ROUE of earmarked aid, less than "
        "20.01 ROUE");
  CHECK(Earmarked(f, "bob", id) == 20'00);
}

TEST_CASE("after its expiry an aid is no longer spent, and only its funder takes it back",
          "[ledger][aid]") {
  Fixture f = Town();
  SetCards(f);
  const int64_t expires = kNow + 30 * kDay;
  const Hash id = GiveFoodAid(f, expires);
  REQUIRE_OK(f.SubmitAt(f.TransferOp("alice", "epicerie", 5'00), expires - 1));
  CHECK(Earmarked(f, "alice", id) == 25'00);
  // At the expiry: the payment takes ordinary units.
  REQUIRE_OK(f.SubmitAt(f.TransferOp("alice", "epicerie", 5'00), expires));
  CHECK(Earmarked(f, "alice", id) == 25'00);
  CHECK(f.BalanceOf("alice") == 45'00);

  const ExpireAid both{id, {Fixture::Id("alice"), Fixture::Id("bob")}};
  Status s = f.SubmitAt(f.MakeOp("mairie", both), expires - 1);
  CHECK(s.code() == Code::kAidNotExpired);
  // A list that forgets bob is refused whole.
  s = f.SubmitAt(f.MakeOp("mairie", ExpireAid{id, {Fixture::Id("alice")}}), expires);
  CHECK(s.code() == Code::kAidUnreturned);
  CHECK(*s.figure("returned_units") == 25'00);
  CHECK(*s.figure("outstanding_units") == 45'00);
  // The association did not give it.
  s = f.SubmitAt(f.MakeOp("association", both), expires);
  CHECK(s.code() == Code::kNotPermitted);
  CHECK(Earmarked(f, "alice", id) == 25'00);

  const int64_t circulation = f.Circulation();
  REQUIRE_OK(f.SubmitAt(f.MakeOp("mairie", both), expires));
  CHECK(f.BalanceOf("mairie") == 950'00 + 45'00);
  CHECK(Earmarked(f, "alice", id) == 0);
  CHECK(Earmarked(f, "bob", id) == 0);
  CHECK(Outstanding(f, id) == 0);
  CHECK(f.Circulation() == circulation);
  CHECK(f.state().FindAccount(Fixture::Id("alice"))->grants.empty());
  CHECK(f.last_note() == "took back 45.00 ROUE of expired aid from 2 holders");
  // Once: nothing is left.
  s = f.SubmitAt(f.MakeOp("mairie", both), expires + 1);
  CHECK(s.code() == Code::kAidUnreturned);
}

TEST_CASE("a grant is refused whole for a bad recipient, funder or terms", "[ledger][aid]") {
  Fixture f = Town();
  const Hash before = f.state().digest();
  auto grant = [&](std::string_view funder, GrantAid g) {
    return f.SubmitAt(f.MakeOp(funder, std::move(g)), kNow);
  };
  const Leg alice{Fixture::Id("alice"), Amount(10'00), ""};
  CHECK(grant("bob", FoodAid({alice})).code() == Code::kNotPermitted);
  CHECK(grant("epicerie", FoodAid({alice})).code() == Code::kNotPermitted);
  // Merchants get no aid; the second recipient is named.
  Status s = grant("mairie", FoodAid({alice, Leg{Fixture::Id("epicerie"), Amount(1), ""}}));
  CHECK(s.code() == Code::kWrongAccountKind);
  CHECK(s.item() == 2);
  CHECK(grant("mairie", FoodAid({Leg{Fixture::Id("alice"), Amount(1'000'01), ""}})).code() ==
        Code::kInsufficientFunds);
  CHECK(grant("mairie", FoodAid({alice}, kNow)).code() == Code::kExpired);
  CHECK(grant("mairie", FoodAid({alice}, kNow + 6 * 366 * kDay)).code() == Code::kAboveMaximum);
  GrantAid nowhere = FoodAid({alice});
  nowhere.categories.clear();
  nowhere.merchants.clear();
  CHECK(grant("mairie", nowhere).code() == Code::kBadLegCount);
  GrantAid unnamed = FoodAid({alice});
  unnamed.purpose.clear();
  CHECK(grant("mairie", unnamed).code() == Code::kMemoNotText);
  CHECK(grant("mairie", FoodAid({})).code() == Code::kBadLegCount);
  CHECK(grant("mairie", FoodAid({Leg{Fixture::Id("alice"), Amount(0), ""}})).code() ==
        Code::kAmountNotPositive);
  CHECK(f.state().digest() == before);
}

TEST_CASE("a resident holds at most eight aids at once", "[ledger][aid]") {
  Fixture f = Town();
  for (int i = 0; i < 8; ++i) {
    GrantAid g = FoodAid({Leg{Fixture::Id("bob"), Amount(1'00), ""}});
    g.purpose = "aide " + std::to_string(i);
    REQUIRE_OK(f.SubmitAt(f.MakeOp("mairie", g), kNow));
  }
  Status s =
      f.SubmitAt(f.MakeOp("mairie", FoodAid({Leg{Fixture::Id("bob"), Amount(1'00), ""}})), kNow);
  CHECK(s.code() == Code::kAboveMaximum);
  CHECK(f.state().FindAccount(Fixture::Id("bob"))->grants.size() == 8);
}

TEST_CASE("only the ordinary part of a payment made with aid can be refunded", "[ledger][aid]") {
  const uint32_t version = GENERATE(kGenesisVersion5, kGenesisVersion6);
  CAPTURE(version);
  Fixture f = Town(version);
  SetCards(f);
  const Hash id = GiveFoodAid(f);
  Hash payment;
  REQUIRE_OK(f.SubmitEnvelope(f.Sign(f.TransferOp("alice", "epicerie", 40'00)), kNow + kDay,
                              nullptr, &payment));
  CHECK(Earmarked(f, "alice", id) == 0);
  CHECK(f.BalanceOf("alice") == 40'00);
  Status s = f.SubmitAt(
      f.MakeOp("epicerie", Refund{payment, Fixture::Id("alice"), Amount(10'01), ""}), kNow + kDay);
  CHECK(s.code() == Code::kRefundExceeds);
  REQUIRE_OK(f.SubmitAt(
      f.MakeOp("epicerie", Refund{payment, Fixture::Id("alice"), Amount(10'00), ""}), kNow + kDay));
  CHECK(f.BalanceOf("alice") == 50'00);
}

// A view that records every balance a payment reads.
class CountingView : public StateView {
 public:
  explicit CountingView(const StateView& inner) : inner_(inner) {}
  const Account* FindAccount(const AccountId& id) const override { return inner_.FindAccount(id); }
  int64_t Balance(const BookKey& key) const override {
    read.push_back(key);
    return inner_.Balance(key);
  }
  const Totals& totals() const override { return inner_.totals(); }
  const Governance& governance() const override { return inner_.governance(); }
  std::vector<AccountId> AccountsNamedLike(const std::string& skeleton) const override {
    return inner_.AccountsNamedLike(skeleton);
  }
  mutable std::vector<BookKey> read;

 private:
  const StateView& inner_;
};

TEST_CASE("a payer who holds no aid pays with exactly the reads of a ledger without aid",
          "[ledger][aid]") {
  auto reads = [](Fixture& f, std::string_view payer, std::string_view payee) {
    CountingView view(f.state());
    Delta d;
    REQUIRE_OK(f.ledger().Simulate(view, f.TransferOp(payer, payee, 1'00), Fixture::Id(payer),
                                   ApplyContext{kNow + kDay}, &d));
    return view.read;
  };
  Fixture plain = Town();
  SetCards(plain);
  const std::vector<BookKey> before = reads(plain, "alice", "epicerie");
  Fixture aided = Town();
  SetCards(aided);
  const Hash id = GiveFoodAid(aided);  // alice and bob hold aid; the funder pays on
  // The town holds none: the same reads, none of an aid's account.
  CHECK(reads(aided, "mairie", "epicerie").size() == reads(plain, "mairie", "epicerie").size());
  for (const BookKey& k : reads(aided, "mairie", "epicerie")) {
    CHECK(k.slot != Slot::kEarmarked);
    CHECK(k.slot != Slot::kAidOutstanding);
  }
  // Alice, once her aid is spent, reads as before it was given.
  const std::vector<BookKey> with_aid = reads(aided, "alice", "epicerie");
  CHECK(with_aid.size() > before.size());
  CHECK(std::find(with_aid.begin(), with_aid.end(), ops::EarmarkKey(Fixture::Id("alice"), id)) !=
        with_aid.end());
  REQUIRE_OK(aided.SubmitAt(aided.TransferOp("alice", "epicerie", 30'00), kNow + kDay));
  CHECK(Earmarked(aided, "alice", id) == 0);
  CHECK(reads(aided, "alice", "epicerie") == before);
}

TEST_CASE("an aid's record survives the account's encoding, and old records keep their bytes",
          "[ledger][aid]") {
  Account a;
  a.card = CardWith("Boulangerie");
  const std::string old = EncodeAccountExtras(a);
  CHECK(old[0] == 1);
  a.grants.push_back(HeldGrant{Sha256({"g"}),
                               Fixture::Id("mairie"),
                               "Pass culture",
                               kNow + kDay,
                               {"Livres", "Cinéma"},
                               {Fixture::Id("librairie")}});
  const std::string bytes = EncodeAccountExtras(a);
  CHECK(bytes[0] == 2);
  Account back;
  REQUIRE(DecodeAccountExtras(bytes, &back));
  CHECK(back.grants == a.grants);
  CHECK(back.card == a.card);
  Account only;
  only.grants = a.grants;
  REQUIRE(DecodeAccountExtras(EncodeAccountExtras(only), &back));
  CHECK(back.grants == only.grants);
  CHECK(back.card.empty());
  CHECK_FALSE(DecodeAccountExtras(bytes.substr(0, bytes.size() - 1), &back));
}

TEST_CASE("the auditor's replay of a journal with aid reaches the node's state",
          "[ledger][aid][replay]") {
  ReplayedJournal j(Town());
  j.Add(j.f.MakeOp("epicerie", SetCard{CardWith("Alimentation")}), kNow);
  const Operation grant =
      j.f.MakeOp("mairie", FoodAid({Leg{Fixture::Id("alice"), Amount(30'00), ""},
                                    Leg{Fixture::Id("bob"), Amount(20'00), ""}}));
  const Hash id = j.Add(grant, kNow);
  j.Add(j.f.TransferOp("alice", "epicerie", 12'50), kNow + kDay);
  j.Add(j.f.TransferOp("bob", "boulangerie", 20'00), kNow + 2 * kDay);
  j.Add(j.f.MakeOp("mairie", ExpireAid{id, {Fixture::Id("alice"), Fixture::Id("bob")}}),
        kNow + 31 * kDay);
  CHECK(j.f.BalanceOf("mairie") == 950'00 + 17'50);
  REQUIRE_OK(j.ReplayedToSameDigest());
}

}  // namespace
}  // namespace liard
