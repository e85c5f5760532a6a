// StorageEnv's real implementation: RocksDB's default Env and the POSIX calls.
#include "node/storage_env.h"

#include <fcntl.h>
#include <rocksdb/env.h>
#include <unistd.h>

#include <cerrno>

namespace liard::node {
namespace {

class PosixFile final : public StorageFile {
 public:
  explicit PosixFile(int fd) : fd_(fd) {}
  ~PosixFile() override { ::close(fd_); }

  int WriteAt(uint64_t offset, std::string_view data) override {
    auto at = static_cast<off_t>(offset);
    while (!data.empty()) {
      ssize_t n = ::pwrite(fd_, data.data(), data.size(), at);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return errno;
      if (n == 0) return EIO;
      data.remove_prefix(static_cast<size_t>(n));
      at += n;
    }
    return 0;
  }

  int Sync(bool data_only) override {
    return (data_only ? ::fdatasync(fd_) : ::fsync(fd_)) == 0 ? 0 : errno;
  }

 private:
  const int fd_;
};

class PosixEnv final : public StorageEnv {
 public:
  rocksdb::Env* rocksdb_env() override { return rocksdb::Env::Default(); }

  int Open(const std::string& path, OpenMode mode, std::unique_ptr<StorageFile>* out) override {
    int fd = -1;
    switch (mode) {
      case OpenMode::kWrite:
        fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
        break;
      case OpenMode::kCreate:
        fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        break;
      case OpenMode::kDirectory:
        fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        break;
    }
    if (fd < 0) return errno;
    *out = std::make_unique<PosixFile>(fd);
    return 0;
  }

  int ReadFile(const std::string& path, size_t limit, std::string* data) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    data->assign(limit, '\0');
    size_t got = 0;
    while (got < limit) {
      ssize_t n = ::read(fd, data->data() + got, limit - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int err = errno;
        ::close(fd);
        return err;
      }
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    ::close(fd);
    data->resize(got);
    return 0;
  }

  int Rename(const std::string& from, const std::string& to) override {
    return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
  }

  int Remove(const std::string& path) override { return ::unlink(path.c_str()) == 0 ? 0 : errno; }
};

}  // namespace

StorageEnv& StorageEnv::Default() {
  static PosixEnv* env = new PosixEnv;  // never destroyed: stores may close during exit
  return *env;
}

}  // namespace liard::node
