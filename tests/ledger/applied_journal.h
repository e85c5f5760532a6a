// A journal applied operation by operation on a Fixture, keeping what each entry did (its
// delta and the totals after it), as an auditor's replay yields them to the audit's builders.
#ifndef LIARD_TESTS_LEDGER_APPLIED_JOURNAL_H_
#define LIARD_TESTS_LEDGER_APPLIED_JOURNAL_H_

#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "ledger/audit.h"
#include "tests/ledger/fixture.h"

namespace liard::testing {

// La Roue's rules for these tests: the agglomeration's bonus programme "agglo" (10 € = 12 units,
// a 100,00 € budget from "Grand Avignon") and a 5 % reconversion fee, rounded up.
inline void AgglomerationRules(Genesis* g) {
  Programme p;
  p.name = "agglo";
  p.sponsor = "Grand Avignon";
  p.ratio_num = 12;
  p.ratio_den = 10;
  p.opening_budget = 10'000;
  g->rules.programmes = {p};
  g->rules.reconversion = {5, 100, 1};
}

struct AppliedJournal {
  explicit AppliedJournal(Fixture fixture) : f(std::move(fixture)) {}

  Fixture f;
  struct Done {
    uint64_t sequence;
    int64_t time_ms;
    Hash id;
    Operation op;
    Delta delta;
    Totals totals;
  };
  std::vector<Done> done;

  // Applies `op` at `time_ms` (it must be accepted) and records it as the next entry.
  void Apply(const Operation& op, int64_t time_ms) {
    SignedOperation so;
    REQUIRE(codec::DecodeEnvelope(f.Sign(op), &so).ok());
    VerifiedOperation v;
    REQUIRE(f.ledger().Preflight(std::move(so), &v).ok());
    Delta d;
    Status s = f.ledger().Apply(f.state(), v, f.Context(time_ms), &d);
    INFO(s.ToString());
    REQUIRE(s.ok());
    f.Commit(v, d);
    done.push_back({done.size() + 1, time_ms, v.id(), op, std::move(d), f.state().totals()});
  }
  AppliedEntry Entry(const Done& d) const {
    return AppliedEntry{d.sequence, d.time_ms, d.id, &d.op, &d.delta};
  }
};

}  // namespace liard::testing

#endif  // LIARD_TESTS_LEDGER_APPLIED_JOURNAL_H_
