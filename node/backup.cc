#include "node/backup.h"

#include <fcntl.h>
#include <poll.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/utilities/backup_engine.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "ledger/bytes.h"
#include "node/startup.h"

namespace liard::node {
namespace {

namespace fs = std::filesystem;

// The store's layout that a backup edits (node/store.cc, "RECORD ENCODINGS"): the "meta" column
// family's node seed and head-anchor mark, and its head (u64be sequence first) and ledger id.
constexpr char kMetaFamily[] = "meta";
constexpr char kNodeSeedKey[] = "node_seed";
constexpr char kHeadAnchorMarkKey[] = "head_anchor";
constexpr char kHeadKey[] = "head";
constexpr char kLedgerIdKey[] = "ledger_id";
constexpr char kMetadataFormat[] = "liard-backup/1";

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Status FromRocks(const rocksdb::Status& s, const std::string& doing) {
  if (s.ok()) return Status::Ok();
  std::string m = doing + ": " + s.ToString();
  if (s.IsCorruption()) return Status(Code::kCorruption, m);
  if (s.IsNotFound()) return Status(Code::kNotFound, m);
  if (s.IsIOError())
    return Status(Code::kIOError, m + (s.IsNoSpace() ? " (the disk is full)" : ""));
  if (s.IsInvalidArgument() || s.IsNotSupported()) return Status(Code::kInvalidArgument, m);
  return Status(Code::kInternal, m);
}

// A RocksDB database opened on its own, with every column family it has: a staging copy or a
// restored directory, never a directory a node serves.
struct RawDb {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::vector<std::string> names;

  ~RawDb() { Close().PermitUncheckedError(); }

  rocksdb::Status Close() {
    if (!db) return rocksdb::Status::OK();
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    handles.clear();
    rocksdb::Status s = db->Close();
    db.reset();
    return s;
  }

  rocksdb::ColumnFamilyHandle* Family(std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return handles[i];
    return nullptr;
  }

  Status Open(const std::string& dir) {
    rocksdb::DBOptions options;
    options.create_if_missing = false;
    options.max_background_jobs = 2;
    options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, dir, &names);
    if (!s.ok()) return FromRocks(s, "reading the database copy in " + dir);
    // Nothing here needs compacting: the copy lives only until it is backed up or checked.
    rocksdb::ColumnFamilyOptions cf;
    cf.disable_auto_compactions = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& name : names) descriptors.emplace_back(name, cf);
    rocksdb::DB* raw = nullptr;
    s = rocksdb::DB::Open(options, dir, descriptors, &handles, &raw);
    if (!s.ok()) return FromRocks(s, "opening the database copy in " + dir);
    db.reset(raw);
    if (Family(kMetaFamily) == nullptr)
      return Status(Code::kInvalidArgument, dir + " holds no liard database");
    return Status::Ok();
  }

  Status Get(std::string_view key, std::string* value) const {
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), Family(kMetaFamily), key, value);
    return FromRocks(s, "reading meta/" + std::string(key));
  }
};

std::string Metadata(const Hash& ledger_id, uint64_t sequence, bool node_key) {
  return std::string(kMetadataFormat) + " ledger=" + ToHex(ledger_id) +
         " sequence=" + std::to_string(sequence) + " node_key=" + (node_key ? "yes" : "no");
}

// The value of `name=` in a metadata line; empty if absent.
std::string Field(std::string_view metadata, std::string_view name) {
  const std::string key = " " + std::string(name) + "=";
  size_t at = metadata.find(key);
  if (at == std::string_view::npos) return "";
  at += key.size();
  size_t end = metadata.find(' ', at);
  return std::string(metadata.substr(at, end == std::string_view::npos ? end : end - at));
}

uint64_t ParseU64(std::string_view text) {
  uint64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

// True if `inner` is `outer` or lies inside it.
bool Inside(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  const fs::path a = fs::weakly_canonical(inner, ec);
  const fs::path b = fs::weakly_canonical(outer, ec);
  auto [end, _] = std::mismatch(b.begin(), b.end(), a.begin(), a.end());
  return end == b.end();
}

struct EngineDeleter {
  void operator()(rocksdb::BackupEngine* e) const { delete e; }
  void operator()(rocksdb::BackupEngineReadOnly* e) const { delete e; }
};

Status OpenEngine(const std::string& to,
                  std::unique_ptr<rocksdb::BackupEngine, EngineDeleter>* out) {
  std::error_code ec;
  if (!fs::exists(to, ec)) {
    fs::create_directories(to, ec);
    // A backup may hold the node's seed: as private as the data directory.
    if (!ec) fs::permissions(to, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec)
      return Status(Code::kIOError,
                    "cannot create the backup directory " + to + ": " + ec.message());
  } else if (!fs::is_directory(to, ec)) {
    return Status(Code::kInvalidArgument, to + " is not a directory");
  } else {
    for (const auto& entry : fs::directory_iterator(to, ec)) {
      const std::string name = entry.path().filename().string();
      if (name != "meta" && name != "private" && name != "shared" && name != "shared_checksum" &&
          name != "LOG" && !name.starts_with("LOG.") && !name.starts_with("."))
        return Status(Code::kInvalidArgument,
                      to + " holds other files than backups (such as " + name +
                          "): give an empty or new directory, or one that holds only backups");
    }
  }
  rocksdb::BackupEngineOptions options(to);
  options.share_table_files = true;
  options.share_files_with_checksum = true;
  options.sync = true;
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngine::Open(options, rocksdb::Env::Default(), &raw);
  if (!s.ok()) return FromRocks(s, "opening the backup directory " + to);
  out->reset(raw);
  return Status::Ok();
}

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) total += it->file_size(size_ec);
  }
  return total;
}

// Removes what a restore put into `data`: the directory itself if the restore made it, else its
// contents (it was empty before).
void Undo(const std::string& data, bool created) {
  std::error_code ec;
  if (created) {
    fs::remove_all(data, ec);
    return;
  }
  for (const auto& entry : fs::directory_iterator(data, ec)) {
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
  }
}

// The whole journal's hash chain: every entry's stored hash is its own (ReadEntry checks it), it
// links to the previous one, and the last is the head.
Status CheckChain(const Store& store, const Hash& ledger_id, const HeadState& head) {
  Hash previous = ledger_id;
  for (uint64_t seq = 1; seq <= head.sequence; ++seq) {
    JournalEntry entry;
    Hash hash;
    Status s = store.ReadEntry(seq, &entry, &hash);
    if (!s.ok())
      return Status(Code::kCorruption, "journal entry " + std::to_string(seq) + ": " + s.message());
    if (entry.sequence != seq || entry.prev_hash != previous)
      return Status(Code::kCorruption, "journal entry " + std::to_string(seq) +
                                           " does not link to the entry before it");
    previous = hash;
  }
  if (previous != head.head_hash)
    return Status(Code::kCorruption, "the journal's last entry is not the recorded head");
  return Status::Ok();
}

// The latest signed checkpoint: signed by the key the ledger names (or, before one is named, the
// node's own), at an entry of this journal, and with this state if it is at the head.
Status CheckCheckpoint(const OpenedLedger& opened, bool* found, uint64_t* sequence) {
  Checkpoint checkpoint;
  Signature signature;
  Status s = opened.store->ReadCheckpoint(&checkpoint, &signature);
  *found = false;
  if (s.code() == Code::kNotFound) return Status::Ok();
  if (!s.ok()) return s;
  std::vector<PublicKey> keys;
  if (opened.state->governance().node_key) keys.push_back(*opened.state->governance().node_key);
  Seed seed;
  if (opened.store->ReadNodeSeed(&seed).ok()) keys.push_back(KeyPair::FromSeed(seed).public_key());
  const std::string message = CheckpointMessage(opened.ledger->id(), checkpoint);
  bool signed_ok = false;
  for (const PublicKey& key : keys) signed_ok = signed_ok || Verify(key, message, signature);
  if (!signed_ok)
    return Status(Code::kCorruption, "its checkpoint at entry " +
                                         std::to_string(checkpoint.sequence) +
                                         " is not signed by the node key the ledger names");
  if (checkpoint.sequence > opened.head.sequence)
    return Status(Code::kCorruption, "its checkpoint is at entry " +
                                         std::to_string(checkpoint.sequence) + ", past its head " +
                                         std::to_string(opened.head.sequence));
  Hash at = opened.ledger->id();
  if (checkpoint.sequence > 0) {
    JournalEntry entry;
    s = opened.store->ReadEntry(checkpoint.sequence, &entry, &at);
    if (!s.ok()) return s;
  }
  if (at != checkpoint.head_hash)
    return Status(Code::kCorruption, "its checkpoint at entry " +
                                         std::to_string(checkpoint.sequence) +
                                         " names another entry than the journal's");
  if (checkpoint.sequence == opened.head.sequence &&
      checkpoint.state_digest != opened.state->digest())
    return Status(Code::kCorruption, "its checkpoint's state digest is not its state's");
  *found = true;
  *sequence = checkpoint.sequence;
  return Status::Ok();
}

// The node's backup socket: in Linux's abstract namespace (no file in DIR that a crash could
// leave behind, nothing for a copy of DIR to trip on), named by DIR's canonical path, so that
// the command finds the node that serves the same directory. Who may use it is checked by the
// peer's credentials (SO_PEERCRED), not by file permissions.
socklen_t BackupSocketAddress(const std::string& data, sockaddr_un* addr) {
  std::error_code ec;
  std::string canonical = fs::weakly_canonical(fs::absolute(data, ec), ec).string();
  if (canonical.size() > 1 && canonical.back() == '/') canonical.pop_back();
  const std::string name =
      "liard-node-backup/" + ToHex(Sha256({"liard backup socket", canonical})).substr(0, 32);
  *addr = sockaddr_un{};
  addr->sun_family = AF_UNIX;
  addr->sun_path[0] = '\0';
  std::memcpy(addr->sun_path + 1, name.data(), name.size());
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
}

}  // namespace

Status CreateBackup(const Store& store, const std::string& data, const std::string& to,
                    bool include_node_key, BackupResult* out) {
  const int64_t start = SteadyMs();
  if (Inside(to, data))
    return Status(Code::kInvalidArgument, "the backup directory " + to +
                                              " is inside the data directory " + data +
                                              ": give one outside it (another disk is best)");
  std::unique_ptr<rocksdb::BackupEngine, EngineDeleter> engine;
  Status s = OpenEngine(to, &engine);
  if (!s.ok()) return s;
  const uint64_t bytes_before = DirectoryBytes(to);

  // The consistent copy, beside the database so that its table files are hard links.
  const std::string staging = data + "/" + kBackupStagingName;
  std::error_code ec;
  fs::remove_all(staging, ec);
  s = store.CopyTo(staging);
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(path, e);
    }
  } cleanup{staging};
  if (!s.ok()) return s;

  RawDb copy;
  s = copy.Open(staging);
  if (!s.ok()) return s;
  std::string head, id;
  s = copy.Get(kHeadKey, &head);
  if (s.ok()) s = copy.Get(kLedgerIdKey, &id);
  if (!s.ok()) return s;
  if (head.size() < 8 || !out->ledger_id.Assign(id))
    return Status(Code::kCorruption, "the database in " + data + " has no readable head");
  out->sequence = 0;
  for (int i = 0; i < 8; ++i) out->sequence = (out->sequence << 8) | static_cast<uint8_t>(head[i]);
  std::string seed;
  Status seed_status = copy.Get(kNodeSeedKey, &seed);
  if (!seed_status.ok() && seed_status.code() != Code::kNotFound) return seed_status;
  out->node_key = seed_status.ok() && include_node_key;
  if (seed_status.ok() && !include_node_key) {
    // Deleted, then the family compacted to its last level, so that no table file in the
    // backup holds the seed any more (a deletion alone leaves it in the older files).
    rocksdb::ColumnFamilyHandle* meta = copy.Family(kMetaFamily);
    rocksdb::WriteOptions w;
    w.disableWAL = true;
    rocksdb::Status rs = copy.db->Delete(w, meta, kNodeSeedKey);
    if (rs.ok()) rs = copy.db->Flush(rocksdb::FlushOptions(), meta);
    rocksdb::CompactRangeOptions compact;
    compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    if (rs.ok()) rs = copy.db->CompactRange(compact, meta, nullptr, nullptr);
    if (!rs.ok()) return FromRocks(rs, "leaving the node key out of the backup");
  }
  rocksdb::CreateBackupOptions options;
  options.flush_before_backup = true;
  rocksdb::BackupID backup_id = 0;
  rocksdb::IOStatus bs = engine->CreateNewBackupWithMetadata(
      options, copy.db.get(), Metadata(out->ledger_id, out->sequence, out->node_key), &backup_id);
  if (!bs.ok()) return FromRocks(bs, "backing up into " + to);
  rocksdb::BackupInfo info;
  if (engine->GetBackupInfo(backup_id, &info).ok()) out->size_bytes = info.size;
  out->id = backup_id;
  const uint64_t bytes_after = DirectoryBytes(to);
  out->new_bytes = bytes_after > bytes_before ? bytes_after - bytes_before : 0;
  out->elapsed_ms = SteadyMs() - start;
  return Status::Ok();
}

Status ListBackups(const std::string& to, std::vector<BackupListing>* out) {
  std::error_code ec;
  if (!fs::is_directory(fs::path(to) / "meta", ec))
    return Status(Code::kNotFound, to + " holds no backups");
  rocksdb::BackupEngineOptions options(to);
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(options, rocksdb::Env::Default(), &raw);
  if (!s.ok()) return FromRocks(s, "opening the backup directory " + to);
  std::unique_ptr<rocksdb::BackupEngineReadOnly, EngineDeleter> engine(raw);
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  if (infos.empty()) return Status(Code::kNotFound, to + " holds no backups");
  out->clear();
  for (const auto& info : infos) {
    BackupListing l;
    l.id = info.backup_id;
    l.time_s = info.timestamp;
    l.size_bytes = info.size;
    l.sequence = ParseU64(Field(info.app_metadata, "sequence"));
    l.node_key = Field(info.app_metadata, "node_key") == "yes";
    l.ledger_hex = Field(info.app_metadata, "ledger");
    out->push_back(std::move(l));
  }
  return Status::Ok();
}

Status PurgeBackups(const std::string& to, uint32_t keep) {
  std::unique_ptr<rocksdb::BackupEngine, EngineDeleter> engine;
  Status s = OpenEngine(to, &engine);
  if (!s.ok()) return s;
  return FromRocks(engine->PurgeOldBackups(keep), "deleting old backups in " + to);
}

Status RestoreBackup(const std::string& from, uint32_t id, const std::string& data,
                     RestoreReport* out) {
  std::error_code ec;
  bool created = false;
  if (fs::exists(data, ec)) {
    if (!fs::is_directory(data, ec))
      return Status(Code::kInvalidArgument, data + " is not a directory");
    if (!fs::is_empty(data, ec))
      return Status(Code::kInvalidArgument,
                    data +
                        " is not empty: restore into a new or empty directory (a restore never "
                        "overwrites a ledger); nothing was restored");
  }
  if (!fs::is_directory(fs::path(from) / "meta", ec))
    return Status(Code::kNotFound, from + " holds no backups; nothing was restored");
  rocksdb::BackupEngineOptions options(from);
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus rs =
      rocksdb::BackupEngineReadOnly::Open(options, rocksdb::Env::Default(), &raw);
  if (!rs.ok()) return FromRocks(rs, "opening the backup directory " + from);
  std::unique_ptr<rocksdb::BackupEngineReadOnly, EngineDeleter> engine(raw);
  rocksdb::BackupInfo info;
  rocksdb::Status is =
      id == 0 ? engine->GetLatestBackupInfo(&info) : engine->GetBackupInfo(id, &info);
  if (!is.ok()) {
    std::vector<rocksdb::BackupID> corrupt;
    engine->GetCorruptedBackups(&corrupt);
    if (id != 0 && std::find(corrupt.begin(), corrupt.end(), id) != corrupt.end())
      return Status(Code::kCorruption,
                    "backup " + std::to_string(id) + " in " + from +
                        " is damaged (its description does not read); nothing "
                        "was restored: choose another (liard-node backup --list --to " +
                        from + ")");
    return Status(Code::kNotFound,
                  (id == 0 ? std::string("no backup") : "no backup " + std::to_string(id)) +
                      " in " + from + "; nothing was restored (liard-node backup --list --to " +
                      from + " lists them)");
  }
  out->id = info.backup_id;
  const std::string damaged = "backup " + std::to_string(out->id) + " in " + from;
  const std::string nothing =
      "; nothing was restored: choose another (liard-node backup --list --to " + from + ")";
  rs = engine->VerifyBackup(out->id, /*verify_with_checksum=*/true);
  if (!rs.ok())
    return Status(Code::kCorruption, damaged + " is damaged (" + rs.ToString() + ")" + nothing);

  if (!fs::exists(data, ec)) {
    fs::create_directories(data, ec);
    if (!ec) fs::permissions(data, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) return Status(Code::kIOError, "cannot create " + data + ": " + ec.message());
    created = true;
  }
  rs = engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), out->id, data, data);
  if (!rs.ok()) {
    Undo(data, created);
    return Status(
        rs.IsCorruption() ? Code::kCorruption : Code::kIOError,
        (rs.IsCorruption() ? damaged + " is damaged (" : "cannot restore " + damaged + " (") +
            rs.ToString() + ")" + nothing);
  }
  // The backup's head-anchor mark says the running node had an anchor: this directory starts
  // its own, at the head it was restored at (the store creates it, as for a database from before
  // the anchor).
  {
    RawDb db;
    Status s = db.Open(data);
    rocksdb::WriteOptions w;
    w.sync = true;
    if (s.ok())
      s = FromRocks(db.db->Delete(w, db.Family(kMetaFamily), kHeadAnchorMarkKey),
                    "preparing " + data);
    if (s.ok()) s = FromRocks(db.Close(), "closing " + data);
    if (!s.ok()) {
      Undo(data, created);
      return Status(Code::kCorruption, damaged + " does not open (" + s.message() + ")" + nothing);
    }
  }
  // The node's own start-up checks, then the whole chain and the checkpoint.
  OpenedLedger opened;
  Status s = OpenLedgerDir(data, &opened);
  if (s.ok()) s = CheckChain(*opened.store, opened.ledger->id(), opened.head);
  if (s.ok()) s = CheckCheckpoint(opened, &out->checkpoint, &out->checkpoint_sequence);
  if (s.ok()) {
    Seed seed;
    Status ks = opened.store->ReadNodeSeed(&seed);
    if (!ks.ok() && ks.code() != Code::kNotFound) s = ks;
    out->node_key = ks.ok();
  }
  if (!s.ok()) {
    opened = OpenedLedger();
    Undo(data, created);
    return Status(Code::kCorruption, damaged + " does not verify (" + s.message() + ")" + nothing);
  }
  out->sequence = opened.head.sequence;
  out->head_hash = opened.head.head_hash;
  out->state_digest = opened.state->digest();
  out->ledger_id = opened.ledger->id();
  out->accounts = opened.state->account_count();
  return Status::Ok();
}

// ---- The running node's side.

BackupService::BackupService(const Store* store, std::string data, BackupSchedule schedule,
                             std::function<Status()> disk_check)
    : store_(store),
      data_(std::move(data)),
      schedule_(std::move(schedule)),
      disk_check_(std::move(disk_check)) {}

BackupService::~BackupService() { Stop(); }

Status BackupService::Start() {
  sockaddr_un addr;
  const socklen_t length = BackupSocketAddress(data_, &addr);
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0)
    return Status(Code::kIOError,
                  std::string("cannot make the backup socket: ") + std::strerror(errno));
  if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&addr), length) != 0 ||
      ::listen(listen_fd_, 4) != 0) {
    const int e = errno;
    ::close(listen_fd_);
    listen_fd_ = -1;
    return Status(Code::kIOError, "cannot listen on the backup socket of " + data_ + ": " +
                                      std::strerror(e) +
                                      (e == EADDRINUSE ? " (another process has it: is another "
                                                         "liard-node serving this directory?)"
                                                       : ""));
  }
  socket_thread_ = std::thread([this] { ServeSocket(); });
  if (!schedule_.to.empty()) schedule_thread_ = std::thread([this] { RunSchedule(); });
  return Status::Ok();
}

void BackupService::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (socket_thread_.joinable()) socket_thread_.join();
  if (schedule_thread_.joinable()) schedule_thread_.join();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
}

Status BackupService::Backup(const std::string& to, bool include_node_key, BackupResult* out) {
  std::lock_guard lock(backup_mu_);
  Status s = disk_check_ ? disk_check_() : Status::Ok();
  if (s.ok()) s = CreateBackup(*store_, data_, to, include_node_key, out);
  if (s.ok()) {
    spdlog::info(
        "event=backup id={} to=\"{}\" sequence={} node_key={} size_bytes={} new_bytes={} ms={}",
        out->id, to, out->sequence, out->node_key ? "yes" : "no", out->size_bytes, out->new_bytes,
        out->elapsed_ms);
  } else {
    spdlog::error("event=backup-failed to=\"{}\" code={} message=\"{}\"", to, CodeName(s.code()),
                  s.message());
  }
  return s;
}

void BackupService::RunSchedule() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (cv_.wait_for(lock, std::chrono::seconds(schedule_.every_seconds), [this] { return stop_; }))
      return;
    lock.unlock();
    BackupResult result;
    if (Backup(schedule_.to, schedule_.node_key, &result).ok()) {
      Status s = PurgeBackups(schedule_.to, static_cast<uint32_t>(schedule_.keep));
      if (!s.ok())
        spdlog::error("event=backup-purge-failed to=\"{}\" message=\"{}\"", schedule_.to,
                      s.message());
    }
    lock.lock();
  }
}

void BackupService::ServeSocket() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    // The kernel's accept4, not the process's (node/conn_limit.h counts the TCP clients).
    const int fd =
        static_cast<int>(::syscall(SYS_accept4, listen_fd_, nullptr, nullptr, SOCK_CLOEXEC));
    if (fd < 0) continue;
    Answer(fd);
    ::close(fd);
  }
}

// One request: "backup <0|1> <absolute path>\n", at most kBackupRequestMaxBytes, within 5 s.
// The answer: "ok <id> <sequence> <yes|no> <size_bytes> <new_bytes> <ms>\n" or
// "error <code> <message>\n".
void BackupService::Answer(int fd) {
  // Only the node's own user, or root, may have it write a backup (which may hold its key).
  ucred peer{};
  socklen_t peer_length = sizeof peer;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_length) != 0 ||
      (peer.uid != 0 && peer.uid != ::geteuid())) {
    const std::string refusal =
        "error 1 only the node's own user (or root) may ask it for a backup\n";
    (void)::send(fd, refusal.data(), refusal.size(), MSG_NOSIGNAL);
    spdlog::warn("event=backup-refused uid={} message=\"another user asked for a backup\"",
                 peer.uid);
    return;
  }
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string request;
  char buffer[512];
  while (request.find('\n') == std::string::npos && request.size() <= kBackupRequestMaxBytes) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    request.append(buffer, static_cast<size_t>(n));
  }
  const auto send_all = [fd](const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  };
  const size_t end = request.find('\n');
  if (end == std::string::npos || end > kBackupRequestMaxBytes ||
      request.rfind("backup ", 0) != 0 || end < 10 || (request[7] != '0' && request[7] != '1') ||
      request[8] != ' ' || request[9] != '/') {
    send_all("error 1 the request is not \"backup <0|1> <absolute path>\"\n");
    return;
  }
  const bool include_key = request[7] == '1';
  const std::string to = request.substr(9, end - 9);
  BackupResult r;
  Status s = Backup(to, include_key, &r);
  if (!s.ok()) {
    std::string message = s.message();
    std::replace(message.begin(), message.end(), '\n', ' ');
    send_all("error " + std::to_string(static_cast<int>(s.code())) + " " + message + "\n");
    return;
  }
  send_all("ok " + std::to_string(r.id) + " " + std::to_string(r.sequence) + " " +
           (r.node_key ? "yes" : "no") + " " + std::to_string(r.size_bytes) + " " +
           std::to_string(r.new_bytes) + " " + std::to_string(r.elapsed_ms) + " " +
           ToHex(r.ledger_id) + "\n");
}

Status RequestBackup(const std::string& data, const std::string& to, bool include_node_key,
                     BackupResult* out) {
  sockaddr_un addr;
  const socklen_t length = BackupSocketAddress(data, &addr);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return Status(Code::kIOError, std::string("cannot make a socket: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), length) != 0) {
    if (errno == ENOENT || errno == ECONNREFUSED)
      return Status(Code::kNotFound, "no node serves " + data);
    return Status(Code::kIOError,
                  "cannot reach the node serving " + data + ": " + std::strerror(errno));
  }
  const std::string request =
      std::string("backup ") + (include_node_key ? "1" : "0") + " " + to + "\n";
  if (request.size() > kBackupRequestMaxBytes)
    return Status(Code::kInvalidArgument, "the backup directory's path is too long");
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size()))
    return Status(Code::kIOError,
                  "cannot ask the node for a backup: " + std::string(std::strerror(errno)));
  std::string answer;
  char buffer[512];
  while (answer.find('\n') == std::string::npos && answer.size() < 8192) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return Status(Code::kUnavailable,
                    "the node closed the connection before answering (it may be stopping)");
    answer.append(buffer, static_cast<size_t>(n));
  }
  answer.resize(answer.find('\n') == std::string::npos ? answer.size() : answer.find('\n'));
  if (answer.rfind("error ", 0) == 0) {
    const size_t space = answer.find(' ', 6);
    const int code = static_cast<int>(ParseU64(answer.substr(6, space - 6)));
    return Status(static_cast<Code>(code == 0 ? static_cast<int>(Code::kInternal) : code),
                  space == std::string::npos ? answer : answer.substr(space + 1));
  }
  // ok ID SEQUENCE yes|no SIZE NEW MS LEDGER
  std::vector<std::string> parts;
  size_t at = 0;
  while (at <= answer.size()) {
    size_t space = answer.find(' ', at);
    parts.push_back(answer.substr(at, space == std::string::npos ? std::string::npos : space - at));
    if (space == std::string::npos) break;
    at = space + 1;
  }
  if (parts.size() != 8 || parts[0] != "ok")
    return Status(Code::kInternal, "the node answered \"" + answer + "\"");
  out->id = static_cast<uint32_t>(ParseU64(parts[1]));
  out->sequence = ParseU64(parts[2]);
  out->node_key = parts[3] == "yes";
  out->size_bytes = ParseU64(parts[4]);
  out->new_bytes = ParseU64(parts[5]);
  out->elapsed_ms = static_cast<int64_t>(ParseU64(parts[6]));
  std::string id_bytes;
  if (FromHex(parts[7], &id_bytes)) out->ledger_id.Assign(id_bytes);
  return Status::Ok();
}

}  // namespace liard::node
