// Test fixture: a real genesis, real keys and signatures, a MemoryState, and a submit path
// that goes through the wire encoding exactly as the node's will.
#ifndef LIARD_TESTS_LEDGER_FIXTURE_H_
#define LIARD_TESTS_LEDGER_FIXTURE_H_

#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/memory_state.h"
#include "ledger/transfer_index.h"
#include "proto/codec.h"

// Shows the refusal's code and message when an operation that should pass does not.
#define REQUIRE_OK(expr)      \
  do {                        \
    Status status_ = (expr);  \
    INFO(status_.ToString()); \
    REQUIRE(status_.ok());    \
  } while (0)

namespace liard::testing {

// The seed of a property test: LIARD_TEST_SEED when set (to replay a failure), else random.
// Each test prints the seed it used.
inline uint64_t PropertySeed() {
  if (const char* s = std::getenv("LIARD_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

// Deterministic keys so failures reproduce: the seed is the name's hash.
inline KeyPair KeyFor(std::string_view name) {
  Hash h = Sha256({"liard-test-key/", name});
  Seed seed;
  seed.data = h.data;
  return KeyPair::FromSeed(seed);
}

struct Member {
  std::string name;
  AccountKind kind;
  int64_t opening = 0;
};

class Fixture {
 public:
  // A la Roue ledger: the association, one office, and `members`; the fund covers the openings.
  explicit Fixture(std::vector<Member> members = {}, int64_t extra_fund = 0,
                   const std::function<void(Genesis*)>& customize = nullptr) {
    genesis_.currency_code = "ROUE";
    genesis_.currency_name = "la Roue";
    genesis_.board_keys = {KeyFor("board-1").public_key(), KeyFor("board-2").public_key(),
                           KeyFor("board-3").public_key()};
    genesis_.board_threshold = 2;
    for (const char* b : {"board-1", "board-2", "board-3"}) Remember(b);
    genesis_.created_at_ms = 1'700'000'000'000;
    members.insert(members.begin(), {Member{"association", AccountKind::kAssociation, 0},
                                     Member{"office", AccountKind::kExchangeOffice, 0}});
    int64_t fund = extra_fund;
    for (const auto& m : members) {
      genesis_.accounts.push_back(
          GenesisAccount{KeyFor(m.name).public_key(), m.kind, m.name, Amount(m.opening)});
      fund += m.opening;
    }
    genesis_.opening_fund = Amount(fund);
    if (customize) customize(&genesis_);
    genesis_bytes_ = codec::EncodeGenesis(genesis_);
    Status s = Ledger::Create(genesis_, genesis_bytes_, &ledger_);
    if (!s.ok()) throw std::runtime_error(s.ToString());
    state_ = MemoryState(StateDigestRuleOf(genesis_));
    Delta d;
    s = ledger_->GenesisDelta(state_, &d);
    if (!s.ok()) throw std::runtime_error(s.ToString());
    state_.Commit(d);
  }

  const Ledger& ledger() const { return *ledger_; }
  MemoryState& state() { return state_; }
  // The journal so far as a version 6 refund reads it (the refundable payments applied), and the
  // apply context that carries it.
  const TransferIndex& journal() const { return transfers_; }
  ApplyContext Context(int64_t now_ms) const { return ApplyContext{now_ms, &transfers_}; }
  // Commits what `v` did to the state and records it in the journal, as the node does.
  void Commit(const VerifiedOperation& v, const Delta& d) {
    state_.Commit(d);
    if (RefundsFromJournal(ledger_->genesis()))
      transfers_.Add(v.id(), v.op(), ledger_->genesis(), state_);
  }
  const Genesis& genesis() const { return genesis_; }

  static AccountId Id(std::string_view name) { return KeyFor(name).public_key(); }
  int64_t BalanceOf(std::string_view name) const {
    return state_.Balance(BookKey::Member(Id(name)));
  }
  uint64_t NextSequence(std::string_view name) const {
    const Account* a = state_.FindAccount(Id(name));
    return a ? a->sequence + 1 : 1;
  }

  Operation MakeOp(std::string_view actor, Payload payload) const {
    Operation op;
    op.ledger_id = ledger_->id();
    op.account = Id(actor);
    op.sequence = NextSequence(actor);
    op.payload = std::move(payload);
    return op;
  }

  Operation TransferOp(std::string_view from, std::string_view to, int64_t amount,
                       std::string memo = "") const {
    return MakeOp(from, Transfer{Id(to), Amount(amount), std::move(memo)});
  }

  // Signs with the actor's key unless another is given.
  std::string Sign(const Operation& op, const KeyPair* key = nullptr) const {
    KeyPair k = key ? *key : KeyFor(NameOf(op.account));
    return codec::EncodeEnvelope(codec::SignOperation(op, ledger_->id(), k));
  }

  // The node's path: decode the envelope, preflight, apply, commit on success. `applied`, if
  // given, receives what the operation did (its delta and id), as a replay hands it to reports.
  Status SubmitEnvelope(std::string_view envelope, int64_t now_ms = 1'700'000'000'000,
                        Delta* applied = nullptr, Hash* id = nullptr) {
    SignedOperation so;
    Status s = codec::DecodeEnvelope(envelope, &so);
    if (!s.ok()) return s;
    VerifiedOperation v;
    s = ledger_->Preflight(std::move(so), &v);
    if (!s.ok()) return s;
    Delta d;
    s = ledger_->Apply(state_, v, Context(now_ms), &d);
    if (!s.ok()) {
      if (!d.accounts.empty() || !d.postings.empty())
        throw std::logic_error("a refused operation left a delta");
      return s;
    }
    Commit(v, d);
    last_note_ = d.note;
    if (id != nullptr) *id = v.id();
    if (applied != nullptr) *applied = std::move(d);
    return s;
  }

  Status Submit(const Operation& op) { return SubmitEnvelope(Sign(op)); }
  Status SubmitAt(const Operation& op, int64_t now_ms) { return SubmitEnvelope(Sign(op), now_ms); }

  // The note of the last accepted operation (e.g. why a bonus was reduced).
  const std::string& last_note() const { return last_note_; }

  int64_t Total(liard::Slot slot) const { return state_.totals()[static_cast<size_t>(slot)]; }
  int64_t Circulation() const {
    return Total(Slot::kMember) + Total(Slot::kEarmarked) + Total(Slot::kPaper);
  }
  int64_t Reserve() const { return Total(Slot::kFund) + Total(Slot::kOfficeCash); }
  int64_t Held(liard::Slot slot, const Bytes<32>& owner) const {
    return state_.Balance(BookKey{slot, owner});
  }

  // A customisation for a version 2 genesis (node key named; state digest rule 2, LtHash).
  static void Version2(Genesis* g) {
    g->version = kGenesisVersion2;
    g->node_key = KeyFor("node").public_key();
  }

  // A customisation for a version 3 genesis (the security rules of December 2026).
  static void Version3(Genesis* g) {
    Version2(g);
    g->version = kGenesisVersion3;
  }

  // A customisation for a version 4 genesis in Europe/Paris (its days and months are Paris's).
  static void Version4(Genesis* g) {
    Version2(g);
    g->version = kGenesisVersion4;
    g->time_zone = "Europe/Paris";
  }

  // Registers a name so Sign() can find the key of an account opened during the test.
  void Remember(std::string name) { names_[Id(name)] = std::move(name); }

 private:
  std::string NameOf(const AccountId& id) const {
    auto it = names_.find(id);
    if (it != names_.end()) return it->second;
    for (const auto& a : genesis_.accounts)
      if (a.id == id) return a.name;
    throw std::logic_error("no key known for this account");
  }

  Genesis genesis_;
  std::string genesis_bytes_;
  std::unique_ptr<Ledger> ledger_;
  MemoryState state_;
  TransferIndex transfers_;
  std::map<AccountId, std::string> names_;
  std::string last_note_;
};

}  // namespace liard::testing

#endif  // LIARD_TESTS_LEDGER_FIXTURE_H_
