// Watch and StreamJournal: callback streams driven by events (node/streams.h), capped in number.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "node/answers.h"
#include "node/redact.h"
#include "node/service.h"
#include "node/web_gateway.h"

namespace liard::node {
namespace {

namespace pb = ::liard::v1;

// The address a stream is counted against (StreamLimits). A call through the in-process channel
// comes from the web gateway (web_gateway.h), which names the browser's address in metadata;
// no other client can make such a call, so only there is the metadata believed.
std::string StreamPeerOf(const grpc::CallbackServerContext* ctx) {
  const std::string peer = ctx->peer();
  if (peer.rfind("ipv4:", 0) == 0 || peer.rfind("ipv6:", 0) == 0 || peer.rfind("unix:", 0) == 0)
    return PeerAddress(peer);
  const auto& md = ctx->client_metadata();
  auto it = md.find(kWebPeerMetadataKey);
  if (it == md.end()) return PeerAddress(peer);
  return std::string(it->second.data(), std::min<size_t>(it->second.size(), 64));
}

grpc::Status Unavailable() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, answers::kShuttingDown);
}

grpc::Status Internal(const Status& s) {
  spdlog::error("event=internal-error error=\"{}\"", s.ToString());
  return grpc::Status(grpc::StatusCode::INTERNAL,
                      "the node could not read its store: " + s.ToString());
}

// Parses a raw stream request: INVALID_ARGUMENT, saying so, if it does not decode.
template <typename Request>
grpc::Status Decode(const grpc::ByteBuffer* raw, Request* req) {
  grpc::ByteBuffer copy;
  if (raw != nullptr) copy = *raw;  // shares the slices; Deserialize consumes its argument
  if (raw == nullptr || !grpc::SerializationTraits<Request>::Deserialize(&copy, req).ok())
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the request does not decode as a " +
                                                                Request::descriptor()->full_name() +
                                                                "; send a valid one");
  return grpc::Status::OK;
}

template <typename Message>
grpc::Status Serialize(const Message& m, grpc::ByteBuffer* out) {
  bool own = false;
  out->Clear();  // the serializer wants an empty buffer: this one held the previous message
  return grpc::SerializationTraits<Message>::Serialize(m, out, &own);
}

void FillEntry(const JournalEntry& e, const Hash& entry_hash, pb::JournalEntry* out) {
  out->set_sequence(e.sequence);
  out->set_time_ms(e.time_ms);
  out->set_prev_hash(std::string(e.prev_hash.view()));
  out->set_entry_hash(std::string(entry_hash.view()));
  out->set_envelope(e.envelope);
  out->set_term(e.term);
}

}  // namespace

// One Watch: the catch-up from from_sequence (one history page at a time), then the receipts the
// hub queues for the account, as they come.
class LedgerServiceImpl::WatchStream final : public StreamReactor {
 public:
  WatchStream(grpc::CallbackServerContext* ctx, LedgerServiceImpl* svc, std::string peer,
              const AccountId& id, uint64_t from_sequence, ReadGrant grant)
      : StreamReactor(ctx, &svc->stream_pump_, &svc->stream_limits_, std::move(peer)),
        svc_(svc),
        id_(id),
        from_sequence_(from_sequence),
        grant_(std::move(grant)),
        next_from_(from_sequence),
        catching_up_(from_sequence > 0) {}

 private:
  void Attach() override {
    // Subscribe before replaying, so nothing committed in between is missed: what the store
    // holds up to subscribed_at_ is replayed, what comes after is in the queue.
    sub_ = svc_->hub_->Subscribe(id_, Waker());
    whole_ = svc_->ReadsWhole(grant_);
    subscribed_at_ = svc_->applier_->durable_sequence();
  }
  void Detach() override { svc_->hub_->Unsubscribe(sub_); }

  // The stream ends when its read request expires; a fresh one continues from here, missing
  // nothing: past the last receipt sent, else where this one started.
  uint64_t ResumeFrom() const {
    if (last_sent_ > 0) return last_sent_ + 1;
    return from_sequence_ > 0 ? from_sequence_ : subscribed_at_ + 1;
  }

  Step Write(pb::Receipt* r, uint64_t sequence, grpc::ByteBuffer* out, grpc::Status* status) {
    if (!whole_) RedactFor(id_, r);
    *status = Serialize(*r, out);
    if (!status->ok()) return Step::kFinish;
    last_sent_ = sequence;
    return Step::kWrite;
  }

  Step Next(grpc::ByteBuffer* out, grpc::Status* status) override {
    if (svc_->shutting_down_) {
      *status = Unavailable();
      return Step::kFinish;
    }
    if (*status = svc_->Expired(ctx(), grant_, ResumeFrom()); !status->ok()) return Step::kFinish;
    if (*status = svc_->StillGranted(ctx(), &grant_); !status->ok()) return Step::kFinish;
    while (catching_up_) {
      if (page_pos_ < page_.size()) {
        const uint64_t seq = page_[page_pos_++];
        next_from_ = seq + 1;
        if (seq > subscribed_at_) {  // the queue has it
          catching_up_ = false;
          break;
        }
        pb::Receipt r;
        Status s = svc_->ReadReceipt(seq, &r);
        if (!s.ok()) {
          *status = Internal(s);
          return Step::kFinish;
        }
        return Write(&r, seq, out, status);
      }
      if (last_page_ || next_from_ > subscribed_at_) {
        catching_up_ = false;
        break;
      }
      Status s = svc_->store_->HistoryFrom(id_, next_from_, kStreamPage, &page_);
      if (!s.ok()) {
        *status = Internal(s);
        return Step::kFinish;
      }
      page_pos_ = 0;
      last_page_ = page_.size() < kStreamPage;
    }
    if (page_.capacity() > 0) std::vector<uint64_t>().swap(page_);
    for (;;) {
      CommittedOp op;
      Subscription::State state = sub_->TryTake(&op);
      if (op) {
        if (op->entry.sequence <= last_sent_) continue;
        if (refresh_whole_) {  // roles may have changed since the last batch
          whole_ = svc_->ReadsWhole(grant_);
          refresh_whole_ = false;
        }
        pb::Receipt r;
        svc_->FillReceipt(*op, &r);
        return Write(&r, op->entry.sequence, out, status);
      }
      refresh_whole_ = true;
      if (state == Subscription::State::kOverflowed) {
        *status = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                               "this watcher fell too far behind; watch again with from_sequence " +
                                   std::to_string(last_sent_ + 1));
        return Step::kFinish;
      }
      if (state == Subscription::State::kClosed) {
        *status = Unavailable();
        return Step::kFinish;
      }
      return Step::kIdle;
    }
  }

  LedgerServiceImpl* const svc_;
  const AccountId id_;
  const uint64_t from_sequence_;
  ReadGrant grant_;
  std::shared_ptr<Subscription> sub_;
  bool whole_ = true;
  bool refresh_whole_ = false;
  uint64_t subscribed_at_ = 0;
  uint64_t last_sent_ = 0;
  // Catch-up: one page of the account's history at a time.
  uint64_t next_from_;
  bool catching_up_;
  bool last_page_ = false;
  std::vector<uint64_t> page_;
  size_t page_pos_ = 0;
};

// One StreamJournal: entries from from_sequence to the durable head, one at a time, then (if
// following) each new one as the hub says the head moved.
class LedgerServiceImpl::JournalStream final : public StreamReactor {
 public:
  JournalStream(grpc::CallbackServerContext* ctx, LedgerServiceImpl* svc, std::string peer,
                uint64_t from_sequence, bool follow, ReadGrant grant)
      : StreamReactor(ctx, &svc->stream_pump_, &svc->stream_limits_, std::move(peer)),
        svc_(svc),
        follow_(follow),
        grant_(std::move(grant)),
        next_(std::max<uint64_t>(from_sequence, 1)) {}

 private:
  void Attach() override {
    if (follow_) follower_ = svc_->hub_->AddFollower(Waker());
  }
  void Detach() override {
    if (follow_) svc_->hub_->RemoveFollower(follower_);
  }

  Step Next(grpc::ByteBuffer* out, grpc::Status* status) override {
    if (next_ <= svc_->applier_->durable_sequence()) {
      if (*status = svc_->Expired(ctx(), grant_, next_); !status->ok()) return Step::kFinish;
      JournalEntry e;
      Hash h;
      Status s = svc_->store_->ReadEntry(next_, &e, &h);
      if (!s.ok()) {
        *status = Internal(s);
        return Step::kFinish;
      }
      pb::JournalEntry entry;
      FillEntry(e, h, &entry);
      *status = Serialize(entry, out);
      if (!status->ok()) return Step::kFinish;
      ++next_;
      return Step::kWrite;
    }
    if (!follow_) {
      *status = grpc::Status::OK;
      return Step::kFinish;
    }
    if (svc_->shutting_down_) {
      *status = Unavailable();
      return Step::kFinish;
    }
    if (*status = svc_->Expired(ctx(), grant_, next_); !status->ok()) return Step::kFinish;
    if (*status = svc_->StillGranted(ctx(), &grant_); !status->ok()) return Step::kFinish;
    return Step::kIdle;
  }

  LedgerServiceImpl* const svc_;
  const bool follow_;
  ReadGrant grant_;
  uint64_t next_;
  uint64_t follower_ = 0;
};

grpc::ServerWriteReactor<grpc::ByteBuffer>* LedgerServiceImpl::Watch(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* raw) {
  if (shutting_down_) return FinishedStream(Unavailable());
  pb::WatchRequest req;
  if (grpc::Status s = Decode(raw, &req); !s.ok()) return FinishedStream(s);
  AccountId id;
  if (!id.Assign(req.account()))
    return FinishedStream(
        grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                     "account must be 32 bytes, not " + std::to_string(req.account().size())));
  std::string peer = StreamPeerOf(ctx);
  if (grpc::Status s = stream_limits_.Acquire(peer); !s.ok()) return FinishedStream(s);
  ReadGrant grant;
  ReadCall call{"Watch", &id};
  call.from_sequence = req.from_sequence();
  grpc::Status s = CheckRead(ctx, req.has_auth(), req.auth(), call, &grant);
  if (s.ok()) s = FindAccountId("account", req.account(), &id);
  if (!s.ok()) {
    stream_limits_.Release(peer);
    return FinishedStream(s);
  }
  auto stream = std::make_shared<WatchStream>(ctx, this, std::move(peer), id, req.from_sequence(),
                                              std::move(grant));
  return stream->Start(stream);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* LedgerServiceImpl::StreamJournal(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* raw) {
  if (shutting_down_) return FinishedStream(Unavailable());
  pb::StreamJournalRequest req;
  if (grpc::Status s = Decode(raw, &req); !s.ok()) return FinishedStream(s);
  std::string peer = StreamPeerOf(ctx);
  if (grpc::Status s = stream_limits_.Acquire(peer); !s.ok()) return FinishedStream(s);
  ReadGrant grant;
  ReadCall call{"StreamJournal", nullptr};
  call.from_sequence = req.from_sequence();
  call.follow = req.follow();
  grpc::Status s = CheckRead(ctx, req.has_auth(), req.auth(), call, &grant);
  if (!s.ok()) {
    stream_limits_.Release(peer);
    return FinishedStream(s);
  }
  auto stream = std::make_shared<JournalStream>(ctx, this, std::move(peer), req.from_sequence(),
                                                req.follow(), std::move(grant));
  return stream->Start(stream);
}

}  // namespace liard::node
