// Checkpoints: when to sign, and with which key.
#include "node/checkpointer.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace liard::node {

std::string NextNodeKeyPath(const std::string& data_dir) { return data_dir + "/node-key.next"; }

Status ReadSeedFile(const std::string& path, Seed* out) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return Status(Code::kNotFound, "no node key is prepared in " + path);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in) return Status(Code::kIOError, "cannot read " + path);
  std::string hex = text.str();
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.pop_back();
  std::string bytes;
  if (!FromHex(hex, &bytes) || !out->Assign(bytes))
    return Status(Code::kInvalidArgument,
                  path + " does not hold a node key seed (64 hexadecimal digits)");
  return Status::Ok();
}

Status AdoptPreparedNodeKey(const std::string& path, const Governance& g, Store* store,
                            KeyPair* out) {
  Seed seed;
  Status s = ReadSeedFile(path, &seed);
  if (!s.ok()) return s;
  KeyPair key = KeyPair::FromSeed(seed);
  if (!g.NamesNodeKey(key.public_key()))
    return Status(Code::kInvalidArgument, "the key prepared in " + path + " is " +
                                              KeyFingerprint(key.public_key()) +
                                              ", which the ledger does not name");
  s = store->PutNodeSeed(seed);
  if (!s.ok()) return s;
  std::error_code ec;
  std::filesystem::remove(path, ec);  // stored now; a leftover copy is only removed later
  *out = std::move(key);
  return Status::Ok();
}

Checkpointer::Checkpointer(const Hash& ledger_id, Store* store, KeyPair node_key,
                           std::string next_key_path, int64_t every_entries, int64_t every_ms)
    : ledger_id_(ledger_id),
      store_(store),
      next_key_path_(std::move(next_key_path)),
      every_entries_(every_entries),
      every_ms_(every_ms),
      key_(std::move(node_key)) {}

Status Checkpointer::Init(const Governance& g) {
  std::lock_guard lock(mu_);
  Status s = store_->ReadCheckpoint(&latest_.checkpoint, &latest_.signature);
  if (s.code() == Code::kNotFound) return Status::Ok();
  if (!s.ok()) return s;
  have_ = true;
  latest_.signer = key_.public_key();
  const std::string message = CheckpointMessage(ledger_id_, latest_.checkpoint);
  // Signed by an earlier key (the node adopted a new one at start-up), or by another node (a
  // standby's copy of its primary's): sign again at once when it may.
  stale_ = !Verify(key_.public_key(), message, latest_.signature);
  if (stale_)
    for (const PublicKey& k : g.NodeKeys())
      if (Verify(k, message, latest_.signature)) latest_.signer = k;
  return Status::Ok();
}

bool Checkpointer::Named(const Governance& g) const {
  std::lock_guard lock(mu_);
  return !g.node_key || g.NamesNodeKey(key_.public_key());
}

Status Checkpointer::MaybeSign(const HeadState& head, const Hash& digest, const Governance& g,
                               int64_t now_ms, bool force) {
  std::lock_guard lock(mu_);
  if (replica_) return Status::Ok();
  if (g.node_key && !g.NamesNodeKey(key_.public_key())) {
    KeyPair adopted = key_;
    Status s = AdoptPreparedNodeKey(next_key_path_, g, store_, &adopted);
    if (!s.ok()) {
      if (std::vector<PublicKey> named = g.NodeKeys(); not_held_ != named) {
        not_held_ = std::move(named);
        spdlog::error(
            "event=node-key-not-held named={} held={} sequence={} message=\"the ledger names "
            "node key(s) {}, not this node's key {} ({}): it signs no checkpoint until the board "
            "names this key (liard board propose set-node-keys) or the key prepared with "
            "`liard-node rekey-node` is a named one ({})\"",
            ToHex(*g.node_key), ToHex(key_.public_key()), head.sequence, KeyListText(g.NodeKeys()),
            KeyFingerprint(key_.public_key()), ToHex(key_.public_key()), s.message());
      }
      return Status::Ok();
    }
    spdlog::warn("event=node-key-changed from={} to={} sequence={}", ToHex(key_.public_key()),
                 ToHex(adopted.public_key()), head.sequence);
    key_ = std::move(adopted);
    not_held_.clear();
    stale_ = true;
  }
  if (have_) {
    const Checkpoint& last = latest_.checkpoint;
    // Never sign an older head than the latest: checkpoints only move forward.
    if (head.sequence < last.sequence) return Status::Ok();
    if (head.sequence == last.sequence && !stale_) return Status::Ok();
    uint64_t since = head.sequence - last.sequence;
    bool due = since >= static_cast<uint64_t>(every_entries_) || now_ms - last.time_ms >= every_ms_;
    if (!due && !force && !stale_) return Status::Ok();
  }
  SignedCheckpointRecord r;
  r.checkpoint.sequence = head.sequence;
  r.checkpoint.head_hash = head.head_hash;
  r.checkpoint.state_digest = digest;
  r.checkpoint.time_ms = now_ms;
  r.signature = key_.Sign(CheckpointMessage(ledger_id_, r.checkpoint));
  r.signer = key_.public_key();
  Status s = store_->PutCheckpoint(r.checkpoint, r.signature);
  if (!s.ok()) return s;
  latest_ = r;
  have_ = true;
  stale_ = false;
  spdlog::debug("event=checkpoint sequence={} head={}", head.sequence,
                ToHex(head.head_hash).substr(0, 16));
  return Status::Ok();
}

void Checkpointer::SetReplica() {
  std::lock_guard lock(mu_);
  replica_ = true;
  stale_ = false;
}

void Checkpointer::SetPrimary() {
  std::lock_guard lock(mu_);
  replica_ = false;
  // The latest is its former primary's: the next MaybeSign signs its own, if its key is named.
  stale_ = have_ && latest_.signer != key_.public_key();
  not_held_.clear();
}

Status Checkpointer::StoreReplicated(const SignedCheckpointRecord& record) {
  std::lock_guard lock(mu_);
  if (have_ && record.checkpoint.sequence <= latest_.checkpoint.sequence &&
      record.checkpoint.time_ms <= latest_.checkpoint.time_ms)
    return Status::Ok();
  Status s = store_->PutCheckpoint(record.checkpoint, record.signature);
  if (!s.ok()) return s;
  latest_ = record;
  have_ = true;
  return Status::Ok();
}

bool Checkpointer::Latest(SignedCheckpointRecord* out) const {
  std::lock_guard lock(mu_);
  if (!have_) return false;
  *out = latest_;
  return true;
}

KeyPair Checkpointer::key_pair() const {
  std::lock_guard lock(mu_);
  return key_;
}

PublicKey Checkpointer::node_key() const {
  std::lock_guard lock(mu_);
  return key_.public_key();
}

}  // namespace liard::node
