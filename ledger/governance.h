// Governance: the part of the ledger's state that the board decides — the rules in force, the
// board itself and its threshold, the emergency pause, and the proposals awaiting approval.
#ifndef LIARD_LEDGER_GOVERNANCE_H_
#define LIARD_LEDGER_GOVERNANCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/account.h"
#include "ledger/crypto.h"
#include "ledger/operation.h"
#include "ledger/rules.h"

namespace liard {

inline constexpr size_t kMaxPendingProposals = 64;

// A board decision waiting for approvals.
struct Proposal {
  Hash id;             // the operation id of the Propose that made it
  AccountId proposer;  // a board member
  Decision decision;
  int64_t expires_ms = 0;            // approvals after this are refused; it is then pruned
  std::vector<AccountId> approvals;  // board members who approved, proposer first, each once;
                                     // empty once its proposer withdrew it (Withdraw)

  bool withdrawn() const { return approvals.empty(); }
};

// One record in the state, written whole whenever it changes (rarely: board decisions only).
struct Governance {
  Rules rules;
  std::vector<AccountId> board;  // accounts holding the board-member role, sorted
  uint32_t threshold = 1;        // approvals that decide, 1 to board.size()
  bool paused = false;
  std::string pause_reason;
  std::vector<Proposal> pending;  // in the order proposed
  // The key that signs the node's checkpoints: the genesis's (version 2), then the latest
  // SetNodeKey decision's. A version 1 ledger names none until a board decision does.
  std::optional<PublicKey> node_key;
  // The rest of the set a SetNodeKeys decision named (its keys after the first, which is
  // node_key), in the decision's order; empty otherwise (SetNodeKey names one key).
  std::vector<PublicKey> more_node_keys;

  // Whether the ledger names `key` now for its nodes' checkpoints (and the node's own
  // operations): node_key or one of more_node_keys. Every check of a node key asks this.
  bool NamesNodeKey(const PublicKey& key) const;
  // Every key named now, node_key first; empty when none is (a version 1 ledger).
  std::vector<PublicKey> NodeKeys() const;

  bool IsBoardMember(const AccountId& id) const;
  const Proposal* FindProposal(const Hash& id) const;
};

// Version 3 (BoardGuarded): how many pending proposals one member may have, the 64 places shared
// equally by the board as it is (at least 1), so that no member can take another's places, nor
// block a proposal to freeze it by filling the list.
size_t ProposalCapPerMember(const Governance& g);

// The canonical bytes of the record: what the store keeps and the state digest hashes. Pure
// byte layout (docs/protocol.md, "The governance record"); Decode refuses trailing or missing
// bytes and unknown tags. A record without a node key keeps layout 1, byte for byte, so the state
// digests of version 1 ledgers never change; one that names a node key is layout 2 (layout 1,
// then the key); layouts 33 to 64 (bit 32) add, after the key, the rest of a SetNodeKeys set,
// only when there is one. Layouts 3 and 4 add the conversion fields to every rules(...), 5 to 8 the
// default programme: only when some rules of the record set them.
std::string EncodeGovernance(const Governance& g);
[[nodiscard]] bool DecodeGovernance(std::string_view bytes, Governance* out);

// SHA-256(kStateDomain || 'G' || EncodeGovernance(g)).
Hash GovernanceRecordHash(const Governance& g);

// The roles an account holds: from its kind, the roles granted to it, and the board list.
uint32_t RolesOf(const Account& account, const Governance& governance);

}  // namespace liard

#endif  // LIARD_LEDGER_GOVERNANCE_H_
