// liard-audit-bench: how fast `liard audit verify` replays a journal, as a ratio of this
// machine's own Ed25519 verification rate on the same number of threads, measured in the same
// run. Builds a journal of N signed transfers among M residents through the real core and
// codec, writes it as an export file, then replays the file through the wallet's pipeline.
//
//   liard-audit-bench [--entries N] [--accounts M] [--threads T] [--runs R]
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/memory_state.h"
#include "ledger/replay.h"
#include "proto/codec.h"
#include "wallet-cli/audit.h"

namespace liard::wallet {
namespace {

KeyPair KeyFor(int i) {
  Seed seed;
  seed.data = Sha256({"liard-audit-bench/", std::to_string(i)}).data;
  return KeyPair::FromSeed(seed);
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "liard-audit-bench: %s\n", what.c_str());
  std::exit(1);
}

int Main(int argc, char** argv) {
  CLI::App app("liard-audit-bench: journal replay speed against the Ed25519 verify rate");
  uint64_t entries = 200'000;
  int accounts = 1'000,
      threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int runs = 3;
  app.add_option("--entries", entries, "transfers in the journal");
  app.add_option("--accounts", accounts, "residents paying each other");
  app.add_option("--threads", threads, "threads verifying signatures");
  app.add_option("--runs", runs, "replays of the file; the median is reported");
  CLI11_PARSE(app, argc, argv);
  InitCrypto();

  // The ledger: `accounts` residents with 1,000.00 each, backed by the fund.
  Genesis g;
  g.currency_code = "ROUE";
  g.currency_name = "la Roue (bench)";
  g.board_keys = {KeyFor(-1).public_key()};
  g.created_at_ms = 1'700'000'000'000;
  std::vector<KeyPair> keys;
  for (int i = 0; i < accounts; ++i) {
    keys.push_back(KeyFor(i));
    g.accounts.push_back(GenesisAccount{keys.back().public_key(), AccountKind::kResident,
                                        "r" + std::to_string(i), Amount(100'000)});
  }
  g.opening_fund = Amount(int64_t{100'000} * accounts);
  const std::string genesis = codec::EncodeGenesis(g);
  std::unique_ptr<Ledger> ledger;
  if (!Ledger::Create(g, genesis, &ledger).ok()) Die("the bench genesis is refused");
  MemoryState state;
  Delta delta;
  if (!ledger->GenesisDelta(state, &delta).ok()) Die("the genesis state is refused");
  state.Commit(delta);

  // The journal: signed, applied, hashed and written as `liard audit export-journal` does.
  char path_template[] = "/tmp/liard-audit-bench-XXXXXX";
  if (::mkdtemp(path_template) == nullptr) Die("cannot make a temporary directory");
  const std::string path = std::string(path_template) + "/bench.journal";
  JournalFileWriter writer;
  if (!writer.Open(path, genesis).ok()) Die("cannot write " + path);
  std::mt19937_64 rng(42);
  std::vector<uint64_t> sequences(accounts, 0);
  Hash prev = ledger->id();
  const auto build_start = std::chrono::steady_clock::now();
  for (uint64_t n = 1; n <= entries; ++n) {
    const int from = static_cast<int>(rng() % accounts);
    int to = static_cast<int>(rng() % accounts);
    if (to == from) to = (to + 1) % accounts;
    Operation op;
    op.ledger_id = ledger->id();
    op.account = keys[from].public_key();
    op.sequence = ++sequences[from];
    op.payload = Transfer{keys[to].public_key(), Amount(1 + static_cast<int64_t>(rng() % 100)), ""};
    SignedOperation so = codec::SignOperation(op, ledger->id(), keys[from]);
    const std::string envelope = codec::EncodeEnvelope(so);
    VerifiedOperation v;
    if (!ledger->Preflight(std::move(so), &v).ok()) Die("a bench operation does not verify");
    const int64_t t = g.created_at_ms + static_cast<int64_t>(n);
    if (!ledger->Apply(state, v, ApplyContext{t}, &delta).ok()) Die("a bench transfer is refused");
    state.Commit(delta);
    JournalEntry e{n, t, prev, envelope};
    prev = EntryHash(e);
    pb::JournalEntry wire;
    wire.set_sequence(n);
    wire.set_time_ms(t);
    wire.set_prev_hash(std::string(e.prev_hash.view()));
    wire.set_entry_hash(std::string(prev.view()));
    wire.set_envelope(envelope);
    if (!writer.Add(wire).ok()) Die("cannot write " + path);
  }
  if (!writer.Finish(nullptr, nullptr).ok()) Die("cannot finish " + path);
  const double build_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();
  std::printf("journal: %llu transfers among %d residents, built in %.1f s\n",
              static_cast<unsigned long long>(entries), accounts, build_s);

  std::vector<double> rates, limits, rehash_rates;
  for (int r = 0; r < runs; ++r) {
    JournalFileReader reader;
    if (!reader.Open(path).ok()) Die("cannot read " + path);
    std::unique_ptr<Replay> replay;
    Genesis decoded;
    if (!codec::DecodeGenesis(reader.genesis(), &decoded).ok()) Die("the genesis does not decode");
    if (!Replay::Create(decoded, reader.genesis(), &replay).ok()) Die("cannot start the replay");
    PipelineStats stats;
    CliStatus s = RunPipeline(replay.get(), &reader, threads, nullptr, nullptr, 0, nullptr, &stats);
    if (!s.ok()) Die("the replay failed: " + s.message());
    if (replay->state().digest() != state.digest()) Die("the replay ends in another state");
    rates.push_back(static_cast<double>(stats.entries) / stats.seconds);
    limits.push_back(MeasureVerifyRate(threads, 2'000));
    // What a resumed run with nothing new pays: the file read again and entries 1 to N
    // re-hashed against the saved head (CheckContinuity), from opening the file to the verdict.
    const auto rehash_start = std::chrono::steady_clock::now();
    JournalFileReader again;
    if (!again.Open(path).ok()) Die("cannot read " + path);
    std::string why;
    if (!CheckContinuity(*replay, &again, &why).ok() || !why.empty())
      Die("the journal does not continue its own replay: " + why);
    rehash_rates.push_back(
        static_cast<double>(replay->sequence()) /
        std::chrono::duration<double>(std::chrono::steady_clock::now() - rehash_start).count());
    std::printf(
        "run %d: %.0f entries/s; Ed25519 verifies on %d thread%s: %.0f/s; ratio %.2f; resume "
        "check %.0f entries/s\n",
        r + 1, rates.back(), threads, threads == 1 ? "" : "s", limits.back(),
        rates.back() / limits.back(), rehash_rates.back());
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::vector<double> ratios;
  for (size_t i = 0; i < rates.size(); ++i) ratios.push_back(rates[i] / limits[i]);
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "median: %.0f entries/s, verify limit %.0f/s, ratio %.2f (target 0.80); resume check "
      "%.0f entries/s (%.1f%% of a fresh replay's time); peak RSS %ld MiB\n",
      median(rates), median(limits), median(ratios), median(rehash_rates),
      100.0 * median(rates) / median(rehash_rates), ru.ru_maxrss / 1024);
  ::unlink(path.c_str());
  ::rmdir(path_template);
  return 0;
}

}  // namespace
}  // namespace liard::wallet

int main(int argc, char** argv) { return liard::wallet::Main(argc, argv); }
