// Replication: a standby's write path (Applier::AppendReplicated) and ReplicationService.
#include "node/replication.h"
#include "node/order_index.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>

#include "ledger/journal.h"
#include "node/metrics.h"
#include "node/store_journal.h"

namespace liard::node {

Status Applier::AppendReplicated(std::vector<PreparedEntry>* entries, std::vector<Hash>* digests) {
  if (digests != nullptr) digests->clear();
  if (entries->empty()) return Status::Ok();
  std::vector<AppliedOperation> applied;
  applied.reserve(entries->size());
  // A version 6 refund names a payment of this group or of the store.
  std::unordered_map<Hash, size_t> applied_here;
  const StoreJournal journal(*store_, [&](const Hash& id) -> const Operation* {
    auto it = applied_here.find(id);
    return it == applied_here.end() ? nullptr : &(*entries)[it->second].op.op();
  });
  std::chrono::steady_clock::duration write_time{};
  Status failed;
  {
    std::unique_lock lock(state_mu_, std::defer_lock);
    {
      std::lock_guard turnstile(turnstile_mu_);
      lock.lock();
    }
    HeadState head = head_;
    for (size_t i = 0; i < entries->size(); ++i) {
      PreparedEntry& p = (*entries)[i];
      const JournalEntry& e = p.entry;
      const std::string n = std::to_string(e.sequence);
      if (e.sequence != head.sequence + 1) {
        failed = Status(Code::kCorruption, "the primary sent entry " + n + " after entry " +
                                               std::to_string(head.sequence));
      } else if (e.prev_hash != head.head_hash) {
        failed = Status(Code::kCorruption, "entry " + n +
                                               " does not link to the entry this node holds "
                                               "before it: the primary's history differs");
      } else if (p.computed_hash != p.claimed_hash) {
        failed = Status(Code::kCorruption,
                        "entry " + n + " does not hash to the hash the primary gave for it");
      } else if (!p.status.ok()) {
        failed = Status(Code::kCorruption,
                        "the operation of entry " + n + " does not verify: " + p.status.ToString());
      } else if (e.time_ms < head.time_ms) {
        failed = Status(Code::kCorruption, "entry " + n + " goes back in time");
      } else if (Status t = CheckEntryTerm(EntriesCarryTerm(ledger_.genesis()), head.term, e);
                 !t.ok()) {
        failed = Status(Code::kCorruption, "entry " + n + ": " + t.message());
      }
      if (!failed.ok()) break;
      Delta delta;
      Status s = ledger_.Apply(state_, p.op, ApplyContext{e.time_ms, &journal}, &delta);
      if (!s.ok()) {
        failed = Status(Code::kCorruption,
                        "the rules refuse the operation of entry " + n + ": " + s.ToString());
        break;
      }
      state_.Commit(delta);
      if (digests != nullptr) digests->push_back(state_.digest());
      AppliedOperation a;
      a.entry = e;
      a.entry_hash = p.computed_hash;
      a.op_id = p.op.id();
      a.touched = TouchedAccounts(p.op.op(), delta);
      a.indexed = OrderIndexIds(ledger_.id(), p.op.op(), p.op.id());
      a.delta = std::move(delta);
      head = HeadState{e.sequence, a.entry_hash, e.time_ms, e.term};
      applied_here.emplace(a.op_id, i);
      applied.push_back(std::move(a));
    }
    if (failed.ok()) {
      const auto write_start = std::chrono::steady_clock::now();
      failed = options_.disk_check ? options_.disk_check() : Status();
      if (failed.ok()) failed = store_->Append(applied, state_);
      write_time = std::chrono::steady_clock::now() - write_start;
    }
    if (!failed.ok()) {
      // Memory is ahead of the disk: back to what is durable. Nothing of the group is kept.
      MemoryState durable(StateDigestRuleOf(ledger_.genesis()));
      HeadState durable_head;
      Status loaded = store_->Load(&durable, &durable_head);
      if (!loaded.ok()) {
        spdlog::critical(
            "event=replica-reload-failed error=\"{}\" message=\"the standby cannot reload its "
            "state from its store: stopping\"",
            loaded.ToString());
        spdlog::default_logger()->flush();
        std::abort();
      }
      state_ = std::move(durable);
      head_ = durable_head;
      if (digests != nullptr) digests->clear();
      return failed;
    }
    head_ = head;
  }
  {
    std::lock_guard lock(follow_mu_);
    durable_sequence_ = head_.sequence;  // only this thread writes head_ on a standby
    stats_.groups++;
    stats_.operations += applied.size();
    stats_.applied += applied.size();
    stats_.largest_group = std::max<uint64_t>(stats_.largest_group, applied.size());
    stats_.write_us += std::chrono::duration_cast<std::chrono::microseconds>(write_time).count();
  }
  follow_cv_.notify_all();
  ObserveGroup(applied.size(),
               std::chrono::duration_cast<std::chrono::microseconds>(write_time).count());
  std::vector<CommittedOp> committed;
  committed.reserve(applied.size());
  for (auto& a : applied)
    committed.push_back(std::make_shared<const AppliedOperation>(std::move(a)));
  hub_->Publish(committed);
  return Status::Ok();
}

ReplicationFigures LagOf(const FollowerStatus& f, const HeadState& head, int64_t now_ms) {
  ReplicationFigures r;
  r.connected = f.connected;
  if (f.primary_sequence > head.sequence) {
    r.lag_entries = f.primary_sequence - head.sequence;
    r.lag_ms = std::max<int64_t>(0, f.primary_time_ms - head.time_ms);
  }
  r.contact_age_ms = f.last_contact_ms == 0 ? -1 : std::max<int64_t>(0, now_ms - f.last_contact_ms);
  return r;
}

ReplicationServiceImpl::ReplicationServiceImpl(Applier* applier, Follower* follower)
    : applier_(applier), follower_(follower) {}

grpc::Status ReplicationServiceImpl::GetReplicationStatus(
    grpc::ServerContext*, const ::liard::v1::GetReplicationStatusRequest*,
    ::liard::v1::ReplicationStatus* resp) {
  namespace pb = ::liard::v1;
  HeadState head = applier_->Read([](const MemoryState&, const HeadState& h) { return h; });
  resp->set_sequence(head.sequence);
  resp->set_time_ms(head.time_ms);
  resp->set_head_term(head.term);
  if (leader_ != nullptr) {
    resp->set_leadership(true);
    if (leader_->leading()) {
      resp->set_role(pb::ReplicationStatus::PRIMARY);
      resp->set_term(leader_->term());
      if (SyncWait* sync = sync_.load(); sync != nullptr) sync->FillStatus(resp);
      return grpc::Status::OK;
    }
    if (follower_ == nullptr || leader_->term() != 0) {  // a primary that lost the key
      resp->set_role(pb::ReplicationStatus::STANDBY);
      resp->set_primary(leader_->known_leader());
      return grpc::Status::OK;
    }
  } else if (follower_ == nullptr) {
    resp->set_role(pb::ReplicationStatus::PRIMARY);
    if (SyncWait* sync = sync_.load(); sync != nullptr) sync->FillStatus(resp);
    return grpc::Status::OK;
  }
  const FollowerStatus f = follower_->status();
  const ReplicationFigures lag = LagOf(f, head, 0);
  resp->set_role(pb::ReplicationStatus::STANDBY);
  resp->set_primary(f.primary);
  resp->set_connected(f.connected);
  resp->set_primary_sequence(f.primary_sequence);
  resp->set_primary_time_ms(f.primary_time_ms);
  resp->set_lag_entries(lag.lag_entries);
  resp->set_lag_ms(lag.lag_ms);
  resp->set_last_contact_ms(f.last_contact_ms);
  resp->set_verified_checkpoint(f.verified_checkpoint);
  return grpc::Status::OK;
}

namespace {
// ReportDurable on a node that counts no standby: refused at once.
class RefusedAcks final
    : public grpc::ServerBidiReactor<::liard::v1::StandbyAck, ::liard::v1::SyncChallenge> {
 public:
  explicit RefusedAcks(const std::string& why) {
    Finish(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, why));
  }
  void OnDone() override { delete this; }
};
}  // namespace

grpc::ServerBidiReactor<::liard::v1::StandbyAck, ::liard::v1::SyncChallenge>*
ReplicationServiceImpl::ReportDurable(grpc::CallbackServerContext* ctx) {
  if (SyncWait* sync = sync_.load(); sync != nullptr) return sync->OpenStream(ctx);
  return new RefusedAcks(follower_ != nullptr
                             ? "this node is a standby: report to the primary"
                             : "this primary counts no standby ([replication] standbys is empty)");
}

}  // namespace liard::node
