// StorageEnv: the file-system and sync operations the store needs, behind one narrow interface
// (after leveldb's Env), so that tests can inject a failed write, a failed fsync, a full disk
// or a torn write (tests/node/fault_env.h) and check what the store and the node do then.
//
// Two halves: the RocksDB Env the database is opened with (RocksDB's own file-system seam,
// rocksdb::FileSystem, sits behind it), and the few POSIX calls of the store's own file, the
// head anchor (node/head_anchor.h). The default is the real thing: RocksDB's default Env and
// the POSIX calls, exactly as without the seam. Only the anchor's calls go through a virtual
// call, once per write or sync of a 256-byte slot; RocksDB's writes cost what they cost
// without the seam (its default Env).
//
// Errors are errno values (0: success), so that the store's messages name the system's reason
// ("No space left on device") as they did before the seam.
#ifndef LIARD_NODE_STORAGE_ENV_H_
#define LIARD_NODE_STORAGE_ENV_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace liard::node {

// An open file (or directory, for its sync) of the store's own.
class StorageFile {
 public:
  virtual ~StorageFile() = default;  // closes it
  // Writes all of `data` at `offset`: 0, or the errno of the failure (a short write is retried).
  virtual int WriteAt(uint64_t offset, std::string_view data) = 0;
  // Makes what was written durable: fdatasync if `data_only`, else fsync. 0 or errno.
  virtual int Sync(bool data_only) = 0;
};

class StorageEnv {
 public:
  enum class OpenMode {
    kWrite,      // an existing file, for writing (O_RDWR)
    kCreate,     // created (mode 0600) or truncated, for writing
    kDirectory,  // a directory, only to Sync it (so that a rename in it is durable)
  };

  // The real one: RocksDB's default Env and the POSIX calls. Lives as long as the process.
  static StorageEnv& Default();

  virtual ~StorageEnv() = default;

  // The Env the database is opened with (DBOptions::env). Must outlive every Store opened on it.
  virtual rocksdb::Env* rocksdb_env() = 0;

  // Opens `path` as `mode` says: 0, or errno (ENOENT if it does not exist).
  virtual int Open(const std::string& path, OpenMode mode, std::unique_ptr<StorageFile>* out) = 0;
  // Reads at most `limit` bytes of `path` into `data`: 0, or errno (ENOENT if it does not exist).
  virtual int ReadFile(const std::string& path, size_t limit, std::string* data) = 0;
  // rename(2) and unlink(2): 0 or errno.
  virtual int Rename(const std::string& from, const std::string& to) = 0;
  virtual int Remove(const std::string& path) = 0;
};

}  // namespace liard::node

#endif  // LIARD_NODE_STORAGE_ENV_H_
