// liard-startup-bench: builds ledgers of N real signed transfers, then measures how long the
// store's Load and the real liard-node take to start on them, against the machine's raw reads.
#include <fcntl.h>
#include <rocksdb/db.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "ledger/journal.h"
#include "ledger/ledger.h"
#include "ledger/memory_state.h"
#include "node/store.h"
#include "proto/codec.h"

namespace liard::bench {
namespace {

namespace fs = std::filesystem;

// Fixed so that the same --accounts always gives the same genesis, hence the same ledger id:
// that is how a rerun recognises a ledger it built before.
constexpr int64_t kCreatedAtMs = 1'700'000'000'000;
constexpr int64_t kOpeningMinor = 100'000;  // 1,000.00 units per member
constexpr int64_t kMaxTransferMinor = 5'000;
constexpr size_t kFirstMember = 2;  // 0 is the association, 1 the exchange office
// The applier's group cap (node/applier.cc kMaxGroup): the same write pattern as the node's.
constexpr size_t kGroup = 4096;
constexpr uint64_t kProgressEvery = 100'000;

// ---- The ledger: genesis, keys, and the build -------------------------------------------------

struct BenchLedger {
  Genesis genesis;
  std::string genesis_bytes;
  std::unique_ptr<Ledger> ledger;
  std::vector<KeyPair> keys;  // per genesis account, same order
};

// --genesis-version: 1 (state digest rule 1, the sum) or 2 (the node key named, rule 2, LtHash).
uint32_t g_genesis_version = kGenesisVersion1;

BenchLedger MakeLedger(size_t accounts) {
  BenchLedger b;
  Genesis& g = b.genesis;
  g.version = g_genesis_version;
  if (g.version >= kGenesisVersion2) g.node_key = KeyFor("node").public_key();
  g.currency_code = "ROUE";
  g.currency_name = "la Roue";
  g.board_keys = {KeyFor("board-1").public_key(), KeyFor("board-2").public_key(),
                  KeyFor("board-3").public_key()};
  g.board_threshold = 2;
  g.created_at_ms = kCreatedAtMs;
  b.keys.reserve(accounts);
  int64_t fund = 0;
  for (size_t i = 0; i < accounts; ++i) {
    b.keys.push_back(KeyFor("account-" + std::to_string(i)));
    GenesisAccount a;
    a.id = b.keys.back().public_key();
    if (i == 0) {
      a.kind = AccountKind::kAssociation;
      a.name = "Association la Roue";
    } else if (i == 1) {
      a.kind = AccountKind::kExchangeOffice;
      a.name = "Comptoir de la Gare";
    } else {
      // One member in ten is a shop, as in a town's member base.
      a.kind = i % 10 == 0 ? AccountKind::kMerchant : AccountKind::kResident;
      a.name = (i % 10 == 0 ? "Commerce " : "Membre ") + std::to_string(i);
      a.opening_balance = Amount(kOpeningMinor);
      fund += kOpeningMinor;
    }
    g.accounts.push_back(std::move(a));
  }
  g.opening_fund = Amount(fund);  // par 1/1, backing 1/1: the fund covers every opening
  b.genesis_bytes = codec::EncodeGenesis(g);
  Check(Ledger::Create(g, b.genesis_bytes, &b.ledger), "creating the ledger");
  return b;
}

struct PlannedTransfer {
  size_t from = 0, to = 0;
  int64_t amount = 0;
  uint64_t sequence = 0;  // the payer's
  uint64_t entry = 0;     // the journal sequence it will get
};

// Plans transfers that the ledger must accept, from balances tracked beside the state.
class Planner {
 public:
  Planner(const BenchLedger& b, const MemoryState& state) : members_(b.keys.size() - kFirstMember) {
    for (const KeyPair& k : b.keys) {
      balance_.push_back(state.Balance(BookKey::Member(k.public_key())));
      const Account* a = state.FindAccount(k.public_key());
      sequence_.push_back(a ? a->sequence : 0);
    }
  }

  PlannedTransfer Next(uint64_t entry) {
    uint64_t r1 = Mix(entry), r2 = Mix(r1), r3 = Mix(r2);
    PlannedTransfer t;
    t.entry = entry;
    t.from = kFirstMember + r1 % members_;
    while (balance_[t.from] == 0) t.from = kFirstMember + (t.from - kFirstMember + 1) % members_;
    t.to = kFirstMember + r2 % (members_ - 1);
    if (t.to >= t.from) ++t.to;  // never to oneself
    t.amount =
        std::min<int64_t>(1 + static_cast<int64_t>(r3 % kMaxTransferMinor), balance_[t.from]);
    balance_[t.from] -= t.amount;
    balance_[t.to] += t.amount;
    t.sequence = ++sequence_[t.from];
    return t;
  }

 private:
  size_t members_;
  std::vector<int64_t> balance_;
  std::vector<uint64_t> sequence_;
};

// What a client and the node's gRPC threads do: sign, put on the wire, decode, verify.
std::vector<VerifiedOperation> SignAndVerify(const BenchLedger& b,
                                             const std::vector<PlannedTransfer>& plan,
                                             unsigned threads) {
  std::vector<VerifiedOperation> out(plan.size());
  std::vector<Status> errors(plan.size());
  const Hash& id = b.ledger->id();
  ParallelFor(plan.size(), threads, [&](size_t i) {
    const PlannedTransfer& t = plan[i];
    Operation op;
    op.ledger_id = id;
    op.account = b.keys[t.from].public_key();
    op.sequence = t.sequence;
    op.payload =
        Transfer{b.keys[t.to].public_key(), Amount(t.amount), "ticket " + std::to_string(t.entry)};
    std::string envelope = codec::EncodeEnvelope(codec::SignOperation(op, id, b.keys[t.from]));
    SignedOperation decoded;
    Status s = codec::DecodeEnvelope(envelope, &decoded);
    if (s.ok()) s = b.ledger->Preflight(std::move(decoded), &out[i]);
    errors[i] = s;
  });
  for (size_t i = 0; i < plan.size(); ++i)
    Check(errors[i], "preflight of entry " + std::to_string(plan[i].entry));
  return out;
}

// Opens the ledger of `b` in `dir`: loads it when it is there (and refuses another program's
// ledger), else initialises it as `liard-node init` does (the genesis state, then the node's
// own key). True when it was there.
bool OpenOrInitialize(const std::string& dir, const BenchLedger& b,
                      std::unique_ptr<node::Store>* store, MemoryState* state,
                      node::HeadState* head) {
  Check(node::Store::Open(dir, /*create=*/true, store), "opening " + dir);
  if ((*store)->initialized()) {
    std::string bytes;
    Hash id;
    Check((*store)->ReadGenesis(&bytes, &id), "reading the genesis in " + dir);
    if (id != b.ledger->id())
      Die(dir +
          " holds another ledger (other --accounts, or not made by this program): "
          "remove it or give another --dir");
    Check((*store)->Load(state, head), "loading " + dir);
    return true;
  }
  Delta delta;
  Check(b.ledger->GenesisDelta(*state, &delta), "the genesis");
  state->Commit(delta);
  Check((*store)->Initialize(b.genesis_bytes, b.ledger->id(), *state), "initialising " + dir);
  Check((*store)->PutNodeSeed(KeyFor("node").seed()), "storing the node seed");
  *head = node::HeadState{0, b.ledger->id(), 0};
  return false;
}

// Phase 1: creates (or completes) a ledger of `operations` entries in `dir`. Returns false if
// it was already there.
bool BuildLedger(const std::string& dir, size_t accounts, uint64_t operations, unsigned threads) {
  BenchLedger b = MakeLedger(accounts);
  const Ledger& ledger = *b.ledger;
  std::unique_ptr<node::Store> store;
  MemoryState state(StateDigestRuleOf(b.genesis));
  node::HeadState head;
  if (OpenOrInitialize(dir, b, &store, &state, &head)) {
    if (head.sequence == operations) {
      std::printf("%s: already holds %" PRIu64 " operations over %zu accounts; not rebuilt\n",
                  dir.c_str(), operations, accounts);
      return false;
    }
    if (head.sequence > operations)
      Die(dir + " holds " + std::to_string(head.sequence) + " operations, more than --operations");
    std::printf("%s: resuming at entry %" PRIu64 "\n", dir.c_str(), head.sequence + 1);
  } else {
    std::printf("%s: ledger %s, %zu accounts\n", dir.c_str(), ToHex(ledger.id()).c_str(), accounts);
  }
  std::fflush(stdout);

  Planner planner(b, state);
  auto plan_chunk = [&](uint64_t first) {
    std::vector<PlannedTransfer> plan;
    for (uint64_t e = first; e <= operations && plan.size() < kGroup; ++e)
      plan.push_back(planner.Next(e));
    return plan;
  };
  // The next group is signed and verified on every core while this thread applies and commits
  // the current one, as the node's gRPC threads verify while its applier writes.
  const auto t0 = SteadyClock::now();
  const uint64_t start = head.sequence;
  std::vector<PlannedTransfer> plan = plan_chunk(head.sequence + 1);
  std::future<std::vector<VerifiedOperation>> pending =
      std::async(std::launch::async, SignAndVerify, std::cref(b), plan, threads);
  while (!plan.empty()) {
    std::vector<VerifiedOperation> verified = pending.get();
    std::vector<PlannedTransfer> next_plan = plan_chunk(plan.back().entry + 1);
    if (!next_plan.empty())
      pending = std::async(std::launch::async, SignAndVerify, std::cref(b), next_plan, threads);

    std::vector<node::AppliedOperation> group;
    group.reserve(verified.size());
    for (const VerifiedOperation& v : verified) {
      // A clock of our own, one ms per entry: rebuilding gives the same entries.
      const int64_t now = kCreatedAtMs + 1000 + static_cast<int64_t>(head.sequence);
      node::AppliedOperation a;
      Check(ledger.Apply(state, v, ApplyContext{now}, &a.delta),
            "applying entry " + std::to_string(head.sequence + 1));
      state.Commit(a.delta);
      HashedEntry next =
          NextEntry(head.sequence, head.head_hash, now, codec::EncodeEnvelope(v.signed_op()));
      a.entry = std::move(next.entry);
      a.entry_hash = next.hash;
      a.op_id = v.id();
      a.touched = TouchedAccounts(v.op(), a.delta);
      head = node::HeadState{a.entry.sequence, a.entry_hash, now};
      group.push_back(std::move(a));
    }
    Check(store->Append(group, state), "appending at entry " + std::to_string(head.sequence));
    const uint64_t before = head.sequence - group.size();
    if (head.sequence / kProgressEvery != before / kProgressEvery || head.sequence == operations) {
      double s = MsSince(t0) / 1000;
      std::printf("  %" PRIu64 "/%" PRIu64 " operations, %.1f s, %.0f op/s\n", head.sequence,
                  operations, s, (head.sequence - start) / s);
      std::fflush(stdout);
    }
    plan = std::move(next_plan);
  }
  const auto close_start = SteadyClock::now();
  store.reset();  // flushes the memtables: start-up then reads table files only
  std::printf("  built in %.1f s (close and flush %.1f s)\n", MsSince(t0) / 1000,
              MsSince(close_start) / 1000);
  return true;
}

// ---- Scale: 10,000,000 journal entries and 1,000,000 accounts ---------------------------------

// The accounts whose history pages are timed: one in a tenth of the entries, one in a ten
// thousandth (members 2 and 3 of the genesis, both residents).
constexpr size_t kHotAccount = kFirstMember;
constexpr size_t kCoolAccount = kFirstMember + 1;

// Entry e of the scale ledger: a transfer of 0.01 between members, the hot account in every
// tenth entry and the cool one in every ten-thousandth (each paying and receiving in turn, so
// that neither runs dry).
void ScalePair(uint64_t e, size_t members, size_t* from, size_t* to) {
  const uint64_t r = Mix(e);
  size_t a = kFirstMember + 2 + r % (members - 2);
  size_t b = kFirstMember + 2 + Mix(r) % (members - 3);
  if (b >= a) ++b;
  if (e % 10'000 == 5) {
    a = kCoolAccount;
  } else if (e % 10 == 0) {
    a = kHotAccount;
  }
  if (a != kHotAccount && a != kCoolAccount) {
    *from = a, *to = b;
  } else if ((e / (a == kHotAccount ? 10 : 10'000)) % 2 == 0) {
    *from = a, *to = b;
  } else {
    *from = b, *to = a;
  }
}

// Builds (or finds) a ledger of `entries` journal entries through Store::Append, as the
// applier writes them, but without signing: 10,000,000 Ed25519 signatures and verifications
// would take this machine most of an hour. Each entry holds a real encoded transfer body with
// its payer's key and a zero signature (so `liard audit verify` would refuse it), its postings,
// op-id index and history keys, and the state moves as the transfer would move it: payer's
// sequence +1, 0.01 from payer to payee. Start-up reads only the state, never the entries.
void BuildScaleLedger(const std::string& dir, size_t accounts, uint64_t entries) {
  BenchLedger b = MakeLedger(accounts);
  const Ledger& ledger = *b.ledger;
  std::unique_ptr<node::Store> store;
  MemoryState state(StateDigestRuleOf(b.genesis));
  node::HeadState head;
  if (OpenOrInitialize(dir, b, &store, &state, &head)) {
    if (head.sequence == entries) {
      std::printf("%s: already holds %" PRIu64 " entries over %zu accounts; not rebuilt\n",
                  dir.c_str(), entries, accounts);
      return;
    }
    if (head.sequence > entries) Die(dir + " holds more entries than asked");
    std::printf("%s: resuming at entry %" PRIu64 "\n", dir.c_str(), head.sequence + 1);
  } else {
    std::printf("%s: ledger %s, %zu accounts, unsigned entries\n", dir.c_str(),
                ToHex(ledger.id()).c_str(), accounts);
  }
  std::fflush(stdout);
  const auto t0 = SteadyClock::now();
  const uint64_t start = head.sequence;
  const size_t members = b.keys.size() - kFirstMember;
  std::vector<node::AppliedOperation> group;
  while (head.sequence < entries) {
    group.clear();
    while (group.size() < kGroup && head.sequence < entries) {
      const uint64_t e = head.sequence + 1;
      size_t from = 0, to = 0;
      ScalePair(e, members, &from, &to);
      const PublicKey& payer = b.keys[from].public_key();
      const PublicKey& payee = b.keys[to].public_key();
      const Account* acct = state.FindAccount(payer);
      if (!acct) Die("no account for member " + std::to_string(from));
      SignedOperation so;
      so.op.ledger_id = ledger.id();
      so.op.account = payer;
      so.op.sequence = acct->sequence + 1;
      so.op.payload = Transfer{payee, Amount(1), "ticket " + std::to_string(e)};
      so.body = codec::EncodeOperation(so.op);
      so.key = payer;
      const int64_t now = kCreatedAtMs + 1000 + static_cast<int64_t>(e);
      node::AppliedOperation a;
      Account updated = *acct;
      updated.sequence = so.op.sequence;
      a.delta.accounts.push_back(std::move(updated));
      a.delta.postings = {{BookKey::Member(payer), -1}, {BookKey::Member(payee), 1}};
      state.Commit(a.delta);
      HashedEntry next = NextEntry(head.sequence, head.head_hash, now, codec::EncodeEnvelope(so));
      a.entry = std::move(next.entry);
      a.entry_hash = next.hash;
      a.op_id = OperationId(ledger.id(), so.body);
      a.touched = TouchedAccounts(so.op, a.delta);
      head = node::HeadState{e, a.entry_hash, now};
      group.push_back(std::move(a));
    }
    Check(store->Append(group, state), "appending at entry " + std::to_string(head.sequence));
    if (head.sequence % 1'000'000 < kGroup || head.sequence == entries) {
      const double secs = MsSince(t0) / 1000;
      std::printf("  %" PRIu64 "/%" PRIu64 " entries, %.1f s, %.0f entries/s\n", head.sequence,
                  entries, secs, (head.sequence - start) / secs);
      std::fflush(stdout);
    }
  }
  const auto close_start = SteadyClock::now();
  store.reset();
  std::printf("  built in %.1f s (close and flush %.1f s)\n", MsSince(t0) / 1000,
              MsSince(close_start) / 1000);
}

// One page of an account's history as GetHistory reads it: the newest `page` sequences before
// `before` (0: from the newest), then each entry.
double TimeHistoryPage(const node::Store& store, const AccountId& account, uint64_t before,
                       size_t page, size_t* got) {
  const auto t0 = SteadyClock::now();
  std::vector<uint64_t> seqs;
  Check(store.History(account, before, page, &seqs), "reading a history page");
  for (uint64_t seq : seqs) {
    JournalEntry entry;
    Hash hash;
    Check(store.ReadEntry(seq, &entry, &hash), "reading entry " + std::to_string(seq));
  }
  *got = seqs.size();
  return MsSince(t0);
}

// Times history pages of the hot account (about entries / 10 entries) and the cool one (about
// entries / 10,000), at the newest end and in the middle of each history, `runs` times.
void MeasureHistory(const std::string& dir, size_t accounts, uint64_t entries, int runs) {
  BenchLedger b = MakeLedger(accounts);
  std::unique_ptr<node::Store> store;
  Check(node::Store::Open(dir, /*create=*/false, &store), "opening " + dir);
  struct Which {
    const char* name;
    size_t index;
    uint64_t count;
  };
  const Which which[] = {{"hot", kHotAccount, entries / 10},
                         {"cool", kCoolAccount, entries / 10'000}};
  std::printf(
      "\n== history pages of 50 entries (Store::History + ReadEntry each, as GetHistory), "
      "%s, median of %d\n",
      dir.c_str(), runs);
  for (const Which& w : which) {
    const AccountId& id = b.keys[w.index].public_key();
    for (uint64_t before : {uint64_t{0}, entries / 2}) {
      std::vector<double> ms;
      size_t got = 0;
      for (int i = 0; i < runs; ++i) ms.push_back(TimeHistoryPage(*store, id, before, 50, &got));
      std::printf("%-4s account, ~%" PRIu64 " entries in its history, page %s: %s (%zu entries)\n",
                  w.name, w.count, before == 0 ? "newest      " : "before middle",
                  Ms(Summarise(ms)).c_str(), got);
    }
  }
}

// A ledger of `accounts` accounts and no entries: the node's memory with that many accounts.
void BuildManyAccounts(const std::string& dir, size_t accounts) {
  std::unique_ptr<node::Store> store;
  Check(node::Store::Open(dir, /*create=*/true, &store), "opening " + dir);
  if (store->initialized()) {
    std::printf("%s: already initialised; not rebuilt\n", dir.c_str());
    return;
  }
  const auto t0 = SteadyClock::now();
  BenchLedger b = MakeLedger(accounts);
  MemoryState state(StateDigestRuleOf(b.genesis));
  Delta delta;
  Check(b.ledger->GenesisDelta(state, &delta), "the genesis");
  state.Commit(delta);
  Check(store->Initialize(b.genesis_bytes, b.ledger->id(), state), "initialising " + dir);
  Check(store->PutNodeSeed(KeyFor("node").seed()), "storing the node seed");
  store.reset();
  std::printf("%s: %zu accounts, built in %.1f s\n", dir.c_str(), accounts, MsSince(t0) / 1000);
}

// ---- Measurements --------------------------------------------------------------------------

struct LoadTiming {
  double open_ms = 0, genesis_ms = 0, load_ms = 0;
  uint64_t sequence = 0;
  size_t accounts = 0;
};

// The node's start-up work on the store: open the database and rebuild the state from it.
LoadTiming TimeLoad(const std::string& dir) {
  LoadTiming t;
  auto t0 = SteadyClock::now();
  std::unique_ptr<node::Store> store;
  Check(node::Store::Open(dir, /*create=*/false, &store), "opening " + dir);
  t.open_ms = MsSince(t0);
  // What the node does between the two, timed apart: it grows with the genesis accounts.
  auto tg = SteadyClock::now();
  std::string genesis_bytes;
  Hash id;
  Genesis genesis;
  std::unique_ptr<Ledger> ledger;
  Check(store->ReadGenesis(&genesis_bytes, &id), "reading the genesis in " + dir);
  Check(codec::DecodeGenesis(genesis_bytes, &genesis), "decoding the genesis in " + dir);
  Check(Ledger::Create(genesis, genesis_bytes, &ledger), "the genesis in " + dir);
  t.genesis_ms = MsSince(tg);
  auto t1 = SteadyClock::now();
  MemoryState state(StateDigestRuleOf(genesis));
  node::HeadState head;
  Check(store->Load(&state, &head), "loading " + dir);
  t.load_ms = MsSince(t1);
  t.sequence = head.sequence;
  t.accounts = state.account_count();
  return t;
}

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

uint64_t SizeOf(const std::vector<std::string>& files) {
  uint64_t total = 0;
  for (const auto& f : files) total += fs::file_size(f);
  return total;
}

// Asks the kernel to drop these files from its page cache (they are clean: RocksDB synced
// them), so the next read comes from the disk, as after a reboot. Only our own files.
void Evict(const std::vector<std::string>& files) {
  for (const auto& f : files) {
    int fd = open(f.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    // Dirty pages cannot be dropped: RocksDB's info LOG, for one, is written without a sync.
    (void)fdatasync(fd);
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
  }
}

// The share of these files' pages in the page cache (mincore), to show that Evict worked.
double ResidentShare(const std::vector<std::string>& files) {
  const long page = sysconf(_SC_PAGESIZE);
  uint64_t pages = 0, resident = 0;
  for (const auto& f : files) {
    int fd = open(f.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
      void* p = mmap(nullptr, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
      if (p != MAP_FAILED) {
        size_t n = (st.st_size + page - 1) / page;
        std::vector<unsigned char> vec(n);
        if (mincore(p, st.st_size, vec.data()) == 0) {
          pages += n;
          for (unsigned char c : vec) resident += c & 1;
        }
        munmap(p, st.st_size);
      }
    }
    close(fd);
  }
  return pages ? static_cast<double>(resident) / pages : 0;
}

// The machine's limit for the same bytes: read() them sequentially, doing nothing with them.
double TimeRawRead(const std::vector<std::string>& files) {
  std::vector<char> buf(1 << 20);
  auto t0 = SteadyClock::now();
  uint64_t total = 0;
  for (const auto& f : files) {
    int fd = open(f.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) Die("cannot open " + f);
    for (ssize_t n; (n = read(fd, buf.data(), buf.size())) > 0;) total += n;
    close(fd);
  }
  double ms = MsSince(t0);
  if (total != SizeOf(files)) Die("short read");
  return ms;
}

// The table files of each column family, from RocksDB's own metadata (read-only open).
std::map<std::string, std::vector<std::string>> TableFilesByFamily(const std::string& dir) {
  std::vector<std::string> names;
  rocksdb::DBOptions options;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, dir, &names);
  if (!s.ok()) Die("listing the column families of " + dir + ": " + s.ToString());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::OpenForReadOnly(options, dir, descriptors, &handles, &raw);
  if (!s.ok()) Die("opening " + dir + " read-only: " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::vector<rocksdb::LiveFileMetaData> meta;
  db->GetLiveFilesMetaData(&meta);
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& m : meta) out[m.column_family_name].push_back(m.db_path + "/" + m.name);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  db->Close().PermitUncheckedError();
  return out;
}

struct NodeTiming {
  double listen_ms = 0;
  long hwm_kb = 0;
  long node_load_ms = -1;  // from its start log line
};

// Spawns `liard-node run`, times it to its "listening" line, reads its peak RSS, and stops it
// with SIGTERM as an operator would.
NodeTiming TimeNode(const std::string& node, const std::string& dir, const std::string& log) {
  NodeRun run = StartNode(node, dir, log);
  NodeTiming t;
  t.listen_ms = run.listen_ms;
  t.hwm_kb = StatusField(run.pid, "VmHWM");
  const std::string logged = StopNode(&run);
  size_t at = logged.find("load_ms=");
  if (at != std::string::npos) t.node_load_ms = std::strtol(logged.c_str() + at + 8, nullptr, 10);
  return t;
}

struct Result {
  std::string dir;
  uint64_t operations = 0;
  uint64_t entries = 0;
  size_t accounts = 0;
  uint64_t db_bytes = 0, state_bytes = 0, journal_bytes = 0;
  size_t table_files = 0;
  std::vector<double> genesis_ms, open_ms, load_ms, start_ms, cold_open_ms, cold_load_ms,
      cold_start_ms, raw_ms, cold_raw_ms, all_raw_ms;
  std::vector<double> listen_ms, node_load_ms, hwm_kb;
  double cold_resident = 0;
};

void Measure(Result* r, const std::string& node) {
  std::vector<std::string> all = FilesIn(r->dir);
  // Cold first, so that the warm run after it finds the files cached.
  Evict(all);
  r->cold_resident = ResidentShare(all);
  LoadTiming cold = TimeLoad(r->dir);
  r->cold_open_ms.push_back(cold.open_ms);
  r->cold_load_ms.push_back(cold.load_ms);
  r->cold_start_ms.push_back(cold.open_ms + cold.load_ms);

  LoadTiming warm = TimeLoad(r->dir);
  r->open_ms.push_back(warm.open_ms);
  r->load_ms.push_back(warm.load_ms);
  r->start_ms.push_back(warm.open_ms + warm.load_ms);
  r->genesis_ms.push_back(warm.genesis_ms);
  if (warm.sequence != r->operations)
    Die(r->dir + ": the head is entry " + std::to_string(warm.sequence) + ", not " +
        std::to_string(r->operations));
  r->entries = warm.sequence;
  r->accounts = warm.accounts;

  if (!node.empty()) {
    NodeTiming t = TimeNode(node, r->dir, r->dir + ".node-stderr.log");
    r->listen_ms.push_back(t.listen_ms);
    r->hwm_kb.push_back(t.hwm_kb);
    if (t.node_load_ms >= 0) r->node_load_ms.push_back(t.node_load_ms);
  }
}

// The raw-read reference, after the node runs (which add a checkpoint and may compact).
void MeasureRaw(Result* r, int runs) {
  auto families = TableFilesByFamily(r->dir);
  std::vector<std::string> state_files;
  for (const char* f : {"meta", "accounts", "balances"})
    state_files.insert(state_files.end(), families[f].begin(), families[f].end());
  std::vector<std::string> all = FilesIn(r->dir);
  r->state_bytes = SizeOf(state_files);
  r->journal_bytes = SizeOf(families["journal"]);
  r->db_bytes = SizeOf(all);
  r->table_files = 0;
  for (const auto& [name, files] : families) r->table_files += files.size();
  for (int i = 0; i < runs; ++i) {
    Evict(state_files);
    r->cold_raw_ms.push_back(TimeRawRead(state_files));
    r->raw_ms.push_back(TimeRawRead(state_files));
    r->all_raw_ms.push_back(TimeRawRead(all));
  }
}

void PrintResult(const Result& r) {
  std::printf("\n== %s\n", r.dir.c_str());
  std::printf("journal entries          %" PRIu64 "\n", r.entries);
  std::printf("accounts                 %zu\n", r.accounts);
  std::printf(
      "database on disk         %s in %zu table files (journal %s; meta+accounts+balances "
      "%s)\n",
      Mib(r.db_bytes).c_str(), r.table_files, Mib(r.journal_bytes).c_str(),
      Mib(r.state_bytes).c_str());
  std::printf("Store::Open, warm             %s\n", Ms(Summarise(r.open_ms)).c_str());
  std::printf("Store::Load, warm             %s\n", Ms(Summarise(r.load_ms)).c_str());
  std::printf("Open + Load, warm             %s\n", Ms(Summarise(r.start_ms)).c_str());
  std::printf("genesis decode + check, warm  %s   (not in Open + Load)\n",
              Ms(Summarise(r.genesis_ms)).c_str());
  std::printf("Store::Open, cold             %s   (pages cached before: %.0f%%)\n",
              Ms(Summarise(r.cold_open_ms)).c_str(), 100 * r.cold_resident);
  std::printf("Store::Load, cold             %s\n", Ms(Summarise(r.cold_load_ms)).c_str());
  std::printf("Open + Load, cold             %s\n", Ms(Summarise(r.cold_start_ms)).c_str());
  std::printf("read() state files, warm      %s\n", Ms(Summarise(r.raw_ms)).c_str());
  std::printf("read() state files, cold      %s\n", Ms(Summarise(r.cold_raw_ms)).c_str());
  std::printf("read() whole directory, warm  %s\n", Ms(Summarise(r.all_raw_ms)).c_str());
  const double load = Summarise(r.load_ms).median;
  const double start = Summarise(r.start_ms).median;
  const double raw = Summarise(r.raw_ms).median;
  const double cold_raw = Summarise(r.cold_raw_ms).median;
  std::printf("ratio Load / read() state files, warm         %.1f\n", load / raw);
  std::printf("ratio Open+Load / read() state files, warm    %.1f\n", start / raw);
  std::printf("ratio Open+Load / read() state files, cold    %.1f\n",
              Summarise(r.cold_start_ms).median / cold_raw);
  std::printf("ratio Open+Load / read() whole directory, warm %.3f\n",
              start / Summarise(r.all_raw_ms).median);
  if (!r.listen_ms.empty()) {
    std::printf("liard-node spawn to listening, warm  %s\n", Ms(Summarise(r.listen_ms)).c_str());
    std::printf("liard-node's own load_ms (log)       %s\n", Ms(Summarise(r.node_load_ms)).c_str());
    Stats hwm = Summarise(r.hwm_kb);
    std::printf("liard-node peak RSS (VmHWM)          %.1f MiB (min %.1f, max %.1f)\n",
                hwm.median / 1024, hwm.min / 1024, hwm.max / 1024);
  }
}

struct Options {
  std::string dir;
  uint64_t operations = 1'000'000;
  size_t accounts = 20'000;
  int runs = 5;
  std::string node;
  uint64_t scale_entries = 0;  // 0: no scale phase
  size_t scale_accounts = 0;   // 0: no many-accounts phase
  bool skip_signed = false;    // only the scale phases
};

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr,
               "liard-startup-bench: %s\n"
               "usage: liard-startup-bench --dir DIR [--operations 1000000] [--accounts 20000]\n"
               "                           [--runs 5] [--node PATH-TO-liard-node]\n"
               "                           [--scale-entries 10000000] [--scale-accounts 1000000]\n"
               "                           [--only-scale yes] [--genesis-version 1|2]\n"
               "Builds a ledger of N transfers in DIR and of N/10 in DIR-small (kept for reruns),\n"
               "then times start-up on both. --scale-entries: also a ledger of that many unsigned\n"
               "entries in DIR-scale (start-up and history pages); --scale-accounts: a ledger of\n"
               "that many accounts in DIR-accounts (the node's memory and start-up).\n",
               problem.c_str());
  std::exit(2);
}

uint64_t ParseCount(const std::string& flag, const char* text) {
  uint64_t v = 0;
  if (!bench::ParseCount(text, &v)) Usage(flag + " wants a whole number, not '" + text + "'");
  return v;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") Usage("start-up benchmark");
    if (i + 1 >= argc) Usage(a + " needs a value");
    const char* v = argv[++i];
    if (a == "--dir") {
      o.dir = v;
    } else if (a == "--operations") {
      o.operations = ParseCount(a, v);
    } else if (a == "--accounts") {
      o.accounts = ParseCount(a, v);
    } else if (a == "--runs") {
      o.runs = static_cast<int>(ParseCount(a, v));
    } else if (a == "--scale-entries") {
      o.scale_entries = ParseCount(a, v);
    } else if (a == "--scale-accounts") {
      o.scale_accounts = ParseCount(a, v);
    } else if (a == "--only-scale") {
      o.skip_signed = std::string(v) == "yes";
    } else if (a == "--node") {
      o.node = v;
    } else if (a == "--genesis-version") {
      g_genesis_version = static_cast<uint32_t>(ParseCount(a, v));
      if (g_genesis_version < kGenesisVersion1 || g_genesis_version > kGenesisVersion3)
        Usage("--genesis-version must be 1, 2 or 3");
    } else {
      Usage("unknown option " + a);
    }
  }
  if (o.dir.empty()) Usage("--dir is required");
  while (o.dir.size() > 1 && o.dir.back() == '/') o.dir.pop_back();
  if (o.accounts < 4 || o.accounts > 10'000'000) Usage("--accounts must be 4 to 10000000");
  if (o.scale_entries > 0 && o.accounts < 10)
    Usage("--scale-entries needs --accounts of at least 10");
  if (o.operations < 10) Usage("--operations must be at least 10");
  if (o.runs < 1 || o.runs > 1000) Usage("--runs must be 1 to 1000");
  if (!o.node.empty() && access(o.node.c_str(), X_OK) != 0)
    Usage("--node " + o.node + " is not an executable");
  return o;
}

// The scale phases: start-up of the node on DIR-scale and DIR-accounts, history pages.
void RunScale(const Options& o) {
  if (o.scale_entries > 0) {
    const std::string dir = o.dir + "-scale";
    std::printf("\n-- scale: %" PRIu64 " entries over %zu accounts in %s\n", o.scale_entries,
                o.accounts, dir.c_str());
    std::fflush(stdout);
    BuildScaleLedger(dir, o.accounts, o.scale_entries);
    Result r;
    r.dir = dir;
    r.operations = o.scale_entries;
    for (int i = 0; i < o.runs; ++i) Measure(&r, o.node);
    MeasureRaw(&r, o.runs);
    std::remove((dir + ".node-stderr.log").c_str());
    PrintResult(r);
    MeasureHistory(dir, o.accounts, o.scale_entries, std::max(o.runs, 9));
  }
  if (o.scale_accounts > 0) {
    const std::string dir = o.dir + "-accounts";
    std::printf("\n-- scale: %zu accounts in %s\n", o.scale_accounts, dir.c_str());
    std::fflush(stdout);
    BuildManyAccounts(dir, o.scale_accounts);
    Result r;
    r.dir = dir;
    r.operations = 0;
    for (int i = 0; i < o.runs; ++i) Measure(&r, o.node);
    MeasureRaw(&r, o.runs);
    std::remove((dir + ".node-stderr.log").c_str());
    PrintResult(r);
  }
  std::fflush(stdout);
}

int Main(int argc, char** argv) {
  Options o = ParseOptions(argc, argv);
  InitCrypto();
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::printf("%s\n", MachineLine().c_str());
  std::fflush(stdout);

  if (o.scale_entries > 0 || o.scale_accounts > 0) RunScale(o);
  if (o.skip_signed) return 0;

  std::vector<Result> results(2);
  results[0].dir = o.dir;
  results[0].operations = o.operations;
  results[1].dir = o.dir + "-small";
  results[1].operations = o.operations / 10;
  for (Result& r : results) {
    std::printf("\n-- phase 1: %" PRIu64 " transfers over %zu accounts in %s (%u threads verify)\n",
                r.operations, o.accounts, r.dir.c_str(), threads);
    std::fflush(stdout);
    BuildLedger(r.dir, o.accounts, r.operations, threads);
  }

  std::printf("\n-- phase 2: %d runs, alternating the two ledgers\n", o.runs);
  for (int i = 0; i < o.runs; ++i) {
    for (Result& r : results) Measure(&r, o.node);
    std::printf("  run %d: Load %.1f ms (N) / %.1f ms (N/10)%s\n", i + 1, results[0].load_ms.back(),
                results[1].load_ms.back(),
                o.node.empty()
                    ? ""
                    : (", node listening after " +
                       std::to_string(static_cast<int>(results[0].listen_ms.back())) + " / " +
                       std::to_string(static_cast<int>(results[1].listen_ms.back())) + " ms")
                          .c_str());
    std::fflush(stdout);
  }
  for (Result& r : results) {
    MeasureRaw(&r, o.runs);
    std::remove((r.dir + ".node-stderr.log").c_str());
  }
  for (const Result& r : results) PrintResult(r);

  const double big = Summarise(results[0].load_ms).median;
  const double small = Summarise(results[1].load_ms).median;
  // Reading the journal would make Load grow about as history does (x10); reading state only
  // leaves it flat, give or take the noise of a shared machine.
  const double growth = big / small;
  std::printf("\nhistory x%.0f, Load x%.2f (%.1f ms for %" PRIu64 " entries, %.1f ms for %" PRIu64
              "): %s\n",
              static_cast<double>(results[0].entries) / results[1].entries, growth, big,
              results[0].entries, small, results[1].entries,
              growth < 2 ? "Load does not grow with history, the journal is not read"
                         : "Load GROWS with history: something reads more than the state");
  if (!o.node.empty()) {
    const double nb = Summarise(results[0].listen_ms).median;
    const double ns = Summarise(results[1].listen_ms).median;
    std::printf("node time to listen: %.1f ms for %" PRIu64 " entries, %.1f ms for %" PRIu64
                " (x%.2f)\n",
                nb, results[0].entries, ns, results[1].entries, nb / ns);
  }
  std::printf("%s\n", MachineLine().c_str());
  return 0;
}

}  // namespace
}  // namespace liard::bench

int main(int argc, char** argv) { return liard::bench::Main(argc, argv); }
