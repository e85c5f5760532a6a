// Leader: the lease, the leader key, the write fence and the campaign (node/leader.h).
#include "node/leader.h"

#include <spdlog/spdlog.h>
#include <time.h>

#include <algorithm>
#include <charconv>
#include <climits>

#include "node/log_text.h"

namespace liard::node {
namespace {

int64_t BootMs() {
  timespec ts{};
  ::clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

bool ParseU64(std::string_view text, uint64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string EncodeReport(const NodeReport& r) {
  return "name=" + r.name + "\naddress=" + r.address + "\nterm=" + std::to_string(r.term) +
         "\nsequence=" + std::to_string(r.sequence) + "\n";
}

bool DecodeReport(std::string_view text, NodeReport* out) {
  NodeReport r;
  int seen = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return false;
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) return false;
    const std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "name") {
      r.name = std::string(value);
    } else if (key == "address") {
      r.address = std::string(value);
    } else if (key == "term") {
      if (!ParseU64(value, &r.term)) return false;
    } else if (key == "sequence") {
      if (!ParseU64(value, &r.sequence)) return false;
    } else {
      continue;  // a later version's field
    }
    ++seen;
  }
  if (seen < 4 || r.name.empty()) return false;
  *out = std::move(r);
  return true;
}

bool BetterCandidate(const NodeReport& a, const NodeReport& b) {
  if (a.term != b.term) return a.term > b.term;
  if (a.sequence != b.sequence) return a.sequence > b.sequence;
  return a.name < b.name;
}

std::string LeaderKey(const Hash& ledger_id) { return "/liard/" + ToHex(ledger_id) + "/leader"; }
std::string CandidatePrefix(const Hash& ledger_id) {
  return "/liard/" + ToHex(ledger_id) + "/candidates/";
}

Leader::Leader(LeadershipOptions options, const Hash& ledger_id, Applier* applier, Promote promote,
               LeaderChanged leader_changed, Monotonic monotonic)
    : options_(std::move(options)),
      ledger_id_(ledger_id),
      applier_(applier),
      promote_(std::move(promote)),
      leader_changed_(std::move(leader_changed)),
      monotonic_(std::move(monotonic)),
      etcd_(EtcdOptions{options_.endpoints, options_.etcd_timeout_ms}) {
  // Nothing is written until this node holds the key (and after it no longer renews it).
  applier_->SetFence(INT64_MIN);
}

Leader::~Leader() { Stop(); }

int64_t Leader::Now() const { return monotonic_ ? monotonic_() : BootMs(); }

void Leader::Start() {
  spdlog::info("event=leadership-start name={} address={} ttl_seconds={} min_candidates={}",
               LogText(options_.name, 64), LogText(options_.address, 128), options_.ttl_seconds,
               options_.min_candidates);
  thread_ = std::thread([this] { Run(); });
}

void Leader::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Writes stop first, then the key is given back at once: a clean switch-over costs no TTL.
  if (leading_) {
    applier_->SetFence(INT64_MIN);
    leading_ = false;
  }
  if (lease_ != 0) {
    Status s = etcd_.Revoke(lease_);
    spdlog::info("event=leadership-released name={} ok={}", LogText(options_.name, 64), s.ok());
    lease_ = 0;
  }
}

bool Leader::Sleep(int64_t ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_; });
  return !stopping_;
}

std::string Leader::known_leader() const {
  std::lock_guard lock(mu_);
  return known_leader_;
}

void Leader::SetKnownLeader(const std::string& address) {
  {
    std::lock_guard lock(mu_);
    if (told_ && address == known_leader_) return;
    known_leader_ = address;
    told_ = true;
  }
  if (!address.empty())
    spdlog::info("event=leader-known name={} leader={}", LogText(options_.name, 64),
                 LogText(address, 128));
  if (leader_changed_) leader_changed_(address);
}

void Leader::Run() {
  // Renewals three times per lease: two may fail before the deadline (half the lease) passes.
  const int64_t period = std::max<int64_t>(100, options_.ttl_seconds * 1000 / 6);
  do {
    Round();
  } while (Sleep(leading_ ? period : std::min<int64_t>(period, 250)));
}

void Leader::Depose(const std::string& why) {
  applier_->SetFence(INT64_MIN);
  leading_ = false;
  spdlog::critical(
      "event=leadership-lost name={} term={} reason=\"{}\" message=\"this node stopped taking "
      "writes: it is no longer sure to be the primary\"",
      LogText(options_.name, 64), term_.load(), LogText(why, kLogReasonBytes));
  SetKnownLeader("");
}

void Leader::Round() {
  const int64_t ttl_ms = options_.ttl_seconds * 1000;
  // Taken before the request: the lease lives at least ttl from when etcd renewed it, which is
  // after this.
  const int64_t sent = Now();
  if (lease_ == 0) {
    Status s = etcd_.Grant(options_.ttl_seconds, &lease_);
    if (!s.ok()) {
      lease_ = 0;
      spdlog::warn("event=etcd-unreachable name={} error=\"{}\"", LogText(options_.name, 64),
                   LogText(s.message(), kLogReasonBytes));
      return;
    }
    published_ = false;
  } else {
    int64_t left = 0;
    Status s = etcd_.KeepAlive(lease_, &left);
    if (s.code() == Code::kNotFound) {
      lease_ = 0;
      published_ = false;
      if (leading_) Depose("its lease in etcd expired before it could renew it");
      return;
    }
    if (!s.ok()) {
      // The fence lapses on its own at the deadline set by the last renewal.
      if (leading_ && !lapsed_ && sent >= fence_until_) {
        lapsed_ = true;
        spdlog::critical(
            "event=leadership-lapsed name={} term={} message=\"this node could not renew its "
            "lease in time and takes no writes until it does\"",
            LogText(options_.name, 64), term_.load());
      }
      spdlog::warn("event=etcd-unreachable name={} leading={} error=\"{}\"",
                   LogText(options_.name, 64), leading_.load(),
                   LogText(s.message(), kLogReasonBytes));
      return;
    }
  }
  if (leading_) {
    fence_until_ = sent + ttl_ms / 2;
    applier_->SetFence(fence_until_);
    if (lapsed_) {
      lapsed_ = false;
      spdlog::warn("event=leadership-renewed name={} term={}", LogText(options_.name, 64),
                   term_.load());
    }
    std::optional<EtcdKeyValue> key;
    Status s = etcd_.Get(LeaderKey(ledger_id_), &key);
    if (s.ok() && (!key || static_cast<uint64_t>(key->create_revision) != term_))
      Depose("its leader key was removed from etcd or replaced");
    return;
  }

  std::optional<EtcdKeyValue> key;
  Status s = etcd_.Get(LeaderKey(ledger_id_), &key);
  if (!s.ok()) return;
  if (key) {
    free_since_ = -1;
    NodeReport holder;
    if (DecodeReport(key->value, &holder))
      SetKnownLeader(holder.name == options_.name ? "" : holder.address);
    if (published_) {
      bool deleted = false;
      std::optional<EtcdKeyValue> mine;
      const std::string own = CandidatePrefix(ledger_id_) + options_.name;
      if (etcd_.Get(own, &mine).ok() && mine &&
          etcd_.DeleteIfCreatedAt(own, mine->create_revision, &deleted).ok())
        published_ = false;
    }
    return;
  }
  // The key is free: publish this node's head (again: a standby may still be catching up), let
  // the others do the same for the settle time, then the best candidate takes the key.
  SetKnownLeader("");
  if (free_since_ < 0) {
    free_since_ = sent;
    spdlog::warn("event=leader-key-free name={} message=\"no primary holds the leader key\"",
                 LogText(options_.name, 64));
  }
  const HeadState head = applier_->Read([](const MemoryState&, const HeadState& h) { return h; });
  NodeReport self{options_.name, options_.address, head.term, head.sequence};
  if (!etcd_.Put(CandidatePrefix(ledger_id_) + options_.name, EncodeReport(self), lease_).ok())
    return;
  published_ = true;
  if (sent - free_since_ < options_.settle_ms) return;
  std::vector<EtcdKeyValue> reports;
  if (!etcd_.GetPrefix(CandidatePrefix(ledger_id_), 1000, &reports).ok()) return;
  uint32_t count = 0;
  NodeReport best = self;
  for (const EtcdKeyValue& kv : reports) {
    NodeReport r;
    if (!DecodeReport(kv.value, &r)) continue;
    ++count;
    if (BetterCandidate(r, best)) best = r;
  }
  if (count < options_.min_candidates) {
    spdlog::warn(
        "event=election-waiting name={} candidates={} min_candidates={} message=\"too few nodes "
        "reported their head to be sure one holds every acknowledged entry\"",
        LogText(options_.name, 64), count, options_.min_candidates);
    return;
  }
  if (best.name != options_.name) return;  // the best candidate takes the key
  Campaign(sent);
}

void Leader::Campaign(int64_t renewed_at) {
  const HeadState head = applier_->Read([](const MemoryState&, const HeadState& h) { return h; });
  NodeReport self{options_.name, options_.address, head.term, head.sequence};
  bool created = false;
  EtcdKeyValue current;
  Status s =
      etcd_.CreateIfAbsent(LeaderKey(ledger_id_), EncodeReport(self), lease_, &created, &current);
  if (!s.ok()) return;
  if (!created) {
    NodeReport holder;
    if (DecodeReport(current.value, &holder)) SetKnownLeader(holder.address);
    return;
  }
  const uint64_t term = static_cast<uint64_t>(current.create_revision);
  if (term <= head.term) {
    // etcd's revisions start again from 1 when its data is lost: a term must be new.
    spdlog::critical(
        "event=leadership-refused name={} term={} journal_term={} message=\"etcd's revision is "
        "not above this journal's last term: was etcd's data reset? this node gives the key "
        "back\"",
        LogText(options_.name, 64), term, head.term);
    bool deleted = false;
    (void)etcd_.DeleteIfCreatedAt(LeaderKey(ledger_id_), current.create_revision, &deleted);
    Sleep(options_.ttl_seconds * 1000);
    return;
  }
  if (!promoted_ && promote_) {
    if (Status p = promote_(term); !p.ok()) {
      spdlog::critical("event=promotion-failed name={} term={} error=\"{}\"",
                       LogText(options_.name, 64), term, LogText(p.message(), kLogReasonBytes));
      bool deleted = false;
      (void)etcd_.DeleteIfCreatedAt(LeaderKey(ledger_id_), current.create_revision, &deleted);
      return;
    }
  }
  promoted_ = true;
  applier_->SetTerm(term);
  term_ = term;
  leading_ = true;
  free_since_ = -1;
  fence_until_ = renewed_at + options_.ttl_seconds * 1000 / 2;
  lapsed_ = false;
  applier_->SetFence(fence_until_);
  SetKnownLeader("");
  const HeadState now = applier_->Read([](const MemoryState&, const HeadState& h) { return h; });
  spdlog::warn("event=leader-elected name={} term={} sequence={} address={}",
               LogText(options_.name, 64), term, now.sequence, LogText(options_.address, 128));
  bool deleted = false;
  std::optional<EtcdKeyValue> mine;
  const std::string own = CandidatePrefix(ledger_id_) + options_.name;
  if (etcd_.Get(own, &mine).ok() && mine)
    (void)etcd_.DeleteIfCreatedAt(own, mine->create_revision, &deleted);
  published_ = false;
}

}  // namespace liard::node
