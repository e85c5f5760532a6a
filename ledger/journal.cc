// Journal hashing, checkpoint messages and the additive state digest.
#include "ledger/journal.h"

#include <algorithm>

namespace liard {
namespace {

void AppendU64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

std::string U64(uint64_t v) {
  std::string s;
  AppendU64(&s, v);
  return s;
}

}  // namespace

Hash EntryHash(const JournalEntry& e) {
  return Sha256({kEntryDomain, U64(e.sequence), U64(static_cast<uint64_t>(e.time_ms)),
                 e.prev_hash.view(), e.envelope});
}

std::string CheckpointMessage(const Hash& ledger_id, const Checkpoint& c) {
  std::string m(kCheckpointDomain);
  m.append(ledger_id.view());
  AppendU64(&m, c.sequence);
  m.append(c.head_hash.view());
  m.append(c.state_digest.view());
  AppendU64(&m, static_cast<uint64_t>(c.time_ms));
  return m;
}

void StateDigest::Add(const Hash& record) {
  unsigned __int128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    uint64_t limb;
    std::memcpy(&limb, record.data.data() + 8 * i, 8);
    carry += static_cast<unsigned __int128>(limbs_[i]) + limb;
    limbs_[i] = static_cast<uint64_t>(carry);
    carry >>= 64;
  }
}

void StateDigest::Remove(const Hash& record) {
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    uint64_t limb;
    std::memcpy(&limb, record.data.data() + 8 * i, 8);
    uint64_t before = limbs_[i];
    uint64_t sub = limb + borrow;
    uint64_t next_borrow = (sub < limb) || (before < sub) ? 1 : 0;
    limbs_[i] = before - sub;
    borrow = next_borrow;
  }
}

Hash StateDigest::value() const {
  Hash h;
  std::memcpy(h.data.data(), limbs_.data(), 32);  // limbs are little-endian on our targets
  return h;
}

StateDigest StateDigest::FromValue(const Hash& value) {
  StateDigest d;
  std::memcpy(d.limbs_.data(), value.data.data(), 32);
  return d;
}

Hash AccountRecordHash(const Account& a) {
  char fixed[3] = {'A', static_cast<char>(a.kind), static_cast<char>(a.status)};
  std::string name_len = U64(a.name.size());
  return Sha256({kStateDomain, std::string_view(fixed, 1), a.id.view(), a.key.view(),
                 std::string_view(fixed + 1, 2), U64(a.sequence), name_len, a.name, U64(a.roles),
                 U64(static_cast<uint64_t>(a.member_until_ms)), a.freeze_reason});
}

Hash BalanceRecordHash(const BookKey& key, int64_t balance) {
  char fixed[2] = {'B', static_cast<char>(key.slot)};
  return Sha256({kStateDomain, std::string_view(fixed, 2), key.owner.view(),
                 U64(static_cast<uint64_t>(balance))});
}

std::vector<AccountId> TouchedAccounts(const Operation& op, const Delta& delta) {
  std::vector<AccountId> ids = {op.account};
  for (const auto& a : delta.accounts) ids.push_back(a.id);
  for (const auto& p : delta.postings)
    if (p.key.slot == Slot::kMember || p.key.slot == Slot::kOfficeCash ||
        p.key.slot == Slot::kOwedToMerchant)
      ids.push_back(p.key.owner);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace liard
