// TransferIndex: the refundable payments of a journal, held in memory, for a replay of a version 6
// ledger (RefundsFromJournal), where a refund finds its payment in the journal rather than in the
// state. The node reads its store instead (node/applier.cc).
#ifndef LIARD_LEDGER_TRANSFER_INDEX_H_
#define LIARD_LEDGER_TRANSFER_INDEX_H_

#include <cstddef>
#include <string>
#include <unordered_map>

#include "ledger/bytes.h"
#include "ledger/genesis.h"
#include "ledger/operation.h"
#include "ledger/state.h"

namespace liard {

class TransferIndex final : public JournalView {
 public:
  // After `op` (id `op_id`) was applied to `state`: keeps it if it is a plain transfer that may
  // be refunded (RefundablePayment), the only ones a refund can name. Others cost nothing.
  void Add(const Hash& op_id, const Operation& op, const Genesis& genesis, const StateView& state);

  [[nodiscard]] Status FindTransfer(const Hash& op_id, JournalTransfer* out) const override;

  size_t size() const { return transfers_.size(); }

  // Every transfer, sorted by id, for a replay's snapshot; Decode reads them back (false if they
  // do not decode) into an empty index.
  void Encode(ByteWriter* out) const;
  [[nodiscard]] bool Decode(ByteReader* in);

 private:
  std::unordered_map<Hash, JournalTransfer> transfers_;
};

}  // namespace liard

#endif  // LIARD_LEDGER_TRANSFER_INDEX_H_
