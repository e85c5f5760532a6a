// What a board decision changes, in words, before -> after, against the ledger as it is now:
// what a board member reads before proposing or approving it, and what `board list` shows.
#ifndef LIARD_WALLET_CLI_BOARD_DIFF_H_
#define LIARD_WALLET_CLI_BOARD_DIFF_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger/operation.h"
#include "ledger/rules.h"
#include "liard/v1/node.pb.h"
#include "wallet-cli/format.h"

namespace liard::wallet {

namespace pb = ::liard::v1;

// The governance in force, as GetGovernance answered at journal entry `sequence`.
struct BoardState {
  uint64_t sequence = 0;
  Rules rules;
  size_t board_size = 0;
  std::vector<AccountId> board;
  uint32_t threshold = 1;
  bool paused = false;
  std::string pause_reason;
  std::optional<PublicKey> node_key;  // the key the ledger names for checkpoints, if any
  std::vector<PublicKey> node_keys;   // every key it names (node_key first); empty: none
};

// An account's public card (LookupAccount); false when the ledger has no such account.
using CardFn = std::function<bool(const AccountId&, pb::AccountCard*)>;
// "Alice Martin (roue1qfull…address)": the name and the whole address.
using WhoFn = std::function<std::string(const AccountId&)>;

struct Change {
  std::string summary;             // one line: "change the rules: 3 changes (reconversion fee…)"
  std::vector<std::string> lines;  // each change: "reconversion fee: 5/100 (5 %) → 3/100 (3 %)"
  std::vector<std::string> unchanged;  // what stays: "backing", "conversion minimum", ...
  std::vector<std::string> warnings;   // what the ledger will refuse, seen from here
};

// Pure: `now` and the lookups are all it reads.
Change DescribeChange(const Decision& decision, const BoardState& now, const WhoFn& who,
                      const CardFn& card_of, const Money& money);

// The summary, then each line indented by `indent`, then "unchanged: a, b, c" and the warnings.
std::string RenderChange(const Change& change, const std::string& indent);

// The rules' differences alone (SetRules), for tests and `board list`.
// `who`, when given, names the accounts the association's share lists.
void DiffRules(const Rules& before, const Rules& after, const Money& money, Change* out,
               const WhoFn* who = nullptr);

// Demurrage in words: "0,82 % a month of what is held above 100,00 ROUE, from décembre 2026",
// or "off".
std::string DemurrageRuleText(const Demurrage& d, const Money& money);

// An account kind as sent over the wire, in the reader's language: "merchant", "commerçant".
std::string KindLabel(int wire_kind);

// "5/100 (5 %)", "12/10 (+20 %)" for a bonus ratio, "1/3" when no exact percentage exists.
enum class RatioOf { kPlain, kBonus };  // kBonus: num/den of euros given as units, shown as +x %
std::string RatioWithPercent(int64_t num, int64_t den, const Money& money,
                             RatioOf of = RatioOf::kPlain);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_BOARD_DIFF_H_
