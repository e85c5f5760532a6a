// StandbyAcker: the standby's ReportDurable stream to its primary.
#include "node/sync_ack.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "liard/v1/replication.grpc.pb.h"
#include "node/log_text.h"
#include "node/sync_wait.h"

namespace liard::node {
namespace {
namespace pb = ::liard::v1;
}  // namespace

StandbyAcker::StandbyAcker(const FollowerOptions& options, std::string name, const Hash& ledger_id,
                           Applier* applier)
    : options_(options),
      name_(std::move(name)),
      ledger_id_(ledger_id),
      applier_(applier),
      channel_(PrimaryChannel(options_)),
      primary_(options_.primary) {}

StandbyAcker::~StandbyAcker() { Stop(); }

void StandbyAcker::Start() {
  thread_ = std::thread([this] { Run(); });
}

void StandbyAcker::Retarget(const std::string& primary) {
  FollowerOptions to = options_;
  to.primary = primary;
  std::shared_ptr<grpc::Channel> channel = PrimaryChannel(to);
  std::lock_guard lock(mu_);
  if (primary == primary_) return;
  primary_ = primary;
  channel_ = std::move(channel);
  if (ctx_ != nullptr) ctx_->TryCancel();
}

void StandbyAcker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (ctx_ != nullptr) ctx_->TryCancel();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool StandbyAcker::Sleep(int64_t ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_; });
  return !stopping_;
}

void StandbyAcker::Run() {
  int64_t backoff = kFollowBackoffFirstMs;
  std::string last_error;
  for (;;) {
    std::string primary;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      primary = primary_;
    }
    const auto started = std::chrono::steady_clock::now();
    Status s = Stream();
    {
      std::lock_guard lock(mu_);
      if (primary_ != primary) {  // retargeted: the new primary at once
        backoff = kFollowBackoffFirstMs;
        continue;
      }
    }
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(10))
      backoff = kFollowBackoffFirstMs;  // it worked for a while
    // Logged when the reason changes, not at every retry (a primary that counts no standby
    // refuses every stream).
    if (s.message() != last_error) {
      last_error = s.message();
      spdlog::warn("event=ack-retry primary={} name={} retry_ms={} error=\"{}\"",
                   LogText(primary, 128), LogText(name_, kSyncMaxName), backoff,
                   LogText(s.message(), 512));
    }
    if (!Sleep(backoff)) return;
    backoff = std::min(backoff * 2, kFollowBackoffMaxMs);
  }
}

Status StandbyAcker::Stream() {
  grpc::ClientContext ctx;
  std::shared_ptr<grpc::Channel> channel;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status(Code::kUnavailable, "stopping");
    ctx_ = &ctx;
    channel = channel_;
  }
  auto stub = pb::ReplicationService::NewStub(channel);
  struct Clear {
    StandbyAcker* self;
    ~Clear() {
      std::lock_guard lock(self->mu_);
      self->ctx_ = nullptr;
    }
  } clear{this};
  auto stream = stub->ReportDurable(&ctx);
  pb::SyncChallenge challenge;
  if (!stream->Read(&challenge)) {
    grpc::Status st = stream->Finish();
    return Status(Code::kUnavailable, "ReportDurable: " + st.error_message());
  }
  if (challenge.ledger_id() != ledger_id_.view() || challenge.nonce().size() != 32) {
    ctx.TryCancel();
    stream->Finish();
    return Status(Code::kCorruption, "the primary's challenge names another ledger");
  }
  const KeyPair key = KeyPair::FromSeed(options_.reader_seed);
  uint64_t sent = UINT64_MAX;
  auto last_write = std::chrono::steady_clock::now();
  bool ok = true;
  while (ok) {
    const HeadState head = applier_->Read([](const MemoryState&, const HeadState& h) { return h; });
    const auto now = std::chrono::steady_clock::now();
    if (head.sequence != sent || now - last_write >= std::chrono::milliseconds(kAckHeartbeatMs)) {
      pb::StandbyAck ack;
      ack.set_name(name_);
      ack.set_public_key(std::string(key.public_key().view()));
      ack.set_sequence(head.sequence);
      ack.set_entry_hash(std::string(head.head_hash.view()));
      ack.set_signature(
          std::string(key.Sign(StandbyAckMessage(ledger_id_, challenge.nonce(), head.sequence,
                                                 head.head_hash, name_))
                          .view()));
      ok = stream->Write(ack);
      sent = head.sequence;
      last_write = now;
    }
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    if (ok) applier_->WaitBeyond(head.sequence, std::chrono::milliseconds(200));
  }
  stream->WritesDone();
  grpc::Status st = stream->Finish();
  return Status(Code::kUnavailable,
                st.ok() ? std::string("the primary closed the stream") : st.error_message());
}

}  // namespace liard::node
