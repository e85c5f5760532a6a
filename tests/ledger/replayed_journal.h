// The journal a node would have written for a Fixture, entry by entry and hash-chained, which a
// test may extend with entries no node would write (a forgery) and give to the auditor's replay
// (ledger/replay.h). Shared by the request, refund, staff-key and card tests.
#ifndef LIARD_TESTS_LEDGER_REPLAYED_JOURNAL_H_
#define LIARD_TESTS_LEDGER_REPLAYED_JOURNAL_H_

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ledger/journal.h"
#include "ledger/replay.h"
#include "proto/codec.h"
#include "tests/ledger/fixture.h"

namespace liard::testing {

struct ReplayedJournal {
  explicit ReplayedJournal(Fixture fixture) : f(std::move(fixture)) {}

  Fixture f;
  std::vector<JournalEntry> entries;
  std::vector<Hash> hashes;

  // Chains `envelope` as the next entry, whatever the ledger thinks of it.
  void Append(std::string envelope, int64_t time_ms) {
    JournalEntry e{entries.size() + 1, time_ms, hashes.empty() ? f.ledger().id() : hashes.back(),
                   std::move(envelope)};
    hashes.push_back(EntryHash(e));
    entries.push_back(std::move(e));
  }

  // Signs `op` (with `key`, or the acting account's own key), applies it (it must be accepted)
  // and chains it; returns its operation id.
  Hash Add(const Operation& op, int64_t time_ms, const KeyPair* key = nullptr) {
    const std::string envelope = f.Sign(op, key);
    Hash id;
    REQUIRE_OK(f.SubmitEnvelope(envelope, time_ms, nullptr, &id));
    Append(envelope, time_ms);
    return id;
  }

  // Replays `these` entries (with their hashes) from the genesis, as an auditor does; stops at
  // the first refusal, whose discrepancy (*out)->discrepancy() tells.
  Status Replayed(const std::vector<JournalEntry>& these, const std::vector<Hash>& their_hashes,
                  std::unique_ptr<Replay>* out) const {
    REQUIRE(Replay::Create(f.genesis(), codec::EncodeGenesis(f.genesis()), out).ok());
    for (size_t i = 0; i < these.size(); ++i) {
      PreparedEntry p;
      (*out)->Prepare(these[i], their_hashes[i], codec::DecodeEnvelope, &p);
      Status s = (*out)->Commit(&p);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
  Status Replayed(std::unique_ptr<Replay>* out) const { return Replayed(entries, hashes, out); }

  // Goes on with `replay` (resumed from a snapshot, say) from entry `from` to the end.
  Status Continue(Replay* replay, uint64_t from) const {
    for (size_t i = from - 1; i < entries.size(); ++i) {
      PreparedEntry p;
      replay->Prepare(entries[i], hashes[i], codec::DecodeEnvelope, &p);
      Status s = replay->Commit(&p);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  // The whole journal replayed, and its state digest equal to the fixture's.
  Status ReplayedToSameDigest() {
    std::unique_ptr<Replay> r;
    Status s = Replayed(&r);
    if (!s.ok()) return s;
    if (r->state().digest() != f.state().digest())
      return Status(Code::kCorruption, "the replayed digest differs");
    return Status::Ok();
  }
};

}  // namespace liard::testing

#endif  // LIARD_TESTS_LEDGER_REPLAYED_JOURNAL_H_
