// Replay: a journal re-checked from the genesis finds the first altered, missing or forged
// entry by its sequence, and resumes from a saved snapshot to the same state.
#include <catch2/catch.hpp>

#include "ledger/replay.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;

constexpr int64_t kStart = 1'700'000'000'000;

// A ledger driven through the fixture, with the journal the node would have written.
struct Journal {
  Fixture f;
  std::vector<JournalEntry> entries;
  std::vector<Hash> hashes;

  void Add(const Operation& op, int64_t time_ms) {
    const std::string envelope = f.Sign(op);
    REQUIRE(f.SubmitEnvelope(envelope, time_ms).ok());
    JournalEntry e{entries.size() + 1, time_ms, hashes.empty() ? f.ledger().id() : hashes.back(),
                   envelope};
    hashes.push_back(EntryHash(e));
    entries.push_back(std::move(e));
  }

  // `customize`: e.g. Fixture::Version2, for a ledger under state digest rule 2.
  explicit Journal(int n, const std::function<void(Genesis*)>& customize = nullptr)
      : f({Member{"alice", AccountKind::kResident, 50'000},
           Member{"bob", AccountKind::kResident, 10'000},
           Member{"shop", AccountKind::kMerchant, 0}},
          0, customize) {
    int64_t t = kStart;
    for (int i = 0; i < n; ++i) {
      t += 1'000;
      switch (i % 4) {
        case 0:
          Add(f.TransferOp("alice", "shop", 100 + i), t);
          break;
        case 1:
          Add(f.TransferOp("bob", "alice", 7), t);
          break;
        case 2:
          Add(f.MakeOp("office", Conversion{Fixture::Id("bob"), Amount(250), ""}), t);
          break;
        default:
          Add(f.MakeOp("shop", Reconversion{Amount(50)}), t);
          break;
      }
    }
  }

  std::unique_ptr<Replay> Start() const {
    std::unique_ptr<Replay> r;
    REQUIRE(Replay::Create(f.genesis(), codec::EncodeGenesis(f.genesis()), &r).ok());
    return r;
  }
};

Status DecodeEnvelope(std::string_view bytes, SignedOperation* out) {
  return codec::DecodeEnvelope(bytes, out);
}

// Replays entries [from, to) and returns the first refusal, if any.
Status Run(Replay* r, const std::vector<JournalEntry>& entries, const std::vector<Hash>& hashes,
           size_t from = 0, size_t to = SIZE_MAX) {
  for (size_t i = from; i < std::min(to, entries.size()); ++i) {
    PreparedEntry p;
    r->Prepare(entries[i], hashes[i], DecodeEnvelope, &p);
    Status s = r->Commit(&p);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

TEST_CASE("a sound journal replays to the node's own state, digest and head",
          "[ledger][replay][audit]") {
  Journal j(200);
  auto r = j.Start();
  REQUIRE(Run(r.get(), j.entries, j.hashes).ok());
  CHECK(r->sequence() == 200);
  CHECK(r->head_hash() == j.hashes.back());
  CHECK(r->state().digest() == j.f.state().digest());
  CHECK(r->state().totals() == j.f.state().totals());
  CHECK(r->discrepancy().sequence == 0);
}

TEST_CASE("one byte changed anywhere in an entry is found at its sequence",
          "[ledger][replay][audit]") {
  Journal j(40);
  // Every byte of entry 23's envelope, one at a time: each is caught at 23, never later.
  const size_t victim = 22;
  for (size_t at = 0; at < j.entries[victim].envelope.size(); ++at) {
    auto entries = j.entries;
    entries[victim].envelope[at] ^= 0x01;
    auto r = j.Start();
    Status s = Run(r.get(), entries, j.hashes);
    INFO("byte " << at << ": " << s.ToString());
    REQUIRE(s.code() == Code::kCorruption);
    CHECK(r->discrepancy().sequence == 23);
    CHECK(r->sequence() == 22);  // everything before it was accepted
  }
  // A forger who also recomputes the entry's hash breaks the next link instead, or the
  // signature: still caught at 23.
  auto entries = j.entries;
  auto hashes = j.hashes;
  entries[victim].envelope.back() ^= 0x01;  // the signature's last byte
  hashes[victim] = EntryHash(entries[victim]);
  auto r = j.Start();
  CHECK(Run(r.get(), entries, hashes).code() == Code::kCorruption);
  CHECK(r->discrepancy().sequence == 23);
  CHECK(r->discrepancy().why.find("does not verify") != std::string::npos);
}

TEST_CASE("an envelope in another encoding than the node takes fails, though its hash is right",
          "[ledger][replay][audit]") {
  Journal j(12);
  // The last entry's envelope with its fields in reverse order: the same body, key and
  // signature, as a node that re-encoded nothing would never have journaled it.
  liard::v1::SignedOperation m;
  REQUIRE(m.ParseFromString(j.entries.back().envelope));
  auto field = [](int number, const std::string& bytes) {
    std::string out(1, static_cast<char>(number << 3 | 2));
    for (size_t n = bytes.size();; n >>= 7) {
      out.push_back(static_cast<char>((n & 0x7f) | (n >= 0x80 ? 0x80 : 0)));
      if (n < 0x80) break;
    }
    return out + bytes;
  };
  auto entries = j.entries;
  auto hashes = j.hashes;
  entries.back().envelope = field(3, m.signature()) + field(2, m.public_key()) + field(1, m.body());
  REQUIRE(entries.back().envelope != j.entries.back().envelope);
  hashes.back() = EntryHash(entries.back());
  auto r = j.Start();
  Status s = Run(r.get(), entries, hashes);
  INFO(s.ToString());
  CHECK(s.code() == Code::kCorruption);
  CHECK(r->discrepancy().sequence == 12);
  CHECK(r->discrepancy().why.find("not encoded canonically") != std::string::npos);
}

TEST_CASE("a changed time, a missing entry or a reordering is named by sequence",
          "[ledger][replay][audit]") {
  Journal j(30);
  {
    auto entries = j.entries;
    entries[9].time_ms += 1;
    auto r = j.Start();
    CHECK_FALSE(Run(r.get(), entries, j.hashes).ok());
    CHECK(r->discrepancy().sequence == 10);
    CHECK(r->discrepancy().why.find("altered") != std::string::npos);
  }
  {
    auto entries = j.entries;
    auto hashes = j.hashes;
    entries.erase(entries.begin() + 14);
    hashes.erase(hashes.begin() + 14);
    auto r = j.Start();
    CHECK_FALSE(Run(r.get(), entries, hashes).ok());
    CHECK(r->discrepancy().sequence == 15);
    // And nothing after a discrepancy is accepted.
    PreparedEntry p;
    r->Prepare(j.entries[14], j.hashes[14], DecodeEnvelope, &p);
    CHECK(r->Commit(&p).code() == Code::kCorruption);
  }
  {
    // A well-signed operation that the rules refuse (bob pays more than he has), slipped in
    // with a correct chain: the replay refuses it by the rules.
    Journal k(3);
    Operation op = k.f.TransferOp("bob", "alice", 1'000'000);
    JournalEntry e{4, kStart + 10'000, k.hashes.back(), k.f.Sign(op)};
    k.entries.push_back(e);
    k.hashes.push_back(EntryHash(e));
    auto r = k.Start();
    CHECK_FALSE(Run(r.get(), k.entries, k.hashes).ok());
    CHECK(r->discrepancy().sequence == 4);
    CHECK(r->discrepancy().why.find("INSUFFICIENT_FUNDS") != std::string::npos);
  }
}

TEST_CASE("a checkpoint is checked against the replayed head and digest",
          "[ledger][replay][audit]") {
  Journal j(20);
  const KeyPair node = KeyFor("node");
  auto r = j.Start();
  REQUIRE(Run(r.get(), j.entries, j.hashes, 0, 10).ok());
  Checkpoint c{10, j.hashes[9], r->state().digest(), kStart + 99'000};
  CHECK(r->CheckCheckpoint(c, node.Sign(CheckpointMessage(j.f.ledger().id(), c)), node.public_key())
            .ok());
  // Signed by another key.
  CHECK(r->CheckCheckpoint(c, KeyFor("mallory").Sign(CheckpointMessage(j.f.ledger().id(), c)),
                           node.public_key())
            .code() == Code::kCorruption);
  // Ahead of the replay: checked later.
  Checkpoint ahead{15, j.hashes[14], Hash{}, 0};
  CHECK(r->CheckCheckpoint(ahead, node.Sign(CheckpointMessage(j.f.ledger().id(), ahead)),
                           node.public_key())
            .code() == Code::kOutOfRange);
  // A node whose state was edited behind its back signs a digest no replay reaches.
  Checkpoint edited = c;
  edited.state_digest.data[0] ^= 1;
  CHECK(r->CheckCheckpoint(edited, node.Sign(CheckpointMessage(j.f.ledger().id(), edited)),
                           node.public_key())
            .code() == Code::kCorruption);
  CHECK(r->discrepancy().sequence == 10);
  CHECK(r->discrepancy().why.find("outside the rules") != std::string::npos);
}

TEST_CASE("a checkpoint counts only if signed by the node key the ledger names at its entry",
          "[ledger][replay][audit][node-key]") {
  const KeyPair first = KeyFor("node");
  const KeyPair second = KeyFor("node-2");
  Journal j(0, [&](Genesis* g) {
    g->version = kGenesisVersion2;
    g->node_key = first.public_key();
  });
  Fixture& f = j.f;
  const std::vector<JournalEntry>& entries = j.entries;
  const std::vector<Hash>& hashes = j.hashes;
  int64_t t = kStart;
  auto add = [&](const Operation& op) { j.Add(op, t += 1'000); };
  add(f.TransferOp("alice", "bob", 100));  // 1
  const Operation propose =
      f.MakeOp("board-1", Propose{SetNodeKey{second.public_key()}, kStart + 86'400'000});
  add(propose);  // 2: pending, the first key still named
  add(f.MakeOp("board-2", Approve{OperationId(f.ledger().id(), codec::EncodeOperation(propose))}));
  REQUIRE(f.state().governance().node_key == second.public_key());  // 3 decides
  add(f.TransferOp("alice", "bob", 200));                           // 4

  std::unique_ptr<Replay> r;
  REQUIRE(Replay::Create(f.genesis(), codec::EncodeGenesis(f.genesis()), &r).ok());
  auto sign = [&](const KeyPair& k, const Checkpoint& c) {
    return k.Sign(CheckpointMessage(f.ledger().id(), c));
  };
  REQUIRE(Run(r.get(), entries, hashes, 0, 2).ok());
  const Checkpoint at2{2, hashes[1], r->state().digest(), t};
  CHECK(r->CheckCheckpoint(at2, sign(first, at2), first.public_key()).ok());
  // A valid signature by a key the ledger does not name (yet) proves nothing.
  Status early = r->CheckCheckpoint(at2, sign(second, at2), second.public_key());
  CHECK(early.code() == Code::kCorruption);
  CHECK_THAT(early.message(),
             Catch::Contains("the ledger names node key " + KeyFingerprint(first.public_key())));

  REQUIRE(Run(r.get(), entries, hashes, 2).ok());
  const Checkpoint at4{4, hashes[3], r->state().digest(), t};
  CHECK(r->CheckCheckpoint(at4, sign(second, at4), second.public_key()).ok());
  Status stale = r->CheckCheckpoint(at4, sign(first, at4), first.public_key());
  CHECK(stale.code() == Code::kCorruption);
  CHECK_THAT(stale.message(),
             Catch::Contains("is signed by node key " + KeyFingerprint(first.public_key())));
  // Past checkpoints are judged by the key named at their own entry.
  CHECK(r->CheckCheckpoint(at2, sign(first, at2), first.public_key()).ok());
  const Checkpoint at3{3, hashes[2], Hash{}, t};
  CHECK(r->CheckCheckpoint(at3, sign(first, at3), first.public_key()).code() == Code::kCorruption);
  CHECK(r->CheckCheckpoint(at3, sign(second, at3), second.public_key()).ok());
  // Still judged the same after a resume from a snapshot.
  std::unique_ptr<Replay> resumed;
  REQUIRE(
      Replay::Resume(f.genesis(), codec::EncodeGenesis(f.genesis()), r->EncodeSnapshot(), &resumed)
          .ok());
  CHECK(resumed->CheckCheckpoint(at4, sign(first, at4), first.public_key()).code() ==
        Code::kCorruption);
  CHECK(resumed->CheckCheckpoint(at4, sign(second, at4), second.public_key()).ok());
}

TEST_CASE("a replay resumes from its snapshot to the same end", "[ledger][replay][audit]") {
  Journal j(120);
  auto first = j.Start();
  REQUIRE(Run(first.get(), j.entries, j.hashes, 0, 70).ok());
  const std::string snapshot = first->EncodeSnapshot();
  std::unique_ptr<Replay> resumed;
  REQUIRE(
      Replay::Resume(j.f.genesis(), codec::EncodeGenesis(j.f.genesis()), snapshot, &resumed).ok());
  CHECK(resumed->sequence() == 70);
  CHECK(resumed->state().digest() == first->state().digest());
  REQUIRE(Run(resumed.get(), j.entries, j.hashes, 70).ok());
  CHECK(resumed->state().digest() == j.f.state().digest());
  CHECK(resumed->head_hash() == j.hashes.back());
  // A damaged snapshot is refused rather than trusted.
  for (size_t at : {size_t{1}, size_t{50}, snapshot.size() / 2, snapshot.size() - 1}) {
    std::string bad = snapshot;
    bad[at] ^= 0x40;
    std::unique_ptr<Replay> r;
    INFO("byte " << at);
    CHECK(Replay::Resume(j.f.genesis(), codec::EncodeGenesis(j.f.genesis()), bad, &r).code() ==
          Code::kCorruption);
  }
}

// Feeds `entries` to a ContinuityCheck of `saved` until it proves or refuses the continuation.
Status Continues(const Replay& saved, const std::vector<JournalEntry>& entries,
                 const std::vector<Hash>& hashes, bool* proven) {
  ContinuityCheck check(saved);
  Status s;
  for (size_t i = 0; s.ok() && i < entries.size() && !check.proven(); ++i)
    s = check.Add(entries[i], hashes[i]);
  if (s.ok() && !check.proven()) s = check.End();
  *proven = check.proven();
  return s;
}

TEST_CASE("a saved replay continues only a journal whose entries up to it hash to its head",
          "[ledger][replay][audit][resume]") {
  Journal j(40);
  auto saved = j.Start();
  REQUIRE(Run(saved.get(), j.entries, j.hashes, 0, 30).ok());
  bool proven = false;
  // The same journal, longer now: proven at entry 30, and the replay goes on from there.
  REQUIRE(Continues(*saved, j.entries, j.hashes, &proven).ok());
  CHECK(proven);
  REQUIRE(Run(saved.get(), j.entries, j.hashes, 30).ok());
  CHECK(saved->head_hash() == j.hashes.back());

  auto at30 = j.Start();
  REQUIRE(Run(at30.get(), j.entries, j.hashes, 0, 30).ok());
  auto refused = [&](const std::vector<JournalEntry>& entries, const std::vector<Hash>& hashes) {
    bool p = true;
    Status s = Continues(*at30, entries, hashes, &p);
    CHECK_FALSE(p);
    CHECK(s.code() == Code::kCorruption);
    return s.message();
  };
  {
    // One byte of entry 5 changed, its recorded hash left: found at 5.
    auto entries = j.entries;
    entries[4].envelope[10] ^= 0x01;
    CHECK(refused(entries, j.hashes) ==
          "entry 5 differs from the one verified before (its contents no longer hash to its "
          "recorded hash)");
  }
  {
    // Its recorded hash recomputed too: entry 6 no longer links to it.
    auto entries = j.entries;
    auto hashes = j.hashes;
    entries[4].envelope[10] ^= 0x01;
    hashes[4] = EntryHash(entries[4]);
    CHECK(refused(entries, hashes) ==
          "entry 6 does not link to the entry before it: the hash chain is broken");
  }
  {
    // Every later hash and link recomputed as well: each entry looks sound on its own, and only
    // the saved head hash shows the history was rewritten. This is why entries 1 to 30 are
    // re-hashed, not entry 30 alone, whose stored link would still be the old one.
    auto entries = j.entries;
    auto hashes = j.hashes;
    entries[4].time_ms += 1;
    for (size_t i = 4; i < entries.size(); ++i) {
      if (i > 4) entries[i].prev_hash = hashes[i - 1];
      hashes[i] = EntryHash(entries[i]);
    }
    CHECK(refused(entries, hashes) ==
          "entry 30 does not hash to the head hash verified before: an entry up to 30 differs "
          "from the one verified then");
  }
  {
    // Another history of the same ledger: every entry sound, a different head.
    Journal other(0);
    for (int i = 0; i < 35; ++i) other.Add(other.f.TransferOp("bob", "alice", 1 + i), kStart + i);
    REQUIRE(other.f.ledger().id() == j.f.ledger().id());
    CHECK(refused(other.entries, other.hashes) ==
          "entry 30 does not hash to the head hash verified before: an entry up to 30 differs "
          "from the one verified then");
  }
  {
    // A shorter journal, and one with an entry missing.
    std::vector<JournalEntry> entries(j.entries.begin(), j.entries.begin() + 20);
    std::vector<Hash> hashes(j.hashes.begin(), j.hashes.begin() + 20);
    CHECK(refused(entries, hashes) ==
          "this journal ends at entry 20, before entry 30 where the saved replay stopped");
    entries = j.entries;
    hashes = j.hashes;
    entries.erase(entries.begin() + 11);
    hashes.erase(hashes.begin() + 11);
    CHECK(refused(entries, hashes) == "entry 12 is missing (the journal goes on with entry 13)");
  }
  {
    // Once refused, always refused.
    ContinuityCheck check(*at30);
    auto entries = j.entries;
    entries[0].prev_hash.data[0] ^= 1;
    CHECK(check.Add(entries[0], EntryHash(entries[0])).code() == Code::kCorruption);
    CHECK(check.Add(j.entries[1], j.hashes[1]).message() ==
          "entry 1 does not link to the entry before it: the hash chain is broken");
    CHECK_FALSE(check.proven());
  }
}

TEST_CASE("a version 2 journal replays to the node's LtHash, checks its checkpoints and resumes",
          "[ledger][replay][audit][digest]") {
  Journal j(60, Fixture::Version2);
  REQUIRE(j.f.state().digest_rule() == kStateDigestLtHash);
  const KeyPair node = KeyFor("node");
  auto first = j.Start();
  CHECK(first->state().digest_rule() == kStateDigestLtHash);
  REQUIRE(Run(first.get(), j.entries, j.hashes, 0, 30).ok());
  const std::string snapshot = first->EncodeSnapshot();
  std::unique_ptr<Replay> r;
  REQUIRE(Replay::Resume(j.f.genesis(), codec::EncodeGenesis(j.f.genesis()), snapshot, &r).ok());
  CHECK(r->state().digest_rule() == kStateDigestLtHash);
  CHECK(r->state().full_digest() == first->state().full_digest());
  REQUIRE(Run(r.get(), j.entries, j.hashes, 30).ok());
  CHECK(r->state().full_digest() == j.f.state().full_digest());

  // The node's checkpoint carries the LtHash's 32 bytes.
  Checkpoint c{60, j.hashes.back(), j.f.state().digest(), kStart + 99'000};
  CHECK(r->CheckCheckpoint(c, node.Sign(CheckpointMessage(j.f.ledger().id(), c)), node.public_key())
            .ok());
  // A node that digested the same records under rule 1 signed a digest this ledger never has.
  MemoryState sum;
  for (const auto& [id, a] : j.f.state().accounts()) sum.PutAccount(a);
  for (const auto& [key, balance] : j.f.state().NonZeroBalances()) sum.PutBalance(key, balance);
  sum.PutGovernance(j.f.state().governance());
  Checkpoint wrong_rule = c;
  wrong_rule.state_digest = sum.digest();
  CHECK(r->CheckCheckpoint(wrong_rule, node.Sign(CheckpointMessage(j.f.ledger().id(), wrong_rule)),
                           node.public_key())
            .code() == Code::kCorruption);
}

TEST_CASE("a checkpoint counts if signed by any node key the ledger names at its entry",
          "[ledger][replay][audit][node-key]") {
  const KeyPair primary = KeyFor("node");
  const KeyPair standby = KeyFor("node-standby");
  const KeyPair later = KeyFor("node-later");
  Journal j(0, [&](Genesis* g) {
    g->version = kGenesisVersion2;
    g->node_key = primary.public_key();
  });
  Fixture& f = j.f;
  const std::vector<JournalEntry>& entries = j.entries;
  const std::vector<Hash>& hashes = j.hashes;
  int64_t t = kStart;
  auto add = [&](const Operation& op) { j.Add(op, t += 1'000); };
  auto decide = [&](Decision d) {
    const Operation propose = f.MakeOp("board-1", Propose{std::move(d), kStart + 86'400'000});
    add(propose);
    add(f.MakeOp("board-2",
                 Approve{OperationId(f.ledger().id(), codec::EncodeOperation(propose))}));
  };
  add(f.TransferOp("alice", "bob", 100));                             // 1: the primary's key only
  decide(SetNodeKeys{{primary.public_key(), standby.public_key()}});  // 2, 3 decides
  add(f.TransferOp("alice", "bob", 200));                             // 4: both keys
  decide(SetNodeKeys{{standby.public_key(), later.public_key()}});    // 5, 6: the primary's out
  add(f.TransferOp("alice", "bob", 300));                             // 7
  REQUIRE(f.state().governance().NodeKeys() ==
          std::vector<PublicKey>{standby.public_key(), later.public_key()});

  std::unique_ptr<Replay> r;
  REQUIRE(Replay::Create(f.genesis(), codec::EncodeGenesis(f.genesis()), &r).ok());
  auto sign = [&](const KeyPair& k, const Checkpoint& c) {
    return k.Sign(CheckpointMessage(f.ledger().id(), c));
  };
  auto check = [&](uint64_t at, const KeyPair& k) {
    const Checkpoint c{at, hashes[at - 1], at == r->sequence() ? r->state().digest() : Hash{}, t};
    return r->CheckCheckpoint(c, sign(k, c), k.public_key());
  };
  REQUIRE(Run(r.get(), entries, hashes, 0, 1).ok());
  CHECK(check(1, primary).ok());
  // The standby's key is named only after entry 3: before, its checkpoint proves nothing.
  Status early = check(1, standby);
  CHECK(early.code() == Code::kCorruption);
  CHECK_THAT(early.message(),
             Catch::Contains("is signed by node key " + KeyFingerprint(standby.public_key())));
  REQUIRE(Run(r.get(), entries, hashes, 1, 4).ok());
  CHECK(check(4, primary).ok());
  CHECK(check(4, standby).ok());
  Status stranger = check(4, later);
  CHECK(stranger.code() == Code::kCorruption);
  CHECK_THAT(stranger.message(),
             Catch::Contains("the ledger names node keys " + KeyFingerprint(primary.public_key()) +
                             ", " + KeyFingerprint(standby.public_key())));
  REQUIRE(Run(r.get(), entries, hashes, 4).ok());
  CHECK(check(7, standby).ok());
  CHECK(check(7, later).ok());
  // The primary's key, removed at entry 6, counts no more after it; before, it still does.
  CHECK(check(7, primary).code() == Code::kCorruption);
  CHECK(check(6, primary).code() == Code::kCorruption);
  CHECK(check(5, primary).ok());
  CHECK(check(3, standby).ok());
  CHECK(check(2, standby).code() == Code::kCorruption);
  // Judged the same after a resume from a snapshot.
  std::unique_ptr<Replay> resumed;
  REQUIRE(
      Replay::Resume(f.genesis(), codec::EncodeGenesis(f.genesis()), r->EncodeSnapshot(), &resumed)
          .ok());
  const Checkpoint at7{7, hashes[6], resumed->state().digest(), t};
  CHECK(resumed->CheckCheckpoint(at7, sign(later, at7), later.public_key()).ok());
  CHECK(resumed->CheckCheckpoint(at7, sign(primary, at7), primary.public_key()).code() ==
        Code::kCorruption);
}

}  // namespace
}  // namespace liard
