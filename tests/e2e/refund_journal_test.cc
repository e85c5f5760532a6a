// Genesis version 6 (RefundsFromJournal): a refund finds the payment it names in the node's
// journal, whether the payment is in the same group (not yet in the store), in the store, or
// written before a restart; and the journal replays through the core to the node's own state.
#include <catch2/catch.hpp>

#include "ledger/genesis.h"
#include "proto/codec.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

AccountId Id(std::string_view name) { return testing::KeyFor(name).public_key(); }

pb::SignedOperation SignRefund(const Client& c, const Hash& original, int64_t amount,
                               uint64_t sequence) {
  Operation op;
  op.account = Id("shop");
  op.sequence = sequence;
  op.payload = Refund{original, Id("alice"), Amount(amount), "pain rassis"};
  return c.Sign(testing::KeyFor("shop"), std::move(op));
}

TEST_CASE(
    "version 6: a refund finds its payment in the journal, in its batch, later, after a "
    "restart",
    "[refund]") {
  TempDir tmp;
  const std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  NodeProcess node(data);
  node.Start();
  Client c(node.channel());
  Genesis genesis;
  REQUIRE(codec::DecodeGenesis(c.genesis_bytes(), &genesis).ok());
  REQUIRE(genesis.version == kGenesisVersion6);  // what `liard-node init` writes

  // The payment and its refund in one batch: the refund finds the payment among the group's
  // operations, which the store does not hold yet.
  const pb::SignedOperation sale = c.SignTransfer("alice", "shop", 12'50, 1, "pain et fromage");
  const Hash sale_id = c.OperationIdOf(sale);
  pb::SubmitBatchResponse batch;
  REQUIRE(c.SubmitBatch({sale, SignRefund(c, sale_id, 5'00, 1)}, &batch).ok());
  REQUIRE(batch.results_size() == 2);
  INFO(batch.results(0).code_name()
       << " " << batch.results(1).code_name() << ": " << batch.results(1).message());
  CHECK(batch.results(0).code() == 0);
  CHECK(batch.results(1).code() == 0);
  CHECK(batch.results(1).sequence() == batch.results(0).sequence() + 1);

  // A later call: the payment is read from the store; one cent more than what is left is refused
  // with the figures, and nothing moves.
  SubmitOutcome rest = c.Submit(SignRefund(c, sale_id, 7'50, 2));
  CHECK(rest.status.ok());
  SubmitOutcome cent = c.Submit(SignRefund(c, sale_id, 1, 3));
  CHECK(cent.liard_code_name == "REFUND_EXCEEDS");
  CHECK(c.Balance("alice") == 100'00);

  // After a restart (the working state is loaded without the journal), a second payment made
  // before it is found in the store.
  const pb::SignedOperation sale2 = c.SignTransfer("alice", "shop", 3'00, 2);
  REQUIRE(c.Submit(sale2).status.ok());
  REQUIRE(node.Stop() == 0);
  node.Start();
  Client again(node.channel());
  SubmitOutcome after = again.Submit(SignRefund(again, again.OperationIdOf(sale2), 3'00, 3));
  INFO(after.status.error_message());
  CHECK(after.status.ok());
  // A payment to a resident, an unknown id: not refundable.
  const pb::SignedOperation gift = again.SignTransfer("alice", "bob", 1'00, 3);
  REQUIRE(again.Submit(gift).status.ok());
  CHECK(again.Submit(SignRefund(again, again.OperationIdOf(gift), 1, 4)).liard_code_name ==
        "NOT_REFUNDABLE");
  CHECK(again.Submit(SignRefund(again, Sha256({"nothing"}), 1, 4)).liard_code_name ==
        "NOT_REFUNDABLE");
  CHECK(again.Balance("alice") == 99'00);

  // The journal replays through the core, with the refunds finding their payments, to the
  // node's own state digest.
  const auto entries = again.Journal();
  CHECK(VerifyChain(entries, again.ledger_id()) == "");
  Replay replay;
  REQUIRE(ReplayJournal(again.genesis_bytes(), entries, &replay) == "");
  CHECK(replay.transfers.size() == 2);
  CHECK(std::string(replay.state.digest().view()) == again.Head().state_digest());
}

}  // namespace
}  // namespace liard::e2e
