// Crash tests: SIGKILL liard-node under load at several points, restart it on the same data, and
// prove that every acknowledged operation is there exactly once, the chain verifies and the books
// replay to the very balances the node serves.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "ledger/genesis.h"
#include "ledger/journal.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kAccounts = 50;
constexpr int kThreads = 6;  // two cores: enough callers to fill group commits, not more
constexpr int64_t kOpening = 10'000'000'00;  // ample: the soak runs for an hour

std::string Name(int i) {
  std::ostringstream s;
  s << "crash-" << (i < 10 ? "0" : "") << i;
  return s.str();
}

GenesisSpec CrashGenesis() {
  GenesisSpec spec;
  for (int i = 0; i < kAccounts; ++i)
    spec.members.push_back({Name(i), i % 10 == 0 ? "merchant" : "resident", kOpening});
  // The treasurer: the harness reads the journal with its key (the journal is private).
  spec.members.push_back({"association", "association", 0});
  return spec;
}

// An operation a client thread sent, acknowledged or not.
struct Sent {
  int payer = 0;
  int payee = 0;
  int64_t amount = 0;
  uint64_t payer_sequence = 0;
};

// The node's answer to an acknowledged operation: its promise about where the operation sits.
struct Ack {
  uint64_t sequence = 0;
  std::string entry_hash;
};

// Everything the clients learnt, over every run of the node.
struct Ledgerbook {
  std::mutex mu;
  std::unordered_map<Hash, Sent> sent;
  std::unordered_map<Hash, Ack> acked;
  std::vector<std::string> unexpected;            // refusals or answers that should never happen
  std::map<int, int> codes_after_stop;            // gRPC status code -> calls that failed so
  std::map<int, std::string> example_after_stop;  // gRPC status code -> one call and message
};

// One run of the load: kThreads callers, each owning the payers i with i % kThreads == t so
// that it knows their next sequence, until the node is killed (or stopped) under them. Thread 0
// sends SubmitBatch calls, the others unary Submits.
class Load {
 public:
  Load(Client& client, Ledgerbook& book, std::vector<uint64_t> next_sequence, uint32_t seed)
      : client_(client), book_(book), next_(std::move(next_sequence)), seed_(seed) {
    for (int i = 0; i < kAccounts; ++i) keys_.push_back(testing::KeyFor(Name(i)));
  }

  void Start() {
    for (int t = 0; t < kThreads; ++t) threads_.emplace_back([this, t] { Run(t); });
  }
  // Call just before the SIGKILL or SIGTERM: from then on a failed call is in flight.
  void MarkKilled() { killed_ = true; }
  void Join() {
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  size_t acks() const { return acks_; }
  size_t sent() const { return sent_; }
  int threads_done() const { return done_; }

 private:
  // A random transfer from `payer` at its next sequence plus `ahead`, recorded as sent.
  pb::SignedOperation Make(std::mt19937& rng, int payer, uint64_t ahead, Hash* id) {
    int payee = static_cast<int>(rng() % (kAccounts - 1));
    if (payee >= payer) ++payee;
    int64_t amount = 1 + static_cast<int64_t>(rng() % 500);
    Sent s{payer, payee, amount, next_[payer] + ahead};
    pb::SignedOperation op =
        client_.SignTransfer(keys_[payer], keys_[payee].public_key(), amount, s.payer_sequence);
    *id = client_.OperationIdOf(op);
    std::lock_guard<std::mutex> lock(book_.mu);
    book_.sent[*id] = s;
    ++sent_;
    return op;
  }

  void Failed(const grpc::Status& status, const std::string& what, const std::string& code) {
    std::lock_guard<std::mutex> lock(book_.mu);
    grpc::StatusCode c = status.error_code();
    // The node must never refuse these well-formed, funded transfers, and nothing may fail
    // before the kill.
    if (!killed_ || c == grpc::StatusCode::FAILED_PRECONDITION ||
        c == grpc::StatusCode::INVALID_ARGUMENT)
      book_.unexpected.push_back(what + ": status " + std::to_string(c) + " " +
                                 status.error_message() + " liard-code " + code);
    else if (++book_.codes_after_stop[c] == 1)
      book_.example_after_stop[c] = what + ": " + status.error_message();
  }

  void Acked(const Hash& id, const pb::SubmitResponse& r) {
    // Caller holds book_.mu.
    if (r.code() != 0 || r.duplicate() || r.sequence() == 0 || r.operation_id() != HashBytes(id))
      book_.unexpected.push_back("an odd acknowledgement: " + r.ShortDebugString());
    book_.acked[id] = Ack{r.sequence(), r.entry_hash()};
    ++acks_;
  }

  // Two consecutive transfers of each of this thread's payers per call.
  void RunBatches(std::mt19937& rng, const std::vector<int>& mine) {
    for (size_t k = 0; k < 10'000 && !killed_; ++k) {
      std::vector<pb::SignedOperation> ops;
      std::vector<Hash> ids;
      for (int payer : mine)
        for (uint64_t ahead = 0; ahead < 2; ++ahead) {
          ids.emplace_back();
          ops.push_back(Make(rng, payer, ahead, &ids.back()));
        }
      pb::SubmitBatchResponse resp;
      grpc::Status st = client_.SubmitBatch(ops, &resp, Millis(15'000));
      if (!st.ok()) return Failed(st, "a batch", "");
      std::lock_guard<std::mutex> lock(book_.mu);
      if (resp.results_size() != static_cast<int>(ops.size())) {
        book_.unexpected.push_back("a batch of " + std::to_string(ops.size()) + " got " +
                                   std::to_string(resp.results_size()) + " results");
        return;
      }
      for (size_t i = 0; i < ops.size(); ++i) Acked(ids[i], resp.results(static_cast<int>(i)));
      for (int payer : mine) next_[payer] += 2;
    }
  }

  void RunUnary(std::mt19937& rng, const std::vector<int>& mine) {
    // Bounded: a node that never dies or never answers cannot keep this thread forever.
    for (size_t k = 0; k < 100'000 && !killed_; ++k) {
      int payer = mine[k % mine.size()];
      Hash id;
      pb::SignedOperation op = Make(rng, payer, 0, &id);
      SubmitOutcome o = client_.Submit(op, Millis(15'000));
      if (!o.status.ok())
        return Failed(o.status, Name(payer) + " sequence " + std::to_string(next_[payer]),
                      o.liard_code);  // in flight: whether it landed is decided on restart
      std::lock_guard<std::mutex> lock(book_.mu);
      Acked(id, o.response);
      ++next_[payer];
    }
  }

  void Run(int t) {
    std::mt19937 rng(seed_ * 7919 + static_cast<uint32_t>(t));
    std::vector<int> mine;
    for (int i = t; i < kAccounts; i += kThreads) mine.push_back(i);
    if (t == 0)
      RunBatches(rng, mine);
    else
      RunUnary(rng, mine);
    ++done_;
  }

  Client& client_;
  Ledgerbook& book_;
  std::vector<uint64_t> next_;  // each entry written by one thread only
  uint32_t seed_;
  std::vector<KeyPair> keys_;
  std::vector<std::thread> threads_;
  std::atomic<bool> killed_{false};
  std::atomic<size_t> acks_{0};
  std::atomic<size_t> sent_{0};
  std::atomic<int> done_{0};
};

struct Found {
  size_t journal = 0;           // entries after the restart
  size_t in_flight = 0;         // sent, never acknowledged
  size_t in_flight_landed = 0;  // of those, in the journal
};

// Everything the node serves after a restart, checked against what the clients were told and
// against a replay of its journal through the core.
Found VerifyLedger(Client& c, Ledgerbook& book) {
  std::lock_guard<std::mutex> lock(book.mu);
  Found found;
  pb::Head head = c.Head();
  std::vector<pb::JournalEntry> journal = c.Journal(1);
  found.journal = journal.size();
  REQUIRE(journal.size() == head.sequence());
  REQUIRE(VerifyChain(journal, c.ledger_id()) == "");
  CHECK(head.head_hash() ==
        (journal.empty() ? HashBytes(c.ledger_id()) : journal.back().entry_hash()));

  // Each journaled operation once, and each one a client really sent.
  std::unordered_map<Hash, uint64_t> where;
  std::vector<std::string> problems;
  for (const auto& e : journal) {
    pb::SignedOperation env;
    REQUIRE(env.ParseFromString(e.envelope()));
    Hash id = OperationId(c.ledger_id(), env.body());
    if (!where.emplace(id, e.sequence()).second)
      problems.push_back("operation " + ToHex(id) + " is journaled twice, at " +
                         std::to_string(where[id]) + " and " + std::to_string(e.sequence()));
    if (book.sent.count(id) == 0)
      problems.push_back("entry " + std::to_string(e.sequence()) + " is an operation nobody sent");
  }

  // Every acknowledged operation where its acknowledgement said, and findable by id.
  size_t missing = 0;
  for (const auto& [id, ack] : book.acked) {
    auto it = where.find(id);
    if (it == where.end()) {
      if (++missing <= 5)
        problems.push_back("acknowledged operation " + ToHex(id) + " (sequence " +
                           std::to_string(ack.sequence) + ") is not in the journal");
      continue;
    }
    if (it->second != ack.sequence)
      problems.push_back("acknowledged at sequence " + std::to_string(ack.sequence) +
                         " but journaled at " + std::to_string(it->second));
    else if (journal[ack.sequence - 1].entry_hash() != ack.entry_hash)
      problems.push_back("entry " + std::to_string(ack.sequence) +
                         " has another hash than the one acknowledged");
    pb::Receipt r;
    grpc::Status s = c.GetOperation(id, &r);
    if (!s.ok() || r.sequence() != ack.sequence || r.entry_hash() != ack.entry_hash)
      problems.push_back("GetOperation of acknowledged sequence " + std::to_string(ack.sequence) +
                         ": " + s.error_message() + " " + std::to_string(r.sequence()));
  }
  // In-flight operations: present whole, or absent and unknown to the op index.
  for (const auto& [id, s] : book.sent) {
    if (book.acked.count(id)) continue;
    ++found.in_flight;
    pb::Receipt r;
    grpc::Status st = c.GetOperation(id, &r);
    if (where.count(id)) {
      ++found.in_flight_landed;
      if (!st.ok() || r.sequence() != where[id])
        problems.push_back("a journaled in-flight operation is not found by id");
    } else if (st.error_code() != grpc::StatusCode::NOT_FOUND) {
      problems.push_back("an operation that is not journaled is found by id (status " +
                         std::to_string(st.error_code()) + ")");
    }
  }
  for (size_t i = 0; i < std::min<size_t>(problems.size(), 20); ++i) UNSCOPED_INFO(problems[i]);
  CHECK(missing == 0);
  CHECK(problems.empty());

  // The journal replayed through the core: every entry accepted, the very state served.
  Replay replay;
  REQUIRE(ReplayJournal(c.genesis_bytes(), journal, &replay) == "");
  CHECK(Hex(head.state_digest()) == ToHex(replay.state.digest()));

  // And the balances the clients' own records predict from what was journaled.
  std::vector<int64_t> expected(kAccounts, kOpening);
  for (const auto& [id, seq] : where) {
    const Sent& s = book.sent.at(id);
    expected[s.payer] -= s.amount;
    expected[s.payee] += s.amount;
  }
  int64_t sum = 0;
  for (int i = 0; i < kAccounts; ++i) {
    INFO(Name(i));
    pb::AccountInfo a = c.AccountOf(Name(i));
    const Account* local = replay.state.FindAccount(testing::KeyFor(Name(i)).public_key());
    REQUIRE(local != nullptr);
    CHECK(a.balance() == replay.state.Balance(BookKey::Member(local->id)));
    CHECK(a.balance() == expected[i]);
    CHECK(a.sequence() == local->sequence);
    sum += a.balance();
  }

  // Nothing created or lost; the reserve still covers the circulation.
  pb::Reserves r = c.Reserves();
  const Totals& totals = replay.state.totals();
  CHECK(r.sequence() == head.sequence());
  CHECK(r.circulation_accounts() == sum);
  CHECK(sum == kAccounts * kOpening);
  CHECK(r.circulation() == r.circulation_accounts() + r.circulation_paper());
  CHECK(r.circulation_paper() == totals[static_cast<int>(Slot::kPaper)]);
  CHECK(r.fund() == totals[static_cast<int>(Slot::kFund)]);
  CHECK(r.required_reserve() == r.circulation());
  CHECK(r.coverage_basis_points() >= 10000);
  return found;
}

std::vector<uint64_t> NextSequences(Client& c) {
  std::vector<uint64_t> next(kAccounts);
  for (int i = 0; i < kAccounts; ++i) next[i] = c.AccountOf(Name(i)).sequence() + 1;
  return next;
}

// Runs the load until `acks` acknowledgements (0: until every thread has an operation in
// flight), then calls `stop` (a SIGKILL or a SIGTERM). False if the point was not reached.
template <typename Stop>
bool LoadUntil(Client& c, Ledgerbook& book, uint32_t seed, size_t acks, Stop stop) {
  Load load(c, book, NextSequences(c), seed);
  load.Start();
  auto deadline = Clock::now() + std::chrono::seconds(60);
  bool reached = false;
  while (Clock::now() < deadline && load.threads_done() == 0) {
    if (acks == 0 ? load.sent() >= kThreads : load.acks() >= acks) {
      reached = true;
      break;
    }
    std::this_thread::sleep_for(Millis(1));
  }
  load.MarkKilled();
  stop();
  load.Join();
  std::lock_guard<std::mutex> lock(book.mu);
  for (size_t i = 0; i < std::min<size_t>(book.unexpected.size(), 10); ++i)
    UNSCOPED_INFO(book.unexpected[i]);
  CHECK(book.unexpected.empty());
  return reached && book.unexpected.empty();
}

long long Ms(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

TEST_CASE("every acknowledged operation survives SIGKILL under load, exactly once",
          "[e2e][crash]") {
  auto test_start = Clock::now();
  TempDir tmp;
  std::string data = tmp.Join("data");
  InitLedger(data, CrashGenesis());
  NodeProcess node(data);
  Ledgerbook book;
  uint32_t seed = static_cast<uint32_t>(std::random_device()());
  INFO("seed " << seed);

  // Kill points, in acknowledgements since the restart. 0: right after the start, with the
  // first operations in flight; kDuringStartUp: before the node even says it listens.
  constexpr size_t kDuringStartUp = ~size_t{0};
  const std::vector<size_t> kill_after = {50, 300, 0, kDuringStartUp, 1000, 7, 2000};
  std::ostringstream report;
  std::mt19937 rng(seed);
  for (size_t round = 0; round < kill_after.size(); ++round) {
    INFO("round " << round << ", kill point " << static_cast<long long>(kill_after[round]));
    auto t0 = Clock::now();
    if (kill_after[round] == kDuringStartUp) {
      node.Launch();
      std::this_thread::sleep_for(Millis(rng() % 60));
      node.Kill();
      report << "round " << round << ": killed " << Ms(Clock::now() - t0)
             << " ms into the start-up\n";
      continue;
    }
    node.Start();
    auto started = Clock::now();
    Client c(node.channel());
    Found before = VerifyLedger(c, book);
    auto verified = Clock::now();
    bool reached = LoadUntil(c, book, seed + static_cast<uint32_t>(round), kill_after[round],
                             [&] { node.Kill(); });
    REQUIRE(reached);
    report << "round " << round << ": start " << Ms(started - t0) << " ms, verify "
           << before.journal << " entries " << Ms(verified - started) << " ms, load and kill "
           << Ms(Clock::now() - verified) << " ms; " << book.acked.size()
           << " acknowledged so far\n";
  }

  // A last restart after the last kill, then a clean stop.
  node.Start();
  {
    Client c(node.channel());
    Found last = VerifyLedger(c, book);
    report << "after the last kill: journal " << last.journal << ", " << book.acked.size()
           << " acknowledged, " << last.in_flight << " in flight of which " << last.in_flight_landed
           << " landed\n";
    CHECK(last.journal >= book.acked.size());
    CHECK(last.journal == book.acked.size() + last.in_flight_landed);
  }
  CHECK(node.Stop() == 0);
  report << "total " << Ms(Clock::now() - test_start) << " ms\n";
  std::cerr << "crash test (seed " << seed << "):\n" << report.str();
}

TEST_CASE("SIGTERM under load finishes what is in flight and answers every operation it kept",
          "[e2e][crash]") {
  TempDir tmp;
  std::string data = tmp.Join("data");
  InitLedger(data, CrashGenesis());
  NodeProcess node(data);
  Ledgerbook book;
  uint32_t seed = static_cast<uint32_t>(std::random_device()());
  INFO("seed " << seed);

  node.Start();
  int exit_code = -2;
  {
    Client c(node.channel());
    REQUIRE(LoadUntil(c, book, seed, 500, [&] { exit_code = node.Stop(); }));
  }
  std::string output = node.out() + node.err();
  INFO("node output:\n" << output);
  CHECK(exit_code == 0);
  {
    // While shutting down the node answers UNAVAILABLE (retry), and afterwards nobody listens.
    std::lock_guard<std::mutex> lock(book.mu);
    for (const auto& [code, count] : book.codes_after_stop) {
      INFO(count << " calls failed with status " << code << ", e.g. "
                 << book.example_after_stop[code]);
      CHECK(code == grpc::StatusCode::UNAVAILABLE);
    }
  }

  node.Start();
  Client c(node.channel());
  Found found = VerifyLedger(c, book);
  // A clean stop leaves no client in doubt: what it committed, it answered.
  CHECK(found.in_flight_landed == 0);
  CHECK(found.journal == book.acked.size());
  CHECK(node.Stop() == 0);
}

// ---- The soak: not in CI (hidden tag), run by hand for an hour, see docs/operator.md ----

// How long the soak runs: LIARD_SOAK_SECONDS, 3600 unless set.
int SoakSeconds() {
  const char* v = std::getenv("LIARD_SOAK_SECONDS");
  return v != nullptr && std::atoi(v) > 0 ? std::atoi(v) : 3600;
}

// Every method a client can call, and whether it streams its answers.
struct Method {
  const char* path;
  bool streams;
};
constexpr Method kMethods[] = {
    {"/liard.v1.LedgerService/Submit", false},
    {"/liard.v1.LedgerService/SubmitBatch", false},
    {"/liard.v1.LedgerService/Simulate", false},
    {"/liard.v1.LedgerService/GetAccount", false},
    {"/liard.v1.LedgerService/LookupAccount", false},
    {"/liard.v1.LedgerService/GetHistory", false},
    {"/liard.v1.LedgerService/GetOperation", false},
    {"/liard.v1.LedgerService/GetReserves", false},
    {"/liard.v1.LedgerService/GetHead", false},
    {"/liard.v1.LedgerService/GetCheckpoint", false},
    {"/liard.v1.LedgerService/GetGenesis", false},
    {"/liard.v1.LedgerService/GetGovernance", false},
    {"/liard.v1.LedgerService/Watch", true},
    {"/liard.v1.LedgerService/StreamJournal", true},
    {"/grpc.health.v1.Health/Check", false},
    {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", true},
};

// What the fuzzer and the stream flood saw over the whole soak.
struct SoakTally {
  std::mutex mu;
  std::map<int, uint64_t> fuzz_codes;    // gRPC status code -> calls
  std::map<int, uint64_t> stream_codes;  // gRPC status code -> streams ended so
  std::vector<std::string> suspicious;   // INTERNAL or UNKNOWN answers, with their method
  uint64_t receipts = 0;                 // receipts read from the flood's Watch streams
};

// Random or mangled requests to random methods until `stop`. A mangled request is a real
// signed transfer with a few bytes changed, so that it reaches the checks past decoding.
void Fuzz(Client& c, std::shared_ptr<grpc::Channel> channel, uint32_t seed,
          const std::atomic<bool>& stop, const std::atomic<bool>& killed, SoakTally& tally) {
  std::mt19937 rng(seed);
  const std::string valid =
      c.SignTransfer(Name(0), Name(1), 1, 1'000'000'000 + rng() % 1000).SerializeAsString();
  while (!stop) {
    const Method& m = kMethods[rng() % std::size(kMethods)];
    std::string bytes;
    if (rng() % 2 == 0) {
      bytes.resize(rng() % 600);
      for (char& b : bytes) b = static_cast<char>(rng());
    } else {
      bytes = valid;
      for (int k = 1 + static_cast<int>(rng() % 4); k > 0; --k)
        bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    grpc::Status st;
    if (m.streams) {
      std::vector<std::string> out;
      st = RawBidiCall(channel, m.path, {bytes}, &out, Millis(500));
    } else {
      std::string out;
      st = RawUnaryCall(channel, m.path, bytes, &out, Millis(500));
    }
    // A killed node answers nothing: no need to spin on it until the next start.
    if (st.error_code() == grpc::StatusCode::UNAVAILABLE) std::this_thread::sleep_for(Millis(20));
    std::lock_guard<std::mutex> lock(tally.mu);
    ++tally.fuzz_codes[st.error_code()];
    if (!killed &&
        (st.error_code() == grpc::StatusCode::INTERNAL ||
         st.error_code() == grpc::StatusCode::UNKNOWN) &&
        tally.suspicious.size() < 20)
      tally.suspicious.push_back(std::string(m.path) + ": " + std::to_string(st.error_code()) +
                                 " " + st.error_message());
  }
}

// Watch streams opened, read and dropped at random, up to `most` at once, some from the start
// of the history; a slow reader among them.
void FloodStreams(Client& c, uint32_t seed, size_t most, const std::atomic<bool>& stop,
                  SoakTally& tally) {
  struct Open {
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<grpc::ClientReader<pb::Receipt>> reader;
    std::thread thread;
  };
  std::mt19937 rng(seed);
  std::vector<std::unique_ptr<Open>> open;
  auto close_one = [&](size_t i) {
    open[i]->ctx->TryCancel();
    open[i]->thread.join();
    grpc::Status st = open[i]->reader->Finish();
    {
      std::lock_guard<std::mutex> lock(tally.mu);
      ++tally.stream_codes[st.error_code()];
    }
    open.erase(open.begin() + static_cast<std::ptrdiff_t>(i));
  };
  while (!stop) {
    if (open.size() < most && rng() % 3 != 0) {
      const int who = static_cast<int>(rng() % kAccounts);
      const AccountId id = testing::KeyFor(Name(who)).public_key();
      ReadCall call{"Watch", &id};
      call.from_sequence = rng() % 4 == 0 ? 1 : 0;
      pb::WatchRequest req;
      req.set_account(std::string(id.view()));
      req.set_from_sequence(call.from_sequence);
      *req.mutable_auth() = c.SignRead(testing::KeyFor(Name(who)), call);
      auto o = std::make_unique<Open>();
      o->ctx = std::make_unique<grpc::ClientContext>();
      SetDeadline(o->ctx.get(), Millis(120'000));
      o->reader = c.stub().Watch(o->ctx.get(), req);
      const bool slow = rng() % 10 == 0;
      grpc::ClientReader<pb::Receipt>* reader = o->reader.get();
      o->thread = std::thread([reader, slow, &tally] {
        pb::Receipt r;
        uint64_t n = 0;
        while (reader->Read(&r)) {
          ++n;
          if (slow) std::this_thread::sleep_for(Millis(50));
        }
        std::lock_guard<std::mutex> lock(tally.mu);
        tally.receipts += n;
      });
      open.push_back(std::move(o));
    } else if (!open.empty()) {
      close_one(rng() % open.size());
    }
    std::this_thread::sleep_for(Millis(rng() % 20));
  }
  while (!open.empty()) close_one(open.size() - 1);
}

TEST_CASE("soak: kills under load with fuzzed calls and stream floods, nothing lost", "[.][soak]") {
  const auto test_start = Clock::now();
  const auto until = test_start + std::chrono::seconds(SoakSeconds());
  TempDir tmp;
  std::string data = tmp.Join("data");
  InitLedger(data, CrashGenesis());
  NodeProcess node(data);
  Ledgerbook book;
  SoakTally tally;
  uint32_t seed = static_cast<uint32_t>(std::random_device()());
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  size_t rounds = 0, kills = 0, stops = 0;
  while (Clock::now() < until) {
    INFO("round " << rounds);
    node.Start();
    Client c(node.channel());
    VerifyLedger(c, book);
    std::atomic<bool> stop{false}, killed{false};
    std::thread fuzzer([&] {
      Fuzz(c, node.channel(), seed + static_cast<uint32_t>(rounds), stop, killed, tally);
    });
    std::thread flood(
        [&] { FloodStreams(c, seed ^ static_cast<uint32_t>(rounds), 60, stop, tally); });
    // Mostly kills at a random point, now and then a clean stop.
    const bool clean = rng() % 5 == 0;
    const size_t acks = 100 + rng() % 3000;
    bool reached = LoadUntil(c, book, seed + static_cast<uint32_t>(rounds), acks, [&] {
      killed = true;
      if (clean) {
        CHECK(node.Stop() == 0);
        ++stops;
      } else {
        node.Kill();
        ++kills;
      }
    });
    stop = true;
    fuzzer.join();
    flood.join();
    REQUIRE(reached);
    ++rounds;
  }
  node.Start();
  {
    Client c(node.channel());
    Found last = VerifyLedger(c, book);
    CHECK(last.journal == book.acked.size() + last.in_flight_landed);
  }
  CHECK(node.Stop() == 0);
  std::lock_guard<std::mutex> lock(tally.mu);
  for (const std::string& s : tally.suspicious) UNSCOPED_INFO(s);
  CHECK(tally.suspicious.empty());
  std::ostringstream report;
  report << "soak (seed " << seed << "): " << rounds << " rounds, " << kills << " kills, " << stops
         << " clean stops, " << book.acked.size() << " acknowledged operations, all present once; "
         << tally.receipts << " receipts streamed\n  fuzzed calls by status:";
  for (const auto& [code, n] : tally.fuzz_codes) report << " " << code << "=" << n;
  report << "\n  flood streams ended by status:";
  for (const auto& [code, n] : tally.stream_codes) report << " " << code << "=" << n;
  report << "\n  total " << Ms(Clock::now() - test_start) << " ms\n";
  std::cerr << report.str();
}

}  // namespace
}  // namespace liard::e2e
