// Public cards (SetCard): each field's limits and text, the position on the globe, who may have
// a card, a full staff key setting it, the directory's index in the state, and an auditor's
// replay accepting a card and catching a forged one.
#include <catch2/catch.hpp>

#include <string>

#include "ledger/ops/card.h"
#include "ledger/replay.h"
#include "tests/ledger/fixture.h"
#include "tests/ledger/replayed_journal.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;
using testing::ReplayedJournal;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kDay = 86'400'000;

Fixture Town(const std::function<void(Genesis*)>& customize = nullptr) {
  return Fixture({Member{"alice", AccountKind::kResident, 10'000},
                  Member{"boulangerie", AccountKind::kMerchant, 0},
                  Member{"mairie", AccountKind::kMunicipality, 0},
                  Member{"claire", AccountKind::kResident, 0}},
                 0, customize);
}

Card Bakery() {
  Card c;
  c.address = "12 rue de la République";
  c.postcode = "84000";
  c.city = "Avignon";
  c.category = "Boulangerie";
  c.hours = "mar-sam 7h-19h";
  c.website = "https://pain.example";
  c.phone = "04 90 00 00 00";
  c.has_position = true;
  c.position = {43'949'300, 4'805'500};
  return c;
}

const Card& CardOf(Fixture& f, std::string_view name) {
  const Account* a = f.state().FindAccount(Fixture::Id(name));
  REQUIRE(a != nullptr);
  return a->card;
}

TEST_CASE("a merchant sets its card, changes it whole and removes it", "[ledger][card]") {
  Fixture f = Town();
  const Hash before = f.state().digest();
  REQUIRE_OK(f.Submit(f.MakeOp("boulangerie", SetCard{Bakery()})));
  CHECK(CardOf(f, "boulangerie") == Bakery());
  CHECK(f.state().digest() != before);  // the card is part of the account's record
  CHECK(f.state().carded().count(Fixture::Id("boulangerie")) == 1);

  Card moved = Bakery();
  moved.address = "3 place de l'Horloge";
  moved.has_position = false;
  moved.position = {};
  REQUIRE_OK(f.Submit(f.MakeOp("boulangerie", SetCard{moved})));
  CHECK(CardOf(f, "boulangerie") == moved);

  REQUIRE_OK(f.Submit(f.MakeOp("boulangerie", SetCard{Card{}})));
  CHECK(CardOf(f, "boulangerie").empty());
  CHECK(f.state().carded().empty());
}

TEST_CASE("each field of a card is held to its byte limit, named with its figures",
          "[ledger][card]") {
  Fixture f = Town();
  for (const CardField& field : kCardFields) {
    INFO(field.name);
    Card c = Bakery();
    c.*field.member = std::string(field.max_bytes, 'a');
    REQUIRE_OK(CheckCard(c));  // exactly the limit is fine
    c.*field.member = std::string(field.max_bytes + 1, 'a');
    const uint64_t seq = f.NextSequence("boulangerie");
    Status s = f.Submit(f.MakeOp("boulangerie", SetCard{c}));
    INFO(s.ToString());
    CHECK(s.code() == Code::kBadCard);
    CHECK(s.message().find("card's " + std::string(field.name) + " has") != std::string::npos);
    const int64_t* bytes = s.figure(std::string(field.name) + "_bytes");
    REQUIRE(bytes != nullptr);
    CHECK(*bytes == static_cast<int64_t>(field.max_bytes + 1));
    REQUIRE(s.figure("max_bytes") != nullptr);
    CHECK(*s.figure("max_bytes") == static_cast<int64_t>(field.max_bytes));
    CHECK(f.NextSequence("boulangerie") == seq);  // nothing changed
    CHECK(CardOf(f, "boulangerie").empty());
  }
  // The limits are those ledger.proto's Card documents.
  CHECK(kCardFields[0].max_bytes == 128);
  CHECK(kCardFields[1].max_bytes == 16);
  CHECK(kCardFields[5].max_bytes == 512);
  CHECK(kCardFields[7].max_bytes == 32);
}

TEST_CASE("a card field with a line break or a control character is refused by name",
          "[ledger][card]") {
  Fixture f = Town();
  for (const CardField& field : kCardFields) {
    for (const char* bad : {"ligne 1\nligne 2", "tab\there", "\xff\xfe", "bell\x07"}) {
      Card c = Bakery();
      c.*field.member = bad;
      Status s = f.Submit(f.MakeOp("boulangerie", SetCard{c}));
      INFO(field.name << ": " << s.ToString());
      CHECK(s.code() == Code::kBadCard);
      CHECK(s.message().find("card's " + std::string(field.name) + " is not printable") !=
            std::string::npos);
    }
  }
  // Quotes, commas and semicolons are text: a CSV export must quote them, not the ledger refuse.
  Card c = Bakery();
  c.description = "Pain \"bio\", viennoiseries; gâteaux";
  REQUIRE_OK(f.Submit(f.MakeOp("boulangerie", SetCard{c})));
  CHECK(CardOf(f, "boulangerie").description == c.description);
}

TEST_CASE("a position must lie on the globe", "[ledger][card]") {
  Fixture f = Town();
  struct Case {
    int32_t lat, lon;
    const char* figure;
  };
  for (const Case& k :
       {Case{90'000'001, 0, "latitude_e6"}, Case{-90'000'001, 0, "latitude_e6"},
        Case{0, 180'000'001, "longitude_e6"}, Case{0, -180'000'001, "longitude_e6"}}) {
    Card c = Bakery();
    c.position = {k.lat, k.lon};
    Status s = f.Submit(f.MakeOp("boulangerie", SetCard{c}));
    INFO(s.ToString());
    CHECK(s.code() == Code::kBadCard);
    const int64_t* v = s.figure(k.figure);
    REQUIRE(v != nullptr);
    CHECK(*v == (k.lat != 0 ? k.lat : k.lon));
  }
  // The edges are on the globe; an absent position is not checked.
  for (Position p : {Position{90'000'000, 180'000'000}, Position{-90'000'000, -180'000'000}}) {
    Card c = Bakery();
    c.position = p;
    REQUIRE_OK(f.Submit(f.MakeOp("boulangerie", SetCard{c})));
  }
  Card off = Bakery();
  off.has_position = false;
  off.position = {999'000'000, 0};  // not sent: the codec drops it
  REQUIRE_OK(CheckCard(off));
}

TEST_CASE("a version 3 ledger refuses a card with hidden characters", "[ledger][card][names]") {
  Fixture f = Town(Fixture::Version3);
  Card c = Bakery();
  c.city = "Avig\u200Bnon";  // a zero-width space
  Status s = f.Submit(f.MakeOp("boulangerie", SetCard{c}));
  INFO(s.ToString());
  CHECK(s.code() == Code::kBadCard);
  CHECK(s.message().find("the card's city") != std::string::npos);
  c.city = "Avignon";
  REQUIRE_OK(f.Submit(f.MakeOp("boulangerie", SetCard{c})));
}

TEST_CASE("merchants, offices, municipalities and the association have cards, residents none",
          "[ledger][card]") {
  Fixture f = Town();
  for (const char* shop : {"boulangerie", "office", "mairie", "association"}) {
    INFO(shop);
    REQUIRE_OK(f.Submit(f.MakeOp(shop, SetCard{Bakery()})));
    CHECK(CardOf(f, shop) == Bakery());
  }
  // A resident: not permitted at all.
  CHECK(f.Submit(f.MakeOp("alice", SetCard{Bakery()})).code() == Code::kNotPermitted);
  // A resident granted the treasurer role passes the permission table, but is not a shop.
  Operation p =
      f.MakeOp("board-1", Propose{GrantRole{Fixture::Id("claire"), Role::kTreasurer}, kNow + kDay});
  REQUIRE_OK(f.Submit(p));
  REQUIRE_OK(f.Submit(
      f.MakeOp("board-2", Approve{OperationId(f.ledger().id(), codec::EncodeOperation(p))})));
  const uint64_t seq = f.NextSequence("claire");
  Status s = f.Submit(f.MakeOp("claire", SetCard{Bakery()}));
  INFO(s.ToString());
  CHECK(s.code() == Code::kWrongAccountKind);
  CHECK(CardOf(f, "claire").empty());
  CHECK(f.NextSequence("claire") == seq);
}

TEST_CASE("a staff key of scope full sets the card, one of scope receive may not",
          "[ledger][card]") {
  Fixture f = Town();
  Account shop = *f.state().FindAccount(Fixture::Id("boulangerie"));
  for (auto [name, scope] :
       {std::pair{"till-full", KeyScope::kFull}, std::pair{"till-receive", KeyScope::kReceive}}) {
    StaffKey k;
    k.key = KeyFor(name).public_key();
    k.scope = scope;
    k.label = name;
    k.added_ms = kNow;
    shop.staff_keys.push_back(k);
  }
  f.state().PutAccount(shop);  // as an AddKey would have left it
  const KeyPair full = KeyFor("till-full"), receive = KeyFor("till-receive");
  CHECK(f.SubmitEnvelope(f.Sign(f.MakeOp("boulangerie", SetCard{Bakery()}), &receive)).code() ==
        Code::kKeyScope);
  CHECK(CardOf(f, "boulangerie").empty());
  REQUIRE_OK(f.SubmitEnvelope(f.Sign(f.MakeOp("boulangerie", SetCard{Bakery()}), &full)));
  CHECK(CardOf(f, "boulangerie") == Bakery());
}

TEST_CASE("the state's card index follows records put, restored and committed", "[ledger][card]") {
  Fixture f = Town();
  REQUIRE_OK(f.Submit(f.MakeOp("boulangerie", SetCard{Bakery()})));
  REQUIRE_OK(f.Submit(f.MakeOp("mairie", SetCard{Bakery()})));
  // A state restored record by record (the node's start-up) indexes the same accounts.
  MemoryState restored(StateDigestRuleOf(f.genesis()));
  for (const auto& [id, a] : f.state().accounts()) REQUIRE(restored.RestoreAccount(a));
  CHECK(restored.carded() == f.state().carded());
  CHECK(restored.carded().size() == 2);
  // The ids come in order.
  CHECK(*restored.carded().begin() < *restored.carded().rbegin());
}

TEST_CASE("an auditor's replay accepts a card and catches a forged one", "[ledger][card][audit]") {
  ReplayedJournal j(Town());
  j.Add(j.f.MakeOp("boulangerie", SetCard{Bakery()}), kNow + 1'000);
  j.Add(j.f.TransferOp("alice", "boulangerie", 250), kNow + 2'000);
  std::unique_ptr<Replay> r;
  REQUIRE_OK(j.Replayed(j.entries, j.hashes, &r));
  CHECK(r->state().digest() == j.f.state().digest());
  CHECK(r->state().FindAccount(Fixture::Id("boulangerie"))->card == Bakery());

  // A forger changes the city in the journal and recomputes the entry's hash: the signature
  // no longer verifies, caught at entry 1.
  auto entries = j.entries;
  auto hashes = j.hashes;
  const size_t at = entries[0].envelope.find("Avignon");
  REQUIRE(at != std::string::npos);
  entries[0].envelope.replace(at, 7, "Orange!");
  hashes[0] = EntryHash(entries[0]);
  entries[1].prev_hash = hashes[0];
  hashes[1] = EntryHash(entries[1]);
  std::unique_ptr<Replay> forged;
  CHECK(j.Replayed(entries, hashes, &forged).code() == Code::kCorruption);
  CHECK(forged->discrepancy().sequence == 1);

  // A card the ledger would refuse, signed by the merchant's own key, is caught too: the
  // auditor runs the node's rules, not only the signatures.
  ReplayedJournal k(Town());
  Card bad = Bakery();
  bad.postcode = std::string(17, '8');
  Operation op = k.f.MakeOp("boulangerie", SetCard{bad});
  const std::string envelope = k.f.Sign(op);
  REQUIRE(k.f.SubmitEnvelope(envelope, kNow).code() == Code::kBadCard);
  JournalEntry e{1, kNow, k.f.ledger().id(), envelope};
  std::unique_ptr<Replay> r2;
  CHECK(k.Replayed({e}, {EntryHash(e)}, &r2).code() == Code::kCorruption);
  CHECK(r2->discrepancy().sequence == 1);
  CHECK(r2->discrepancy().why.find("BAD_CARD") != std::string::npos);
}

}  // namespace
}  // namespace liard
