// Audit: journal sources, the exported journal file, the parallel replay pipeline.
#include "wallet-cli/audit.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "ledger/bytes.h"
#include "proto/codec.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/node_client.h"

namespace liard::wallet {
namespace {

using Clock = std::chrono::steady_clock;

// `message` names {file} and {why} (the system's reason).
CliStatus IoError(const char* message, const std::string& path) {
  return CliStatus::Local(
      Tr(message, fmt::arg("file", path), fmt::arg("why", std::strerror(errno))));
}

JournalEntry FromWire(const pb::JournalEntry& e, Hash* claimed) {
  JournalEntry j;
  j.sequence = e.sequence();
  j.time_ms = e.time_ms();
  if (!j.prev_hash.Assign(e.prev_hash())) j.prev_hash = Hash{};  // a broken link: caught
  j.envelope = e.envelope();
  j.term = e.term();
  if (!claimed->Assign(e.entry_hash())) *claimed = Hash{};
  return j;
}

Status DecodeEnvelope(std::string_view bytes, SignedOperation* out) {
  return codec::DecodeEnvelope(bytes, out);
}

}  // namespace

// ---- Files.

CliStatus ReadWholeFile(const std::string& path, std::string* out, bool* found) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *found = false;
    return errno == ENOENT ? CliStatus::Ok() : IoError(N_("cannot open {file}: {why}"), path);
  }
  *found = true;
  out->clear();
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return IoError(N_("cannot read {file}: {why}"), path);
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return CliStatus::Ok();
}

CliStatus JournalFileWriter::Open(const std::string& path, std::string_view genesis) {
  CliStatus s = file_.Open(path);
  if (!s.ok()) return s;
  buffer_.assign(kJournalMagic);
  return Record(1, genesis);
}

CliStatus JournalFileWriter::Record(uint8_t type, std::string_view bytes) {
  buffer_.push_back(static_cast<char>(type));
  PutFixed32BE(&buffer_, static_cast<uint32_t>(bytes.size()));
  buffer_.append(bytes);
  if (buffer_.size() >= (1 << 20)) {
    CliStatus s = file_.Append(buffer_);
    if (!s.ok()) return s;
    buffer_.clear();
  }
  return CliStatus::Ok();
}

CliStatus JournalFileWriter::Add(const pb::JournalEntry& entry) {
  return Record(2, entry.SerializeAsString());
}

CliStatus JournalFileWriter::Finish(const pb::SignedCheckpoint* checkpoint,
                                    const PublicKey* node_key) {
  if (checkpoint != nullptr) {
    CliStatus s = Record(3, checkpoint->SerializeAsString());
    if (!s.ok()) return s;
  }
  if (node_key != nullptr) {
    CliStatus s = Record(4, node_key->view());
    if (!s.ok()) return s;
  }
  CliStatus s = file_.Append(buffer_);
  if (!s.ok()) return s;
  return file_.Commit();
}

CliStatus JournalFileReader::Open(const std::string& path) {
  path_ = path;
  bool found = false;
  CliStatus s = ReadWholeFile(path, &data_, &found);
  if (!s.ok()) return s;
  if (!found) return CliStatus::Local(Tr("no journal file {file}", fmt::arg("file", path)));
  if (data_.compare(0, kJournalMagic.size(), kJournalMagic) != 0)
    return CliStatus::Local(
        Tr("{file} is not a liard journal export (liard-journal/1)", fmt::arg("file", path)));
  pos_ = kJournalMagic.size();
  if (data_.size() < pos_ + 5 || data_[pos_] != 1)
    return CliStatus::Local(Tr("{file}: the genesis record is missing", fmt::arg("file", path)));
  const uint32_t n = DecodeFixed32BE(data_.data() + pos_ + 1);
  if (data_.size() - pos_ - 5 < n)
    return CliStatus::Local(Tr("{file}: the genesis is truncated", fmt::arg("file", path)));
  genesis_ = data_.substr(pos_ + 5, n);
  pos_ += 5 + n;
  return CliStatus::Ok();
}

void JournalFileReader::Rewind() {
  pos_ = kJournalMagic.size() + 5 + genesis_.size();
  checkpoint_.reset();
  node_key_.reset();
}

CliStatus JournalFileReader::Next(pb::JournalEntry* out, bool* end) {
  for (;;) {
    if (pos_ == data_.size()) {
      *end = true;
      return CliStatus::Ok();
    }
    if (data_.size() - pos_ < 5)
      return CliStatus::Refused(Tr("{file} is truncated at byte {byte}", fmt::arg("file", path_),
                                   fmt::arg("byte", pos_)));
    const uint8_t type = static_cast<uint8_t>(data_[pos_]);
    const uint32_t n = DecodeFixed32BE(data_.data() + pos_ + 1);
    if (data_.size() - pos_ - 5 < n)
      return CliStatus::Refused(Tr("{file} is truncated at byte {byte}", fmt::arg("file", path_),
                                   fmt::arg("byte", pos_)));
    const std::string_view bytes(data_.data() + pos_ + 5, n);
    const size_t at = pos_;
    pos_ += 5 + n;
    switch (type) {
      case 2:
        if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
          return CliStatus::Refused(Tr("{file}: the record at byte {byte} is not a journal entry",
                                       fmt::arg("file", path_), fmt::arg("byte", at)));
        *end = false;
        return CliStatus::Ok();
      case 3: {
        pb::SignedCheckpoint c;
        if (!c.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
          return CliStatus::Refused(
              Tr("{file}: the checkpoint record does not decode", fmt::arg("file", path_)));
        checkpoint_ = std::move(c);
        break;
      }
      case 4: {
        PublicKey k;
        if (!k.Assign(bytes))
          return CliStatus::Refused(
              Tr("{file}: the node key is not 32 bytes", fmt::arg("file", path_)));
        node_key_ = k;
        break;
      }
      default:
        return CliStatus::Refused(Tr("{file}: unknown record type {type} at byte {byte}",
                                     fmt::arg("file", path_), fmt::arg("type", type),
                                     fmt::arg("byte", at)));
    }
  }
}

CliStatus NodeJournalSource::Open(NodeClient* node, uint64_t from_sequence,
                                  std::unique_ptr<NodeJournalSource>* out) {
  std::unique_ptr<NodeJournalSource> source(new NodeJournalSource(node, from_sequence));
  CliStatus s = source->OpenStream();
  if (!s.ok()) return s;
  *out = std::move(source);
  return CliStatus::Ok();
}

CliStatus NodeJournalSource::OpenStream() {
  pb::StreamJournalRequest request;
  request.set_from_sequence(next_);
  request.set_follow(false);
  ReadCall call{"StreamJournal", nullptr};
  call.from_sequence = next_;
  CliStatus s = node_->SignRead(call, request.mutable_auth());
  if (!s.ok()) return s;
  ctx_ = std::make_unique<grpc::ClientContext>();
  reader_ = node_->stub().StreamJournal(ctx_.get(), request);
  finished_ = false;
  ++streams_;
  return CliStatus::Ok();
}

void NodeJournalSource::CloseStream() {
  if (finished_) return;
  ctx_->TryCancel();
  for (pb::JournalEntry e; reader_->Read(&e);) {
  }
  (void)reader_->Finish();
  finished_ = true;
}

NodeJournalSource::~NodeJournalSource() { CloseStream(); }

CliStatus NodeJournalSource::Next(pb::JournalEntry* out, bool* end) {
  // Renewals in a row that brought no entry: a node whose every stream expires at once (a
  // clock far ahead of this one) would loop for ever.
  int barren = 0;
  for (;;) {
    if (reader_->Read(out)) {
      next_ = out->sequence() + 1;
      *end = false;
      return CliStatus::Ok();
    }
    *end = true;
    finished_ = true;
    grpc::Status st = reader_->Finish();
    if (st.ok()) return CliStatus::Ok();
    auto md = ctx_->GetServerTrailingMetadata();
    if (st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
        md.find("liard-resume-from") != md.end() && barren++ < 3) {
      // The request expired, not the call: go on from the next entry with a fresh one.
      CliStatus s = OpenStream();
      if (!s.ok()) return s;
      continue;
    }
    std::string code;
    auto it = md.find("liard-code-name");
    if (it != md.end()) code = std::string(it->second.data(), it->second.size()) + ": ";
    if (st.error_code() == grpc::StatusCode::PERMISSION_DENIED)
      return CliStatus::Refused(Tr("{code}{why} (the whole journal is read with a treasurer or "
                                   "auditor key: --as)",
                                   fmt::arg("code", code), fmt::arg("why", st.error_message())))
          .set_code_name("READ_REFUSED");
    if (st.error_code() == grpc::StatusCode::UNAVAILABLE)
      return CliStatus::Unreachable(
          Tr("the journal stream broke: {why}", fmt::arg("why", st.error_message())));
    return CliStatus::Refused(Tr("the journal stream failed: {code}{why}", fmt::arg("code", code),
                                 fmt::arg("why", st.error_message())));
  }
}

// ---- The pipeline.

CliStatus RunPipeline(Replay* replay, JournalSource* source, int threads, const AppliedFn& applied,
                      const std::function<void(uint64_t)>& progress, uint64_t hook_every,
                      const std::function<CliStatus()>& checkpoint_hook, PipelineStats* stats) {
  constexpr size_t kBatch = 2048;
  threads = std::max(threads, 1);
  const auto start = Clock::now();
  auto last_progress = start;
  uint64_t next_hook = hook_every ? (replay->sequence() / hook_every + 1) * hook_every : 0;

  // Reads up to kBatch entries. The source stands at the replay's next entry (CheckContinuity
  // read the earlier ones of a resumed run): any other is refused by Commit, never skipped.
  bool end = false;
  auto read = [&](std::vector<pb::JournalEntry>* raw) -> CliStatus {
    raw->clear();
    while (!end && raw->size() < kBatch) {
      pb::JournalEntry e;
      CliStatus s = source->Next(&e, &end);
      if (!s.ok()) return s;
      if (end) break;
      raw->push_back(std::move(e));
    }
    return CliStatus::Ok();
  };

  std::vector<pb::JournalEntry> raw;
  CliStatus s = read(&raw);
  if (!s.ok()) return s;
  std::vector<PreparedEntry> ready;  // prepared, waiting to be committed
  Delta delta;
  while (!raw.empty() || !ready.empty()) {
    // `threads - 1` workers prepare `raw` while this thread commits `ready` and reads the next
    // batch, then helps them finish: `threads` threads in all, never idle.
    std::vector<PreparedEntry> preparing(raw.size());
    std::atomic<size_t> next_index{0};
    auto prepare_some = [&] {
      for (size_t i; (i = next_index.fetch_add(1, std::memory_order_relaxed)) < raw.size();) {
        Hash claimed;
        JournalEntry e = FromWire(raw[i], &claimed);
        replay->Prepare(std::move(e), claimed, DecodeEnvelope, &preparing[i]);
      }
    };
    std::vector<std::thread> workers;
    for (int t = 1; t < threads && !raw.empty(); ++t) workers.emplace_back(prepare_some);
    CliStatus failure;
    for (PreparedEntry& p : ready) {
      Status c = replay->Commit(&p, &delta);
      if (!c.ok()) {
        failure = CliStatus::Refused(c.message());
        break;
      }
      if (applied) applied(p, delta);
      if (next_hook != 0 && replay->sequence() >= next_hook) {
        next_hook += hook_every;
        if (checkpoint_hook && !(failure = checkpoint_hook()).ok()) break;
      }
    }
    std::vector<pb::JournalEntry> next;
    if (failure.ok()) failure = read(&next);
    if (failure.ok()) prepare_some();
    for (auto& w : workers) w.join();
    if (!failure.ok()) return failure;
    ready = std::move(preparing);
    raw = std::move(next);
    const auto now = Clock::now();
    if (progress && now - last_progress >= std::chrono::seconds(1)) {
      last_progress = now;
      progress(replay->sequence());
    }
  }
  stats->entries = replay->sequence();
  stats->seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return CliStatus::Ok();
}

CliStatus CheckContinuity(const Replay& saved, JournalSource* source, std::string* why) {
  why->clear();
  ContinuityCheck check(saved);
  Status c;
  while (c.ok() && !check.proven()) {
    pb::JournalEntry wire;
    bool end = false;
    CliStatus s = source->Next(&wire, &end);
    if (!s.ok()) return s;
    if (end) {
      c = check.End();
      break;
    }
    Hash claimed;
    JournalEntry e = FromWire(wire, &claimed);
    c = check.Add(e, claimed);
  }
  if (!c.ok()) *why = c.message();
  return CliStatus::Ok();
}

double MeasureVerifyRate(int threads, int ms) {
  threads = std::max(threads, 1);
  const KeyPair key = KeyPair::Generate();
  std::vector<std::string> messages;
  std::vector<Signature> signatures;
  for (int i = 0; i < 64; ++i) {
    messages.push_back(std::string(180, static_cast<char>('a' + i % 26)) + std::to_string(i));
    signatures.push_back(key.Sign(messages.back()));
  }
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> total{0};
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&] {
      uint64_t n = 0;
      for (size_t i = 0; !stop.load(std::memory_order_relaxed); ++i, ++n)
        if (!Verify(key.public_key(), messages[i % 64], signatures[i % 64])) break;
      total += n;
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  stop = true;
  for (auto& w : workers) w.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(total.load()) / seconds;
}

}  // namespace liard::wallet
