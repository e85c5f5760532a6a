// Names and memos of version 3 ledgers: no hidden characters, NFC, and no name that passes for a
// merchant's, office's, municipality's or the association's. Version 2 ledgers as before.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ledger/text.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kDay = 86'400'000;

const std::string kBakery = "Boulangerie du Rh\u00f4ne";  // ô precomposed: NFC

void Version3(Genesis* g) {
  g->version = kGenesisVersion3;
  g->node_key = KeyFor("node").public_key();
}

Fixture Town(void (*version)(Genesis*)) {
  return Fixture({Member{"alice", AccountKind::kResident, 10'000},
                  Member{kBakery, AccountKind::kMerchant, 5'000},
                  Member{"Mairie de Lyon", AccountKind::kMunicipality, 0}},
                 0, version);
}

// The office opens a resident's account named `name` (a fresh key each time).
Status OpenResident(Fixture& f, const std::string& name) {
  static int n = 0;
  const std::string key = "resident-" + std::to_string(++n);
  return f.Submit(f.MakeOp(
      "office", OpenAccount{Fixture::Id(key), AccountKind::kResident, name, 0, Amount(0)}));
}

// Proposes as board-1 and approves as board-2.
Status Decide(Fixture& f, Decision d) {
  Operation p = f.MakeOp("board-1", Propose{std::move(d), kNow + kDay});
  Status s = f.Submit(p);
  if (!s.ok()) return s;
  const Hash id = OperationId(f.ledger().id(), codec::EncodeOperation(p));
  return f.Submit(f.MakeOp("board-2", Approve{id}));
}

// The impersonations of the bakery found in the attack (issue 14, item 5).
const std::string kDecomposed = "Boulangerie du Rho\u0302ne";
// CYRILLIC SMALL LETTER O with a combining circumflex (NFC: nothing composes them).
const std::string kCyrillic = "Boulangerie du Rh\u043e\u0302ne";
const std::string kUpper = "BOULANGERIE DU RH\u00d4NE";
const std::string kRlo = "\u202eenh\u00f4R ud eiregnaluoB";
const std::string kZwj = "Boulangerie du\u200d Rh\u00f4ne";

// Invisible or blank characters that could pad a name to look like another's.
const std::vector<std::string> kInvisible = {
    "\u00ad",      // SOFT HYPHEN (Cf)
    "\u034f",      // COMBINING GRAPHEME JOINER (default ignorable)
    "\u061c",      // ARABIC LETTER MARK
    "\u115f",      // HANGUL CHOSEONG FILLER (Lo, default ignorable)
    "\u1160",      // HANGUL JUNGSEONG FILLER
    "\u17b4",      // KHMER VOWEL INHERENT AQ
    "\u180e",      // MONGOLIAN VOWEL SEPARATOR
    "\u200b",      // ZERO WIDTH SPACE
    "\u200c",      // ZERO WIDTH NON-JOINER
    "\u200d",      // ZERO WIDTH JOINER
    "\u200e",      // LEFT-TO-RIGHT MARK
    "\u200f",      // RIGHT-TO-LEFT MARK
    "\u202a",      // LEFT-TO-RIGHT EMBEDDING
    "\u202e",      // RIGHT-TO-LEFT OVERRIDE
    "\u2060",      // WORD JOINER
    "\u2066",      // LEFT-TO-RIGHT ISOLATE
    "\u2800",      // BRAILLE PATTERN BLANK
    "\u3164",      // HANGUL FILLER
    "\ufe0f",      // VARIATION SELECTOR-16
    "\ufeff",      // ZERO WIDTH NO-BREAK SPACE
    "\uffa0",      // HALFWIDTH HANGUL FILLER
    "\u00a0",      // NO-BREAK SPACE (a space other than U+0020)
    "\u2028",      // LINE SEPARATOR
    "\U000e0041",  // TAG LATIN CAPITAL LETTER A
    "\U000f0000",  // a private-use character
    "\U0001fbfa",  // unassigned in Unicode 15.0
};

TEST_CASE("the text rules are pinned to the ICU this build links", "[ledger][names]") {
  CHECK(LinkedUnicodeVersion() == kTextRulesUnicodeVersion);
  CHECK(CheckTextRulesVersion().ok());
}

TEST_CASE("look-alike names share one skeleton", "[ledger][names]") {
  const std::string key = NameSkeleton(kBakery);
  CHECK(NameSkeleton(kDecomposed) == key);
  CHECK(NameSkeleton(kCyrillic) == key);
  CHECK(NameSkeleton(kUpper) == key);
  CHECK(NameSkeleton("Boulangerie du Rhone") == key);       // accents aside
  CHECK(NameSkeleton("Boulangerie du Rh\u043ene") == key);  // a Cyrillic о, no accent
  CHECK(NameSkeleton("Bou1angerie du Rhone") == key);       // digit one for l
  CHECK(NameSkeleton("Boulangerie des Pentes") != key);
  CHECK(NameSkeleton("Boulangerie du Rh\u00f4ne 2") != key);
  CHECK(ToNfc(kDecomposed) == kBakery);
}

TEST_CASE("a version 3 ledger refuses a resident named like a merchant",
          "[ledger][names][version3]") {
  Fixture f = Town(Version3);
  const Status same = OpenResident(f, kBakery);
  CHECK(same.code() == Code::kNameTaken);
  CHECK(same.message().find("merchant") != std::string::npos);
  CHECK(OpenResident(f, kCyrillic).code() == Code::kNameTaken);
  CHECK(OpenResident(f, kUpper).code() == Code::kNameTaken);
  CHECK(OpenResident(f, "Boulangerie du Rhone").code() == Code::kNameTaken);
  CHECK(OpenResident(f, "Boulangerie du Rh\u043ene").code() == Code::kNameTaken);
  CHECK(OpenResident(f, "MAIRIE DE LYON").code() == Code::kNameTaken);
  // Not NFC, or hiding characters: refused before the state is looked at.
  CHECK(OpenResident(f, kDecomposed).code() == Code::kBadName);
  CHECK(OpenResident(f, kRlo).code() == Code::kBadName);
  CHECK(OpenResident(f, kZwj).code() == Code::kBadName);
  CHECK(OpenResident(f, kBakery + " ").code() == Code::kBadName);
  CHECK(OpenResident(f, "Boulangerie  du Rh\u00f4ne").code() == Code::kBadName);
  for (const std::string& c : kInvisible) {
    INFO("invisible character " << c.size() << " bytes, first " << int(uint8_t(c[0])));
    const Status s = OpenResident(f, "Boulangerie du" + c + "Rh\u00f4ne");
    CHECK(s.code() == Code::kBadName);
  }
  // Nothing was opened; a different name still is, and two residents may share a name.
  const size_t before = f.state().account_count();
  CHECK(before == f.genesis().accounts.size() + 3);  // + the three board members
  CHECK(OpenResident(f, "Marie Dupont").ok());
  CHECK(OpenResident(f, "Marie Dupont").ok());
  CHECK(OpenResident(f, "Zo\u00e9 Ch\u00e2telain").ok());
  CHECK(f.state().account_count() == before + 3);
}

TEST_CASE("a version 2 ledger still accepts every name it accepted before",
          "[ledger][names][version2]") {
  Fixture f = Town(Fixture::Version2);
  CHECK(OpenResident(f, kBakery).ok());
  CHECK(OpenResident(f, kDecomposed).ok());
  CHECK(OpenResident(f, kCyrillic).ok());
  CHECK(OpenResident(f, kRlo).ok());
  CHECK(OpenResident(f, kZwj).ok());
  for (const std::string& c : kInvisible) {
    // A non-breaking space is the only one of the list that version 2's rules never refused
    // for a reason of its own; all of them pass.
    CHECK(OpenResident(f, "Boulangerie du" + c + "Rh\u00f4ne").ok());
  }
  CHECK(f.Submit(f.TransferOp("alice", kBakery, 100, "merci \u202eruojnob")).ok());
}

TEST_CASE("a version 3 ledger refuses memos with hidden characters or not in NFC",
          "[ledger][names][version3]") {
  Fixture f = Town(Version3);
  CHECK(f.Submit(f.TransferOp("alice", kBakery, 100, "merci \u202eruojnob")).code() ==
        Code::kMemoNotText);
  CHECK(f.Submit(f.TransferOp("alice", kBakery, 100, "pain\u200bau chocolat")).code() ==
        Code::kMemoNotText);
  CHECK(f.Submit(f.TransferOp("alice", kBakery, 100, "caf\u0065\u0301")).code() ==
        Code::kMemoNotText);
  MultiTransfer m{{Leg{Fixture::Id("alice"), Amount(10), "ok"},
                   Leg{Fixture::Id("alice"), Amount(10), "\ufeffhidden"}}};
  const Status legs = f.Submit(f.MakeOp(kBakery, m));
  CHECK(legs.code() == Code::kMemoNotText);
  CHECK(legs.item() == 2);
  CHECK(f.BalanceOf("alice") == 10'000);
  // Ordinary French text passes: accents, the narrow no-break space of "12 h", the euro sign.
  CHECK(f.Submit(f.TransferOp("alice", kBakery, 100, "Caf\u00e9 \u00e0 12\u202fh : 1,00 \u20ac"))
            .ok());
}

TEST_CASE("a version 3 board cannot open a merchant named like an existing account",
          "[ledger][names][version3]") {
  Fixture f = Town(Version3);
  // A guarded kind may not take even a resident's name (the resident would pass for it).
  const Status taken =
      Decide(f, OpenAccount{Fixture::Id("shop2"), AccountKind::kMerchant, "ALICE", 0, Amount(0)});
  CHECK(taken.code() == Code::kNameTaken);
  CHECK(Decide(f, OpenAccount{Fixture::Id("shop3"), AccountKind::kExchangeOffice, kCyrillic, 0,
                              Amount(0)})
            .code() == Code::kNameTaken);
  CHECK(Decide(f, OpenAccount{Fixture::Id("shop4"), AccountKind::kMerchant,
                              "Boulangerie\u202e du Rh\u00f4ne", 0, Amount(0)})
            .code() == Code::kBadName);
  CHECK(f.state().governance().pending.empty());
}

TEST_CASE("the name index follows accounts opened after it was built",
          "[ledger][names][version3]") {
  Fixture f = Town(Version3);
  REQUIRE(OpenResident(f, "Jean Martin").ok());  // builds the index
  REQUIRE(Decide(f, OpenAccount{Fixture::Id("cafe"), AccountKind::kMerchant, "Caf\u00e9 de la Gare",
                                0, Amount(0)})
              .ok());
  CHECK(OpenResident(f, "CAF\u00c9 DE LA GARE").code() == Code::kNameTaken);
  CHECK(OpenResident(f, "Caf\u00e9 de la Gar\u0435").code() == Code::kNameTaken);  // Cyrillic е
  // A fresh state loaded from the same records (the node's start-up) finds it too.
  MemoryState copy(f.state().digest_rule());
  for (const auto& [id, a] : f.state().accounts()) REQUIRE(copy.RestoreAccount(a));
  CHECK(copy.AccountsNamedLike(NameSkeleton("caf\u00e9 de la gare")) ==
        std::vector<AccountId>{Fixture::Id("cafe")});
  // So does a copy of the state (a copy builds an index of its own).
  const MemoryState copied = f.state();
  CHECK(copied.AccountsNamedLike(NameSkeleton("CAFE DE LA GARE")) ==
        std::vector<AccountId>{Fixture::Id("cafe")});
}

TEST_CASE("a version 3 genesis refuses hidden characters and look-alike guarded names",
          "[ledger][names][version3]") {
  CHECK_THROWS_WITH(Fixture({Member{"Boulangerie\u200b", AccountKind::kMerchant, 0}}, 0, Version3),
                    Catch::Contains("invisible"));
  CHECK_THROWS_WITH(Fixture({Member{kBakery, AccountKind::kMerchant, 0},
                             Member{kUpper, AccountKind::kResident, 0}},
                            0, Version3),
                    Catch::Contains("look alike"));
  // Version 2 keeps accepting both.
  CHECK_NOTHROW(Fixture(
      {Member{kBakery, AccountKind::kMerchant, 0}, Member{kUpper, AccountKind::kResident, 0},
       Member{"Boulangerie\u200b", AccountKind::kMerchant, 0}},
      0, Fixture::Version2));
}

}  // namespace
}  // namespace liard
