// What the store's tests share: a temporary directory, opening a store, and journal entries made
// the way the node's applier makes them.
#ifndef LIARD_TESTS_NODE_STORE_FIXTURE_H_
#define LIARD_TESTS_NODE_STORE_FIXTURE_H_

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "node/store.h"
#include "proto/codec.h"
#include "tests/ledger/fixture.h"

namespace liard::testing {

// A directory name under the system's temporary directory, unique to this test, removed with
// everything in it at the end. Not created: the store creates it, as the node does.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "liard-store-test-") {
    std::random_device rd;
    path_ = (std::filesystem::temp_directory_path() /
             (prefix + std::to_string(rd()) + "-" + std::to_string(rd())))
                .string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline std::unique_ptr<node::Store> OpenStore(const std::string& dir, bool create,
                                              node::StorageEnv& env = node::StorageEnv::Default()) {
  std::unique_ptr<node::Store> store;
  Status s = node::Store::Open(dir, create, &store, env);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return store;
}

// Opens the store in `dir` and loads it into a state of digest rule `rule`: the Load's result.
inline Status ReopenAndLoad(const std::string& dir, uint32_t rule = kStateDigestSum) {
  auto store = OpenStore(dir, /*create=*/false);
  MemoryState loaded(rule);
  node::HeadState head;
  return store->Load(&loaded, &head);
}

// Builds journal entries the way the node's applier does: sign, decode, preflight, apply, commit
// the delta to the working state, and chain the entry to the previous one.
class Chain {
 public:
  explicit Chain(Fixture& f) : f_(f), head_{0, f.ledger().id(), 0} {}

  node::AppliedOperation Apply(const Operation& op) {
    std::string envelope = f_.Sign(op);
    SignedOperation so;
    REQUIRE(codec::DecodeEnvelope(envelope, &so).ok());
    VerifiedOperation v;
    REQUIRE(f_.ledger().Preflight(std::move(so), &v).ok());
    int64_t now = 1'700'000'000'000 + 1'000 * static_cast<int64_t>(head_.sequence + 1);
    Delta d;
    Status s = f_.ledger().Apply(f_.state(), v, f_.Context(now), &d);
    INFO(s.ToString());
    REQUIRE(s.ok());
    f_.Commit(v, d);
    node::AppliedOperation a;
    a.entry = JournalEntry{head_.sequence + 1, now, head_.head_hash, envelope, term};
    a.entry_hash = EntryHash(a.entry);
    a.op_id = v.id();
    a.touched = TouchedAccounts(v.op(), d);
    a.delta = std::move(d);
    head_ = node::HeadState{a.entry.sequence, a.entry_hash, now, term};
    return a;
  }

  // The term the next entries carry (a version 7 ledger's; 0 before).
  uint64_t term = 0;

  const node::HeadState& head() const { return head_; }

 private:
  Fixture& f_;
  node::HeadState head_;
};

inline Fixture TwoMembers() {
  return Fixture({Member{"alice", AccountKind::kResident, 100'000},
                  Member{"bob", AccountKind::kResident, 100'000}});
}

// `per_group` one-cent transfers between alice and bob, back and forth, chained.
inline std::vector<node::AppliedOperation> TransferGroup(Fixture& f, Chain& chain, int per_group) {
  std::vector<node::AppliedOperation> group;
  for (int i = 0; i < per_group; ++i)
    group.push_back(
        chain.Apply(i % 2 ? f.TransferOp("bob", "alice", 1) : f.TransferOp("alice", "bob", 1)));
  return group;
}

// Appends `groups` such groups, each of which must succeed.
inline void AppendGroups(node::Store* store, Fixture& f, Chain& chain, int groups, int per_group) {
  for (int g = 0; g < groups; ++g) {
    Status s = store->Append(TransferGroup(f, chain, per_group), f.state());
    INFO(s.ToString());
    REQUIRE(s.ok());
  }
}

// Initialises a ledger in `dir` (closed: the genesis is in table files), then reopens it on `env`
// and appends `entries` entries in groups of 100.
inline std::unique_ptr<node::Store> Prepare(const std::string& dir, Fixture& f, Chain& chain,
                                            int entries,
                                            node::StorageEnv& env = node::StorageEnv::Default()) {
  {
    auto store = OpenStore(dir, /*create=*/true);
    REQUIRE(store->Initialize(codec::EncodeGenesis(f.genesis()), f.ledger().id(), f.state()).ok());
  }
  auto store = OpenStore(dir, /*create=*/false, env);
  AppendGroups(store.get(), f, chain, entries / 100, 100);
  return store;
}

}  // namespace liard::testing

#endif  // LIARD_TESTS_NODE_STORE_FIXTURE_H_
