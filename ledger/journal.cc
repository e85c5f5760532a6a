// Journal hashing, checkpoint messages and the additive state digests (rule 1's sum, rule 2's
// LtHash).
#include "ledger/journal.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <bit>

#include "ledger/bytes.h"

namespace liard {
Hash EntryHash(const JournalEntry& e) {
  if (e.term == 0)
    return Sha256({kEntryDomain, Fixed64BE(e.sequence), Fixed64BE(static_cast<uint64_t>(e.time_ms)),
                   e.prev_hash.view(), e.envelope});
  return Sha256({kTermedEntryDomain, Fixed64BE(e.sequence),
                 Fixed64BE(static_cast<uint64_t>(e.time_ms)), e.prev_hash.view(), Fixed64BE(e.term),
                 e.envelope});
}

Status CheckEntryTerm(bool termed, uint64_t prev_term, const JournalEntry& e) {
  if (!termed) {
    if (e.term == 0) return Status::Ok();
    return Status(Code::kCorruption, "it carries term " + std::to_string(e.term) +
                                         ", but the entries of this ledger's genesis version "
                                         "carry none (terms start with version 7)");
  }
  if (e.term == 0)
    return Status(Code::kCorruption,
                  "it carries no term, but every entry of a version 7 ledger carries one");
  if (e.term < prev_term)
    return Status(Code::kCorruption, "its term " + std::to_string(e.term) +
                                         " is lower than the term " + std::to_string(prev_term) +
                                         " of the entry before it: a deposed primary wrote it");
  return Status::Ok();
}

HashedEntry NextEntry(uint64_t head_sequence, const Hash& head_hash, int64_t time_ms,
                      std::string envelope, uint64_t term) {
  HashedEntry next;
  next.entry.sequence = head_sequence + 1;
  next.entry.time_ms = time_ms;
  next.entry.prev_hash = head_hash;
  next.entry.envelope = std::move(envelope);
  next.entry.term = term;
  next.hash = EntryHash(next.entry);
  return next;
}

std::string CheckpointMessage(const Hash& ledger_id, const Checkpoint& c) {
  std::string m(kCheckpointDomain);
  m.append(ledger_id.view());
  PutFixed64BE(&m, c.sequence);
  m.append(c.head_hash.view());
  m.append(c.state_digest.view());
  PutFixed64BE(&m, static_cast<uint64_t>(c.time_ms));
  return m;
}

// Lanes are stored and expanded as little-endian u16; so are they held on our targets, which
// lets the lane loops below work on the bytes in place (and vectorise).
static_assert(std::endian::native == std::endian::little, "LtHash lanes are little-endian");

namespace {

// One cipher context per thread, reused, as for SHA-256 (ledger/crypto.cc).
struct CipherContext {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~CipherContext() { EVP_CIPHER_CTX_free(ctx); }
};

// ChaCha20's keystream under the record hash: 2048 pseudo-random bytes, the record's lanes.
// OpenSSL's ChaCha20 is about 1.5 times faster than libsodium's on the benchmark machine
// (docs/benchmarks.md, "LtHash"); both compute RFC 8439's function, so the choice changes no
// digest, and libsodium's is the fallback.
void Expand(const Hash& record, uint16_t* lanes) {
  // Fetched once: EVP_chacha20() would make every EVP_EncryptInit_ex2 look the cipher up in the
  // provider again, a third of the cost of a record.
  static const EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "ChaCha20", nullptr);
  // OpenSSL's 16-byte IV: the 32-bit block counter (0, little-endian), then the 12-byte nonce.
  static const std::array<unsigned char, 16> iv = [] {
    std::array<unsigned char, 16> v{};
    std::memcpy(v.data() + 4, kLtHashNonce.data(), kLtHashNonce.size());
    return v;
  }();
  thread_local CipherContext context;
  unsigned char* out = reinterpret_cast<unsigned char*>(lanes);
  std::memset(out, 0, LtHash::kBytes);  // the keystream is ChaCha20 of zeros
  int n = 0;
  if (context.ctx != nullptr && cipher != nullptr &&
      EVP_EncryptInit_ex2(context.ctx, cipher, record.data.data(), iv.data(), nullptr) == 1 &&
      EVP_EncryptUpdate(context.ctx, out, &n, out, static_cast<int>(LtHash::kBytes)) == 1 &&
      n == static_cast<int>(LtHash::kBytes))
    return;
  crypto_stream_chacha20_ietf(out, LtHash::kBytes,
                              reinterpret_cast<const unsigned char*>(kLtHashNonce.data()),
                              record.data.data());
}

}  // namespace

void LtHash::Add(const Hash& record) {
  alignas(32) uint16_t e[kLanes];
  Expand(record, e);
  for (size_t i = 0; i < kLanes; ++i) lanes_[i] = static_cast<uint16_t>(lanes_[i] + e[i]);
}

void LtHash::Remove(const Hash& record) {
  alignas(32) uint16_t e[kLanes];
  Expand(record, e);
  for (size_t i = 0; i < kLanes; ++i) lanes_[i] = static_cast<uint16_t>(lanes_[i] - e[i]);
}

void LtHash::Add(const LtHash& other) {
  for (size_t i = 0; i < kLanes; ++i)
    lanes_[i] = static_cast<uint16_t>(lanes_[i] + other.lanes_[i]);
}

std::string LtHash::Bytes() const {
  return std::string(reinterpret_cast<const char*>(lanes_.data()), kBytes);
}

Hash LtHash::Checksum() const { return Sha256({kLtHashDomain, Bytes()}); }

bool LtHash::FromBytes(std::string_view bytes, LtHash* out) {
  if (bytes.size() != kBytes) return false;
  std::memcpy(out->lanes_.data(), bytes.data(), kBytes);
  return true;
}

void StateDigest::Add(const Hash& record) {
  if (rule_ == kStateDigestLtHash) return lattice_.Add(record);
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
  if (rule_ == kStateDigestLtHash) return lattice_.Remove(record);
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

void StateDigest::Add(const StateDigest& other) {
  if (rule_ == kStateDigestLtHash) return lattice_.Add(other.lattice_);
  Hash h;
  std::memcpy(h.data.data(), other.limbs_.data(), 32);
  Add(h);
}

Hash StateDigest::value() const {
  if (rule_ == kStateDigestLtHash) return lattice_.Checksum();
  Hash h;
  std::memcpy(h.data.data(), limbs_.data(), 32);  // limbs are little-endian on our targets
  return h;
}

std::string StateDigest::Stored() const {
  return rule_ == kStateDigestLtHash ? lattice_.Bytes() : std::string(value().view());
}

bool StateDigest::FromStored(uint32_t rule, std::string_view stored, StateDigest* out) {
  StateDigest d(rule);
  if (rule == kStateDigestLtHash) {
    if (!LtHash::FromBytes(stored, &d.lattice_)) return false;
  } else {
    Hash h;
    if (rule != kStateDigestSum || !h.Assign(stored)) return false;
    d = FromValue(h);
  }
  *out = d;
  return true;
}

StateDigest StateDigest::FromValue(const Hash& value) {
  StateDigest d;
  std::memcpy(d.limbs_.data(), value.data.data(), 32);
  return d;
}

Hash AccountRecordHash(const Account& a) {
  char fixed[3] = {'A', static_cast<char>(a.kind), static_cast<char>(a.status)};
  std::string name_len = Fixed64BE(a.name.size());
  const std::string extras = EncodeAccountExtras(a);
  if (extras.empty())
    return Sha256({kStateDomain, std::string_view(fixed, 1), a.id.view(), a.key.view(),
                   std::string_view(fixed + 1, 2), Fixed64BE(a.sequence), name_len, a.name,
                   Fixed64BE(a.roles), Fixed64BE(static_cast<uint64_t>(a.member_until_ms)),
                   a.freeze_reason});
  // With staff keys or a card: the freeze reason's length, then the extras, so that no record
  // without them hashes to the same bytes.
  return Sha256({kStateDomain, std::string_view(fixed, 1), a.id.view(), a.key.view(),
                 std::string_view(fixed + 1, 2), Fixed64BE(a.sequence), name_len, a.name,
                 Fixed64BE(a.roles), Fixed64BE(static_cast<uint64_t>(a.member_until_ms)),
                 a.freeze_reason, std::string_view("\0extras", 7),
                 Fixed64BE(a.freeze_reason.size()), extras});
}

Hash BalanceRecordHash(const BookKey& key, int64_t balance) {
  char fixed[2] = {'B', static_cast<char>(key.slot)};
  return Sha256({kStateDomain, std::string_view(fixed, 2), key.owner.view(),
                 Fixed64BE(static_cast<uint64_t>(balance))});
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
