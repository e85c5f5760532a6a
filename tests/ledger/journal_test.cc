// Journal: the hash chain, checkpoint bytes and the additive state digest.
#include "ledger/journal.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <random>
#include <thread>

#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;

TEST_CASE("SHA-256 gives the published test vectors, in one part or many", "[ledger][crypto]") {
  // FIPS 180-2 examples; the hash every entry, operation id and digest record relies on.
  CHECK(ToHex(Sha256({""})) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(ToHex(Sha256({"abc"})) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(ToHex(Sha256({two_blocks})) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const std::string million(1'000'000, 'a');
  CHECK(ToHex(Sha256({million})) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Split anywhere, the parts hash as their concatenation.
  for (size_t cut = 0; cut <= two_blocks.size(); ++cut)
    CHECK(Sha256({std::string_view(two_blocks).substr(0, cut),
                  std::string_view(two_blocks).substr(cut)}) == Sha256({two_blocks}));
  // Each thread keeps its own context: hashing from several at once gives the same results.
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i)
        if (ToHex(Sha256({"a", "bc"})) !=
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
          ++wrong;
    });
  for (auto& t : threads) t.join();
  CHECK(wrong == 0);
}

TEST_CASE("an entry's hash changes with any byte of the entry", "[ledger][journal]") {
  JournalEntry e{7, 1'700'000'000'000, Sha256({"prev"}), "envelope bytes"};
  Hash h = EntryHash(e);
  JournalEntry x = e;
  x.sequence = 8;
  CHECK(EntryHash(x) != h);
  x = e;
  x.time_ms += 1;
  CHECK(EntryHash(x) != h);
  x = e;
  x.prev_hash.data[31] ^= 1;
  CHECK(EntryHash(x) != h);
  x = e;
  x.envelope[3] ^= 1;
  CHECK(EntryHash(x) != h);
  CHECK(EntryHash(e) == h);
}

TEST_CASE("the checkpoint message has the documented layout", "[ledger][journal]") {
  Checkpoint c{0x0102030405060708ULL, Sha256({"head"}), Sha256({"digest"}), 42};
  std::string m = CheckpointMessage(Sha256({"ledger"}), c);
  REQUIRE(m.size() == kCheckpointDomain.size() + 32 + 8 + 32 + 32 + 8);
  CHECK(m.substr(0, kCheckpointDomain.size()) == kCheckpointDomain);
  CHECK(static_cast<uint8_t>(m[kCheckpointDomain.size() + 32]) == 0x01);  // big-endian
  CHECK(static_cast<uint8_t>(m.back()) == 42);
}

TEST_CASE("the state digest does not depend on the order records were added", "[ledger][journal]") {
  std::mt19937_64 rng(12345);
  std::vector<Hash> records;
  for (int i = 0; i < 200; ++i) records.push_back(Sha256({std::to_string(rng())}));
  StateDigest a, b;
  for (const auto& r : records) a.Add(r);
  std::shuffle(records.begin(), records.end(), rng);
  for (const auto& r : records) b.Add(r);
  CHECK(a == b);
  for (int i = 0; i < 100; ++i) b.Remove(records[i]);
  StateDigest c;
  for (int i = 100; i < 200; ++i) c.Add(records[i]);
  CHECK(b == c);
  for (int i = 100; i < 200; ++i) c.Remove(records[i]);
  CHECK(c == StateDigest());
}

TEST_CASE("a memory state's digest equals a recount from its records", "[ledger][journal]") {
  Fixture f(
      {Member{"alice", AccountKind::kResident, 5'000}, Member{"bob", AccountKind::kResident, 0}});
  REQUIRE(f.Submit(f.TransferOp("alice", "bob", 5'000)).ok());  // alice's balance drops to zero
  REQUIRE(f.Submit(f.TransferOp("bob", "alice", 1'000)).ok());
  StateDigest recount;
  for (const auto& [id, a] : f.state().accounts()) recount.Add(AccountRecordHash(a));
  for (const auto& [key, balance] : f.state().NonZeroBalances())
    recount.Add(BalanceRecordHash(key, balance));
  recount.Add(GovernanceRecordHash(f.state().governance()));
  CHECK(f.state().digest() == recount.value());
  // A copy restored record by record (as the node does at start-up) has the same digest.
  MemoryState restored;
  for (const auto& [id, a] : f.state().accounts()) restored.PutAccount(a);
  for (const auto& [key, balance] : f.state().NonZeroBalances()) restored.PutBalance(key, balance);
  restored.PutGovernance(f.state().governance());
  CHECK(restored.digest() == f.state().digest());
  // And one cent of difference anywhere shows.
  restored.PutBalance(BookKey::Member(Fixture::Id("bob")), 4'001);
  CHECK(restored.digest() != f.state().digest());
}

TEST_CASE("touched accounts are the actor and every member whose money moved",
          "[ledger][journal]") {
  Fixture f(
      {Member{"alice", AccountKind::kResident, 100}, Member{"bob", AccountKind::kResident, 0}});
  Operation op = f.TransferOp("alice", "bob", 10);
  Delta d;
  d.postings = {{BookKey::Member(Fixture::Id("alice")), -10},
                {BookKey::Member(Fixture::Id("bob")), 10}};
  auto ids = TouchedAccounts(op, d);
  CHECK(ids.size() == 2);
}

}  // namespace
}  // namespace liard
