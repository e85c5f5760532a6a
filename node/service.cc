// The gRPC service: request conversion, calls into the applier and the store, status mapping.
#include "node/service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "ledger/address.h"
#include "ledger/governance.h"
#include "ledger/journal.h"
#include "ledger/money.h"
#include "ledger/ops/ops.h"
#include "ledger/read_auth.h"
#include "node/answers.h"
#include "node/log_text.h"
#include "node/order_index.h"
#include "node/redact.h"
#include "node/store_journal.h"
#include "proto/codec.h"

namespace liard::node {
namespace {

namespace pb = ::liard::v1;

// Batches at least this large spread their signature checks over the verification pool.
constexpr int kParallelPreflightMin = 64;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

grpc::Status Unavailable() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, answers::kShuttingDown);
}

grpc::Status Invalid(std::string message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::move(message));
}

grpc::Status Internal(const Status& s) {
  spdlog::error("event=internal-error error=\"{}\"", LogText(s.ToString(), kLogReasonBytes));
  return grpc::Status(grpc::StatusCode::INTERNAL,
                      "the node could not read its store: " + s.ToString());
}

grpc::StatusCode GrpcCodeOf(Code code) {
  switch (GroupOf(code)) {
    case CodeGroup::kOk:
      return grpc::StatusCode::OK;
    case CodeGroup::kMalformed:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case CodeGroup::kRefused:
    case CodeGroup::kInvariant:
      return grpc::StatusCode::FAILED_PRECONDITION;
    case CodeGroup::kGeneric:
      break;
  }
  switch (code) {
    case Code::kInvalidArgument:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case Code::kNotFound:
      return grpc::StatusCode::NOT_FOUND;
    case Code::kOutOfRange:
      return grpc::StatusCode::OUT_OF_RANGE;
    case Code::kUnavailable:
      return grpc::StatusCode::UNAVAILABLE;
    case Code::kAlreadyExists:
      return grpc::StatusCode::ALREADY_EXISTS;
    default:
      return grpc::StatusCode::INTERNAL;
  }
}

// A refused submit: the gRPC status of its group, the code in trailing metadata, and the
// message prefixed by the code's name.
grpc::Status Refusal(grpc::ServerContextBase* ctx, const Status& s) {
  ctx->AddTrailingMetadata("liard-code", std::to_string(static_cast<int>(s.code())));
  ctx->AddTrailingMetadata("liard-code-name", std::string(CodeName(s.code())));
  if (s.item() != 0) ctx->AddTrailingMetadata("liard-leg", std::to_string(s.item()));
  for (const auto& f : s.figures())
    ctx->AddTrailingMetadata("liard-figure-" + f.name, std::to_string(f.value));
  return grpc::Status(GrpcCodeOf(s.code()), s.ToString());
}

bool ParseId(const std::string& bytes, Bytes<32>* out) { return out->Assign(bytes); }

grpc::Status BadId(std::string_view field, const std::string& bytes) {
  return Invalid(std::string(field) + " must be 32 bytes, not " + std::to_string(bytes.size()));
}

grpc::Status NoSuchAccount(std::string_view currency_code, const AccountId& id) {
  return grpc::Status(
      grpc::StatusCode::NOT_FOUND,
      answers::FillAnswer(answers::kNoAccount, {{"address", EncodeAddress(currency_code, id)}}));
}

void FillOutcome(const SubmitOutcome& o, pb::SubmitResponse* r) {
  r->set_operation_id(std::string(o.op_id.view()));
  r->set_code(static_cast<uint32_t>(o.status.code()));
  r->set_code_name(std::string(CodeName(o.status.code())));
  if (!o.status.ok()) {
    r->set_message(o.status.message());
    r->set_leg(o.status.item());
    for (const auto& f : o.status.figures()) (*r->mutable_figures())[f.name] = f.value;
  } else if (!o.note.empty()) {
    r->set_message(o.note);
  } else {
    r->set_message(o.duplicate ? "applied before" : "applied");
  }
  r->set_duplicate(o.duplicate);
  if (o.status.ok()) {
    r->set_sequence(o.sequence);
    r->set_time_ms(o.time_ms);
    r->set_entry_hash(std::string(o.entry_hash.view()));
  }
}

template <typename Message>
void FillPostings(const std::vector<Posting>& postings, Message* out) {
  for (const Posting& p : postings) {
    pb::Posting* q = out->add_postings();
    q->set_slot(static_cast<uint32_t>(p.key.slot));
    if (!p.key.owner.IsZero()) q->set_owner(std::string(p.key.owner.view()));
    q->set_amount(p.amount);
  }
}

// The roles as the wire lists them, in Role order.
void FillRoles(uint32_t roles, pb::AccountInfo* out) {
  for (Role r : kAllRoles)
    if (roles & RoleBit(r)) out->add_roles(static_cast<pb::Role>(r));
}

}  // namespace

LedgerServiceImpl::LedgerServiceImpl(const Ledger& ledger, std::string genesis_bytes, Store* store,
                                     Applier* applier, WatchHub* hub, Checkpointer* checkpointer,
                                     VerifyPool* verify_pool, StreamOptions streams)
    : ledger_(ledger),
      genesis_bytes_(std::move(genesis_bytes)),
      store_(store),
      applier_(applier),
      hub_(hub),
      checkpointer_(checkpointer),
      verify_pool_(verify_pool),
      stream_limits_(streams.max_streams, streams.max_streams_per_peer),
      stream_pump_(kStreamWorkers, kStreamPoll) {}

grpc::Status LedgerServiceImpl::CheckRead(grpc::ServerContextBase* ctx, bool has_auth,
                                          const pb::ReadAuth& auth, const ReadCall& call,
                                          ReadGrant* grant) const {
  const std::string_view method = call.method;
  Status s;
  ReadRequest request;
  PublicKey key;
  Signature signature;
  const int64_t now = NowMs();
  if (!has_auth || auth.body().empty()) {
    s = Status(Code::kReadRefused,
               "balances and histories are private: this request needs a read request signed "
               "by the account itself, a treasurer or an auditor (" +
                   std::string(method) + " without one is refused)");
  } else if (!key.Assign(auth.public_key())) {
    s = Status(Code::kReadRefused, "the read request's public_key must be 32 bytes");
  } else if (!signature.Assign(auth.signature())) {
    s = Status(Code::kReadRefused, "the read request's signature must be 64 bytes");
  } else {
    s = codec::DecodeReadRequest(auth.body(), &request);
  }
  if (s.ok()) {
    s = applier_->Read([&](const MemoryState& state, const HeadState&) {
      return AuthorizeRead(state, ledger_.id(), request, auth.body(), key, signature, call, now);
    });
  }
  // Single use: only a granted request's nonce is recorded, so a stranger cannot fill the set.
  if (s.ok()) {
    switch (nonces_.Use(request.reader, request.nonce, request.not_after_ms, now)) {
      case ReadNonces::Result::kFresh:
        break;
      case ReadNonces::Result::kSeen:
        s = Status(Code::kReadRefused,
                   "this read request was used already (its nonce was seen): a read request "
                   "serves one call; sign a fresh one");
        break;
      case ReadNonces::Result::kFull:
        if (AllowRefusalLine())
          spdlog::warn("event=read-nonces-full method=\"{}\"", LogText(method));
        return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                            "the node holds as many unexpired read requests as it can (in all, "
                            "or for this reader); try again once some expire, within 5 minutes");
    }
  }
  if (!s.ok()) return ReadRefusal(ctx, method, s);
  if (grant != nullptr) {
    grant->request = std::move(request);
    grant->body = auth.body();
    grant->key = key;
    grant->signature = signature;
    grant->method = std::string(method);
    grant->has_target = call.target != nullptr;
    if (call.target != nullptr) grant->target = *call.target;
    grant->granted_ms = now;
  }
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::StillGranted(grpc::ServerContextBase* ctx, ReadGrant* grant) const {
  const auto now = std::chrono::steady_clock::now();
  if (now - grant->checked < kReadRecheck) return grpc::Status::OK;
  grant->checked = now;
  // The same decision at the time it was first granted: only the state (the reader's key, its
  // roles, its account) can have changed since. The call's parameters are the request's.
  const ReadRequest& r = grant->request;
  ReadCall call{grant->method,     grant->has_target ? &grant->target : nullptr,
                r.from_sequence,   r.follow,
                r.before_sequence, r.limit,
                r.request_digest};
  Status s = applier_->Read([&](const MemoryState& state, const HeadState&) {
    return AuthorizeRead(state, ledger_.id(), grant->request, grant->body, grant->key,
                         grant->signature, call, grant->granted_ms);
  });
  if (s.ok()) return grpc::Status::OK;
  return ReadRefusal(ctx, grant->method,
                     Status(s.code(), "this stream's reader may no longer read it (" + s.message() +
                                          "); the stream ends"));
}

bool LedgerServiceImpl::ReadsWhole(const ReadGrant& grant) const {
  // Anyone but the target itself was granted as a treasurer or an auditor.
  if (!grant.has_target || grant.request.reader != grant.target) return true;
  return applier_->Read([&](const MemoryState& state, const HeadState&) {
    return ReadsWholeEntries(state, grant.request.reader);
  });
}

grpc::Status LedgerServiceImpl::Expired(grpc::ServerContextBase* ctx, const ReadGrant& grant,
                                        uint64_t resume_from) const {
  if (NowMs() <= grant.request.not_after_ms) return grpc::Status::OK;
  spdlog::info("event=read-expired method=\"{}\" resume_from={}", LogText(grant.method),
               resume_from);
  ctx->AddTrailingMetadata("liard-resume-from", std::to_string(resume_from));
  return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                      "the read request of this " + grant.method +
                          " stream has expired; continue with a fresh one from_sequence " +
                          std::to_string(resume_from));
}

grpc::Status LedgerServiceImpl::ReadRefusal(grpc::ServerContextBase* ctx, std::string_view method,
                                            const Status& s) const {
  if (AllowRefusalLine())
    spdlog::info("event=read-refused method=\"{}\" reason=\"{}\"", LogText(method),
                 LogText(s.message(), kLogReasonBytes));
  ctx->AddTrailingMetadata("liard-code", std::to_string(static_cast<int>(s.code())));
  ctx->AddTrailingMetadata("liard-code-name", std::string(CodeName(s.code())));
  return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, s.ToString());
}

Status LedgerServiceImpl::Verify(std::string_view envelope, VerifiedOperation* out) const {
  SignedOperation so;
  Status s = codec::DecodeEnvelope(envelope, &so);
  if (!s.ok()) return s;
  return ledger_.Preflight(std::move(so), out);
}

namespace {

// A request's bytes in one piece, as the client sent them.
std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::string out;
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices)
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return out;
}

// Parses a SubmitRequest or SubmitBatchRequest (so that an undecodable one is INVALID_ARGUMENT
// as any request is) and cuts its envelopes out of `*raw`, the bytes as sent: what the journal
// keeps. kInvalidArgument (the message to answer) if it does not decode; SplitEnvelopes' other
// refusals as they are.
template <typename Request>
Status ReadEnvelopes(const grpc::ByteBuffer& bytes, std::string* raw,
                     std::vector<std::string_view>* envelopes) {
  const Status undecodable(Code::kInvalidArgument, "the request does not decode as a " +
                                                       Request::descriptor()->full_name());
  Request req;
  grpc::ByteBuffer copy(bytes);  // shares the slices; Deserialize consumes its argument
  if (!grpc::SerializationTraits<Request>::Deserialize(&copy, &req).ok()) return undecodable;
  *raw = Flatten(bytes);
  Status s = codec::SplitEnvelopes(*raw, envelopes);
  return s.code() == Code::kInvalidArgument ? undecodable : s;
}

// The body of an envelope refused before the applier, for its operation id in the log and the
// answer: as far as the envelope parses, unknown fields and all (empty if it does not).
std::string LenientBody(std::string_view envelope) {
  pb::SignedOperation m;
  if (!m.ParseFromArray(envelope.data(), static_cast<int>(envelope.size()))) return "";
  return std::move(*m.mutable_body());
}

// Logs a refusal found before the applier (decoding or preflight): the applier logs its own.
void LogEarlyRefusal(const Ledger& ledger, std::string_view envelope, const Status& s) {
  const std::string body = LenientBody(envelope);
  Hash op_id = OperationId(ledger.id(), body);
  Operation op;
  bool decoded = codec::DecodeOperation(body, &op).ok();
  LogRefused(s, &op_id, decoded ? &op.account : nullptr, ledger.genesis().currency_code);
}

}  // namespace

void LedgerServiceImpl::FinishCall(grpc::ServerUnaryReactor* reactor, const grpc::Status& status) {
  reactor->Finish(status);
  calls_in_flight_.fetch_sub(1, std::memory_order_release);
  calls_done_.fetch_add(1, std::memory_order_relaxed);
}

bool LedgerServiceImpl::WaitCalls(std::chrono::steady_clock::time_point deadline) const {
  while (calls_in_flight_.load(std::memory_order_acquire) > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void LedgerServiceImpl::SetStandbyOf(std::string primary) {
  std::lock_guard lock(standby_mu_);
  standby_ = !primary.empty();
  standby_of_ = std::move(primary);
}

bool LedgerServiceImpl::RefusedAsStandby(grpc::CallbackServerContext* ctx,
                                         grpc::Status* status) const {
  if (!standby_.load(std::memory_order_relaxed)) return false;  // a primary pays one load
  std::string primary;
  {
    std::lock_guard lock(standby_mu_);
    if (standby_of_.empty()) return false;
    primary = standby_of_;
  }
  ctx->AddTrailingMetadata("liard-primary", primary);
  *status = Refusal(ctx, Status(Code::kUnavailable,
                                answers::FillAnswer(answers::kStandby, {{"primary", primary}})));
  return true;
}

grpc::ServerUnaryReactor* LedgerServiceImpl::Submit(grpc::CallbackServerContext* ctx,
                                                    const grpc::ByteBuffer* req_bytes,
                                                    grpc::ByteBuffer* resp_bytes) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  calls_in_flight_.fetch_add(1, std::memory_order_relaxed);
  if (shutting_down_) {
    FinishCall(reactor, Unavailable());
    return reactor;
  }
  if (grpc::Status refused; RefusedAsStandby(ctx, &refused)) {
    FinishCall(reactor, refused);
    return reactor;
  }
  // The envelope as sent, not as parsed: parsing drops what the journal must keep or refuse.
  std::string raw;
  std::vector<std::string_view> envelopes;
  Status s = ReadEnvelopes<pb::SubmitRequest>(*req_bytes, &raw, &envelopes);
  if (s.code() == Code::kInvalidArgument) {
    FinishCall(reactor, Invalid(s.message()));
    return reactor;
  }
  if (s.ok() && envelopes.size() > 1)
    s = Status(Code::kMalformedBody, "the request carries " + std::to_string(envelopes.size()) +
                                         " envelopes; Submit takes one (SubmitBatch takes many)");
  const std::string_view envelope = envelopes.empty() ? std::string_view() : envelopes.front();
  VerifiedOperation v;
  if (s.ok()) s = Verify(envelope, &v);
  if (!s.ok()) {
    LogEarlyRefusal(ledger_, envelope, s);
    FinishCall(reactor, Refusal(ctx, s));
    return reactor;
  }
  // Answered from the applier's thread once durable; gRPC keeps ctx and resp_bytes alive until
  // the reactor is finished.
  applier_->SubmitThen(std::move(v), [this, ctx, reactor, resp_bytes](SubmitOutcome o) {
    if (!o.status.ok()) {
      FinishCall(reactor, Refusal(ctx, o.status));
      return;
    }
    pb::SubmitResponse resp;
    FillOutcome(o, &resp);
    bool own_buffer = false;
    grpc::Status encoded =
        grpc::SerializationTraits<pb::SubmitResponse>::Serialize(resp, resp_bytes, &own_buffer);
    FinishCall(reactor, encoded);
  });
  return reactor;
}

grpc::ServerUnaryReactor* LedgerServiceImpl::SubmitBatch(grpc::CallbackServerContext* ctx,
                                                         const grpc::ByteBuffer* req_bytes,
                                                         grpc::ByteBuffer* resp_bytes) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  calls_in_flight_.fetch_add(1, std::memory_order_relaxed);
  if (shutting_down_) {
    FinishCall(reactor, Unavailable());
    return reactor;
  }
  if (grpc::Status refused; RefusedAsStandby(ctx, &refused)) {
    FinishCall(reactor, refused);
    return reactor;
  }
  std::string raw;
  std::vector<std::string_view> envelopes;
  Status split = ReadEnvelopes<pb::SubmitBatchRequest>(*req_bytes, &raw, &envelopes);
  if (split.code() == Code::kInvalidArgument) {
    FinishCall(reactor, Invalid(split.message()));
    return reactor;
  }
  if (!split.ok()) {
    if (AllowRefusalLine())
      spdlog::info("event=batch-refused reason=\"{}\"", LogText(split.message(), kLogReasonBytes));
    FinishCall(reactor, Refusal(ctx, split));
    return reactor;
  }
  const int n = static_cast<int>(envelopes.size());
  if (n > kMaxBatch) {
    FinishCall(reactor, Invalid("a batch holds at most " + std::to_string(kMaxBatch) +
                                " operations, not " + std::to_string(n)));
    return reactor;
  }
  std::vector<Status> early(n);
  std::vector<VerifiedOperation> verified(n);
  auto verify_range = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) early[i] = Verify(envelopes[i], &verified[i]);
  };
  // Large batches on the pool made at start (shared by all batches, a chunk at a time each);
  // small ones on this thread, where handing them over would cost more than it saves.
  if (verify_pool_ != nullptr && n >= kParallelPreflightMin) {
    verify_pool_->ParallelFor(static_cast<size_t>(n), verify_range);
  } else {
    verify_range(0, static_cast<size_t>(n));
  }
  // The answers, filled in as they come: the early refusals now, the rest from the applier's
  // thread, which finishes the call with the last one.
  struct Answers {
    std::vector<SubmitOutcome> outcomes;
    std::vector<int> position;  // the request position of the k-th operation queued
    std::atomic<size_t> pending{0};
  };
  auto answers = std::make_shared<Answers>();
  answers->outcomes.resize(n);
  std::vector<VerifiedOperation> to_apply;
  for (int i = 0; i < n; ++i) {
    if (early[i].ok()) {
      to_apply.push_back(std::move(verified[i]));
      answers->position.push_back(i);
    } else {
      LogEarlyRefusal(ledger_, envelopes[i], early[i]);
      answers->outcomes[i].status = early[i];
      answers->outcomes[i].op_id = OperationId(ledger_.id(), LenientBody(envelopes[i]));
    }
  }
  auto finish = [this, reactor, resp_bytes](const Answers& a) {
    pb::SubmitBatchResponse resp;
    for (const SubmitOutcome& o : a.outcomes) FillOutcome(o, resp.add_results());
    bool own_buffer = false;
    FinishCall(reactor, grpc::SerializationTraits<pb::SubmitBatchResponse>::Serialize(
                            resp, resp_bytes, &own_buffer));
  };
  if (to_apply.empty()) {
    finish(*answers);
    return reactor;
  }
  answers->pending = to_apply.size();
  applier_->SubmitAllThen(std::move(to_apply), [answers, finish](size_t k, SubmitOutcome o) {
    answers->outcomes[answers->position[k]] = std::move(o);
    if (answers->pending.fetch_sub(1) == 1) finish(*answers);
  });
  return reactor;
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* LedgerServiceImpl::Unary(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req_bytes,
    grpc::ByteBuffer* resp_bytes, std::string_view method,
    grpc::Status (LedgerServiceImpl::*body)(grpc::ServerContextBase*, const Request*, Response*)) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  calls_in_flight_.fetch_add(1, std::memory_order_relaxed);
  Request req;
  grpc::ByteBuffer copy(*req_bytes);  // shares the slices; Deserialize consumes its argument
  if (!grpc::SerializationTraits<Request>::Deserialize(&copy, &req).ok()) {
    FinishCall(reactor, Invalid(std::string(method) + ": the request does not decode as a " +
                                Request::descriptor()->full_name() +
                                "; send one encoded as docs/protocol.md describes"));
    return reactor;
  }
  Response resp;
  grpc::Status status = (this->*body)(ctx, &req, &resp);
  if (status.ok()) {
    bool own_buffer = false;
    status = grpc::SerializationTraits<Response>::Serialize(resp, resp_bytes, &own_buffer);
  }
  FinishCall(reactor, status);
  return reactor;
}

#define LIARD_RAW_READ(Method, Request, Response)                                                 \
  grpc::ServerUnaryReactor* LedgerServiceImpl::Method(                                            \
      grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req, grpc::ByteBuffer* resp) {    \
    return Unary<pb::Request, pb::Response>(ctx, req, resp, #Method, &LedgerServiceImpl::Method); \
  }
LIARD_RAW_READ(Simulate, SimulateRequest, SimulateResponse)
LIARD_RAW_READ(GetAccount, GetAccountRequest, AccountInfo)
LIARD_RAW_READ(LookupAccount, LookupAccountRequest, AccountCard)
LIARD_RAW_READ(ListDirectory, ListDirectoryRequest, ListDirectoryResponse)
LIARD_RAW_READ(GetHistory, GetHistoryRequest, GetHistoryResponse)
LIARD_RAW_READ(GetOperation, GetOperationRequest, Receipt)
LIARD_RAW_READ(GetReserves, GetReservesRequest, Reserves)
LIARD_RAW_READ(GetHead, GetHeadRequest, Head)
LIARD_RAW_READ(GetCheckpoint, GetCheckpointRequest, SignedCheckpoint)
LIARD_RAW_READ(GetGenesis, GetGenesisRequest, GenesisInfo)
LIARD_RAW_READ(GetGovernance, GetGovernanceRequest, GovernanceInfo)
LIARD_RAW_READ(GetRequest, GetRequestRequest, RequestInfo)
LIARD_RAW_READ(GetMandate, GetMandateRequest, MandateInfo)
LIARD_RAW_READ(GetOrder, GetOrderRequest, OrderInfo)
LIARD_RAW_READ(ListOrders, ListOrdersRequest, ListOrdersResponse)
#undef LIARD_RAW_READ

grpc::Status LedgerServiceImpl::Simulate(grpc::ServerContextBase* ctx,
                                         const pb::SimulateRequest* req,
                                         pb::SimulateResponse* resp) {
  Operation op;
  PublicKey key;
  Status s = codec::DecodeOperation(req->body(), &op);
  if (s.ok() && !key.Assign(req->public_key()))
    s = Status(Code::kMalformedBody, "public_key must be 32 bytes");
  // A preview reveals the acting account's balance and limits: private like GetAccount. A body
  // that does not decode names no account, and its refusal reveals nothing.
  if (s.ok()) {
    ReadCall call{"Simulate", &op.account};
    call.request_digest = std::string(SimulateDigest(req->public_key(), req->body()).view());
    call.simulate_key = &key;
    call.simulate_type = op.type();
    grpc::Status allowed = CheckRead(ctx, req->has_auth(), req->auth(), call);
    if (!allowed.ok()) return allowed;
  }
  Delta delta;
  if (s.ok()) {
    s = applier_->Read([&](const MemoryState& state, const HeadState& head) {
      // The clock Submit would use, were the operation sent now.
      const int64_t now = std::max(NowMs(), head.time_ms);
      // The store holds every entry up to `head` (the state and the store move together).
      const StoreJournal journal(*store_);
      return ledger_.Simulate(state, op, key, ApplyContext{now, &journal}, &delta);
    });
  }
  // Like a batch result, a refusal is an answer here, not an error of the call.
  resp->set_code(static_cast<uint32_t>(s.code()));
  resp->set_code_name(std::string(CodeName(s.code())));
  resp->set_message(s.ok() ? delta.note : s.message());
  resp->set_leg(s.item());
  for (const auto& f : s.figures()) (*resp->mutable_figures())[f.name] = f.value;
  if (s.ok()) FillPostings(delta.postings, resp);
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetAccount(grpc::ServerContextBase* ctx,
                                           const pb::GetAccountRequest* req,
                                           pb::AccountInfo* resp) {
  AccountId id;
  if (!ParseId(req->id(), &id)) return BadId("id", req->id());
  // Before looking the account up, so that a refusal answers the same for every id (whether it
  // exists is public through LookupAccount; everything else here is not).
  grpc::Status allowed = CheckRead(ctx, req->has_auth(), req->auth(), ReadCall{"GetAccount", &id});
  if (!allowed.ok()) return allowed;
  const std::string& code = ledger_.genesis().currency_code;
  bool found = applier_->Read([&](const MemoryState& state, const HeadState&) {
    const Account* a = state.FindAccount(id);
    if (a == nullptr) return false;
    resp->set_id(std::string(a->id.view()));
    resp->set_key(std::string(a->key.view()));
    resp->set_kind(static_cast<pb::AccountKind>(a->kind));
    resp->set_status(static_cast<pb::AccountStatus>(a->status));
    resp->set_balance(state.Balance(BookKey::Member(id)));
    resp->set_sequence(a->sequence);
    resp->set_name(a->name);
    FillRoles(RolesOf(*a, state.governance()), resp);
    resp->set_member_until_ms(a->member_until_ms);
    resp->set_freeze_reason(a->freeze_reason);
    for (const StaffKey& k : a->staff_keys) {
      pb::StaffKeyInfo* info = resp->add_staff_keys();
      info->set_key(std::string(k.key.view()));
      info->set_scope(static_cast<pb::KeyScope>(k.scope));
      info->set_refund_cap_per_day(k.refund_cap_per_day);
      info->set_label(k.label);
      info->set_added_ms(k.added_ms);
      info->set_revoked_ms(k.revoked_ms);
    }
    if (!a->card.empty()) codec::EncodeCard(a->card, resp->mutable_card());
    for (const HeldGrant& g : a->grants) {
      pb::EarmarkedPart* part = resp->add_earmarked();
      part->set_grant(std::string(g.grant.view()));
      part->set_funder(std::string(g.funder.view()));
      part->set_purpose(g.purpose);
      part->set_expires_ms(g.expires_ms);
      part->set_balance(state.Balance(ops::EarmarkKey(id, g.grant)));
      for (const auto& c : g.categories) part->add_categories(c);
      for (const auto& m : g.merchants) part->add_merchants(std::string(m.view()));
    }
    if (!a->association.IsZero()) resp->set_association(std::string(a->association.view()));
    resp->set_demurrage_charged(
        static_cast<uint32_t>(state.Balance(ops::DemurrageChargedKey(a->id))));
    return true;
  });
  if (!found) return NoSuchAccount(code, id);
  resp->set_address(EncodeAddress(code, id));
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::LookupAccount(grpc::ServerContextBase*,
                                              const pb::LookupAccountRequest* req,
                                              pb::AccountCard* resp) {
  AccountId id;
  if (!ParseId(req->id(), &id)) return BadId("id", req->id());
  // Public, unlike GetAccount: only what a payer confirms before paying (docs/protocol.md,
  // "Private reads"). Nothing here may reveal a balance, a history or who may do what. The
  // signing key is public: it is the address until a board decision, public too, replaces it.
  const std::string& code = ledger_.genesis().currency_code;
  bool found = applier_->Read([&](const MemoryState& state, const HeadState&) {
    const Account* a = state.FindAccount(id);
    if (a == nullptr) return false;
    resp->set_id(std::string(a->id.view()));
    resp->set_name(a->name);
    // Public as the board's decisions are: a board member compares it before re-keying.
    resp->set_key(std::string(a->key.view()));
    resp->set_kind(static_cast<pb::AccountKind>(a->kind));
    resp->set_status(static_cast<pb::AccountStatus>(a->status));
    // Who may sign its payment requests: a payer's wallet checks a request's signer.
    resp->add_request_keys(std::string(a->key.view()));
    for (const StaffKey& k : a->staff_keys)
      if (k.active()) resp->add_request_keys(std::string(k.key.view()));
    // Public by design: what the shop wrote for its payers and the directory.
    if (!a->card.empty()) codec::EncodeCard(a->card, resp->mutable_card());
    return true;
  });
  if (!found) return NoSuchAccount(code, id);
  resp->set_address(EncodeAddress(code, id));
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::ListDirectory(grpc::ServerContextBase*,
                                              const pb::ListDirectoryRequest* req,
                                              pb::ListDirectoryResponse* resp) {
  AccountId after;
  const bool from_start = req->after().empty();
  if (!from_start && !ParseId(req->after(), &after)) return BadId("after", req->after());
  const uint32_t limit =
      req->limit() == 0 ? kDefaultDirectoryPage : std::min(req->limit(), kMaxDirectoryPage);
  const std::string& code = ledger_.genesis().currency_code;
  // The index holds only accounts with a card (a few hundred shops), so a page costs at most
  // that many steps under the read lock, however many residents the ledger has.
  applier_->Read([&](const MemoryState& state, const HeadState&) {
    const auto& carded = state.carded();
    auto it = from_start ? carded.begin() : carded.upper_bound(after);
    AccountId last;
    for (; it != carded.end(); ++it) {
      const Account* a = state.FindAccount(*it);
      if (a == nullptr || a->status != AccountStatus::kActive) continue;
      if (static_cast<uint32_t>(resp->cards_size()) == limit) {
        resp->set_next_after(std::string(last.view()));  // one more exists
        break;
      }
      pb::AccountCard* c = resp->add_cards();
      c->set_id(std::string(a->id.view()));
      c->set_address(EncodeAddress(code, a->id));
      c->set_name(a->name);
      c->set_key(std::string(a->key.view()));
      c->set_kind(static_cast<pb::AccountKind>(a->kind));
      c->set_status(static_cast<pb::AccountStatus>(a->status));
      codec::EncodeCard(a->card, c->mutable_card());
      last = a->id;
    }
    return true;
  });
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetHistory(grpc::ServerContextBase* ctx,
                                           const pb::GetHistoryRequest* req,
                                           pb::GetHistoryResponse* resp) {
  AccountId id;
  if (!ParseId(req->id(), &id)) return BadId("id", req->id());
  ReadCall call{"GetHistory", &id};
  call.before_sequence = req->before_sequence();
  call.limit = req->limit();
  ReadGrant grant;
  grpc::Status allowed = CheckRead(ctx, req->has_auth(), req->auth(), call, &grant);
  if (!allowed.ok()) return allowed;
  const bool whole = ReadsWhole(grant);
  grpc::Status found = FindAccountId("id", req->id(), &id);
  if (!found.ok()) return found;
  uint32_t limit =
      req->limit() == 0 ? kDefaultHistoryPage : std::min(req->limit(), kMaxHistoryPage);
  std::vector<uint64_t> seqs;
  // One more than the page tells whether another page follows.
  Status s = store_->History(id, req->before_sequence(), limit + 1, &seqs);
  if (!s.ok()) return Internal(s);
  bool more = seqs.size() > limit;
  if (more) seqs.resize(limit);
  for (uint64_t seq : seqs) {
    pb::Receipt* r = resp->add_entries();
    s = ReadReceipt(seq, r);
    if (!s.ok()) return Internal(s);
    if (!whole) RedactFor(id, r);
  }
  resp->set_next_before(more ? seqs.back() : 0);
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetOperation(grpc::ServerContextBase*,
                                             const pb::GetOperationRequest* req,
                                             pb::Receipt* resp) {
  Hash id;
  if (!ParseId(req->operation_id(), &id)) return BadId("operation_id", req->operation_id());
  uint64_t seq = 0;
  Status s = store_->FindOperation(id, &seq);
  if (s.code() == Code::kNotFound)
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        answers::FillAnswer(answers::kNoOperation, {{"id", ToHex(id)}}));
  if (!s.ok()) return Internal(s);
  s = ReadReceipt(seq, resp);
  if (!s.ok()) return Internal(s);
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetReserves(grpc::ServerContextBase*, const pb::GetReservesRequest*,
                                            pb::Reserves* resp) {
  applier_->Read([&](const MemoryState& state, const HeadState& head) {
    const ReserveReport r =
        ComputeReserves(ledger_.genesis(), state.governance().rules, state.totals());
    resp->set_sequence(head.sequence);
    resp->set_circulation_accounts(r.circulation_accounts);
    resp->set_circulation_paper(r.circulation_paper);
    resp->set_circulation(r.circulation);
    resp->set_fund(r.fund);
    resp->set_office_cash(r.office_cash);
    resp->set_owed_to_merchants(r.owed_to_merchants);
    resp->set_sponsor_budgets(r.sponsor_budgets);
    resp->set_income(r.income);
    resp->set_required_reserve(r.required);
    resp->set_coverage_basis_points(r.coverage_basis_points);
    resp->set_office_cash_basis_points(r.office_cash_basis_points);
  });
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetHead(grpc::ServerContextBase*, const pb::GetHeadRequest*,
                                        pb::Head* resp) {
  applier_->Read([&](const MemoryState& state, const HeadState& head) {
    resp->set_sequence(head.sequence);
    resp->set_head_hash(std::string(head.head_hash.view()));
    resp->set_state_digest(std::string(state.digest().view()));
    resp->set_time_ms(head.time_ms);
  });
  resp->set_ledger_id(std::string(ledger_.id().view()));
  resp->set_currency_code(ledger_.genesis().currency_code);
  resp->set_decimals(ledger_.genesis().decimals);
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetCheckpoint(grpc::ServerContextBase*,
                                              const pb::GetCheckpointRequest*,
                                              pb::SignedCheckpoint* resp) {
  SignedCheckpointRecord r;
  if (standby_.load(std::memory_order_relaxed) && !checkpointer_->Latest(&r))
    return grpc::Status(grpc::StatusCode::NOT_FOUND, answers::kNoCheckpointYet);
  if (!checkpointer_->Latest(&r)) {
    // None yet: sign one at the current head (the shared lock keeps head and digest together).
    Status s = applier_->Read([&](const MemoryState& state, const HeadState& head) {
      return checkpointer_->MaybeSign(head, state.digest(), state.governance(), NowMs(),
                                      /*force=*/true);
    });
    if (!s.ok()) return Internal(s);
    if (!checkpointer_->Latest(&r)) {
      const PublicKey key = checkpointer_->node_key();
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "this node's key " + KeyFingerprint(key) + " (" + ToHex(key) +
                              ") is not one the ledger names: it signs no checkpoint until the "
                              "board names it (liard board propose set-node-keys)");
    }
  }
  resp->set_sequence(r.checkpoint.sequence);
  resp->set_head_hash(std::string(r.checkpoint.head_hash.view()));
  resp->set_state_digest(std::string(r.checkpoint.state_digest.view()));
  resp->set_time_ms(r.checkpoint.time_ms);
  resp->set_node_key(std::string(r.signer.view()));
  resp->set_signature(std::string(r.signature.view()));
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetGenesis(grpc::ServerContextBase*, const pb::GetGenesisRequest*,
                                           pb::GenesisInfo* resp) {
  resp->set_genesis(genesis_bytes_);
  resp->set_ledger_id(std::string(ledger_.id().view()));
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetGovernance(grpc::ServerContextBase*,
                                              const pb::GetGovernanceRequest*,
                                              pb::GovernanceInfo* resp) {
  applier_->Read([&](const MemoryState& state, const HeadState& head) {
    const Governance& g = state.governance();
    resp->set_sequence(head.sequence);
    codec::EncodeRules(g.rules, resp->mutable_rules());
    for (const AccountId& id : g.board) resp->add_board(std::string(id.view()));
    resp->set_threshold(g.threshold);
    resp->set_paused(g.paused);
    resp->set_pause_reason(g.pause_reason);
    if (g.node_key) resp->set_node_key(std::string(g.node_key->view()));
    for (const PublicKey& k : g.NodeKeys()) resp->add_node_keys(std::string(k.view()));
    for (const Proposal& p : g.pending) {
      pb::ProposalInfo* out = resp->add_proposals();
      out->set_id(std::string(p.id.view()));
      out->set_proposer(std::string(p.proposer.view()));
      codec::EncodeDecision(p.decision, out->mutable_decision());
      out->set_expires_ms(p.expires_ms);
      for (const AccountId& a : p.approvals) out->add_approvals(std::string(a.view()));
      out->set_withdrawn(p.withdrawn());
    }
  });
  return grpc::Status::OK;
}

// Watch and StreamJournal: node/service_streams.cc.

grpc::Status LedgerServiceImpl::FindAccountId(std::string_view field, const std::string& bytes,
                                              AccountId* id) const {
  if (!ParseId(bytes, id)) return BadId(field, bytes);
  bool exists = applier_->Read([&](const MemoryState& state, const HeadState&) {
    return state.FindAccount(*id) != nullptr;
  });
  if (!exists) return NoSuchAccount(ledger_.genesis().currency_code, *id);
  return grpc::Status::OK;
}

Status LedgerServiceImpl::ReadReceipt(uint64_t sequence, pb::Receipt* out) const {
  AppliedOperation op;
  Status s = store_->ReadEntry(sequence, &op.entry, &op.entry_hash);
  if (!s.ok()) return s;
  s = store_->ReadPostings(sequence, &op.delta.postings);
  if (!s.ok()) return s;
  pb::SignedOperation envelope;
  if (!envelope.ParseFromString(op.entry.envelope))
    return Status(Code::kCorruption,
                  "journal entry " + std::to_string(sequence) + " holds an unreadable envelope");
  op.op_id = OperationId(ledger_.id(), envelope.body());
  FillReceipt(op, out);
  return Status::Ok();
}

void LedgerServiceImpl::FillReceipt(const AppliedOperation& op, pb::Receipt* out) const {
  out->set_sequence(op.entry.sequence);
  out->set_time_ms(op.entry.time_ms);
  out->set_prev_hash(std::string(op.entry.prev_hash.view()));
  out->set_entry_hash(std::string(op.entry_hash.view()));
  out->set_term(op.entry.term);
  out->set_operation_id(std::string(op.op_id.view()));
  // The envelope is stored exactly as hashed; parsing it back cannot fail for an entry the
  // node wrote, and a receipt without it would be useless, so an unreadable one stays empty.
  if (!out->mutable_operation()->ParseFromString(op.entry.envelope)) out->clear_operation();
  out->set_envelope(op.entry.envelope);
  FillPostings(op.delta.postings, out);
}

grpc::Status LedgerServiceImpl::GetRequest(grpc::ServerContextBase*,
                                           const pb::GetRequestRequest* req,
                                           pb::RequestInfo* resp) {
  Hash id;
  AccountId payee;
  if (!id.Assign(req->request_id()))
    return Invalid("GetRequest: request_id must be 32 bytes, the request's id");
  if (!ParseId(req->payee(), &payee)) return BadId("payee", req->payee());
  // Its state in the tally book (ledger/ops/request.cc): 0 open, 1 paid, 2 cancelled.
  const int64_t state = applier_->Read([&](const MemoryState& s, const HeadState&) {
    return s.Balance(ops::RequestStateKey(payee, id));
  });
  resp->set_request_id(std::string(id.view()));
  resp->set_state(state == 1   ? pb::RequestInfo::STATE_PAID
                  : state == 2 ? pb::RequestInfo::STATE_CANCELLED
                               : pb::RequestInfo::STATE_OPEN);
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetMandate(grpc::ServerContextBase*,
                                           const pb::GetMandateRequest* req,
                                           pb::MandateInfo* resp) {
  SignedMandate sm;
  const pb::SignedMandate& w = req->mandate();
  Status s = codec::DecodeMandate(w.body(), w.public_key(), w.signature(), &sm);
  if (!s.ok()) return Invalid("GetMandate: " + s.message());
  if (sm.mandate.ledger_id != ledger_.id())
    return Invalid("GetMandate: the mandate is for another ledger");
  if (!IsValidMandatePeriod(static_cast<uint32_t>(sm.mandate.period)))
    return Invalid("GetMandate: the mandate's period must be a week, a month or a year");
  const Hash id = MandateId(sm.mandate.ledger_id, sm.body);
  const TimeZone zone = CurrencyZone(ledger_.genesis());
  // Its two tallies (ledger/ops/mandate.cc), at the clock a collection sent now would use.
  applier_->Read([&](const MemoryState& state, const HeadState& head) {
    const int64_t now = std::max(NowMs(), head.time_ms);
    const int64_t period = ops::MandatePeriodIndex(sm.mandate.period, now, zone);
    const int64_t collected = state.Balance(ops::MandatePeriodKey(id, period));
    resp->set_revoked(state.Balance(ops::MandateRevokedKey(sm.mandate.debtor, id)) != 0);
    resp->set_period_index(period);
    resp->set_collected(collected);
    resp->set_remaining(std::max<int64_t>(0, sm.mandate.ceiling.minor() - collected));
    resp->set_time_ms(now);
    return 0;
  });
  resp->set_mandate_id(std::string(id.view()));
  return grpc::Status::OK;
}

namespace {

// Reads the entry at `sequence` and decodes its envelope.
Status ReadOperation(const Store& store, uint64_t sequence, JournalEntry* entry,
                     SignedOperation* op) {
  Hash entry_hash;
  Status s = store.ReadEntry(sequence, entry, &entry_hash);
  if (s.ok()) s = codec::DecodeEnvelope(entry->envelope, op);
  return s;
}

grpc::Status NoSuchOrder() { return grpc::Status(grpc::StatusCode::NOT_FOUND, answers::kNoOrder); }

// Whether an execution is done with (its index counted): paid, skipped, or its last try.
bool ExecutionDone(const ExecuteOrder& e) {
  return e.failed == 0 || e.failed == static_cast<uint32_t>(Code::kOrderPaused) ||
         e.attempt >= e.order.retries;
}

}  // namespace

Status LedgerServiceImpl::FillOrder(uint64_t sequence, const JournalEntry& entry,
                                    const SignedOperation& placed, const AccountId* payee,
                                    uint32_t events, pb::OrderInfo* out) const {
  const Hash id = OperationId(ledger_.id(), placed.body);
  const auto& order = std::get<PlaceOrder>(placed.op.payload);
  out->set_order_id(std::string(id.view()));
  out->set_payer(std::string(placed.op.account.view()));
  out->set_placed_sequence(sequence);
  out->set_placed_ms(entry.time_ms);
  out->set_leg_count(static_cast<uint32_t>(order.legs.size()));
  if (payee == nullptr) {
    codec::EncodePlaceOrder(order, out->mutable_order());
    out->set_order_body(placed.body);
  } else {
    PlaceOrder mine = order;
    mine.legs.clear();
    for (const Leg& leg : order.legs)
      if (leg.to == *payee) mine.legs.push_back(leg);
    codec::EncodePlaceOrder(mine, out->mutable_order());
  }
  // Live or paused: the ledger's tallies say everything (ledger/ops/order.cc).
  const TimeZone zone = CurrencyZone(ledger_.genesis());
  const bool live = applier_->Read([&](const MemoryState& state, const HeadState&) {
    const int64_t next1 = state.Balance(ops::OrderNextKey(id));
    if (next1 == 0) return false;
    const int64_t tries = state.Balance(ops::OrderTriesKey(id));
    out->set_state(state.Balance(ops::OrderPausedKey(id)) != 0 ? pb::OrderInfo::STATE_PAUSED
                                                               : pb::OrderInfo::STATE_LIVE);
    out->set_executions(static_cast<uint64_t>(next1 - 1));
    out->set_tries(static_cast<uint32_t>(tries));
    out->set_next_due_ms(ops::OrderDueMs(order, static_cast<uint64_t>(next1 - 1),
                                         static_cast<uint32_t>(tries), zone));
    return true;
  });
  // The order's own entries, newest first (node/order_index.h): its events, and for an order
  // that is over, what ended it and how many executions it ran.
  std::vector<uint64_t> seqs;
  const size_t wanted = live ? events : std::max<size_t>(events, 1);
  Status s = store_->History(id, 0, wanted, &seqs);
  if (!s.ok()) return s;
  bool over_known = live;
  for (size_t i = 0; i < seqs.size(); ++i) {
    JournalEntry e;
    SignedOperation op;
    s = ReadOperation(*store_, seqs[i], &e, &op);
    if (!s.ok()) return s;
    const auto* set = std::get_if<SetOrderState>(&op.op.payload);
    const auto* run = std::get_if<ExecuteOrder>(&op.op.payload);
    if (!over_known) {
      over_known = true;
      if (set != nullptr && set->action == OrderAction::kCancel) {
        out->set_state(pb::OrderInfo::STATE_CANCELLED);
      } else {
        out->set_state(pb::OrderInfo::STATE_ENDED);
        if (run != nullptr) out->set_executions(uint64_t{run->index} + 1);
      }
    }
    if (i >= events) break;
    pb::OrderEvent* ev = out->add_events();
    ev->set_sequence(e.sequence);
    ev->set_time_ms(e.time_ms);
    ev->set_type(static_cast<uint32_t>(op.op.type()));
    if (set != nullptr) ev->set_action(static_cast<pb::OrderAction>(set->action));
    if (run != nullptr) {
      ev->set_index(run->index);
      ev->set_attempt(run->attempt);
      ev->set_failed(run->failed);
      if (run->failed != 0)
        ev->set_failed_name(std::string(CodeName(static_cast<Code>(run->failed))));
    }
  }
  if (out->state() != pb::OrderInfo::STATE_CANCELLED) return Status::Ok();
  // Cancelled: its executions are those before the cancellation, found by reading its entries
  // back (pauses and resumes may sit in between), at most kMaxOrderScan of them.
  uint64_t before = 0;
  size_t scanned = 0;
  while (scanned < kMaxOrderScan) {
    seqs.clear();
    s = store_->History(id, before, 64, &seqs);
    if (!s.ok()) return s;
    if (seqs.empty()) break;
    for (uint64_t seq : seqs) {
      ++scanned;
      JournalEntry e;
      SignedOperation op;
      s = ReadOperation(*store_, seq, &e, &op);
      if (!s.ok()) return s;
      if (const auto* run = std::get_if<ExecuteOrder>(&op.op.payload)) {
        out->set_executions(uint64_t{run->index} + (ExecutionDone(*run) ? 1 : 0));
        return Status::Ok();
      }
    }
    before = seqs.back();
  }
  return Status::Ok();
}

grpc::Status LedgerServiceImpl::GetOrder(grpc::ServerContextBase* ctx,
                                         const pb::GetOrderRequest* req, pb::OrderInfo* resp) {
  Hash id;
  AccountId account;
  if (!ParseId(req->order_id(), &id)) return BadId("order_id", req->order_id());
  if (!ParseId(req->account(), &account)) return BadId("account", req->account());
  ReadCall call{"GetOrder", &account};
  call.request_digest = req->order_id();
  call.limit = req->events();
  ReadGrant grant;
  grpc::Status allowed = CheckRead(ctx, req->has_auth(), req->auth(), call, &grant);
  if (!allowed.ok()) return allowed;
  const uint32_t events =
      req->events() == 0 ? kDefaultOrderEvents : std::min(req->events(), kMaxOrderEvents);
  uint64_t sequence = 0;
  Status s = store_->FindOperation(id, &sequence);
  if (s.code() == Code::kNotFound) return NoSuchOrder();
  JournalEntry entry;
  SignedOperation placed;
  if (s.ok()) s = ReadOperation(*store_, sequence, &entry, &placed);
  if (!s.ok()) return Internal(s);
  const auto* order = std::get_if<PlaceOrder>(&placed.op.payload);
  if (order == nullptr) return NoSuchOrder();
  // The payer, a treasurer or an auditor, and a payee of every leg read it whole; a payee of
  // some legs its own; anyone else nothing, as if there were no such order.
  const AccountId* payee = nullptr;
  if (!ReadsWhole(grant) && account != placed.op.account) {
    size_t mine = 0;
    for (const Leg& leg : order->legs) mine += leg.to == account ? 1 : 0;
    if (mine == 0) return NoSuchOrder();
    if (mine != order->legs.size()) payee = &account;
  }
  s = FillOrder(sequence, entry, placed, payee, events, resp);
  if (!s.ok()) return Internal(s);
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::ListOrders(grpc::ServerContextBase* ctx,
                                           const pb::ListOrdersRequest* req,
                                           pb::ListOrdersResponse* resp) {
  AccountId account;
  if (!ParseId(req->account(), &account)) return BadId("account", req->account());
  ReadCall call{"ListOrders", &account};
  call.before_sequence = req->before_sequence();
  call.limit = req->limit();
  grpc::Status allowed = CheckRead(ctx, req->has_auth(), req->auth(), call);
  if (!allowed.ok()) return allowed;
  grpc::Status found = FindAccountId("account", req->account(), &account);
  if (!found.ok()) return found;
  const uint32_t limit =
      req->limit() == 0 ? kDefaultOrdersPage : std::min(req->limit(), kMaxOrdersPage);
  std::vector<uint64_t> seqs;
  Status s = store_->History(OrdersOfId(account), req->before_sequence(), limit + 1, &seqs);
  if (!s.ok()) return Internal(s);
  const bool more = seqs.size() > limit;
  if (more) seqs.resize(limit);
  for (uint64_t seq : seqs) {
    JournalEntry entry;
    SignedOperation placed;
    s = ReadOperation(*store_, seq, &entry, &placed);
    if (s.ok() && !std::holds_alternative<PlaceOrder>(placed.op.payload))
      s = Status(Code::kCorruption, "the orders index names entry " + std::to_string(seq) +
                                        ", which is not a PlaceOrder");
    if (s.ok()) s = FillOrder(seq, entry, placed, nullptr, 0, resp->add_orders());
    if (!s.ok()) return Internal(s);
  }
  resp->set_next_before(more ? seqs.back() : 0);
  return grpc::Status::OK;
}

}  // namespace liard::node
