// HeadAnchor: the file format is described in head_anchor.h.
#include "node/head_anchor.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ledger/bytes.h"

namespace liard::node {
namespace {

constexpr std::string_view kMagic = "LIARDHA1";
constexpr uint32_t kVersion = 1;
constexpr size_t kChecksumAt = 136;
constexpr std::string_view kChecksumTag = "liard head anchor v1";

Hash GetHash(const char* p) {
  Hash h;
  std::memcpy(h.data.data(), p, h.data.size());
  return h;
}

std::string Errno(int err) { return std::strerror(err); }

Status SyncDirectory(StorageEnv& env, const std::string& dir) {
  std::unique_ptr<StorageFile> d;
  if (int err = env.Open(dir, StorageEnv::OpenMode::kDirectory, &d); err != 0)
    return Status(Code::kIOError, "cannot open " + dir + ": " + Errno(err));
  if (int err = d->Sync(/*data_only=*/false); err != 0)
    return Status(Code::kIOError, "cannot sync " + dir + ": " + Errno(err));
  return Status::Ok();
}

}  // namespace

std::string EncodeAnchorSlot(const AnchorRecord& r, uint64_t counter) {
  std::string s;
  s.reserve(kHeadAnchorSlotSize);
  s.append(kMagic);
  PutFixed32BE(&s, kVersion);
  PutFixed32BE(&s, static_cast<uint32_t>(kHeadAnchorSlotSize));
  PutFixed64BE(&s, counter);
  s.append(r.ledger_id.view());
  PutFixed64BE(&s, r.acknowledged);
  s.append(r.acknowledged_hash.view());
  PutFixed64BE(&s, r.pending);
  s.append(r.pending_hash.view());
  Hash sum = Sha256({kChecksumTag, s});
  s.append(sum.view());
  s.resize(kHeadAnchorSlotSize, '\0');
  return s;
}

bool DecodeAnchorSlot(std::string_view s, AnchorRecord* r, uint64_t* counter) {
  if (s.size() != kHeadAnchorSlotSize || s.substr(0, 8) != kMagic) return false;
  if (DecodeFixed32BE(s.data() + 8) != kVersion ||
      DecodeFixed32BE(s.data() + 12) != kHeadAnchorSlotSize)
    return false;
  if (Sha256({kChecksumTag, s.substr(0, kChecksumAt)}).view() != s.substr(kChecksumAt, 32))
    return false;
  *counter = DecodeFixed64BE(s.data() + 16);
  r->ledger_id = GetHash(s.data() + 24);
  r->acknowledged = DecodeFixed64BE(s.data() + 56);
  r->acknowledged_hash = GetHash(s.data() + 64);
  r->pending = DecodeFixed64BE(s.data() + 96);
  r->pending_hash = GetHash(s.data() + 104);
  return r->pending >= r->acknowledged;
}

Status ReadHeadAnchor(const std::string& path, AnchorRecord* record, uint64_t* counter,
                      StorageEnv& env) {
  std::string data;
  if (int err = env.ReadFile(path, kHeadAnchorFileSize + 1, &data); err != 0) {
    if (err == ENOENT) return Status(Code::kNotFound, path + " does not exist");
    return Status(Code::kIOError, "cannot read " + path + ": " + Errno(err));
  }
  const size_t got = data.size();
  if (got != kHeadAnchorFileSize)
    return Status(Code::kCorruption, "the head anchor " + path + " is " + std::to_string(got) +
                                         (got > kHeadAnchorFileSize ? "+" : "") +
                                         " bytes long, not " + std::to_string(kHeadAnchorFileSize));
  bool found = false;
  for (size_t i = 0; i < 2; ++i) {
    AnchorRecord r;
    uint64_t c = 0;
    if (!DecodeAnchorSlot(
            std::string_view(data).substr(i * kHeadAnchorSlotSize, kHeadAnchorSlotSize), &r, &c))
      continue;
    if (!found || c > *counter) {
      *record = r;
      *counter = c;
      found = true;
    }
  }
  if (!found)
    return Status(Code::kCorruption, "the head anchor " + path + " holds no intact record");
  return Status::Ok();
}

Status HeadAnchor::Create(const std::string& path, const AnchorRecord& record,
                          std::unique_ptr<HeadAnchor>* out, StorageEnv& env) {
  const std::string tmp = path + ".tmp";
  std::unique_ptr<StorageFile> file;
  if (int err = env.Open(tmp, StorageEnv::OpenMode::kCreate, &file); err != 0)
    return Status(Code::kIOError, "cannot create " + tmp + ": " + Errno(err));
  std::string data = EncodeAnchorSlot(record, 0) + EncodeAnchorSlot(record, 1);
  int err = file->WriteAt(0, data);
  if (err == 0) err = file->Sync(/*data_only=*/false);
  if (err != 0) {
    file.reset();
    (void)env.Remove(tmp);
    return Status(Code::kIOError, "cannot write " + tmp + ": " + Errno(err));
  }
  if (err = env.Rename(tmp, path); err != 0) {
    file.reset();
    (void)env.Remove(tmp);
    return Status(Code::kIOError, "cannot rename " + tmp + " to " + path + ": " + Errno(err));
  }
  Status s = SyncDirectory(env, std::filesystem::path(path).parent_path().string());
  if (!s.ok()) return s;
  out->reset(new HeadAnchor(path, std::move(file), 1));
  return Status::Ok();
}

Status HeadAnchor::Open(const std::string& path, uint64_t counter, std::unique_ptr<HeadAnchor>* out,
                        StorageEnv& env) {
  std::unique_ptr<StorageFile> file;
  if (int err = env.Open(path, StorageEnv::OpenMode::kWrite, &file); err != 0)
    return Status(Code::kIOError, "cannot open " + path + ": " + Errno(err));
  out->reset(new HeadAnchor(path, std::move(file), counter));
  return Status::Ok();
}

HeadAnchor::HeadAnchor(std::string path, std::unique_ptr<StorageFile> file, uint64_t counter)
    : path_(std::move(path)), file_(std::move(file)), counter_(counter) {
  thread_ = std::thread([this] { Run(); });
}

HeadAnchor::~HeadAnchor() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status HeadAnchor::WriteSlot(const AnchorRecord& record) {
  uint64_t next = counter_ + 1;
  std::string slot = EncodeAnchorSlot(record, next);
  int err = file_->WriteAt((next % 2) * kHeadAnchorSlotSize, slot);
  if (err == 0) err = file_->Sync(/*data_only=*/true);
  if (err != 0)
    return Status(Code::kIOError, "cannot write the head anchor " + path_ + ": " + Errno(err));
  counter_ = next;
  return Status::Ok();
}

void HeadAnchor::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (job_) {
      AnchorRecord r = *job_;
      job_.reset();
      lock.unlock();
      Status s = WriteSlot(r);
      lock.lock();
      job_status_ = s;
      job_done_ = true;
      cv_.notify_all();
      continue;
    }
    if (settle_ && (stop_ || std::chrono::steady_clock::now() >= settle_at_)) {
      AnchorRecord r = *settle_;
      settle_.reset();
      lock.unlock();
      Status s = WriteSlot(r);
      lock.lock();
      if (!s.ok() && settle_status_.ok()) settle_status_ = s;
      continue;
    }
    if (stop_) return;
    if (settle_)
      cv_.wait_until(lock, settle_at_);
    else
      cv_.wait(lock);
  }
}

void HeadAnchor::Begin(const AnchorRecord& record) {
  {
    std::lock_guard lock(mu_);
    settle_.reset();
    job_ = record;
    job_done_ = false;
  }
  cv_.notify_all();
}

Status HeadAnchor::Wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return job_done_; });
  Status s = job_status_;
  if (s.ok() && !settle_status_.ok()) s = settle_status_;
  settle_status_ = Status::Ok();
  return s;
}

Status HeadAnchor::Write(const AnchorRecord& record) {
  Begin(record);
  return Wait();
}

void HeadAnchor::Settle(const AnchorRecord& record) {
  {
    std::lock_guard lock(mu_);
    settle_ = record;
    settle_at_ = std::chrono::steady_clock::now() + kSettleDelay;
  }
  cv_.notify_all();
}

}  // namespace liard::node
