// Terms (genesis version 7): every entry carries the term of the primary that wrote it, its hash
// covers the term, terms never go down along the chain, and older journals replay unchanged.
#include <catch2/catch.hpp>

#include "ledger/bytes.h"
#include "ledger/genesis.h"
#include "ledger/journal.h"
#include "ledger/replay.h"
#include "proto/codec.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;

constexpr int64_t kStart = 1'700'000'000'000;

void Version7(Genesis* g) {
  Fixture::Version4(g);
  g->version = kGenesisVersion7;
}

// A ledger driven through the fixture and the journal a node would have written, each entry
// with the term given to Add.
struct TermJournal {
  Fixture f;
  std::vector<JournalEntry> entries;
  std::vector<Hash> hashes;

  explicit TermJournal(const std::function<void(Genesis*)>& customize)
      : f({Member{"alice", AccountKind::kResident, 50'000},
           Member{"shop", AccountKind::kMerchant, 0}},
          0, customize) {}

  void Add(int64_t amount, uint64_t term) {
    const int64_t t = kStart + 1'000 * static_cast<int64_t>(entries.size() + 1);
    const std::string envelope = f.Sign(f.TransferOp("alice", "shop", amount));
    REQUIRE(f.SubmitEnvelope(envelope, t).ok());
    HashedEntry next = NextEntry(entries.size(), hashes.empty() ? f.ledger().id() : hashes.back(),
                                 t, envelope, term);
    hashes.push_back(next.hash);
    entries.push_back(std::move(next.entry));
  }

  // Replays every entry; the first refusal, if any.
  Status Replayed(std::unique_ptr<Replay>* r) const {
    REQUIRE(Replay::Create(f.genesis(), codec::EncodeGenesis(f.genesis()), r).ok());
    for (size_t i = 0; i < entries.size(); ++i) {
      PreparedEntry p;
      (*r)->Prepare(entries[i], hashes[i], codec::DecodeEnvelope, &p);
      Status s = (*r)->Commit(&p);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  // Entry i given term `term`, rehashed and every later link and hash recomputed: what a forger
  // (or a deposed primary) could serve, whose hashes all hold.
  void Reterm(size_t i, uint64_t term) {
    entries[i].term = term;
    for (size_t k = i; k < entries.size(); ++k) {
      if (k > 0) entries[k].prev_hash = hashes[k - 1];
      hashes[k] = EntryHash(entries[k]);
    }
  }
};

TEST_CASE("version 7 is accepted and EntriesCarryTerm names it alone", "[ledger][term]") {
  Genesis g;
  Version7(&g);
  CHECK(EntriesCarryTerm(g));
  g.version = kGenesisVersion6;
  CHECK_FALSE(EntriesCarryTerm(g));
  CHECK(kLatestGenesisVersion == kGenesisVersion7);
  // `liard-node init` still writes 6 unless asked for 7.
  CHECK(kCurrentGenesisVersion == kGenesisVersion6);
}

TEST_CASE("a termed entry's hash covers its term, in the documented layout", "[ledger][term]") {
  const Hash prev = Sha256({"prev"});
  JournalEntry e{9, kStart, prev, "envelope bytes", 42};
  const Hash h = EntryHash(e);
  CHECK(h == Sha256({kTermedEntryDomain, Fixed64BE(9), Fixed64BE(kStart), prev.view(),
                     Fixed64BE(42), "envelope bytes"}));
  JournalEntry other = e;
  other.term = 43;
  CHECK(EntryHash(other) != h);
  // Term 0 is the version 1 to 6 hash, byte for byte: old journals keep their hashes.
  other.term = 0;
  CHECK(EntryHash(other) ==
        Sha256({kEntryDomain, Fixed64BE(9), Fixed64BE(kStart), prev.view(), "envelope bytes"}));
  // NextEntry stamps the term it is given.
  HashedEntry next = NextEntry(8, prev, kStart, "envelope bytes", 42);
  CHECK(next.entry.term == 42);
  CHECK(next.hash == h);
}

TEST_CASE("CheckEntryTerm: none before version 7, at least one and never lower from it",
          "[ledger][term]") {
  JournalEntry e{5, kStart, Sha256({"p"}), "x", 0};
  CHECK(CheckEntryTerm(false, 0, e).ok());
  e.term = 3;
  CHECK(CheckEntryTerm(false, 0, e).code() == Code::kCorruption);
  CHECK(CheckEntryTerm(true, 0, e).ok());
  CHECK(CheckEntryTerm(true, 3, e).ok());
  const Status lower = CheckEntryTerm(true, 4, e);
  CHECK(lower.code() == Code::kCorruption);
  CHECK(lower.message() ==
        "its term 3 is lower than the term 4 of the entry before it: a deposed primary wrote it");
  e.term = 0;
  CHECK(CheckEntryTerm(true, 0, e).message() ==
        "it carries no term, but every entry of a version 7 ledger carries one");
}

TEST_CASE("a version 7 journal whose terms rise replays, and its snapshot keeps the term",
          "[ledger][term][replay]") {
  TermJournal j(Version7);
  for (int i = 0; i < 4; ++i) j.Add(100 + i, 7);
  for (int i = 0; i < 4; ++i) j.Add(200 + i, 12);  // a failover: a newer primary's entries
  std::unique_ptr<Replay> r;
  REQUIRE(j.Replayed(&r).ok());
  CHECK(r->term() == 12);
  CHECK(r->head_hash() == j.hashes.back());
  CHECK(r->state().full_digest() == j.f.state().full_digest());
  // A resumed replay still refuses an entry of a lower term after its head.
  std::unique_ptr<Replay> resumed;
  REQUIRE(Replay::Resume(j.f.genesis(), codec::EncodeGenesis(j.f.genesis()), r->EncodeSnapshot(),
                         &resumed)
              .ok());
  CHECK(resumed->term() == 12);
  const std::string envelope = j.f.Sign(j.f.TransferOp("alice", "shop", 5));
  HashedEntry stale = NextEntry(8, j.hashes.back(), kStart + 99'000, envelope, 7);
  PreparedEntry p;
  resumed->Prepare(stale.entry, stale.hash, codec::DecodeEnvelope, &p);
  const Status s = resumed->Commit(&p);
  CHECK(s.code() == Code::kCorruption);
  CHECK(resumed->discrepancy().sequence == 9);
  CHECK(resumed->discrepancy().why.find("lower than the term 12") != std::string::npos);
}

TEST_CASE(
    "an entry of a deposed primary's lower term is refused at its sequence, though every "
    "hash holds",
    "[ledger][term][replay]") {
  TermJournal j(Version7);
  for (int i = 0; i < 3; ++i) j.Add(100 + i, 7);
  for (int i = 0; i < 3; ++i) j.Add(200 + i, 12);
  j.Reterm(4, 7);  // entry 5 claims the old term after entry 4 of term 12
  std::unique_ptr<Replay> r;
  CHECK(j.Replayed(&r).code() == Code::kCorruption);
  CHECK(r->discrepancy().sequence == 5);
  CHECK(r->sequence() == 4);
}

TEST_CASE("a version 7 entry without a term, or an older ledger's entry with one, is refused",
          "[ledger][term][replay]") {
  SECTION("version 7, term 0") {
    TermJournal j(Version7);
    j.Add(100, 1);
    j.Add(101, 1);
    j.Reterm(1, 0);
    std::unique_ptr<Replay> r;
    CHECK(j.Replayed(&r).code() == Code::kCorruption);
    CHECK(r->discrepancy().sequence == 2);
    CHECK(r->discrepancy().why ==
          "it carries no term, but every entry of a version 7 ledger carries one");
  }
  SECTION("version 6, a term") {
    TermJournal j(Fixture::Version4);
    j.Add(100, 0);
    j.Add(101, 0);
    std::unique_ptr<Replay> sound;
    REQUIRE(j.Replayed(&sound).ok());  // an old journal replays unchanged with term 0
    CHECK(sound->term() == 0);
    j.Reterm(0, 5);
    std::unique_ptr<Replay> r;
    CHECK(j.Replayed(&r).code() == Code::kCorruption);
    CHECK(r->discrepancy().sequence == 1);
  }
}

}  // namespace
}  // namespace liard
