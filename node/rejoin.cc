// Rejoin: set aside what a deposed primary wrote after the common prefix, then cut
// (node/rejoin.h).
#include "node/rejoin.h"

#include <fcntl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "ledger/journal.h"
#include "ledger/operation.h"
#include "ledger/replay.h"
#include "liard/v1/node.grpc.pb.h"
#include "liard/v1/replication.grpc.pb.h"
#include "node/config.h"
#include "node/log_text.h"
#include "node/store.h"
#include "proto/codec.h"

namespace liard::node {
namespace {

namespace pb = ::liard::v1;

int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string UtcText(int64_t ms, bool compact) {
  const time_t t = static_cast<time_t>(ms / 1000);
  tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, compact ? "%Y%m%dT%H%M%S" : "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);
  return out;
}

void SetDeadline(grpc::ClientContext* ctx, int64_t ms) {
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(ms));
}

// The primary's entry at `sequence` (one entry of a StreamJournal read, then cancelled).
Status PrimaryEntry(pb::LedgerService::Stub* stub, const FollowerOptions& options,
                    const Hash& ledger_id, uint64_t sequence, pb::JournalEntry* out) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, 10'000);
  const pb::StreamJournalRequest req =
      JournalRequest(options, ledger_id, sequence, /*follow=*/false, UnixMs() + 60'000);
  std::unique_ptr<grpc::ClientReader<pb::JournalEntry>> reader = stub->StreamJournal(&ctx, req);
  const bool got = reader->Read(out);
  ctx.TryCancel();
  grpc::Status st = reader->Finish();
  if (!got)
    return Status(Code::kUnavailable, "reading the primary's entry " + std::to_string(sequence) +
                                          ": " + (st.ok() ? "none" : st.error_message()));
  if (out->sequence() != sequence)
    return Status(Code::kCorruption, "the primary answered entry " +
                                         std::to_string(out->sequence()) + " for entry " +
                                         std::to_string(sequence));
  return Status::Ok();
}

// Writes `text` to `path` (a new file), durably: a temporary file, fsynced, renamed, and the
// directory fsynced.
Status WriteNewFile(const std::string& dir, const std::string& path, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status(Code::kIOError, "cannot create " + dir + ": " + ec.message());
  if (std::filesystem::exists(path, ec))
    return Status(Code::kAlreadyExists, path + " exists already: it is never overwritten");
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status(Code::kIOError, "cannot create " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return Status(Code::kIOError, "cannot write " + tmp + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return Status(Code::kIOError, "cannot sync " + tmp + ": " + std::strerror(errno));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return Status(Code::kIOError, "cannot rename " + tmp + ": " + std::strerror(errno));
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Status(Code::kIOError, "cannot open " + dir + ": " + std::strerror(errno));
  const int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) return Status(Code::kIOError, "cannot sync " + dir + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

Status RejoinPrimary(const std::string& data, const FollowerOptions& options, const Hash& ledger_id,
                     int64_t wait_ms, RejoinOutcome* out) {
  *out = RejoinOutcome{};
  std::unique_ptr<Store> store;
  Status s = Store::Open(data, /*create=*/false, &store);
  if (!s.ok()) return s;
  if (!store->initialized()) return Status::Ok();
  const HeadState mine = store->head();
  out->common = mine.sequence;
  if (mine.sequence == 0) return Status::Ok();

  auto channel = PrimaryChannel(options);
  auto stub = pb::LedgerService::NewStub(channel);
  auto rstub = pb::ReplicationService::NewStub(channel);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  pb::Head head;
  pb::ReplicationStatus status;
  for (;;) {
    grpc::ClientContext ctx, rctx;
    SetDeadline(&ctx, 3'000);
    SetDeadline(&rctx, 3'000);
    grpc::Status st = stub->GetHead(&ctx, pb::GetHeadRequest(), &head);
    if (st.ok())
      st = rstub->GetReplicationStatus(&rctx, pb::GetReplicationStatusRequest(), &status);
    if (st.ok()) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      spdlog::warn(
          "event=rejoin-skipped primary={} error=\"{}\" message=\"the primary does not answer: "
          "its journal is compared when the standby connects\"",
          LogText(options.primary, 128), LogText(st.error_message(), 512));
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  if (head.ledger_id() != ledger_id.view())
    return Status(Code::kCorruption,
                  "the node at " + options.primary + " serves another ledger than this one");

  // Entry k on both sides hashes alike: entries 1..k are alike (each hash covers the previous).
  const auto same_at = [&](uint64_t k, bool* same, pb::JournalEntry* theirs) -> Status {
    if (k == 0) {
      *same = true;
      return Status::Ok();
    }
    JournalEntry e;
    Hash h;
    Status rs = store->ReadEntry(k, &e, &h);
    if (!rs.ok()) return rs;
    rs = PrimaryEntry(stub.get(), options, ledger_id, k, theirs);
    if (!rs.ok()) return rs;
    *same = theirs->entry_hash() == h.view();
    return Status::Ok();
  };
  const uint64_t top = std::min<uint64_t>(mine.sequence, head.sequence());
  bool same = false;
  pb::JournalEntry theirs;
  if (s = same_at(top, &same, &theirs); !s.ok()) return s;
  uint64_t common = top;
  if (!same) {
    // lo matches, hi does not: at most 64 reads.
    uint64_t lo = 0, hi = top;
    while (hi - lo > 1) {
      const uint64_t mid = lo + (hi - lo) / 2;
      if (s = same_at(mid, &same, &theirs); !s.ok()) return s;
      (same ? lo : hi) = mid;
    }
    common = lo;
  }
  out->common = common;
  if (common == mine.sequence) return Status::Ok();  // a prefix: nothing to set aside

  // The term the entries after the common prefix must be below: the primary's, and that of its
  // own entry after the common prefix if it has one.
  uint64_t newer = status.role() == pb::ReplicationStatus::PRIMARY ? status.term() : 0;
  newer = std::max<uint64_t>(newer, status.head_term());
  if (head.sequence() > common) {
    if (s = PrimaryEntry(stub.get(), options, ledger_id, common + 1, &theirs); !s.ok()) return s;
    newer = std::max<uint64_t>(newer, theirs.term());
  }
  // A ledger without terms (before genesis version 7, or a primary without [leadership]): no
  // deposed primary to recognise; the follower's own check stops this standby on the fork.
  if (newer == 0) return Status::Ok();
  const uint64_t count = mine.sequence - common;
  const std::string range = std::to_string(common + 1) + ".." + std::to_string(mine.sequence);
  if (count > kMaxSetAside)
    return Status(Code::kCorruption,
                  "this node holds entries " + range + " that the primary at " + options.primary +
                      " does not: more than " + std::to_string(kMaxSetAside) +
                      ", not the last groups of a deposed primary; nothing was changed "
                      "(docs/operator.md, \"Entries set aside\")");

  std::string text;
  std::vector<JournalEntry> removed;
  for (uint64_t q = common + 1; q <= mine.sequence; ++q) {
    JournalEntry e;
    Hash h;
    if (s = store->ReadEntry(q, &e, &h); !s.ok()) return s;
    if (e.term >= newer)
      return Status(Code::kCorruption,
                    "this node's entry " + std::to_string(q) + " has term " +
                        std::to_string(e.term) + ", not lower than the term " +
                        std::to_string(newer) + " of the primary at " + options.primary +
                        ", whose journal differs from entry " + std::to_string(common + 1) +
                        " (a fork): two writers in one term is a contradiction; nothing was "
                        "changed");
    nlohmann::json line{{"sequence", e.sequence}, {"term", e.term},
                        {"time_ms", e.time_ms},   {"time", UtcText(e.time_ms, false)},
                        {"entry_hash", ToHex(h)}, {"envelope", Base64(e.envelope)}};
    SignedOperation so;
    if (codec::DecodeEnvelope(e.envelope, &so).ok()) {
      line["operation_id"] = ToHex(OperationId(ledger_id, so.body));
      line["account"] = ToHex(so.op.account);
      line["signer_key"] = ToHex(so.key);
    }
    text += line.dump() + "\n";
    removed.push_back(std::move(e));
  }

  // The state after the common prefix: the journal replayed from the genesis, as an audit does.
  std::string genesis_bytes;
  Hash stored_id;
  if (s = store->ReadGenesis(&genesis_bytes, &stored_id); !s.ok()) return s;
  Genesis genesis;
  if (s = codec::DecodeGenesis(genesis_bytes, &genesis); !s.ok()) return s;
  std::unique_ptr<Replay> replay;
  if (s = Replay::Create(genesis, genesis_bytes, &replay); !s.ok()) return s;
  const EnvelopeDecoder decode = [](std::string_view bytes, SignedOperation* so) {
    return codec::DecodeEnvelope(bytes, so);
  };
  for (uint64_t q = 1; q <= common; ++q) {
    JournalEntry e;
    Hash h;
    if (s = store->ReadEntry(q, &e, &h); !s.ok()) return s;
    PreparedEntry p;
    replay->Prepare(std::move(e), h, decode, &p);
    if (s = replay->Commit(&p); !s.ok())
      return Status(Code::kCorruption, "replaying this node's journal up to entry " +
                                           std::to_string(common) + ": " + s.message());
  }
  const HeadState keep{common, replay->head_hash(), replay->time_ms(), replay->term()};

  const std::string dir = data + "/" + kSetAsideDir;
  const std::string path =
      dir + "/" + UtcText(UnixMs(), true) + "-term-" + std::to_string(newer) + ".jsonl";
  if (s = WriteNewFile(dir, path, text); !s.ok()) return s;
  spdlog::critical(
      "event=entries-set-aside path={} entries={} sequences={} kept={} primary={} term={} "
      "message=\"this node wrote entries the new primary does not hold (never acknowledged with "
      "synchronous standbys): they are in this file for the treasurer, and are now removed from "
      "its journal; docs/operator.md, Entries set aside\"",
      LogText(path, 512), count, range, common, LogText(options.primary, 128), newer);
  spdlog::default_logger()->flush();
  // A test stops here to show that a crash between the side file and the cut leaves the old
  // journal whole (tests/e2e/failover_test.cc).
  if (const char* stop = std::getenv("LIARD_TEST_STOP_BEFORE_CUT"); stop && *stop == '1') _exit(70);

  if (s = store->CutAfter(keep, replay->state()); !s.ok()) return s;
  spdlog::warn("event=journal-cut kept={} removed={} path={}", common, count, LogText(path, 512));
  out->set_aside = count;
  out->side_file = path;
  return Status::Ok();
}

Status ReadSetAside(const std::string& path, std::vector<SetAsideEntry>* out) {
  out->clear();
  std::string text;
  Status s = ReadTextFile(path, &text);
  if (!s.ok()) return s;
  size_t line_no = 0, at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    const std::string_view line(text.data() + at, nl - at);
    at = nl + 1;
    ++line_no;
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    if (out->size() >= kMaxSetAside)
      return Status(Code::kInvalidArgument,
                    where + ": more than " + std::to_string(kMaxSetAside) + " entries");
    SetAsideEntry e;
    try {
      const nlohmann::json j = nlohmann::json::parse(line);
      e.sequence = j.at("sequence").get<uint64_t>();
      e.term = j.at("term").get<uint64_t>();
      e.time_ms = j.at("time_ms").get<int64_t>();
      e.time = j.value("time", "");
      e.operation_id_hex = j.value("operation_id", "");
      e.account_hex = j.value("account", "");
      const std::string b64 = j.at("envelope").get<std::string>();
      e.envelope.resize(b64.size());
      size_t len = 0;
      if (sodium_base642bin(reinterpret_cast<unsigned char*>(e.envelope.data()), e.envelope.size(),
                            b64.data(), b64.size(), nullptr, &len, nullptr,
                            sodium_base64_VARIANT_ORIGINAL) != 0)
        return Status(Code::kInvalidArgument, where + ": the envelope is not base64");
      e.envelope.resize(len);
    } catch (const std::exception& x) {
      return Status(Code::kInvalidArgument,
                    where + ": not an entry of a side file (" + std::string(x.what()) + ")");
    }
    out->push_back(std::move(e));
  }
  return Status::Ok();
}

}  // namespace liard::node
