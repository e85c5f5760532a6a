// liard-digest-bench: the per-record cost of the state digest under each rule, and of the
// extendable-output functions rule 2 could have used, measured in the same run (see
// docs/benchmarks.md, "LtHash"). A record change costs two of these (the old record out, the
// new one in); the node makes about six per transfer on its applying thread.
#include <openssl/evp.h>
#include <time.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "ledger/journal.h"

namespace liard::bench {
namespace {

constexpr size_t kRecords = 20'000;

// This thread's CPU time in ns: on a shared machine, wall time also counts other programs'.
double CpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// CPU ns per call of `fn(i)` over `n` calls, the median of `runs` passes.
template <typename Fn>
Stats PerCall(int runs, size_t n, Fn fn) {
  std::vector<double> ns;
  for (int r = 0; r < runs; ++r) {
    const double t0 = CpuNs();
    for (size_t i = 0; i < n; ++i) fn(i);
    ns.push_back((CpuNs() - t0) / static_cast<double>(n));
  }
  return Summarise(ns);
}

// SHAKE-128/256 from libcrypto over the record hash, 2048 bytes out, added into the lanes as
// LtHash::Add does with ChaCha20's: the alternative rule 2 did not take.
class ShakeLanes {
 public:
  explicit ShakeLanes(const char* name)
      : md_(EVP_MD_fetch(nullptr, name, nullptr)), ctx_(EVP_MD_CTX_new()) {
    if (md_ == nullptr || ctx_ == nullptr) Die(std::string("no ") + name + " in libcrypto");
  }
  ~ShakeLanes() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  void Add(const Hash& record) {
    alignas(32) uint16_t e[LtHash::kLanes];
    if (EVP_DigestInit_ex(ctx_, md_, nullptr) != 1 ||
        EVP_DigestUpdate(ctx_, record.data.data(), record.size()) != 1 ||
        EVP_DigestFinalXOF(ctx_, reinterpret_cast<unsigned char*>(e), LtHash::kBytes) != 1)
      Die("SHAKE failed");
    for (size_t i = 0; i < LtHash::kLanes; ++i) lanes_[i] = static_cast<uint16_t>(lanes_[i] + e[i]);
  }
  uint16_t lane0() const { return lanes_[0]; }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
  alignas(32) uint16_t lanes_[LtHash::kLanes] = {};
};

int Main(int argc, char** argv) {
  int runs = 7;
  if (argc == 3 && std::string(argv[1]) == "--runs") {
    uint64_t v = 0;
    if (!ParseCount(argv[2], &v) || v < 1 || v > 1000) Die("--runs must be 1 to 1000");
    runs = static_cast<int>(v);
  } else if (argc != 1) {
    std::fprintf(stderr, "usage: liard-digest-bench [--runs 7]\n");
    return 2;
  }
  InitCrypto();
  std::printf("%s\n", MachineLine().c_str());
  std::vector<Hash> records;
  records.reserve(kRecords);
  for (size_t i = 0; i < kRecords; ++i) records.push_back(Sha256({"record", std::to_string(i)}));

  StateDigest sum(kStateDigestSum), lattice(kStateDigestLtHash);
  ShakeLanes shake256("SHAKE256"), shake128("SHAKE128");
  Account account;
  account.name = "Membre 12345";
  const Stats record_hash = PerCall(runs, kRecords, [&](size_t i) {
    account.sequence = i;
    records[i] = AccountRecordHash(account);
  });
  const Stats rule1 = PerCall(runs, kRecords, [&](size_t i) { sum.Add(records[i]); });
  const Stats rule2 = PerCall(runs, kRecords, [&](size_t i) { lattice.Add(records[i]); });
  const Stats s256 = PerCall(runs, kRecords, [&](size_t i) { shake256.Add(records[i]); });
  const Stats s128 = PerCall(runs, kRecords, [&](size_t i) { shake128.Add(records[i]); });
  Hash last;
  const Stats checksum = PerCall(runs, 1'000, [&](size_t) { last = lattice.value(); });

  std::printf("%zu records, median of %d passes, CPU ns per record (min-max):\n", kRecords, runs);
  auto line = [](const char* what, const Stats& s) {
    std::printf("  %-58s %8.0f  (%.0f-%.0f)\n", what, s.median, s.min, s.max);
  };
  line("record hash (AccountRecordHash, SHA-256), for scale", record_hash);
  line("rule 1: add a record hash to the 256-bit sum", rule1);
  line("rule 2: LtHash add, ChaCha20 expansion (2048 B) + lanes", rule2);
  line("alternative: SHAKE-256 expansion (2048 B) + lanes", s256);
  line("alternative: SHAKE-128 expansion (2048 B) + lanes", s128);
  line("rule 2: the 32-byte digest (SHA-256 of 2048 B), per call", checksum);
  std::printf("SHAKE-256 / ChaCha20: %.1fx; SHAKE-128 / ChaCha20: %.1fx\n",
              s256.median / rule2.median, s128.median / rule2.median);
  std::printf("%s\n", MachineLine().c_str());
  // Keep the sums alive so that nothing above is optimised away.
  std::printf("(%s %s %u %u)\n", ToHex(sum.value()).substr(0, 8).c_str(),
              ToHex(last).substr(0, 8).c_str(), shake256.lane0(), shake128.lane0());
  return 0;
}

}  // namespace
}  // namespace liard::bench

int main(int argc, char** argv) { return liard::bench::Main(argc, argv); }
