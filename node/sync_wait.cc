// SyncWait: the primary's side of synchronous standbys: the acks, the watermark, the answers
// that wait for it, and ReportDurable's callback stream.
#include "node/sync_wait.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "ledger/bytes.h"
#include "ledger/domains.h"
#include "ledger/journal.h"
#include "node/answers.h"
#include "node/log_text.h"
#include "node/streams.h"

namespace liard::node {
namespace {

namespace pb = ::liard::v1;

// The answers' wait is checked this often for timeouts and the hello deadlines.
constexpr auto kSyncTick = std::chrono::milliseconds(20);
// Entry hashes kept in memory beyond those the standbys still need (bounded either way).
constexpr size_t kSyncRecentMax = 2 * kSyncMaxWaiting;

int64_t SteadyMs(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

std::string StandbyAckMessage(const Hash& ledger_id, std::string_view nonce, uint64_t sequence,
                              const Hash& entry_hash, std::string_view name) {
  std::string m(kStandbyAckDomain);
  m.append(ledger_id.view());
  m.append(nonce);
  PutFixed64BE(&m, sequence);
  m.append(entry_hash.view());
  m.append(name);
  return m;
}

Status ParseSyncStandby(std::string_view text, SyncStandbyConfig* out) {
  const size_t eq = text.find('=');
  const auto bad = [&](const std::string& why) {
    return Status(Code::kInvalidArgument,
                  "[replication] standbys: \"" + std::string(text.substr(0, 100)) + "\": " + why +
                      " (each entry is \"NAME=ACCOUNT-ID\": the standby's [replication] name and "
                      "the id, 64 hex digits, of the account whose key it reads with)");
  };
  if (eq == std::string_view::npos) return bad("no '='");
  const std::string_view name = text.substr(0, eq);
  if (name.empty() || name.size() > kSyncMaxName) return bad("the name must be 1 to 64 bytes");
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return bad("the name may hold letters, digits, '-', '_' and '.' only");
  std::string bytes;
  if (!FromHex(text.substr(eq + 1), &bytes) || !out->account.Assign(bytes))
    return bad("the account id must be 64 hexadecimal digits");
  out->name = std::string(name);
  return Status::Ok();
}

// One ReportDurable stream: the challenge, then the standby's acks. Owned by gRPC from the
// method handler until OnDone.
class SyncWait::AckStream final
    : public grpc::ServerBidiReactor<pb::StandbyAck, pb::SyncChallenge> {
 public:
  AckStream(SyncWait* sync, grpc::CallbackServerContext* ctx)
      : sync_(sync), ctx_(ctx), peer_(PeerAddress(ctx->peer())) {
    opened_ = std::chrono::steady_clock::now();
    if (!sync_->AdmitUnauthenticated(peer_)) {
      admitted_ = false;
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "too many ReportDurable streams wait for their first ack; try again"));
      return;
    }
    {
      std::lock_guard lock(sync_->peers_mu_);
      sync_->streams_.insert(this);
    }
    char nonce[32];
    randombytes_buf(nonce, sizeof nonce);
    nonce_.assign(nonce, sizeof nonce);
    challenge_.set_nonce(nonce_);
    challenge_.set_ledger_id(std::string(sync_->ledger_id_.view()));
    writing_ = true;
    StartWrite(&challenge_);
    StartRead(&ack_);
  }

  void OnWriteDone(bool) override {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (finish_) Finish(*finish_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      End(grpc::Status::OK);  // the standby closed, or the call was cancelled
      return;
    }
    std::string name;
    Status s = sync_->Ack(ack_, nonce_, name_, &name);
    if (!s.ok()) {
      End(grpc::Status(s.code() == Code::kCorruption ? grpc::StatusCode::FAILED_PRECONDITION
                                                     : grpc::StatusCode::PERMISSION_DENIED,
                       s.message()));
      return;
    }
    if (name_.empty()) {
      name_ = name;
      sync_->ReleaseUnauthenticated(peer_);
      generation_ = sync_->Connected(name_);
      std::lock_guard lock(sync_->peers_mu_);
      sync_->streams_.erase(this);  // no hello deadline any more
      authenticated_ = true;
    }
    StartRead(&ack_);
  }

  void OnDone() override {
    if (admitted_) {
      if (authenticated_) {
        sync_->Disconnected(name_, generation_);
      } else {
        sync_->ReleaseUnauthenticated(peer_);
        std::lock_guard lock(sync_->peers_mu_);
        sync_->streams_.erase(this);
      }
    }
    delete this;
  }

  // The hello deadline passed (SyncWait's thread, under peers_mu_).
  bool Overdue(std::chrono::steady_clock::time_point now) const {
    return now - opened_ > std::chrono::milliseconds(kSyncHelloMs);
  }
  void Cancel() { ctx_->TryCancel(); }

 private:
  void End(const grpc::Status& status) {
    std::lock_guard lock(mu_);
    if (finish_) return;
    finish_ = status;
    if (!writing_) Finish(status);
  }

  SyncWait* const sync_;
  grpc::CallbackServerContext* const ctx_;
  const std::string peer_;
  std::chrono::steady_clock::time_point opened_;
  bool admitted_ = true;
  std::string nonce_;
  pb::SyncChallenge challenge_;
  pb::StandbyAck ack_;
  std::string name_;  // bound by the first valid ack
  uint64_t generation_ = 0;
  bool authenticated_ = false;
  std::mutex mu_;
  bool writing_ = false;
  std::optional<grpc::Status> finish_;
};

SyncWait::SyncWait(SyncOptions options, const Hash& ledger_id, const Store* store, KeyOf key_of,
                   Clock clock)
    : options_(std::move(options)),
      ledger_id_(ledger_id),
      store_(store),
      key_of_(std::move(key_of)),
      clock_(std::move(clock)) {
  for (const auto& c : options_.standbys) standbys_.push_back(Standby{c});
}

SyncWait::~SyncWait() { Stop(); }

void SyncWait::Start() {
  thread_ = std::thread([this] { Run(); });
}

void SyncWait::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  room_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t SyncWait::WatermarkLocked() const {
  if (options_.sync_standbys == 0) return UINT64_MAX;
  std::vector<uint64_t> held;
  for (const Standby& s : standbys_)
    if (!s.forked) held.push_back(s.acked);
  if (held.size() < options_.sync_standbys) return 0;
  std::nth_element(held.begin(), held.begin() + (options_.sync_standbys - 1), held.end(),
                   std::greater<>());
  return held[options_.sync_standbys - 1];
}

uint64_t SyncWait::watermark() const {
  std::lock_guard lock(mu_);
  const uint64_t w = WatermarkLocked();
  return w == UINT64_MAX ? 0 : w;
}

void SyncWait::Answer(Group& g, const Status& why) {
  for (size_t i = 0; i < g.dones.size(); ++i) {
    SubmitOutcome& o = g.outcomes[i];
    if (!why.ok() && o.status.ok()) {
      const Hash id = o.op_id;
      o = SubmitOutcome{};
      o.op_id = id;
      o.status = why;
    }
    g.dones[i](std::move(o));
  }
}

void SyncWait::Hold(uint64_t first_sequence, std::vector<Hash> hashes, uint64_t head,
                    std::vector<Applier::Done> dones, std::vector<SubmitOutcome> outcomes) {
  Group g;
  g.head = head;
  g.held = std::chrono::steady_clock::now();
  g.deadline = g.held + std::chrono::milliseconds(options_.timeout_ms);
  g.dones = std::move(dones);
  g.outcomes = std::move(outcomes);
  {
    std::unique_lock lock(mu_);
    for (size_t i = 0; i < hashes.size(); ++i) recent_[first_sequence + i] = hashes[i];
    if (groups_.empty() && head <= WatermarkLocked()) {
      lock.unlock();
      Answer(g, Status::Ok());
      return;
    }
    room_cv_.wait(lock, [&] { return waiting_answers_ < kSyncMaxWaiting || stopping_; });
    if (!stopping_) {
      waiting_answers_ += g.dones.size();
      ++waits_;
      groups_.push_back(std::move(g));
      lock.unlock();
      cv_.notify_all();
      return;
    }
  }
  Answer(g, Status(Code::kUnavailable, answers::kSyncShuttingDown));
}

void SyncWait::Run() {
  bool warned = false;
  for (;;) {
    std::vector<Group> ready, timed_out;
    Status why;
    std::vector<AckStream*> overdue;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, kSyncTick, [&] {
        return stopping_ || (!groups_.empty() && groups_.front().head <= WatermarkLocked());
      });
      const uint64_t w = WatermarkLocked();
      while (!groups_.empty() && groups_.front().head <= w) {
        waiting_answers_ -= groups_.front().dones.size();
        ready.push_back(std::move(groups_.front()));
        groups_.pop_front();
      }
      const auto now = std::chrono::steady_clock::now();
      if (stopping_) {
        why = Status(Code::kUnavailable, answers::kSyncShuttingDown);
        while (!groups_.empty()) {
          waiting_answers_ -= groups_.front().dones.size();
          timed_out.push_back(std::move(groups_.front()));
          groups_.pop_front();
        }
      } else if (!groups_.empty() && groups_.front().deadline <= now) {
        if (options_.on_timeout == OnSyncTimeout::kFail) {
          why = Status(Code::kUnavailable,
                       answers::FillAnswer(answers::kSyncTimeout,
                                           {{"count", std::to_string(options_.sync_standbys)},
                                            {"ms", std::to_string(options_.timeout_ms)}}));
          while (!groups_.empty() && groups_.front().deadline <= now) {
            waiting_answers_ -= groups_.front().dones.size();
            timeouts_ += groups_.front().dones.size();
            timed_out.push_back(std::move(groups_.front()));
            groups_.pop_front();
          }
        } else if (!warned) {
          warned = true;
          ++timeouts_;
          spdlog::warn(
              "event=sync-waiting waiting={} watermark={} head={} message=\"writes wait for {} "
              "standby(s) to confirm them (on_sync_timeout = wait): check the standbys\"",
              waiting_answers_, w, groups_.back().head, options_.sync_standbys);
        }
      }
      if (groups_.empty()) warned = false;
      // Keep the hashes the standbys may still confirm; drop older ones, bounded either way.
      uint64_t lowest = UINT64_MAX;
      for (const Standby& s : standbys_)
        if (!s.forked) lowest = std::min(lowest, s.acked);
      while (!recent_.empty() &&
             (recent_.begin()->first < lowest || recent_.size() > kSyncRecentMax))
        recent_.erase(recent_.begin());
      if (stopping_ && groups_.empty() && ready.empty() && timed_out.empty()) {
        lock.unlock();
        room_cv_.notify_all();
        return;
      }
    }
    if (!timed_out.empty() && !stopping_)
      spdlog::error(
          "event=sync-timeout operations={} message=\"writes answered UNAVAILABLE: fewer than "
          "{} standby(s) confirmed them within {} ms (they are kept in the journal)\"",
          [&] {
            size_t n = 0;
            for (auto& g : timed_out) n += g.dones.size();
            return n;
          }(),
          options_.sync_standbys, options_.timeout_ms);
    for (Group& g : ready) Answer(g, Status::Ok());
    for (Group& g : timed_out) Answer(g, why);
    if (!ready.empty() || !timed_out.empty()) room_cv_.notify_all();
    {
      std::lock_guard lock(peers_mu_);
      const auto now = std::chrono::steady_clock::now();
      for (AckStream* s : streams_)
        if (s->Overdue(now)) s->Cancel();
    }
  }
}

bool SyncWait::HashAt(uint64_t sequence, Hash* out) const {
  {
    std::lock_guard lock(mu_);
    auto it = recent_.find(sequence);
    if (it != recent_.end()) {
      *out = it->second;
      return true;
    }
  }
  JournalEntry entry;
  return store_->ReadEntry(sequence, &entry, out).ok();
}

Status SyncWait::Ack(const pb::StandbyAck& ack, std::string_view nonce, const std::string& bound,
                     std::string* name) {
  const auto refused = [](const std::string& why) { return Status(Code::kInvalidArgument, why); };
  if (!bound.empty() && ack.name() != bound)
    return refused("a ReportDurable stream names one standby; open another for " +
                   LogText(ack.name(), 64));
  const SyncStandbyConfig* listed = nullptr;
  for (const auto& c : options_.standbys)
    if (c.name == ack.name()) listed = &c;
  if (listed == nullptr)
    return refused("this primary's [replication] standbys does not list a standby named \"" +
                   LogText(ack.name(), 64) + "\"");
  PublicKey key, current;
  Hash claimed;
  Signature sig;
  if (!key.Assign(ack.public_key()) || !claimed.Assign(ack.entry_hash()) ||
      !sig.Assign(ack.signature()))
    return refused("an ack needs a 32-byte public_key and entry_hash and a 64-byte signature");
  if (!key_of_(listed->account, &current) || current != key)
    return refused("the standby \"" + listed->name +
                   "\" must sign with the current key of the account its [replication] standbys "
                   "entry names");
  if (!Verify(key, StandbyAckMessage(ledger_id_, nonce, ack.sequence(), claimed, ack.name()), sig))
    return refused("the ack's signature does not verify");
  // Its copy must be this node's: the same entry hash at that sequence.
  Hash own;
  const bool have = ack.sequence() == 0 ? true : HashAt(ack.sequence(), &own);
  const bool forked = ack.sequence() != 0 && (!have || own != claimed);
  std::lock_guard lock(mu_);
  Standby* s = nullptr;
  for (Standby& x : standbys_)
    if (x.config.name == listed->name) s = &x;
  if (forked) {
    if (!s->forked) {
      ++forks_;
      spdlog::critical(
          "event=standby-forked standby={} sequence={} message=\"the standby holds {} at "
          "sequence {}: its history differs from this node's; it is not counted as a copy\"",
          s->config.name, ack.sequence(), have ? "another entry" : "an entry this node lacks",
          ack.sequence());
      spdlog::default_logger()->flush();
    }
    s->forked = true;
    return Status(Code::kCorruption,
                  "the standby's entry " + std::to_string(ack.sequence()) +
                      " is not this primary's: its history differs (a fork); it is not counted");
  }
  s->forked = false;
  s->acked = ack.sequence();
  s->last_ack_ms = clock_();
  *name = s->config.name;
  cv_.notify_all();
  return Status::Ok();
}

uint64_t SyncWait::Connected(const std::string& name) {
  std::lock_guard lock(mu_);
  for (Standby& s : standbys_)
    if (s.config.name == name) {
      s.generation = next_generation_++;
      spdlog::info("event=standby-connected standby={} acked={}", name, s.acked);
      return s.generation;
    }
  return 0;
}

void SyncWait::Disconnected(const std::string& name, uint64_t generation) {
  std::lock_guard lock(mu_);
  for (Standby& s : standbys_)
    if (s.config.name == name && s.generation == generation) {
      s.generation = 0;
      spdlog::warn("event=standby-disconnected standby={} acked={}", name, s.acked);
    }
}

bool SyncWait::AdmitUnauthenticated(const std::string& peer) {
  std::lock_guard lock(peers_mu_);
  int& n = unauthenticated_per_peer_[peer];
  if (unauthenticated_ >= kSyncMaxUnauthenticated || n >= kSyncMaxUnauthenticatedPerPeer) {
    if (n == 0) unauthenticated_per_peer_.erase(peer);
    return false;
  }
  ++n;
  ++unauthenticated_;
  return true;
}

void SyncWait::ReleaseUnauthenticated(const std::string& peer) {
  std::lock_guard lock(peers_mu_);
  auto it = unauthenticated_per_peer_.find(peer);
  if (it == unauthenticated_per_peer_.end()) return;
  if (--it->second == 0) unauthenticated_per_peer_.erase(it);
  --unauthenticated_;
}

grpc::ServerBidiReactor<pb::StandbyAck, pb::SyncChallenge>* SyncWait::OpenStream(
    grpc::CallbackServerContext* ctx) {
  return new AckStream(this, ctx);
}

void SyncWait::FillStatus(pb::ReplicationStatus* out) const {
  std::lock_guard lock(mu_);
  for (const Standby& s : standbys_) {
    pb::SyncStandby* x = out->add_standbys();
    x->set_name(s.config.name);
    x->set_connected(s.generation != 0);
    x->set_acked_sequence(s.acked);
    x->set_last_ack_ms(s.last_ack_ms);
    x->set_forked(s.forked);
  }
  out->set_sync_standbys(options_.sync_standbys);
  const uint64_t w = WatermarkLocked();
  out->set_sync_watermark(w == UINT64_MAX ? 0 : w);
  out->set_sync_waiting(waiting_answers_);
}

std::string SyncWait::MetricsText() const {
  std::ostringstream out;
  const auto line = [&](const char* name, const char* type, const char* help,
                        const std::string& value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
        << name << ' ' << value << '\n';
  };
  std::lock_guard lock(mu_);
  const uint64_t w = WatermarkLocked();
  line("liard_sync_standbys", "gauge",
       "Standbys that must confirm a write before it is answered (sync_standbys)",
       std::to_string(options_.sync_standbys));
  line("liard_sync_watermark", "gauge",
       "Highest sequence that sync_standbys listed standbys confirmed holding",
       std::to_string(w == UINT64_MAX ? 0 : w));
  line("liard_sync_waiting", "gauge", "Answers waiting for standbys now",
       std::to_string(waiting_answers_));
  line("liard_sync_waits_total", "counter", "Groups of answers that waited for standbys",
       std::to_string(waits_));
  line("liard_sync_timeouts_total", "counter",
       "Answers given UNAVAILABLE after sync_timeout_ms (fail), or waits past it (wait)",
       std::to_string(timeouts_));
  line("liard_sync_forks_total", "counter",
       "Acks whose entry hash was not this node's (a standby with another history)",
       std::to_string(forks_));
  out << "# HELP liard_sync_standby_acked_sequence Last sequence each listed standby confirmed "
         "holding\n# TYPE liard_sync_standby_acked_sequence gauge\n";
  for (const Standby& s : standbys_)
    out << "liard_sync_standby_acked_sequence{standby=\"" << s.config.name << "\"} " << s.acked
        << '\n';
  out << "# HELP liard_sync_standby_connected 1 while the standby's ReportDurable stream is "
         "open\n# TYPE liard_sync_standby_connected gauge\n";
  for (const Standby& s : standbys_)
    out << "liard_sync_standby_connected{standby=\"" << s.config.name << "\"} "
        << (s.generation != 0 ? 1 : 0) << '\n';
  return out.str();
}

}  // namespace liard::node
