// Checkpoints: when to sign, and what.
#include "node/checkpointer.h"

#include <spdlog/spdlog.h>

namespace liard::node {

Checkpointer::Checkpointer(const Hash& ledger_id, Store* store, KeyPair node_key,
                           int64_t every_entries, int64_t every_ms)
    : ledger_id_(ledger_id),
      store_(store),
      key_(std::move(node_key)),
      every_entries_(every_entries),
      every_ms_(every_ms) {}

Status Checkpointer::Init() {
  std::lock_guard lock(mu_);
  Status s = store_->ReadCheckpoint(&latest_.checkpoint, &latest_.signature);
  if (s.code() == Code::kNotFound) return Status::Ok();
  if (!s.ok()) return s;
  have_ = true;
  return Status::Ok();
}

Status Checkpointer::MaybeSign(const HeadState& head, const Hash& digest, int64_t now_ms,
                               bool force) {
  std::lock_guard lock(mu_);
  if (have_) {
    const Checkpoint& last = latest_.checkpoint;
    // Never sign an older head than the latest: checkpoints only move forward.
    if (head.sequence <= last.sequence) return Status::Ok();
    uint64_t since = head.sequence - last.sequence;
    bool due = since >= static_cast<uint64_t>(every_entries_) || now_ms - last.time_ms >= every_ms_;
    if (!due && !force) return Status::Ok();
  }
  SignedCheckpointRecord r;
  r.checkpoint.sequence = head.sequence;
  r.checkpoint.head_hash = head.head_hash;
  r.checkpoint.state_digest = digest;
  r.checkpoint.time_ms = now_ms;
  r.signature = key_.Sign(CheckpointMessage(ledger_id_, r.checkpoint));
  Status s = store_->PutCheckpoint(r.checkpoint, r.signature);
  if (!s.ok()) return s;
  latest_ = r;
  have_ = true;
  spdlog::debug("event=checkpoint sequence={} head={}", head.sequence,
                ToHex(head.head_hash).substr(0, 16));
  return Status::Ok();
}

bool Checkpointer::Latest(SignedCheckpointRecord* out) const {
  std::lock_guard lock(mu_);
  if (!have_) return false;
  *out = latest_;
  return true;
}

}  // namespace liard::node
