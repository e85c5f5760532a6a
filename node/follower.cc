// Follower: stream the primary's journal, check each entry as an audit does, store it.
#include "node/follower.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "ledger/journal.h"
#include "ledger/read_auth.h"
#include "liard/v1/node.grpc.pb.h"
#include "node/log_text.h"
#include "proto/codec.h"

namespace liard::node {
namespace {

namespace pb = ::liard::v1;

void SetDeadline(grpc::ClientContext* ctx, int64_t ms) {
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(ms));
}

// A fork, a foreign ledger, an entry the rules refuse: the standby stops (kCorruption).
Status Fork(std::string why) { return Status(Code::kCorruption, std::move(why)); }
// Anything a reconnection may cure (kUnavailable).
Status Retry(std::string why) { return Status(Code::kUnavailable, std::move(why)); }

std::string Trailer(const grpc::ClientContext& ctx, const std::string& key) {
  const auto& md = ctx.GetServerTrailingMetadata();
  auto it = md.find(key);
  return it == md.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

}  // namespace

std::shared_ptr<grpc::Channel> PrimaryChannel(const FollowerOptions& options) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!options.primary_ca_pem.empty()) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = options.primary_ca_pem;
    credentials = grpc::SslCredentials(tls);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(static_cast<int>(options.max_message_bytes) + 4096);
  // Reconnect quickly after the primary comes back: the follower keeps its own backoff.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, static_cast<int>(kFollowBackoffFirstMs));
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, static_cast<int>(kFollowBackoffFirstMs));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(kFollowBackoffMaxMs));
  return grpc::CreateCustomChannel(options.primary, credentials, args);
}

pb::StreamJournalRequest JournalRequest(const FollowerOptions& options, const Hash& ledger_id,
                                        uint64_t from_sequence, bool follow, int64_t expires_ms) {
  pb::StreamJournalRequest req;
  req.set_from_sequence(from_sequence);
  req.set_follow(follow);
  ReadCall call;
  call.method = "StreamJournal";
  call.from_sequence = from_sequence;
  call.follow = follow;
  std::string nonce(kMinReadNonce, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  const KeyPair reader = KeyPair::FromSeed(options.reader_seed);
  const std::string body = codec::EncodeReadRequest(
      ReadRequestFor(ledger_id, options.reader_account, call, expires_ms, std::move(nonce)));
  pb::ReadAuth* auth = req.mutable_auth();
  auth->set_signature(std::string(reader.Sign(ReadSigningMessage(ledger_id, body)).view()));
  auth->set_public_key(std::string(reader.public_key().view()));
  auth->set_body(body);
  return req;
}

Status CreateStandbyStore(const std::string& data, const FollowerOptions& options,
                          const Hash& ledger_id, int64_t wait_ms) {
  std::error_code ec;
  if (std::filesystem::exists(data + "/CURRENT", ec)) {
    std::unique_ptr<Store> existing;
    Status s = Store::Open(data, /*create=*/false, &existing);
    if (!s.ok()) return s;
    if (existing->initialized()) return Status::Ok();  // a standby, or any ledger: run checks it
  }
  auto stub = pb::LedgerService::NewStub(PrimaryChannel(options));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  pb::GenesisInfo g;
  for (;;) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, 5'000);
    grpc::Status st = stub->GetGenesis(&ctx, pb::GetGenesisRequest(), &g);
    if (st.ok()) break;
    if (std::chrono::steady_clock::now() >= deadline)
      return Status(Code::kUnavailable, "the primary at " + options.primary + " does not answer (" +
                                            st.error_message() +
                                            "): cannot make this standby's copy of the ledger");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  const Hash got = LedgerIdOf(g.genesis());
  if (got != ledger_id)
    return Status(Code::kCorruption, "the node at " + options.primary + " serves ledger " +
                                         ToHex(got) + ", not the ledger " + ToHex(ledger_id) +
                                         " of [replication] ledger");
  Genesis genesis;
  Status s = codec::DecodeGenesis(g.genesis(), &genesis);
  std::unique_ptr<Ledger> ledger;
  if (s.ok()) s = Ledger::Create(genesis, g.genesis(), &ledger);
  if (!s.ok()) return Status(Code::kCorruption, "the primary's genesis: " + s.ToString());
  MemoryState state(StateDigestRuleOf(genesis));
  Delta delta;
  s = ledger->GenesisDelta(state, &delta);
  if (!s.ok()) return Status(Code::kCorruption, "the primary's genesis: " + s.ToString());
  state.Commit(delta);
  std::unique_ptr<Store> store;
  s = Store::Open(data, /*create=*/true, &store);
  if (!s.ok() || store->initialized()) return s;
  // Its own node key, made here on its own machine and stored before the genesis as `liard-node
  // init` stores the primary's: never a copy of another node's.
  s = store->PutNodeSeed(KeyPair::Generate().seed());
  if (s.ok()) s = store->Initialize(g.genesis(), ledger->id(), state);
  return s;
}

Follower::Follower(const Ledger& ledger, Store* store, Applier* applier, Checkpointer* checkpointer,
                   FollowerOptions options, Clock clock, Fatal on_fatal)
    : ledger_(ledger),
      store_(store),
      applier_(applier),
      checkpointer_(checkpointer),
      options_(std::move(options)),
      clock_(std::move(clock)),
      on_fatal_(std::move(on_fatal)) {
  channel_ = PrimaryChannel(options_);
  primary_ = options_.primary;
  status_.primary = options_.primary;
  struct Start {
    HeadState head;
    Hash digest;
  };
  const Start start = applier_->Read([](const MemoryState& state, const HeadState& head) {
    return Start{head, state.digest()};
  });
  queued_sequence_ = start.head.sequence;
  queued_hash_ = start.head.head_hash;
  marks_.push_back(Mark{start.head.sequence, start.head.head_hash, start.digest});
}

Follower::~Follower() { Stop(); }

void Follower::Start() {
  spdlog::info("event=follow-start primary={} sequence={}", LogText(primary(), 128),
               queued_sequence_);
  stream_thread_ = std::thread([this] { StreamLoop(); });
  apply_thread_ = std::thread([this] { ApplyLoop(); });
  poll_thread_ = std::thread([this] { PollLoop(); });
}

void Follower::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (stream_ctx_ != nullptr) stream_ctx_->TryCancel();
  }
  cv_.notify_all();
  for (std::thread* t : {&stream_thread_, &apply_thread_, &poll_thread_})
    if (t->joinable()) t->join();
}

std::string Follower::primary() const {
  std::lock_guard lock(mu_);
  return primary_;
}

std::shared_ptr<grpc::Channel> Follower::channel() const {
  std::lock_guard lock(mu_);
  return channel_;
}

void Follower::Retarget(const std::string& primary) {
  FollowerOptions to = options_;
  to.primary = primary;
  std::shared_ptr<grpc::Channel> channel = PrimaryChannel(to);
  std::lock_guard lock(mu_);
  if (primary == primary_) return;
  spdlog::info("event=follow-retarget from={} to={}", LogText(primary_, 128),
               LogText(primary, 128));
  primary_ = primary;
  channel_ = std::move(channel);
  status_.primary = primary;
  status_.connected = false;
  if (stream_ctx_ != nullptr) stream_ctx_->TryCancel();
}

FollowerStatus Follower::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void Follower::Fail(const std::string& why) {
  if (failed_.exchange(true)) return;
  spdlog::critical(
      "event=follow-stopped primary={} reason=\"{}\" message=\"this standby stopped following: "
      "it never rewrites the history it stored; see docs/operator.md, Standbys\"",
      LogText(primary(), 128), LogText(why, kLogReasonBytes));
  spdlog::default_logger()->flush();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (stream_ctx_ != nullptr) stream_ctx_->TryCancel();
  }
  cv_.notify_all();
  if (on_fatal_) on_fatal_(why);
}

bool Follower::Sleep(int64_t ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_.load(); });
  return !stopping_;
}

void Follower::StreamLoop() {
  int64_t backoff = kFollowBackoffFirstMs;
  while (!stopping_) {
    uint64_t before;
    {
      std::lock_guard lock(mu_);
      before = queued_sequence_;
    }
    Status s = Stream();
    {
      std::lock_guard lock(mu_);
      status_.connected = false;
    }
    if (stopping_) return;
    if (s.code() == Code::kCorruption) {
      Fail(s.message());
      return;
    }
    uint64_t after;
    {
      std::lock_guard lock(mu_);
      after = queued_sequence_;
    }
    if (s.ok()) {  // the read request expired: continue at once with a fresh one
      backoff = kFollowBackoffFirstMs;
      continue;
    }
    if (after > before) backoff = kFollowBackoffFirstMs;  // it made progress before failing
    spdlog::warn("event=follow-retry primary={} sequence={} retry_ms={} error=\"{}\"",
                 LogText(primary(), 128), after, backoff, LogText(s.message(), 512));
    if (!Sleep(backoff)) return;
    backoff = std::min(backoff * 2, kFollowBackoffMaxMs);
  }
}

Status Follower::Stream() {
  auto stub = pb::LedgerService::NewStub(channel());
  const std::string at = primary();
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, 5'000);
    pb::GenesisInfo g;
    grpc::Status st = stub->GetGenesis(&ctx, pb::GetGenesisRequest(), &g);
    if (!st.ok()) return Retry("the primary at " + at + " does not answer: " + st.error_message());
    if (LedgerIdOf(g.genesis()) != ledger_.id())
      return Fork("the node at " + at + " serves ledger " + ToHex(LedgerIdOf(g.genesis())) +
                  ", not this standby's " + ToHex(ledger_.id()));
  }
  uint64_t from;
  Hash expect;
  {
    std::lock_guard lock(mu_);
    from = queued_sequence_;
    expect = queued_hash_;
  }
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, 5'000);
    pb::Head head;
    grpc::Status st = stub->GetHead(&ctx, pb::GetHeadRequest(), &head);
    if (!st.ok()) return Retry("GetHead: " + st.error_message());
    {
      std::lock_guard lock(mu_);
      status_.connected = true;
      status_.primary_sequence = head.sequence();
      status_.primary_time_ms = head.time_ms();
      status_.last_contact_ms = clock_();
    }
    if (head.sequence() < from)
      return Fork("the primary at " + at + " holds entries up to " +
                  std::to_string(head.sequence()) + " only, and this standby holds entry " +
                  std::to_string(from) +
                  ": it lost acknowledged entries, or it is another history");
  }
  // From the entry the standby holds last, to prove that the primary holds it too, unchanged.
  const uint64_t first = std::max<uint64_t>(from, 1);
  const pb::StreamJournalRequest req = JournalRequest(
      options_, ledger_.id(), first, /*follow=*/true, clock_() + kFollowReadLifetimeMs);

  grpc::ClientContext ctx;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Retry("stopping");
    if (primary_ != at) return Retry("the primary changed to " + primary_);
    stream_ctx_ = &ctx;
  }
  std::unique_ptr<grpc::ClientReader<pb::JournalEntry>> reader_stream =
      stub->StreamJournal(&ctx, req);
  bool proving = from > 0;
  Status bad;
  pb::JournalEntry m;
  while (bad.ok() && reader_stream->Read(&m)) {
    {
      std::lock_guard lock(mu_);
      status_.last_contact_ms = clock_();
    }
    JournalEntry e;
    e.sequence = m.sequence();
    e.time_ms = m.time_ms();
    Hash claimed;
    if (!e.prev_hash.Assign(m.prev_hash()) || !claimed.Assign(m.entry_hash())) {
      bad = Fork("the primary sent entry " + std::to_string(e.sequence) +
                 " with a hash that is not 32 bytes");
      break;
    }
    e.envelope = m.envelope();
    e.term = m.term();
    if (proving) {
      proving = false;
      if (e.sequence != from || claimed != expect || EntryHash(e) != expect) {
        bad = Fork("entry " + std::to_string(from) + " on the primary at " + at + " (" +
                   ToHex(claimed).substr(0, 16) + "…) is not the one this standby holds (" +
                   ToHex(expect).substr(0, 16) + "…): the primary's history differs (a fork)");
      }
      continue;
    }
    PreparedEntry p;
    p.claimed_hash = claimed;
    p.computed_hash = EntryHash(e);
    SignedOperation so;
    p.status = codec::DecodeEnvelope(e.envelope, &so);
    if (p.status.ok()) p.status = ledger_.Preflight(std::move(so), &p.op);
    p.entry = std::move(e);
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < kFollowWindow || stopping_; });
    if (stopping_) break;
    queued_sequence_ = p.entry.sequence;
    queued_hash_ = p.claimed_hash;
    queue_.push_back(std::move(p));
    cv_.notify_all();
  }
  if (!bad.ok()) ctx.TryCancel();
  grpc::Status st = reader_stream->Finish();
  {
    std::lock_guard lock(mu_);
    stream_ctx_ = nullptr;
  }
  if (!bad.ok()) return bad;
  if (st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
      !Trailer(ctx, "liard-resume-from").empty())
    return Status::Ok();
  if (st.error_code() == grpc::StatusCode::PERMISSION_DENIED)
    spdlog::error(
        "event=follow-refused primary={} reader={} message=\"the primary refuses this "
        "standby's journal reads ({}): [replication] reader_key must be the key of an account "
        "with the treasurer or auditor role\"",
        LogText(at, 128), ToHex(options_.reader_account), LogText(st.error_message(), 512));
  return Retry("the stream ended: " +
               (st.ok() ? std::string("the primary closed it") : st.error_message()));
}

void Follower::ApplyLoop() {
  std::vector<PreparedEntry> group;
  std::vector<Hash> digests;
  for (;;) {
    group.clear();
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (stopping_) return;
      const size_t n = std::min(queue_.size(), kFollowGroup);
      for (size_t i = 0; i < n; ++i) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    cv_.notify_all();  // room in the window
    Status s = applier_->AppendReplicated(&group, &digests);
    if (!s.ok()) {
      Fail(s.code() == Code::kCorruption
               ? s.message()
               : "cannot store entries " + std::to_string(group.front().entry.sequence) + " to " +
                     std::to_string(group.back().entry.sequence) + ": " + s.ToString());
      return;
    }
    {
      std::lock_guard lock(ck_mu_);
      for (size_t i = 0; i < group.size(); ++i) {
        marks_.push_back(Mark{group[i].entry.sequence, group[i].computed_hash, digests[i]});
        if (marks_.size() > kFollowDigestMemory) marks_.pop_front();
      }
    }
    if (Status m = MatchCheckpoint(group.back().entry.sequence); !m.ok()) {
      if (m.code() == Code::kCorruption) {
        Fail(m.message());
        return;
      }
      spdlog::warn("event=follow-checkpoint-error error=\"{}\"", LogText(m.message(), 512));
    }
  }
}

void Follower::PollLoop() {
  while (Sleep(kFollowPollMs)) {
    Status s = Poll();
    if (s.code() == Code::kCorruption) {
      Fail(s.message());
      return;
    }
    if (!s.ok()) spdlog::debug("event=follow-poll-failed error=\"{}\"", LogText(s.message(), 512));
  }
}

Status Follower::Poll() {
  auto stub = pb::LedgerService::NewStub(channel());
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, 2'000);
    pb::Head head;
    grpc::Status st = stub->GetHead(&ctx, pb::GetHeadRequest(), &head);
    if (!st.ok()) return Retry("GetHead: " + st.error_message());
    std::lock_guard lock(mu_);
    status_.primary_sequence = head.sequence();
    status_.primary_time_ms = head.time_ms();
    status_.last_contact_ms = clock_();
  }
  grpc::ClientContext ctx;
  SetDeadline(&ctx, 2'000);
  pb::SignedCheckpoint c;
  grpc::Status st = stub->GetCheckpoint(&ctx, pb::GetCheckpointRequest(), &c);
  if (!st.ok()) return Retry("GetCheckpoint: " + st.error_message());
  SignedCheckpointRecord r;
  r.checkpoint.sequence = c.sequence();
  r.checkpoint.time_ms = c.time_ms();
  if (!r.checkpoint.head_hash.Assign(c.head_hash()) ||
      !r.checkpoint.state_digest.Assign(c.state_digest()) || !r.signer.Assign(c.node_key()) ||
      !r.signature.Assign(c.signature()))
    return Retry("the primary's checkpoint has fields of the wrong size");
  // Only the key the ledger names signs checkpoints that count (docs/protocol.md, section 16).
  const bool named = applier_->Read([&](const MemoryState& state, const HeadState&) {
    const Governance& g = state.governance();
    return !g.node_key || g.NamesNodeKey(r.signer);
  });
  if (!named || !Verify(r.signer, CheckpointMessage(ledger_.id(), r.checkpoint), r.signature)) {
    // A standby behind a SetNodeKey(s) decision does not know the new key yet: look again later.
    if (r.checkpoint.sequence > applier_->durable_sequence()) return Status::Ok();
    if (refused_checkpoint_ == r.checkpoint.sequence) return Status::Ok();  // logged once
    refused_checkpoint_ = r.checkpoint.sequence;
    spdlog::error(
        "event=follow-checkpoint-refused primary={} sequence={} key={} message=\"the primary's "
        "checkpoint is not signed by a node key the ledger names; it is not kept\"",
        LogText(primary(), 128), r.checkpoint.sequence, KeyFingerprint(r.signer));
    return Status::Ok();
  }
  {
    std::lock_guard lock(ck_mu_);
    SignedCheckpointRecord latest;
    const bool newer =
        (!have_pending_ || r.checkpoint.sequence > pending_.checkpoint.sequence) &&
        (!checkpointer_->Latest(&latest) || r.checkpoint.sequence > latest.checkpoint.sequence ||
         r.checkpoint.time_ms > latest.checkpoint.time_ms);
    if (newer) {
      pending_ = r;
      have_pending_ = true;
    }
  }
  return MatchCheckpoint(applier_->durable_sequence());
}

Status Follower::MatchCheckpoint(uint64_t head_sequence) {
  std::lock_guard lock(ck_mu_);
  if (!have_pending_ || pending_.checkpoint.sequence > head_sequence) return Status::Ok();
  const Checkpoint& c = pending_.checkpoint;
  const std::string n = std::to_string(c.sequence);
  auto mark = std::find_if(marks_.begin(), marks_.end(),
                           [&](const Mark& m) { return m.sequence == c.sequence; });
  if (mark != marks_.end()) {
    if (mark->entry_hash != c.head_hash)
      return Fork("the primary's checkpoint at entry " + n +
                  " names a head hash that is not the hash of this standby's entry " + n);
    if (mark->digest != c.state_digest)
      return Fork("the primary's checkpoint at entry " + n +
                  " names a state digest that this standby's replay of the same entries does "
                  "not give: the primary's state was changed outside the rules");
  } else {
    // Older than the digests kept (a standby far behind): the head hash still proves the entry.
    JournalEntry e;
    Hash h;
    Status s = c.sequence == 0 ? Status::Ok() : store_->ReadEntry(c.sequence, &e, &h);
    if (!s.ok()) return Retry("cannot read entry " + n + ": " + s.ToString());
    if (c.sequence == 0) h = ledger_.id();
    if (h != c.head_hash)
      return Fork("the primary's checkpoint at entry " + n +
                  " names a head hash that is not the hash of this standby's entry " + n);
  }
  have_pending_ = false;
  Status s = checkpointer_->StoreReplicated(pending_);
  if (!s.ok()) return Retry("cannot store the checkpoint at entry " + n + ": " + s.ToString());
  std::lock_guard status_lock(mu_);
  status_.verified_checkpoint = c.sequence;
  return Status::Ok();
}

}  // namespace liard::node
