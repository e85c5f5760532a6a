// Store: the RocksDB journal and state, on a real database in a temporary directory, reopened.
#include "node/store.h"

#include <rocksdb/db.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>

#include "proto/codec.h"
#include "tests/e2e/tamper.h"
#include "tests/ledger/fixture.h"
#include "tests/node/store_fixture.h"

namespace liard::node {
namespace {

namespace fs = std::filesystem;
using testing::Fixture;
using testing::Member;

using testing::Chain;
using testing::Contains;
using testing::OpenStore;
using testing::ReopenAndLoad;
using testing::TempDir;

// Everything a state holds, in a fixed order, to compare two states record by record.
struct Snapshot {
  std::vector<Account> accounts;
  std::vector<std::pair<BookKey, int64_t>> balances;
  Totals totals;
  std::string governance;  // canonical bytes (Governance's == is unusable: Decision has none)
  Hash digest;
  explicit Snapshot(const MemoryState& s)
      : balances(s.NonZeroBalances()),
        totals(s.totals()),
        governance(EncodeGovernance(s.governance())),
        digest(s.digest()) {
    for (const auto& [id, a] : s.accounts()) accounts.push_back(a);
    std::sort(accounts.begin(), accounts.end(),
              [](const Account& a, const Account& b) { return a.id < b.id; });
    std::sort(balances.begin(), balances.end());
  }
  bool operator==(const Snapshot&) const = default;
};

Fixture ThreeMembers() {
  return Fixture({Member{"alice", AccountKind::kResident, 10'000},
                  Member{"bob", AccountKind::kResident, 500},
                  Member{"shop", AccountKind::kMerchant, 0}});
}

void InitializeFrom(Store* store, Fixture& f) {
  std::string genesis = codec::EncodeGenesis(f.genesis());
  REQUIRE(LedgerIdOf(genesis) == f.ledger().id());
  Status s = store->Initialize(genesis, f.ledger().id(), f.state());
  INFO(s.ToString());
  REQUIRE(s.ok());
}

std::string BalanceKeyBytes(const BookKey& key) {
  return std::string(1, static_cast<char>(key.slot)) + std::string(key.owner.view());
}

using testing::I64Bytes;
using testing::Tamper;
using testing::U64Bytes;

TEST_CASE("a store initialised with a genesis gives it back after reopening", "[node][store]") {
  TempDir dir;
  Fixture f = ThreeMembers();
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    CHECK_FALSE(store->initialized());
    std::string bytes;
    Hash id;
    CHECK(store->ReadGenesis(&bytes, &id).code() == Code::kNotFound);
    InitializeFrom(store.get(), f);
    CHECK(store->initialized());
  }
  auto store = OpenStore(dir.path(), /*create=*/false);
  CHECK(store->initialized());
  std::string bytes;
  Hash id;
  REQUIRE(store->ReadGenesis(&bytes, &id).ok());
  CHECK(bytes == codec::EncodeGenesis(f.genesis()));
  CHECK(id == f.ledger().id());

  MemoryState loaded;
  HeadState head;
  Status s = store->Load(&loaded, &head);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(Snapshot(loaded) == Snapshot(f.state()));
  // association, office, alice, bob, shop, and the three board members' accounts
  CHECK(loaded.account_count() == 8);
  CHECK(loaded.governance().board.size() == 3);
  CHECK(loaded.governance().threshold == 2);
  CHECK(head.sequence == 0);
  CHECK(head.head_hash == f.ledger().id());
  CHECK(head.time_ms == 0);
}

TEST_CASE("a database that holds a ledger cannot be initialised again", "[node][store]") {
  TempDir dir;
  Fixture f = ThreeMembers();
  std::string genesis = codec::EncodeGenesis(f.genesis());
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    InitializeFrom(store.get(), f);
    CHECK(store->Initialize(genesis, f.ledger().id(), f.state()).code() == Code::kAlreadyExists);
  }
  auto store = OpenStore(dir.path(), /*create=*/true);
  Fixture other({Member{"zoe", AccountKind::kResident, 1}});
  std::string other_genesis = codec::EncodeGenesis(other.genesis());
  Status s = store->Initialize(other_genesis, other.ledger().id(), other.state());
  CHECK(s.code() == Code::kAlreadyExists);
  CHECK(Contains(s.message(), ToHex(f.ledger().id())));
  std::string bytes;
  Hash id;
  REQUIRE(store->ReadGenesis(&bytes, &id).ok());
  CHECK(id == f.ledger().id());
}

TEST_CASE("an initialisation whose ledger id is not the genesis hash is refused", "[node][store]") {
  TempDir dir;
  Fixture f = ThreeMembers();
  auto store = OpenStore(dir.path(), /*create=*/true);
  Status s =
      store->Initialize(codec::EncodeGenesis(f.genesis()), Sha256({"another id"}), f.state());
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK_FALSE(store->initialized());
}

TEST_CASE("appended groups come back after reopening: state, head, entries, postings, index",
          "[node][store]") {
  TempDir dir;
  Fixture f = ThreeMembers();
  Chain chain(f);
  std::vector<AppliedOperation> all;
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    InitializeFrom(store.get(), f);
    auto append = [&](std::vector<AppliedOperation> group) {
      Status s = store->Append(group, f.state());
      INFO(s.ToString());
      REQUIRE(s.ok());
      all.insert(all.end(), group.begin(), group.end());
    };
    append({chain.Apply(f.TransferOp("alice", "shop", 1'250, "pain et fromage"))});
    f.Remember("carol");
    std::vector<AppliedOperation> g2;
    g2.push_back(chain.Apply(
        f.MakeOp("office", OpenAccount{Fixture::Id("carol"), AccountKind::kResident, "carol"})));
    g2.push_back(chain.Apply(f.TransferOp("alice", "carol", 300)));
    g2.push_back(chain.Apply(f.TransferOp("bob", "alice", 500)));  // bob's balance drops to 0
    append(std::move(g2));
    std::vector<AppliedOperation> g3;
    g3.push_back(chain.Apply(f.TransferOp("carol", "shop", 100)));
    g3.push_back(chain.Apply(f.TransferOp("shop", "alice", 50)));
    g3.push_back(chain.Apply(f.TransferOp("alice", "carol", 1)));
    g3.push_back(chain.Apply(f.TransferOp("alice", "carol", 2)));  // same payer twice in a group
    append(std::move(g3));
  }
  REQUIRE(all.size() == 8);
  REQUIRE(f.BalanceOf("bob") == 0);  // its balance key must be gone, not stored as zero
  REQUIRE(f.BalanceOf("carol") == 203);

  auto store = OpenStore(dir.path(), /*create=*/false);
  MemoryState loaded;
  HeadState head;
  Status s = store->Load(&loaded, &head);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(Snapshot(loaded) == Snapshot(f.state()));
  REQUIRE(loaded.FindAccount(Fixture::Id("carol")) != nullptr);
  CHECK(loaded.FindAccount(Fixture::Id("carol"))->sequence == 1);
  CHECK(head.sequence == chain.head().sequence);
  CHECK(head.head_hash == chain.head().head_hash);
  CHECK(head.time_ms == chain.head().time_ms);

  Hash prev = f.ledger().id();
  for (const auto& op : all) {
    const uint64_t seq = op.entry.sequence;
    JournalEntry e;
    Hash h;
    REQUIRE(store->ReadEntry(seq, &e, &h).ok());
    CHECK(e.sequence == seq);
    CHECK(e.time_ms == op.entry.time_ms);
    CHECK(e.envelope == op.entry.envelope);
    CHECK(h == op.entry_hash);
    CHECK(e.prev_hash == prev);  // the chain links
    CHECK(EntryHash(e) == h);
    prev = h;

    std::vector<Posting> postings;
    REQUIRE(store->ReadPostings(seq, &postings).ok());
    CHECK(postings == op.delta.postings);

    uint64_t found = 0;
    REQUIRE(store->FindOperation(op.op_id, &found).ok());
    CHECK(found == seq);
  }
  CHECK(prev == head.head_hash);

  std::vector<uint64_t> expected;
  for (const auto& op : all)
    if (std::count(op.touched.begin(), op.touched.end(), Fixture::Id("alice")))
      expected.insert(expected.begin(), op.entry.sequence);
  std::vector<uint64_t> history;
  REQUIRE(store->History(Fixture::Id("alice"), 0, 100, &history).ok());
  CHECK(history == expected);
  CHECK(history.size() == 6);

  JournalEntry e;
  Hash h;
  std::vector<Posting> postings;
  uint64_t seq = 0;
  CHECK(store->ReadEntry(head.sequence + 1, &e, &h).code() == Code::kNotFound);
  CHECK(store->ReadEntry(0, &e, &h).code() == Code::kNotFound);
  CHECK(store->ReadPostings(head.sequence + 1, &postings).code() == Code::kNotFound);
  CHECK(store->FindOperation(Sha256({"never applied"}), &seq).code() == Code::kNotFound);
}

TEST_CASE(
    "CutAfter keeps the journal up to an entry and removes every later entry, its index keys "
    "and its effects on the state, in a way that survives reopening",
    "[node][store][rejoin]") {
  TempDir dir;
  Fixture f = ThreeMembers();
  Chain chain(f);
  std::vector<AppliedOperation> removed;
  HeadState kept;
  std::optional<MemoryState> kept_state;
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    InitializeFrom(store.get(), f);
    std::vector<AppliedOperation> g1;
    g1.push_back(chain.Apply(f.TransferOp("alice", "shop", 1'250)));
    g1.push_back(chain.Apply(f.TransferOp("bob", "shop", 100)));
    REQUIRE(store->Append(g1, f.state()).ok());
    kept = chain.head();
    kept_state.emplace(f.state());
    f.Remember("carol");
    removed.push_back(chain.Apply(
        f.MakeOp("office", OpenAccount{Fixture::Id("carol"), AccountKind::kResident, "carol"})));
    removed.push_back(chain.Apply(f.TransferOp("alice", "carol", 300)));
    removed.push_back(chain.Apply(f.TransferOp("bob", "alice", 400)));  // bob's balance to 0
    REQUIRE(store->Append(removed, f.state()).ok());
    REQUIRE(store->head().sequence == 5);

    // A head that is not the stored entry at its sequence is refused, and nothing changes.
    HeadState wrong = kept;
    wrong.head_hash = Sha256({"another entry"});
    CHECK(store->CutAfter(wrong, *kept_state).code() == Code::kInvalidArgument);
    HeadState beyond = chain.head();
    beyond.sequence = 9;
    CHECK(store->CutAfter(beyond, *kept_state).code() == Code::kInvalidArgument);
    CHECK(store->head().sequence == 5);

    Status s = store->CutAfter(kept, *kept_state);
    INFO(s.ToString());
    REQUIRE(s.ok());
    CHECK(store->head().sequence == 2);
  }
  auto store = OpenStore(dir.path(), /*create=*/false);
  MemoryState loaded;
  HeadState head;
  Status s = store->Load(&loaded, &head);
  INFO(s.ToString());
  REQUIRE(s.ok());  // the digest and totals recount agree with the state written
  CHECK(Snapshot(loaded) == Snapshot(*kept_state));
  CHECK(loaded.FindAccount(Fixture::Id("carol")) == nullptr);
  CHECK(head.sequence == 2);
  CHECK(head.head_hash == kept.head_hash);
  for (const AppliedOperation& op : removed) {
    JournalEntry e;
    Hash h;
    std::vector<Posting> postings;
    uint64_t seq = 0;
    CHECK(store->ReadEntry(op.entry.sequence, &e, &h).code() == Code::kNotFound);
    CHECK(store->ReadPostings(op.entry.sequence, &postings).code() == Code::kNotFound);
    CHECK(store->FindOperation(op.op_id, &seq).code() == Code::kNotFound);
  }
  std::vector<uint64_t> history;
  REQUIRE(store->History(Fixture::Id("alice"), 0, 100, &history).ok());
  CHECK(history == std::vector<uint64_t>{1});
  REQUIRE(store->History(Fixture::Id("carol"), 0, 100, &history).ok());
  CHECK(history.empty());
}

TEST_CASE("a group that does not continue the head is refused and writes nothing",
          "[node][store]") {
  TempDir dir;
  Fixture f = ThreeMembers();
  auto store = OpenStore(dir.path(), /*create=*/true);
  InitializeFrom(store.get(), f);
  Snapshot genesis_state(f.state());
  Chain chain(f);
  AppliedOperation a1 = chain.Apply(f.TransferOp("alice", "bob", 10));
  AppliedOperation a2 = chain.Apply(f.TransferOp("bob", "alice", 5));
  auto rehash = [](AppliedOperation* a) { a->entry_hash = EntryHash(a->entry); };

  std::vector<AppliedOperation> group;
  SECTION("a gap in the sequence") {
    AppliedOperation x = a1;
    x.entry.sequence = 2;
    rehash(&x);
    group = {x};
  }
  SECTION("a first entry that does not link to the head") {
    AppliedOperation x = a1;
    x.entry.prev_hash = Sha256({"not the head"});
    rehash(&x);
    group = {x};
  }
  SECTION("a later entry that does not link to the one before it") {
    AppliedOperation x = a2;
    x.entry.prev_hash = f.ledger().id();
    rehash(&x);
    group = {a1, x};
  }
  SECTION("two entries with the same sequence") {
    AppliedOperation x = a2;
    x.entry.sequence = 1;
    x.entry.prev_hash = a1.entry_hash;
    rehash(&x);
    group = {a1, x};
  }
  SECTION("an entry hash that is not the hash of the entry") {
    AppliedOperation x = a1;
    x.entry_hash.data[0] ^= 1;
    group = {x};
  }
  Status s = store->Append(group, f.state());
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK_FALSE(s.message().empty());

  // Nothing of the group is visible, before or after a reopen.
  for (int reopen = 0; reopen < 2; ++reopen) {
    JournalEntry e;
    Hash h;
    uint64_t seq = 0;
    std::vector<uint64_t> history;
    CHECK(store->ReadEntry(1, &e, &h).code() == Code::kNotFound);
    CHECK(store->FindOperation(a1.op_id, &seq).code() == Code::kNotFound);
    REQUIRE(store->History(Fixture::Id("alice"), 0, 10, &history).ok());
    CHECK(history.empty());
    MemoryState loaded;
    HeadState head;
    REQUIRE(store->Load(&loaded, &head).ok());
    CHECK(Snapshot(loaded) == genesis_state);
    CHECK(head.sequence == 0);
    CHECK(head.head_hash == f.ledger().id());
    store.reset();
    store = OpenStore(dir.path(), /*create=*/true);
  }

  // The store is still usable: the right group goes in, and cannot go in twice.
  REQUIRE(store->Append({a1, a2}, f.state()).ok());
  CHECK(store->Append({a2}, f.state()).code() == Code::kInvalidArgument);
  MemoryState loaded;
  HeadState head;
  REQUIRE(store->Load(&loaded, &head).ok());
  CHECK(Snapshot(loaded) == Snapshot(f.state()));
  CHECK(head.sequence == 2);
}

TEST_CASE("history pages newest first cover every entry exactly once", "[node][store]") {
  TempDir dir;
  Fixture f({Member{"alice", AccountKind::kResident, 1'000'000},
             Member{"bob", AccountKind::kResident, 0}, Member{"shop", AccountKind::kMerchant, 0}});
  auto store = OpenStore(dir.path(), /*create=*/true);
  InitializeFrom(store.get(), f);
  Chain chain(f);
  std::vector<uint64_t> alice;  // newest first
  std::vector<AppliedOperation> group;
  for (int i = 0; i < 1'500; ++i) {
    // Two of every three entries concern alice, so her sequences are not contiguous.
    bool bobs_turn = i % 3 == 2;
    group.push_back(
        chain.Apply(bobs_turn ? f.TransferOp("bob", "shop", 1) : f.TransferOp("alice", "bob", 1)));
    if (!bobs_turn) alice.insert(alice.begin(), group.back().entry.sequence);
    if (group.size() == 100) {
      REQUIRE(store->Append(group, f.state()).ok());
      group.clear();
    }
  }
  REQUIRE(alice.size() == 1'000);
  store.reset();
  store = OpenStore(dir.path(), /*create=*/false);

  std::vector<uint64_t> seen, page;
  uint64_t before = 0;
  int pages = 0;
  for (;;) {
    REQUIRE(store->History(Fixture::Id("alice"), before, 50, &page).ok());
    if (page.empty()) break;
    ++pages;
    CHECK(page.size() == 50);
    CHECK(std::is_sorted(page.rbegin(), page.rend()));
    if (before != 0) CHECK(page.front() < before);
    seen.insert(seen.end(), page.begin(), page.end());
    before = page.back();
  }
  CHECK(pages == 20);
  CHECK(seen == alice);

  // A page from the middle, a bound that is not one of her entries, and a zero limit.
  REQUIRE(store->History(Fixture::Id("alice"), alice[10], 5, &page).ok());
  CHECK(page == std::vector<uint64_t>(alice.begin() + 11, alice.begin() + 16));
  REQUIRE(store->History(Fixture::Id("alice"), alice[0] + 1, 1, &page).ok());
  CHECK(page == std::vector<uint64_t>{alice[0]});
  REQUIRE(store->History(Fixture::Id("alice"), 0, 0, &page).ok());
  CHECK(page.empty());
  REQUIRE(store->History(Fixture::Id("alice"), alice.back(), 10, &page).ok());
  CHECK(page.empty());

  // The shop was paid 500 times; the office never appears; an unknown id has nothing.
  REQUIRE(store->History(Fixture::Id("shop"), 0, 1'000, &page).ok());
  CHECK(page.size() == 500);
  REQUIRE(store->History(Fixture::Id("office"), 0, 50, &page).ok());
  CHECK(page.empty());
  REQUIRE(store->History(Fixture::Id("nobody"), 0, 50, &page).ok());
  CHECK(page.empty());
}

TEST_CASE("a balance altered behind the store's back makes loading fail as corruption",
          "[node][store]") {
  TempDir dir;
  Fixture f = ThreeMembers();
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    InitializeFrom(store.get(), f);
  }
  const BookKey alice = BookKey::Member(Fixture::Id("alice"));
  SECTION("the balance alone") {
    Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
      REQUIRE(
          db->Put(rocksdb::WriteOptions(), cf["balances"], BalanceKeyBytes(alice), I64Bytes(10'001))
              .ok());
    });
  }
  SECTION("the balance and the digest, recomputed to match") {
    // Only the totals' recount can catch this one.
    MemoryState altered = f.state();
    altered.PutBalance(alice, 10'001);
    Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
      REQUIRE(
          db->Put(rocksdb::WriteOptions(), cf["balances"], BalanceKeyBytes(alice), I64Bytes(10'001))
              .ok());
      REQUIRE(db->Put(rocksdb::WriteOptions(), cf["meta"], "digest",
                      std::string(altered.digest().view()))
                  .ok());
    });
  }
  SECTION("an account record, well formed") {
    // The totals cannot see this one: only the state digest does.
    Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
      const Account* a = f.state().FindAccount(Fixture::Id("alice"));
      std::string record(a->key.view());
      record += static_cast<char>(a->kind);
      record += static_cast<char>(a->status);
      record += U64Bytes(a->sequence + 7);
      record += std::string{0, 0, 0, static_cast<char>(a->name.size())} + a->name;
      record += std::string{0, 0, 0, 0};  // roles
      record += I64Bytes(a->member_until_ms);
      record += std::string{0, 0, 0, 0};  // no freeze reason
      REQUIRE(
          db->Put(rocksdb::WriteOptions(), cf["accounts"], std::string(a->id.view()), record).ok());
    });
  }
  SECTION("a balance deleted") {
    Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
      REQUIRE(db->Delete(rocksdb::WriteOptions(), cf["balances"], BalanceKeyBytes(alice)).ok());
    });
  }
  Status s = ReopenAndLoad(dir.path());
  CHECK(s.code() == Code::kCorruption);
  CHECK(Contains(s.message(), "altered or damaged"));
  CHECK(Contains(s.message(), dir.path()));
}

TEST_CASE("a version 2 ledger's store keeps its 2048-byte LtHash, appends to it and checks it",
          "[node][store][digest]") {
  TempDir dir;
  Fixture f({Member{"alice", AccountKind::kResident, 10'000},
             Member{"bob", AccountKind::kResident, 500}, Member{"shop", AccountKind::kMerchant, 0}},
            0, Fixture::Version2);
  REQUIRE(f.state().digest_rule() == kStateDigestLtHash);
  Chain chain(f);
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    InitializeFrom(store.get(), f);
    REQUIRE(store->Append({chain.Apply(f.TransferOp("alice", "shop", 1'250))}, f.state()).ok());
    REQUIRE(store
                ->Append({chain.Apply(f.TransferOp("bob", "alice", 500)),  // bob's balance: 0
                          chain.Apply(f.TransferOp("shop", "bob", 50))},
                         f.state())
                .ok());
  }
  std::string stored;
  Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
    REQUIRE(db->Get(rocksdb::ReadOptions(), cf["meta"], "digest", &stored).ok());
  });
  CHECK(stored == f.state().full_digest().Stored());
  CHECK(stored.size() == 2048);

  SECTION("loaded under its rule: the same state and digest") {
    auto store = OpenStore(dir.path(), /*create=*/false);
    MemoryState loaded(kStateDigestLtHash);
    HeadState head;
    Status s = store->Load(&loaded, &head);
    INFO(s.ToString());
    REQUIRE(s.ok());
    CHECK(Snapshot(loaded) == Snapshot(f.state()));
    CHECK(loaded.full_digest() == f.state().full_digest());
    CHECK(head.sequence == 3);
  }
  SECTION("loaded under rule 1: refused, naming the rule") {
    Status s = ReopenAndLoad(dir.path());
    CHECK(s.code() == Code::kCorruption);
    CHECK(Contains(s.message(), "meta/digest is not 32 bytes"));
  }
  SECTION("a well-formed account record altered: refused") {
    Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
      const AccountId bob = Fixture::Id("bob");
      std::string v;
      REQUIRE(db->Get(rocksdb::ReadOptions(), cf["accounts"], std::string(bob.view()), &v).ok());
      v[32 + 1] = static_cast<char>(AccountStatus::kFrozen);  // after the key and the kind
      REQUIRE(db->Put(rocksdb::WriteOptions(), cf["accounts"], std::string(bob.view()), v).ok());
    });
    Status s = ReopenAndLoad(dir.path(), kStateDigestLtHash);
    INFO(s.ToString());
    CHECK(s.code() == Code::kCorruption);
    CHECK(Contains(s.message(), "altered or damaged"));
    CHECK(Contains(s.message(), "digest"));
  }
  SECTION("the LtHash cut short: refused") {
    Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
      REQUIRE(db->Put(rocksdb::WriteOptions(), cf["meta"], "digest", stored.substr(0, 32)).ok());
    });
    Status s = ReopenAndLoad(dir.path(), kStateDigestLtHash);
    CHECK(s.code() == Code::kCorruption);
    CHECK(Contains(s.message(), "meta/digest is not 2048 bytes"));
  }
}

TEST_CASE("board proposals and decisions come back after reopening, checked by the digest",
          "[node][store][governance]") {
  TempDir dir;
  Fixture f = ThreeMembers();  // a board of 2 of 3
  Chain chain(f);
  const int64_t expires = 1'700'000'000'000 + 24 * 3600 * 1000;
  Hash pause_id, freeze_id;
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    InitializeFrom(store.get(), f);
    // A proposal alone in its group: pending after one approval.
    AppliedOperation propose =
        chain.Apply(f.MakeOp("board-1", Propose{Pause{"key theft at the office"}, expires}));
    pause_id = propose.op_id;
    REQUIRE(store->Append({propose}, f.state()).ok());
    REQUIRE(f.state().governance().pending.size() == 1);
    // A group where a transfer follows the decision: the record written is the group's last.
    std::vector<AppliedOperation> g2;
    g2.push_back(chain.Apply(f.TransferOp("alice", "bob", 10)));
    g2.push_back(chain.Apply(
        f.MakeOp("board-3", Propose{Freeze{Fixture::Id("bob"), "court order 12"}, expires})));
    freeze_id = g2.back().op_id;
    g2.push_back(chain.Apply(f.MakeOp("board-2", Approve{pause_id})));
    REQUIRE(store->Append(std::move(g2), f.state()).ok());
  }
  REQUIRE(f.state().governance().paused);
  REQUIRE(f.state().governance().pending.size() == 1);

  auto store = OpenStore(dir.path(), /*create=*/false);
  MemoryState loaded;
  HeadState head;
  Status s = store->Load(&loaded, &head);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(Snapshot(loaded) == Snapshot(f.state()));
  CHECK(loaded.governance().paused);
  CHECK(loaded.governance().pause_reason == "key theft at the office");
  REQUIRE(loaded.governance().pending.size() == 1);
  CHECK(loaded.governance().pending[0].id == freeze_id);
  CHECK(loaded.governance().FindProposal(pause_id) == nullptr);  // decided, so gone
  CHECK(loaded.digest() == f.state().digest());
}

TEST_CASE("a governance record altered behind the store's back makes loading fail",
          "[node][store][governance]") {
  TempDir dir;
  Fixture f = ThreeMembers();
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    InitializeFrom(store.get(), f);
  }
  std::string expect;
  SECTION("well formed: the board's threshold lowered to one") {
    Governance g = f.state().governance();
    REQUIRE(g.threshold == 2);
    g.threshold = 1;
    Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
      REQUIRE(db->Put(rocksdb::WriteOptions(), cf["meta"], "governance", EncodeGovernance(g)).ok());
    });
    expect = "altered or damaged";
  }
  SECTION("bytes that do not decode") {
    Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
      REQUIRE(db->Put(rocksdb::WriteOptions(), cf["meta"], "governance", "abc").ok());
    });
    expect = "meta/governance does not decode";
  }
  SECTION("deleted") {
    Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
      REQUIRE(db->Delete(rocksdb::WriteOptions(), cf["meta"], "governance").ok());
    });
    expect = "meta/governance is missing";
  }
  Status s = ReopenAndLoad(dir.path());
  INFO(s.ToString());
  CHECK(s.code() == Code::kCorruption);
  CHECK(Contains(s.message(), expect));
}

TEST_CASE("a database of the format before governance is refused, saying why",
          "[node][store][governance]") {
  TempDir dir;
  Fixture f = ThreeMembers();
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    InitializeFrom(store.get(), f);
  }
  Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf["meta"], "format", "liard-store/1").ok());
  });
  std::unique_ptr<Store> store;
  Status s = Store::Open(dir.path(), /*create=*/false, &store);
  INFO(s.ToString());
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(Contains(s.message(), "liard-store/1"));
  CHECK(Contains(s.message(), "before governance"));
  CHECK(Contains(s.message(), dir.path()));
  CHECK(store == nullptr);
}

TEST_CASE("a journal that ends before the head does not load", "[node][store]") {
  TempDir dir;
  Fixture f = ThreeMembers();
  Chain chain(f);
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    InitializeFrom(store.get(), f);
    REQUIRE(store->Append({chain.Apply(f.TransferOp("alice", "bob", 10))}, f.state()).ok());
    REQUIRE(store->Append({chain.Apply(f.TransferOp("bob", "alice", 5))}, f.state()).ok());
  }
  Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
    REQUIRE(db->Delete(rocksdb::WriteOptions(), cf["journal"], U64Bytes(2)).ok());
  });
  Status s = ReopenAndLoad(dir.path());
  CHECK(s.code() == Code::kCorruption);
  CHECK(Contains(s.message(), "the head is entry 2 but the journal ends at entry 1"));
}

TEST_CASE("a record that does not decode is reported with its column family and key",
          "[node][store]") {
  TempDir dir;
  Fixture f = ThreeMembers();
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    InitializeFrom(store.get(), f);
  }
  const AccountId alice = Fixture::Id("alice");
  Tamper(dir.path(), [&](rocksdb::DB* db, auto& cf) {
    REQUIRE(
        db->Put(rocksdb::WriteOptions(), cf["accounts"], std::string(alice.view()), "abc").ok());
  });
  Status s = ReopenAndLoad(dir.path());
  CHECK(s.code() == Code::kCorruption);
  CHECK(Contains(s.message(), "accounts/" + ToHex(alice)));
}

TEST_CASE("a database in use by another store cannot be opened", "[node][store]") {
  TempDir dir;
  auto first = OpenStore(dir.path(), /*create=*/true);
  std::unique_ptr<Store> second;
  Status s = Store::Open(dir.path(), true, &second);
  CHECK(s.code() == Code::kUnavailable);
  CHECK(Contains(s.message(), "another liard-node is using " + dir.path()));
  CHECK(second == nullptr);
  first.reset();
  CHECK(Store::Open(dir.path(), true, &second).ok());
}

TEST_CASE("a missing database is created only when asked", "[node][store]") {
  TempDir dir;
  std::unique_ptr<Store> store;
  Status s = Store::Open(dir.path(), /*create=*/false, &store);
  CHECK(s.code() == Code::kNotFound);
  CHECK(Contains(s.message(), dir.path()));
  CHECK_FALSE(fs::exists(dir.path()));
  REQUIRE(Store::Open(dir.path(), /*create=*/true, &store).ok());
  CHECK_FALSE(store->initialized());
  // The node's seed will live here: only its owner may read the directory.
  CHECK((fs::status(dir.path()).permissions() & (fs::perms::group_all | fs::perms::others_all)) ==
        fs::perms::none);
}

TEST_CASE("a directory holding other files is refused", "[node][store]") {
  TempDir dir;
  fs::create_directories(dir.path());
  std::ofstream(dir.path() + "/notes.txt") << "not a database\n";
  std::unique_ptr<Store> store;
  Status s = Store::Open(dir.path(), /*create=*/true, &store);
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(Contains(s.message(), dir.path()));
  CHECK_FALSE(fs::exists(dir.path() + "/CURRENT"));
}

TEST_CASE("a RocksDB database of another program is refused and left as it was", "[node][store]") {
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, dir.path(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    REQUIRE(db->Put(rocksdb::WriteOptions(), "user:42", "someone else's data").ok());
    REQUIRE(db->Close().ok());
  }
  std::unique_ptr<Store> store;
  Status s = Store::Open(dir.path(), /*create=*/true, &store);
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(Contains(s.message(), "another program"));
  std::vector<std::string> names;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.path(), &names).ok());
  CHECK(names == std::vector<std::string>{rocksdb::kDefaultColumnFamilyName});
}

TEST_CASE("a checkpoint and the node's seed come back after reopening", "[node][store]") {
  TempDir dir;
  Checkpoint c{42, Sha256({"head"}), Sha256({"digest"}), 1'700'000'123'456};
  KeyPair node_key = testing::KeyFor("node");
  Signature sig = node_key.Sign("checkpoint message");
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    Checkpoint got;
    Signature got_sig;
    Seed seed;
    CHECK(store->ReadCheckpoint(&got, &got_sig).code() == Code::kNotFound);
    CHECK(store->ReadNodeSeed(&seed).code() == Code::kNotFound);
    REQUIRE(store->PutCheckpoint(Checkpoint{1, {}, {}, 1}, Signature{}).ok());
    REQUIRE(store->PutCheckpoint(c, sig).ok());  // the latest replaces the one before
    REQUIRE(store->PutNodeSeed(node_key.seed()).ok());
  }
  auto store = OpenStore(dir.path(), /*create=*/true);
  Checkpoint got;
  Signature got_sig;
  REQUIRE(store->ReadCheckpoint(&got, &got_sig).ok());
  CHECK(got.sequence == c.sequence);
  CHECK(got.head_hash == c.head_hash);
  CHECK(got.state_digest == c.state_digest);
  CHECK(got.time_ms == c.time_ms);
  CHECK(got_sig == sig);
  Seed seed;
  REQUIRE(store->ReadNodeSeed(&seed).ok());
  CHECK(seed == node_key.seed());
}

// The write-ahead log files in `dir`: RocksDB's *.log, not its info LOG.
std::vector<std::string> WalFiles(const std::string& dir) {
  std::vector<std::string> logs;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".log") logs.push_back(entry.path().filename().string());
  std::sort(logs.begin(), logs.end());
  return logs;
}

// RocksDB 7.8 creates a WAL at every open and, if the WAL it recovered held nothing, never
// deletes that one: a node restarted often (or crashing in a loop) filled its directory.
TEST_CASE("reopening the store does not accumulate write-ahead log files", "[node][store]") {
  TempDir dir;
  Checkpoint c{1, Sha256({"head"}), Sha256({"digest"}), 1'700'000'000'000};
  bool write = GENERATE(true, false);
  INFO((write ? "a checkpoint written in every session" : "no write at all"));
  for (int i = 0; i < 5; ++i) {
    auto store = OpenStore(dir.path(), /*create=*/true);
    if (write) {
      c.sequence = i + 1;
      REQUIRE(store->PutCheckpoint(c, Signature{}).ok());
    }
  }
  auto logs = WalFiles(dir.path());
  std::string names;
  for (const auto& n : logs) names += n + " ";
  INFO("log files: " << names);
  CHECK(logs.size() <= 1);
  // And what was written is still there.
  auto store = OpenStore(dir.path(), /*create=*/true);
  if (write) {
    Checkpoint got;
    Signature sig;
    REQUIRE(store->ReadCheckpoint(&got, &sig).ok());
    CHECK(got.sequence == 5);
  }
  CHECK(WalFiles(dir.path()).size() <= 2);  // the one just created, at most one before it
}

// A state of `n` residents with distinct balances, the fund backing them, as a migration from
// another system would bring. Built directly: signing n operations would take far longer.
void BuildLargeState(int n, MemoryState* state) {
  Totals totals{};
  int64_t sum = 0;
  for (int i = 0; i < n; ++i) {
    Account a;
    a.id = Sha256({"member", std::to_string(i)});
    a.key = a.id;
    a.kind = AccountKind::kResident;
    a.name = "member " + std::to_string(i);
    BookKey key = BookKey::Member(a.id);
    state->PutAccount(std::move(a));
    int64_t balance = 1'000 + i;
    state->PutBalance(key, balance);
    sum += balance;
  }
  state->PutBalance(BookKey::System(Slot::kIssuance), -sum);
  state->PutBalance(BookKey::System(Slot::kFund), sum);
  state->PutBalance(BookKey::System(Slot::kEuroExternal), -sum);
  totals[static_cast<size_t>(Slot::kMember)] = sum;
  totals[static_cast<size_t>(Slot::kIssuance)] = -sum;
  totals[static_cast<size_t>(Slot::kFund)] = sum;
  totals[static_cast<size_t>(Slot::kEuroExternal)] = -sum;
  state->SetTotals(totals);
}

// Prints how long Load takes; with `compare`, also the floor it cannot go below.
void TimeLoad(int n, bool compare, uint32_t rule = kStateDigestSum) {
  TempDir dir;
  MemoryState state(rule);
  BuildLargeState(n, &state);
  REQUIRE(CheckTotals(state.NonZeroBalances(), state.totals()).ok());
  const std::string genesis = "a genesis for " + std::to_string(n) + " accounts";
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    REQUIRE(store->Initialize(genesis, LedgerIdOf(genesis), state).ok());
  }
  auto store = OpenStore(dir.path(), /*create=*/false);
  using Clock = std::chrono::steady_clock;
  auto ms_since = [](Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
  };
  MemoryState loaded(rule);
  HeadState head;
  auto start = Clock::now();
  Status s = store->Load(&loaded, &head);
  auto load_ms = ms_since(start);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(loaded.account_count() == static_cast<size_t>(n));
  CHECK(loaded.digest() == state.digest());
  CHECK(loaded.full_digest() == state.full_digest());

  std::cout << "store: Load of " << n << " accounts (digest rule " << rule << ") took " << load_ms
            << " ms";
  if (compare) {
    // The floor for Load without changing MemoryState: filling one from records already in
    // memory, in the same run on the same machine.
    start = Clock::now();
    MemoryState copy(rule);
    for (const auto& [id, a] : state.accounts()) copy.PutAccount(a);
    for (const auto& [key, balance] : state.NonZeroBalances()) copy.PutBalance(key, balance);
    auto fill_ms = ms_since(start);
    REQUIRE(copy.digest() == state.digest());
    std::cout << "; filling a MemoryState with them from memory took " << fill_ms << " ms";
  }
  std::cout << "\n";
}

TEST_CASE("a store of a hundred thousand accounts loads whole and checked (time printed)",
          "[node][store]") {
  TimeLoad(100'000, /*compare=*/false);
}

TEST_CASE("a store of a hundred thousand accounts under digest rule 2 loads whole and checked",
          "[node][store][digest]") {
  TimeLoad(100'000, /*compare=*/false, kStateDigestLtHash);
}

// Not run by default (hidden tag): ./store_tests "[benchmark]"
TEST_CASE("a store of a million accounts loads whole and checked (time printed)",
          "[.][benchmark][node][store]") {
  TimeLoad(1'000'000, /*compare=*/true);
  TimeLoad(1'000'000, /*compare=*/true, kStateDigestLtHash);
}

TEST_CASE(
    "the standing orders' index keys come back through History, and the index is marked "
    "whole from initialisation or once filled",
    "[node][store][order]") {
  TempDir dir;
  Fixture f = testing::TwoMembers();
  Chain chain(f);
  const Hash order = Sha256({"an order id"});
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    REQUIRE(store->Initialize(codec::EncodeGenesis(f.genesis()), f.ledger().id(), f.state()).ok());
    bool complete = false;
    REQUIRE(store->OrderIndexComplete(&complete).ok());
    CHECK(complete);  // a new database has every entry's keys from the start
    std::vector<AppliedOperation> group = testing::TransferGroup(f, chain, 4);
    group[1].indexed = {order};
    group[3].indexed = {order};
    REQUIRE(store->Append(group, f.state()).ok());
  }
  auto store = OpenStore(dir.path(), /*create=*/false);
  std::vector<uint64_t> seqs;
  REQUIRE(store->History(order, 0, 10, &seqs).ok());
  CHECK(seqs == std::vector<uint64_t>{4, 2});  // newest first
  // An id is not an account: the accounts' own histories are unchanged.
  REQUIRE(store->History(Fixture::Id("alice"), 0, 10, &seqs).ok());
  CHECK(seqs.size() == 4);
  store.reset();
  // A database from before the index: no mark, until keys are written with it.
  Tamper(dir.path(), [](rocksdb::DB* db, auto& cf) {
    REQUIRE(db->Delete(rocksdb::WriteOptions(), cf["meta"], "order_index").ok());
  });
  store = OpenStore(dir.path(), /*create=*/false);
  bool complete = true;
  REQUIRE(store->OrderIndexComplete(&complete).ok());
  CHECK_FALSE(complete);
  const Hash other = Sha256({"another order id"});
  REQUIRE(store->PutIndexed({{other, 1}, {other, 3}}, /*complete=*/false).ok());
  REQUIRE(store->OrderIndexComplete(&complete).ok());
  CHECK_FALSE(complete);
  REQUIRE(store->PutIndexed({}, /*complete=*/true).ok());
  REQUIRE(store->OrderIndexComplete(&complete).ok());
  CHECK(complete);
  REQUIRE(store->History(other, 0, 10, &seqs).ok());
  CHECK(seqs == std::vector<uint64_t>{3, 1});
}

TEST_CASE("a termed entry keeps its term through the store, and a lower term is refused",
          "[node][store][term]") {
  TempDir dir;
  Fixture f({Member{"alice", AccountKind::kResident, 100'000},
             Member{"bob", AccountKind::kResident, 100'000}},
            0, [](Genesis* g) {
              Fixture::Version4(g);
              g->version = kGenesisVersion7;
            });
  testing::Chain chain(f);
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    InitializeFrom(store.get(), f);
    chain.term = 3;
    testing::AppendGroups(store.get(), f, chain, 1, 4);
    chain.term = 9;
    testing::AppendGroups(store.get(), f, chain, 1, 4);
    // A group whose entry goes back to an older term leaves no trace.
    chain.term = 8;
    std::vector<AppliedOperation> stale = testing::TransferGroup(f, chain, 1);
    CHECK(store->Append(stale, f.state()).code() == Code::kInvalidArgument);
  }
  auto store = OpenStore(dir.path(), /*create=*/false);
  MemoryState loaded(StateDigestRuleOf(f.genesis()));
  HeadState head;
  REQUIRE(store->Load(&loaded, &head).ok());
  CHECK(head.sequence == 8);
  CHECK(head.term == 9);
  for (uint64_t n = 1; n <= 8; ++n) {
    JournalEntry e;
    Hash h;
    REQUIRE(store->ReadEntry(n, &e, &h).ok());
    CHECK(e.term == (n <= 4 ? 3u : 9u));
    CHECK(EntryHash(e) == h);
    SignedOperation so;
    CHECK(codec::DecodeEnvelope(e.envelope, &so).ok());  // the term is not in the envelope
  }
}

}  // namespace
}  // namespace liard::node
