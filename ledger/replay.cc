// Replay: the hash chain, signatures and rules of a journal, checked again from the genesis.
#include "ledger/replay.h"

#include <algorithm>

#include "ledger/bytes.h"
#include "ledger/domains.h"

namespace liard {
namespace {

// 1: accounts without staff keys or cards; 2: each account's extras follow it; 3: the refundable
// payments (TransferIndex) follow the balances; 4: the head entry's term follows the head's time.
constexpr uint8_t kSnapshotVersion = 4;

void PutAccount(ByteWriter* w, const Account& a) {
  w->Key(a.id);
  w->Key(a.key);
  w->U8(static_cast<uint8_t>(a.kind));
  w->U8(static_cast<uint8_t>(a.status));
  w->U64(a.sequence);
  w->Str(a.name);
  w->U32(a.roles);
  w->I64(a.member_until_ms);
  w->Str(a.freeze_reason);
  w->Str(EncodeAccountExtras(a));
}

bool GetAccount(ByteReader* r, Account* a, uint8_t version) {
  a->id = r->Key();
  a->key = r->Key();
  uint8_t kind = r->U8();
  uint8_t status = r->U8();
  a->sequence = r->U64();
  a->name = r->Str();
  a->roles = r->U32();
  a->member_until_ms = r->I64();
  a->freeze_reason = r->Str();
  if (version >= 2 && !DecodeAccountExtras(r->Str(), a)) return false;
  if (!r->ok() || !IsValidKind(kind) || status < 1 || status > 3) return false;
  a->kind = static_cast<AccountKind>(kind);
  a->status = static_cast<AccountStatus>(status);
  return true;
}

}  // namespace

Status Replay::Create(const Genesis& genesis, std::string_view genesis_bytes,
                      std::unique_ptr<Replay>* out) {
  std::unique_ptr<Replay> r(new Replay());
  Status s = Ledger::Create(genesis, genesis_bytes, &r->ledger_);
  if (!s.ok()) return s;
  r->state_ = MemoryState(StateDigestRuleOf(genesis));
  Delta delta;
  s = r->ledger_->GenesisDelta(r->state_, &delta);
  if (!s.ok()) return s;
  r->state_.Commit(delta);
  r->head_hash_ = r->ledger_->id();
  r->time_ms_ = 0;  // the node stamps entries with a clock that never goes back
  r->node_keys_.push_back({0, r->state_.governance().NodeKeys()});
  *out = std::move(r);
  return Status::Ok();
}

Status Replay::Resume(const Genesis& genesis, std::string_view genesis_bytes,
                      std::string_view snapshot, std::unique_ptr<Replay>* out) {
  std::unique_ptr<Replay> r(new Replay());
  Status s = Ledger::Create(genesis, genesis_bytes, &r->ledger_);
  if (!s.ok()) return s;
  r->state_ = MemoryState(StateDigestRuleOf(genesis));
  auto corrupt = [](std::string why) {
    return Status(Code::kCorruption, "the saved replay cannot be used: " + why);
  };
  // The last 32 bytes seal the rest: a damaged head or sequence is caught too, not just records.
  if (snapshot.size() < 32) return corrupt("it is truncated");
  const std::string_view body = snapshot.substr(0, snapshot.size() - 32);
  if (Sha256({kReplaySnapshotDomain, body}).view() != snapshot.substr(body.size()))
    return corrupt("it was damaged since it was saved");
  ByteReader in(body);
  const uint8_t version = in.U8();
  if (version < 1 || version > kSnapshotVersion) return corrupt("unknown format");
  if (in.Key() != r->ledger_->id()) return corrupt("it is of another ledger");
  r->sequence_ = in.U64();
  r->head_hash_ = in.Key();
  r->time_ms_ = in.I64();
  if (version >= 4) r->term_ = in.U64();
  const Hash digest = in.Key();
  Governance g;
  if (!DecodeGovernance(in.Str(), &g)) return corrupt("its governance record does not decode");
  r->state_.PutGovernance(std::move(g));
  for (uint32_t n = in.Count(32 + 32 + 2 + 8 + 4 + 4 + 8 + 4); n > 0 && in.ok(); --n) {
    Account a;
    if (!GetAccount(&in, &a, version)) return corrupt("an account record does not decode");
    r->state_.PutAccount(std::move(a));
  }
  Totals totals{};
  for (uint32_t n = in.Count(1 + 32 + 8); n > 0 && in.ok(); --n) {
    BookKey key;
    key.slot = static_cast<Slot>(in.U8());
    key.owner = in.Key();
    const int64_t balance = in.I64();
    if (static_cast<size_t>(key.slot) >= totals.size()) return corrupt("a balance has no slot");
    totals[static_cast<size_t>(key.slot)] += balance;
    r->state_.PutBalance(key, balance);
  }
  if (version >= 3 && !r->transfers_.Decode(&in))
    return corrupt("its refundable payments do not decode");
  if (!in.Done()) return corrupt("it is truncated or has trailing bytes");
  r->state_.SetTotals(totals);
  if (r->state_.digest() != digest) return corrupt("its records do not match its digest");
  r->node_keys_.push_back({r->sequence_, r->state_.governance().NodeKeys()});
  *out = std::move(r);
  return Status::Ok();
}

void Replay::Prepare(JournalEntry entry, const Hash& claimed_hash, const EnvelopeDecoder& decode,
                     PreparedEntry* out) const {
  out->claimed_hash = claimed_hash;
  out->computed_hash = EntryHash(entry);
  SignedOperation so;
  out->status = decode(entry.envelope, &so);
  if (out->status.ok()) out->status = ledger_->Preflight(std::move(so), &out->op);
  out->entry = std::move(entry);
}

Status Replay::Fail(uint64_t sequence, std::string why) {
  discrepancy_ = Discrepancy{sequence, why};
  return Status(Code::kCorruption, "entry " + std::to_string(sequence) + ": " + why);
}

Status Replay::Commit(PreparedEntry* p, Delta* applied) {
  if (discrepancy_.sequence != 0)
    return Status(Code::kCorruption,
                  "the journal is bad from entry " + std::to_string(discrepancy_.sequence) + " on");
  const JournalEntry& e = p->entry;
  if (e.sequence != sequence_ + 1)
    return Fail(sequence_ + 1, "the journal skips to sequence " + std::to_string(e.sequence));
  if (e.prev_hash != head_hash_)
    return Fail(e.sequence, "its prev_hash is not the hash of entry " + std::to_string(sequence_) +
                                ": the chain is broken");
  if (p->computed_hash != p->claimed_hash)
    return Fail(e.sequence, "its recorded hash " + ToHex(p->claimed_hash).substr(0, 16) +
                                "… is not the hash of its contents " +
                                ToHex(p->computed_hash).substr(0, 16) + "…: it was altered");
  if (!p->status.ok())
    return Fail(e.sequence, "its operation does not verify: " + p->status.ToString());
  if (e.time_ms < time_ms_) return Fail(e.sequence, "its time goes backwards");
  if (Status t = CheckEntryTerm(EntriesCarryTerm(ledger_->genesis()), term_, e); !t.ok())
    return Fail(e.sequence, t.message());
  Delta delta;
  Status s = ledger_->Apply(state_, p->op, ApplyContext{e.time_ms, &transfers_}, &delta);
  if (!s.ok()) return Fail(e.sequence, "the rules refuse its operation on replay: " + s.ToString());
  state_.Commit(delta);
  if (RefundsFromJournal(ledger_->genesis()))
    transfers_.Add(p->op.id(), p->op.op(), ledger_->genesis(), state_);
  if (applied != nullptr) *applied = std::move(delta);
  if (std::vector<PublicKey> keys = state_.governance().NodeKeys();
      keys != node_keys_.back().second)
    node_keys_.push_back({e.sequence, std::move(keys)});
  sequence_ = e.sequence;
  head_hash_ = p->computed_hash;
  time_ms_ = e.time_ms;
  term_ = e.term;
  return Status::Ok();
}

Status Replay::CheckCheckpoint(const Checkpoint& c, const Signature& signature,
                               const PublicKey& node_key) {
  if (!Verify(node_key, CheckpointMessage(ledger_->id(), c), signature))
    return Status(Code::kCorruption, "the checkpoint at entry " + std::to_string(c.sequence) +
                                         " is not signed by the node's key");
  if (c.sequence > sequence_)
    return Status(Code::kOutOfRange, "the checkpoint is at entry " + std::to_string(c.sequence) +
                                         ", ahead of the replay at " + std::to_string(sequence_));
  // The key must be one the ledger names after that entry (the genesis's, or the latest
  // SetNodeKey or SetNodeKeys decision's): a valid signature by any other key proves nothing. A
  // version 1 ledger that names none takes the node's word for its key.
  if (c.sequence >= node_keys_.front().first) {
    auto named = node_keys_.begin();
    for (auto it = node_keys_.begin(); it != node_keys_.end() && it->first <= c.sequence; ++it)
      named = it;
    Governance at;  // the set named at that entry, asked the one way every check asks it
    if (!named->second.empty()) {
      at.node_key = named->second.front();
      at.more_node_keys.assign(named->second.begin() + 1, named->second.end());
    }
    if (at.node_key && !at.NamesNodeKey(node_key)) {
      std::string names;
      for (const PublicKey& k : named->second)
        names += (names.empty() ? "" : ", ") + KeyFingerprint(k);
      return Status(Code::kCorruption,
                    "the checkpoint at entry " + std::to_string(c.sequence) +
                        " is signed by node key " + KeyFingerprint(node_key) +
                        ", but the ledger names node key" +
                        (named->second.size() > 1 ? "s " : " ") + names +
                        " at that entry: a key the board did not name signed it");
    }
  }
  if (c.sequence < sequence_) return Status::Ok();  // checked when the replay passed it
  if (c.head_hash != head_hash_)
    return Fail(c.sequence, "the node signed a head hash that is not the journal's");
  if (c.state_digest != state_.digest())
    return Fail(c.sequence,
                "the node signed a state digest that replaying the journal does not give: its "
                "state was changed outside the rules");
  return Status::Ok();
}

std::string Replay::EncodeSnapshot() const {
  ByteWriter w;
  w.U8(kSnapshotVersion);
  w.Key(ledger_->id());
  w.U64(sequence_);
  w.Key(head_hash_);
  w.I64(time_ms_);
  w.U64(term_);
  // The 32-byte digest under the ledger's own rule (StateDigestRuleOf its genesis): the layout
  // is the same for both rules, and a snapshot is resumed only with its own ledger's genesis.
  w.Key(state_.digest());
  w.Str(EncodeGovernance(state_.governance()));
  std::vector<const Account*> accounts;
  for (const auto& [id, a] : state_.accounts()) accounts.push_back(&a);
  std::sort(accounts.begin(), accounts.end(),
            [](const Account* x, const Account* y) { return x->id < y->id; });
  w.U32(static_cast<uint32_t>(accounts.size()));
  for (const Account* a : accounts) PutAccount(&w, *a);
  auto balances = state_.NonZeroBalances();
  std::sort(balances.begin(), balances.end());
  w.U32(static_cast<uint32_t>(balances.size()));
  for (const auto& [key, balance] : balances) {
    w.U8(static_cast<uint8_t>(key.slot));
    w.Key(key.owner);
    w.I64(balance);
  }
  transfers_.Encode(&w);
  std::string out = w.Take();
  out.append(Sha256({kReplaySnapshotDomain, out}).view());
  return out;
}

Status ContinuityCheck::Fail(std::string why) {
  failure_ = Status(Code::kCorruption, std::move(why));
  return failure_;
}

Status ContinuityCheck::Add(const JournalEntry& e, const Hash& claimed_hash) {
  if (!failure_.ok() || next_ > sequence_) return failure_;
  const std::string n = std::to_string(next_);
  if (e.sequence != next_)
    return Fail("entry " + n + " is missing (the journal goes on with entry " +
                std::to_string(e.sequence) + ")");
  if (e.prev_hash != prev_)
    return Fail("entry " + n + " does not link to the entry before it: the hash chain is broken");
  prev_ = EntryHash(e);
  if (prev_ != claimed_hash)
    return Fail("entry " + n + " differs from the one verified before (its contents no longer " +
                "hash to its recorded hash)");
  if (next_++ == sequence_ && prev_ != head_hash_)
    return Fail("entry " + n + " does not hash to the head hash verified before: an entry up to " +
                n + " differs from the one verified then");
  return Status::Ok();
}

Status ContinuityCheck::End() {
  if (!failure_.ok() || next_ > sequence_) return failure_;
  return Fail("this journal ends at entry " + std::to_string(next_ - 1) + ", before entry " +
              std::to_string(sequence_) + " where the saved replay stopped");
}

}  // namespace liard
