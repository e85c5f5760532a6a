// Genesis: the founding document of a currency. Its bytes, hashed, are the ledger id.
#ifndef LIARD_LEDGER_GENESIS_H_
#define LIARD_LEDGER_GENESIS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/account.h"
#include "ledger/amount.h"
#include "ledger/civil_time.h"
#include "ledger/crypto.h"
#include "ledger/domains.h"
#include "ledger/rules.h"
#include "ledger/status.h"

namespace liard {

// An account that exists from the start, e.g. the association's and the first exchange
// offices', or the balances of a currency migrated from another system.
struct GenesisAccount {
  AccountId id;
  AccountKind kind = AccountKind::kResident;
  std::string name;
  Amount opening_balance;  // units; must be covered by opening_fund
};

// Genesis versions. The version is part of the genesis bytes, so of the ledger id: a journal is
// replayed by the rules of its own version forever. `liard-node init` writes the current one.
// 1: the first wave's documents (no node key; the state digest is a sum of SHA-256 values,
// StateDigestRule 1). 2: names the node key that signs checkpoints; the state digest is a
// lattice hash (StateDigestRule 2); a board proposal whose decision could not apply to the state
// as it is is refused when proposed, not only at its last approval. 3: the security rules of
// December 2026 (see the predicates below and docs/protocol.md, "Threat model"). 4: names the
// currency's time zone, in which the monthly bonus cap and the daily limits count. 5: every
// transfer to a merchant, municipality or the association is refundable (ledger/ops/refund.cc).
// 6: a payment leaves no refund record in the state; a refund finds its payment in the journal
// (RefundsFromJournal). 7: every journal entry carries the term of the primary that wrote it,
// and the entry hash covers it (EntriesCarryTerm); `liard-node init --version 7` writes it.
inline constexpr uint32_t kGenesisVersion1 = 1;
inline constexpr uint32_t kGenesisVersion2 = 2;
inline constexpr uint32_t kGenesisVersion3 = 3;
inline constexpr uint32_t kGenesisVersion4 = 4;
inline constexpr uint32_t kGenesisVersion5 = 5;
inline constexpr uint32_t kGenesisVersion6 = 6;
inline constexpr uint32_t kGenesisVersion7 = 7;
// The newest version ValidateGenesis accepts; `liard-node init` writes kCurrentGenesisVersion
// unless asked for another.
inline constexpr uint32_t kLatestGenesisVersion = kGenesisVersion7;
inline constexpr uint32_t kCurrentGenesisVersion = kGenesisVersion6;

struct Genesis {
  uint32_t version = kGenesisVersion1;  // init writes kCurrentGenesisVersion
  std::string currency_code;            // "ROUE": 2 to 12 of A-Z and 0-9, starting with a letter
  std::string currency_name;            // "la Roue"
  uint32_t decimals = 2;                // minor units per unit = 10^decimals
  // Par value: one minor unit is worth par_num / par_den euro cents (1/1 for 1 unit = 1 €
  // with 2 decimals).
  int64_t par_num = 1;
  int64_t par_den = 1;
  std::vector<PublicKey> board_keys;
  uint32_t board_threshold = 1;  // M of N board signatures decide
  int64_t created_at_ms = 0;     // Unix time in milliseconds
  std::vector<GenesisAccount> accounts;
  Amount opening_fund;  // euro cents already in the guarantee fund at the start
  Rules rules;          // the first rules; board decisions change them later
  // Version 2: the Ed25519 key that signs the node's checkpoints, vouched for by the ledger id
  // (a change is a board decision). Version 1: none.
  std::optional<PublicKey> node_key;
  // Version 4 on, required: the IANA time zone of the currency ("Europe/Paris"); empty before.
  std::string time_zone;
};

// Which state digest a ledger's journal uses: 1 (sum of SHA-256 values mod 2^256) for version 1
// genesis documents, 2 (LtHash) from version 2 on.
inline uint32_t StateDigestRuleOf(const Genesis& genesis) { return genesis.version >= 2 ? 2 : 1; }

// Version 2 on: Propose runs its decision's checks against the current state (a dry run).
inline bool ProposalsCheckedWhenMade(const Genesis& genesis) {
  return genesis.version >= kGenesisVersion2;
}

// Version 3 on: an exchange office converts only for members of the kinds the rules allow,
// never for itself, and holds at most the rules' ceiling of cash not yet deposited.
inline bool OfficeConversionsGuarded(const Genesis& genesis) {
  return genesis.version >= kGenesisVersion3;
}

// Version 3 on: account names and memos carry no Unicode format characters, are in NFC, and
// merchant names are unique by their confusable skeleton.
inline bool NamesChecked(const Genesis& genesis) { return genesis.version >= kGenesisVersion3; }

// Version 3 on: the board's guards (a cap on each member's pending proposals, a removed or
// frozen member's proposals dropped, never fewer active signers than the threshold) and
// memberships that a renewal never shortens.
inline bool BoardGuarded(const Genesis& genesis) { return genesis.version >= kGenesisVersion3; }

// Version 3 on: every account key is a valid Ed25519 point of the main subgroup, checked when
// proposed as well as when applied.
inline bool AccountKeysChecked(const Genesis& genesis) {
  return genesis.version >= kGenesisVersion3;
}

// Version 4 on: the currency's days and months (the monthly bonus cap, the daily outgoing
// limits, the exports' dates) are those of its time zone; before, UTC's.
inline bool CountsInCurrencyZone(const Genesis& genesis) {
  return genesis.version >= kGenesisVersion4;
}

// Version 5 on: a transfer to a merchant, a municipality or the association records what of it
// may be refunded (one tally account per payment), so that the shop can refund any sale; before,
// only transfers that paid a payment request are refundable (those did not exist before, so no
// older entry changes meaning).
inline bool ShopPaymentsRefundable(const Genesis& genesis) {
  return genesis.version >= kGenesisVersion5;
}

// Version 6 on: a refundable payment (ShopPaymentsRefundable's) leaves nothing in the state; a
// refund finds the payment it names in the journal (ApplyContext::journal) and the state keeps
// only what was refunded of a payment, once something was. Version 5 wrote a tally record for
// every payment to a shop: one more balance, digest term and database key per sale, about a fifth
// of the node's throughput (docs/benchmarks.md). The refunds allowed are the same.
inline bool RefundsFromJournal(const Genesis& genesis) {
  return genesis.version >= kGenesisVersion6;
}

// Version 7 on: every journal entry carries a term (1 or more: the leadership term of the primary
// that wrote it, docs/protocol.md "Terms and failover"), covered by its hash, and no entry's term
// is lower than the one before it (CheckEntryTerm, ledger/journal.h). Before, every entry's term
// is 0 and its hash is the version 1 hash: old journals replay unchanged.
inline bool EntriesCarryTerm(const Genesis& genesis) { return genesis.version >= kGenesisVersion7; }

// The zone the currency counts its days and months in: the genesis's time zone from version 4
// on (CountsInCurrencyZone), UTC before. A validated genesis always names a zone ICU knows.
TimeZone CurrencyZone(const Genesis& genesis);

// Checks the document is coherent (codes, ranges, unique keys, threshold ≤ board size).
[[nodiscard]] Status ValidateGenesis(const Genesis& genesis);

// The ledger id: SHA-256(kGenesisDomain || genesis bytes).
Hash LedgerIdOf(std::string_view genesis_bytes);

// The valid name of an account or currency: 1 to 64 bytes of UTF-8 without control characters.
bool IsValidName(std::string_view name);
// Valid UTF-8 (no overlong forms, no surrogates) without C0/C1 control characters or DEL.
bool IsPrintableUtf8(std::string_view text);

}  // namespace liard

#endif  // LIARD_LEDGER_GENESIS_H_
