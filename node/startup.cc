#include "node/startup.h"

#include "proto/codec.h"

namespace liard::node {

Status OpenLedgerDir(const std::string& data, OpenedLedger* out) {
  Status s = Store::Open(data, /*create=*/false, &out->store);
  if (!s.ok()) return s;
  if (!out->store->initialized())
    return Status(Code::kNotFound,
                  data + " holds no ledger; create one with `liard-node init --data " + data +
                      " --demo` (or --genesis FILE)");
  Hash stored_id;
  s = out->store->ReadGenesis(&out->genesis_bytes, &stored_id);
  if (s.ok()) s = codec::DecodeGenesis(out->genesis_bytes, &out->genesis);
  if (s.ok()) s = Ledger::Create(out->genesis, out->genesis_bytes, &out->ledger);
  if (!s.ok())
    return Status(Code::kCorruption, "cannot read the genesis in " + data + ": " + s.ToString());
  if (out->ledger->id() != stored_id)
    return Status(Code::kCorruption, "the genesis stored in " + data +
                                         " does not hash to its ledger id: the data directory is "
                                         "damaged");
  out->state = std::make_unique<MemoryState>(StateDigestRuleOf(out->genesis));
  // The store's messages name the path.
  return out->store->Load(out->state.get(), &out->head);
}

}  // namespace liard::node
