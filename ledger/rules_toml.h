// Rules TOML: the one reader of the rules tables ([rules], [[programmes]], [[limits]]), shared
// by the node's genesis file (node/config.cc) and the wallet's `board propose set-rules`. Text
// in, Rules and a Status out; no file is read here. The keys, their meaning and the messages are
// those of docs/operator.md ("The genesis file") and docs/wallet.md ("set-rules").
#ifndef LIARD_LEDGER_RULES_TOML_H_
#define LIARD_LEDGER_RULES_TOML_H_

#include <string_view>

#include "ledger/rules.h"
#include "ledger/status.h"

namespace liard {

// What the tables are read for.
enum class RulesDocument {
  // A genesis file: the first rules, from the defaults of Rules. A zero conversion_min,
  // reconversion_min or programme step means the default (1 minor unit); a programme names its
  // ratio and may open a budget; other top-level tables are the caller's to check.
  kGenesis,
  // A change of the rules in force (set-rules): what the file does not name stays as in force;
  // a [[programmes]] entry starts from the programme of that name in force (or the defaults);
  // a [[limits]] entry replaces that kind's limits; a budget is refused (sponsors' euros are
  // journaled by fund-programme); no other top-level table is allowed.
  kChange,
};

// Reads the rules tables of the TOML document `text` (`source` names it in messages, "file:line:
// ...") into *rules, which holds the defaults or the rules in force. Amounts of the currency
// have `decimals` decimals and are called `unit` in messages; euro amounts have 2. Refusals are
// kInvalidArgument naming the file, the line and the key; *rules is then unspecified. The result
// is not checked as a whole: callers run ValidateRules (or ValidateGenesis).
[[nodiscard]] Status ParseRulesToml(std::string_view text, std::string_view source,
                                    RulesDocument document, int decimals, std::string_view unit,
                                    Rules* rules);

}  // namespace liard

#endif  // LIARD_LEDGER_RULES_TOML_H_
