// FaultEnv: see fault_env.h.
#include "tests/node/fault_env.h"

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

namespace liard::testing {

namespace fs = std::filesystem;
using node::StorageEnv;
using node::StorageFile;

// What the faults are, and what each file written through the env held at its last sync.
struct FaultEnv::State {
  struct Rule {
    FaultFile file;
    FaultOp op;
    int error;
  };
  // An open anchor file: its path follows renames (the anchor is created as a temporary file,
  // renamed, and written on through the same descriptor).
  struct OpenPath {
    std::string path;
  };

  std::mutex mu;
  std::vector<Rule> rules;
  std::optional<FaultFile> tear;
  int tear_skip = 0;
  std::optional<FaultFile> lie;
  bool crashed = false;
  int injected = 0;
  std::map<std::string, uint64_t> synced_size;      // RocksDB's files (appended to)
  std::map<std::string, std::string> synced_bytes;  // the anchor's (written in place)
  std::set<OpenPath*> open_paths;

  static bool IsInfoLog(const std::string& path) {
    std::string name = fs::path(path).filename().string();
    return name == "LOG" || name.starts_with("LOG.old");
  }
  static bool Hits(FaultFile file, const std::string& path) {
    if (IsInfoLog(path)) return false;
    std::string name = fs::path(path).filename().string();
    switch (file) {
      case FaultFile::kWal:
        return name.ends_with(".log");
      case FaultFile::kAnchor:
        return name.starts_with("head-anchor");
      case FaultFile::kAny:
        return true;
    }
    return false;
  }

  // The errno an operation on `path` fails with (0: none). With mu held.
  int ErrorFor(const std::string& path, FaultOp op) {
    if (IsInfoLog(path)) return 0;
    if (crashed) {
      ++injected;
      return EIO;
    }
    for (const Rule& r : rules)
      if (r.op == op && Hits(r.file, path)) {
        ++injected;
        return r.error;
      }
    return 0;
  }
  bool Lies(const std::string& path) const { return lie && Hits(*lie, path); }
  // True if this write to `path` is the one to tear (and disarms the tear). With mu held.
  bool TakeTear(const std::string& path, size_t size) {
    if (crashed || !tear || size <= FaultEnv::kTearAbove || !Hits(*tear, path)) return false;
    if (tear_skip > 0) {
      --tear_skip;
      return false;
    }
    tear.reset();
    ++injected;
    return true;
  }
};

namespace {

using State = FaultEnv::State;

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

rocksdb::IOStatus ToIOStatus(int err, const std::string& path) {
  std::string what = "injected: " + std::string(std::strerror(err));
  if (err == ENOSPC) return rocksdb::IOStatus::NoSpace(path, what);
  return rocksdb::IOStatus::IOError(path, what);
}

// ---- RocksDB's files.

class FaultWritableFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultWritableFile(std::unique_ptr<rocksdb::FSWritableFile> target, std::shared_ptr<State> state,
                    std::string path, uint64_t size)
      : FSWritableFileOwnerWrapper(std::move(target)),
        state_(std::move(state)),
        path_(std::move(path)),
        size_(size) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    std::unique_lock lock(state_->mu);
    if (state_->TakeTear(path_, data.size())) {
      // Half of it reaches the disk, durably; then the machine stops.
      rocksdb::Slice half(data.data(), data.size() / 2);
      rocksdb::IOStatus s = target()->Append(half, options, dbg);
      if (s.ok()) s = target()->Flush(options, dbg);
      if (s.ok()) s = target()->Sync(options, dbg);
      if (s.ok()) state_->synced_size[path_] = size_ + half.size();
      state_->crashed = true;
      return ToIOStatus(EIO, path_);
    }
    if (int err = state_->ErrorFor(path_, FaultOp::kWrite); err != 0) return ToIOStatus(err, path_);
    lock.unlock();
    rocksdb::IOStatus s = target()->Append(data, options, dbg);
    if (s.ok()) size_ += data.size();
    return s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& /*info*/,
                           rocksdb::IODebugContext* dbg) override {
    return Append(data, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    {
      std::lock_guard lock(state_->mu);
      if (int err = state_->ErrorFor(path_, FaultOp::kWrite); err != 0)
        return ToIOStatus(err, path_);
    }
    rocksdb::IOStatus s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) size_ = std::max(size_, offset + data.size());
    return s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& /*info*/,
                                     rocksdb::IODebugContext* dbg) override {
    return PositionedAppend(data, offset, options, dbg);
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    {
      std::lock_guard lock(state_->mu);
      if (int err = state_->ErrorFor(path_, FaultOp::kWrite); err != 0)
        return ToIOStatus(err, path_);
    }
    rocksdb::IOStatus s = target()->Truncate(size, options, dbg);
    if (s.ok()) size_ = size;
    return s;
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    return SyncWith(options, dbg, /*full=*/false);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    return SyncWith(options, dbg, /*full=*/true);
  }
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    {
      std::lock_guard lock(state_->mu);
      if (state_->crashed && !State::IsInfoLog(path_)) return ToIOStatus(EIO, path_);
    }
    // A hint to start writeback: it makes nothing durable, so the synced size stays.
    return target()->RangeSync(offset, nbytes, options, dbg);
  }

 private:
  rocksdb::IOStatus SyncWith(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg,
                             bool full) {
    {
      std::lock_guard lock(state_->mu);
      if (int err = state_->ErrorFor(path_, FaultOp::kSync); err != 0)
        return ToIOStatus(err, path_);
      if (state_->Lies(path_)) return rocksdb::IOStatus::OK();
    }
    const uint64_t size = size_;
    rocksdb::IOStatus s = full ? target()->Fsync(options, dbg) : target()->Sync(options, dbg);
    if (s.ok()) {
      std::lock_guard lock(state_->mu);
      uint64_t& synced = state_->synced_size[path_];
      synced = std::max(synced, size);
    }
    return s;
  }

  std::shared_ptr<State> state_;
  const std::string path_;
  uint64_t size_;  // what was appended through this file (its size on disk)
};

class FaultFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultFileSystem(std::shared_ptr<State> state)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), state_(std::move(state)) {}
  const char* Name() const override { return "LiardFaultFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* out,
                                    rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Refuse(path); !s.ok()) return s;
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->NewWritableFile(path, options, &file, dbg);
    if (!s.ok()) return s;
    Track(path, 0);
    *out = std::make_unique<FaultWritableFile>(std::move(file), state_, path, 0);
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* out,
                                       rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Refuse(path); !s.ok()) return s;
    std::error_code ec;
    uint64_t size = fs::exists(path, ec) ? fs::file_size(path, ec) : 0;
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->ReopenWritableFile(path, options, &file, dbg);
    if (!s.ok()) return s;
    Track(path, size);
    *out = std::make_unique<FaultWritableFile>(std::move(file), state_, path, size);
    return s;
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& path, const std::string& old_path,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* out,
                                      rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Refuse(path); !s.ok()) return s;
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->ReuseWritableFile(path, old_path, options, &file, dbg);
    if (!s.ok()) return s;
    {
      std::lock_guard lock(state_->mu);
      state_->synced_size.erase(old_path);
    }
    Track(path, 0);
    *out = std::make_unique<FaultWritableFile>(std::move(file), state_, path, 0);
    return s;
  }
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Refuse(to); !s.ok()) return s;
    rocksdb::IOStatus s = target()->RenameFile(from, to, options, dbg);
    if (s.ok()) {
      std::lock_guard lock(state_->mu);
      auto it = state_->synced_size.find(from);
      if (it != state_->synced_size.end()) {
        state_->synced_size[to] = it->second;
        state_->synced_size.erase(from);
      }
    }
    return s;
  }
  rocksdb::IOStatus DeleteFile(const std::string& path, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Refuse(path); !s.ok()) return s;
    rocksdb::IOStatus s = target()->DeleteFile(path, options, dbg);
    if (s.ok()) {
      std::lock_guard lock(state_->mu);
      state_->synced_size.erase(path);
    }
    return s;
  }

 private:
  // After a crash nothing is created, renamed or removed.
  rocksdb::IOStatus Refuse(const std::string& path) {
    std::lock_guard lock(state_->mu);
    if (state_->crashed && !State::IsInfoLog(path)) return ToIOStatus(EIO, path);
    return rocksdb::IOStatus::OK();
  }
  void Track(const std::string& path, uint64_t durable) {
    std::lock_guard lock(state_->mu);
    state_->synced_size[path] = durable;
  }

  std::shared_ptr<State> state_;
};

// ---- The anchor's files.

class FaultStorageFile final : public StorageFile {
 public:
  FaultStorageFile(std::unique_ptr<StorageFile> target, std::shared_ptr<State> state,
                   std::string path, bool directory)
      : target_(std::move(target)), state_(std::move(state)), directory_(directory) {
    open_.path = std::move(path);
    std::lock_guard lock(state_->mu);
    state_->open_paths.insert(&open_);
  }
  ~FaultStorageFile() override {
    std::lock_guard lock(state_->mu);
    state_->open_paths.erase(&open_);
  }

  int WriteAt(uint64_t offset, std::string_view data) override {
    std::lock_guard lock(state_->mu);
    if (state_->TakeTear(open_.path, data.size())) {
      // The first half lands, durably; then the machine stops.
      if (target_->WriteAt(offset, data.substr(0, data.size() / 2)) == 0 &&
          target_->Sync(/*data_only=*/false) == 0)
        state_->synced_bytes[open_.path] = ReadWhole(open_.path);
      state_->crashed = true;
      return EIO;
    }
    if (int err = state_->ErrorFor(open_.path, FaultOp::kWrite); err != 0) return err;
    return target_->WriteAt(offset, data);
  }

  int Sync(bool data_only) override {
    std::lock_guard lock(state_->mu);
    if (int err = state_->ErrorFor(open_.path, FaultOp::kSync); err != 0) return err;
    if (directory_) return target_->Sync(data_only);
    if (state_->Lies(open_.path)) return 0;
    int err = target_->Sync(data_only);
    if (err == 0) state_->synced_bytes[open_.path] = ReadWhole(open_.path);
    return err;
  }

 private:
  std::unique_ptr<StorageFile> target_;
  std::shared_ptr<State> state_;
  State::OpenPath open_;
  const bool directory_;
};

}  // namespace

FaultEnv::FaultEnv()
    : state_(std::make_shared<State>()),
      rocksdb_env_(rocksdb::NewCompositeEnv(std::make_shared<FaultFileSystem>(state_))) {}

FaultEnv::~FaultEnv() = default;

rocksdb::Env* FaultEnv::rocksdb_env() { return rocksdb_env_.get(); }

int FaultEnv::Open(const std::string& path, OpenMode mode, std::unique_ptr<StorageFile>* out) {
  if (mode != OpenMode::kDirectory) {
    std::lock_guard lock(state_->mu);
    if (state_->crashed) return EIO;
  }
  std::unique_ptr<StorageFile> file;
  if (int err = StorageEnv::Default().Open(path, mode, &file); err != 0) return err;
  if (mode != OpenMode::kDirectory) {
    std::lock_guard lock(state_->mu);
    if (mode == OpenMode::kCreate)
      state_->synced_bytes[path] = "";  // a new file: nothing of it is durable yet
    else if (!state_->synced_bytes.count(path))
      state_->synced_bytes[path] = ReadWhole(path);  // there before: durable
  }
  *out = std::make_unique<FaultStorageFile>(std::move(file), state_, path,
                                            mode == OpenMode::kDirectory);
  return 0;
}

int FaultEnv::ReadFile(const std::string& path, size_t limit, std::string* data) {
  return StorageEnv::Default().ReadFile(path, limit, data);
}

int FaultEnv::Rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(state_->mu);
  if (state_->crashed) return EIO;
  if (int err = StorageEnv::Default().Rename(from, to); err != 0) return err;
  auto it = state_->synced_bytes.find(from);
  if (it != state_->synced_bytes.end()) {
    state_->synced_bytes[to] = std::move(it->second);
    state_->synced_bytes.erase(from);
  }
  for (State::OpenPath* p : state_->open_paths)
    if (p->path == from) p->path = to;
  return 0;
}

int FaultEnv::Remove(const std::string& path) {
  std::lock_guard lock(state_->mu);
  if (state_->crashed) return EIO;
  if (int err = StorageEnv::Default().Remove(path); err != 0) return err;
  state_->synced_bytes.erase(path);
  return 0;
}

void FaultEnv::Fail(FaultFile file, FaultOp op, int error) {
  std::lock_guard lock(state_->mu);
  state_->rules.push_back(State::Rule{file, op, error});
}

void FaultEnv::TearNextWrite(FaultFile file, int skip) {
  std::lock_guard lock(state_->mu);
  state_->tear = file;
  state_->tear_skip = skip;
}

void FaultEnv::LieAboutSyncs(FaultFile file) {
  std::lock_guard lock(state_->mu);
  state_->lie = file;
}

void FaultEnv::Crash() {
  std::lock_guard lock(state_->mu);
  state_->crashed = true;
}

void FaultEnv::DropUnsyncedData() {
  std::lock_guard lock(state_->mu);
  for (const auto& [path, synced] : state_->synced_size) {
    std::error_code ec;
    if (fs::exists(path, ec) && fs::file_size(path, ec) > synced) fs::resize_file(path, synced, ec);
  }
  for (const auto& [path, bytes] : state_->synced_bytes) {
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
}

void FaultEnv::Heal() {
  std::lock_guard lock(state_->mu);
  state_->rules.clear();
  state_->tear.reset();
  state_->lie.reset();
}

std::string FaultEnv::SyncedBytes(const std::string& path) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->synced_bytes.find(path);
  return it == state_->synced_bytes.end() ? "" : it->second;
}

int FaultEnv::faults_injected() const {
  std::lock_guard lock(state_->mu);
  return state_->injected;
}

}  // namespace liard::testing
