// A refusal by the ledger, said by the wallet in the user's language: from the code and the
// figures the node sends as integers (docs/protocol.md, section 11), never from the node's
// English sentence. Each code has one or more templates (English msgids translated in
// po/fr-refusal.po) whose placeholders are the figures' names; the first template whose figures
// are all present is used, amounts through Money and times through LocalDateTime. A code
// without a template, or a refusal without the figures of any, gets a generic sentence naming
// the code: "the ledger refused the operation: INSUFFICIENT_FUNDS (205)".
#ifndef LIARD_WALLET_CLI_REFUSAL_H_
#define LIARD_WALLET_CLI_REFUSAL_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"
#include "liard/v1/node.pb.h"
#include "wallet-cli/format.h"

namespace liard::wallet {

// A figure's name -> its value ("balance_units" -> 8750). The suffix says how it is shown:
// "_units" Money::Units, "_cents" Money::Euros, "_ms" LocalDateTime, none a plain number.
using Figures = std::map<std::string, int64_t>;

// What the node said of a refused operation, as numbers.
struct Refusal {
  uint32_t code = 0;      // the rejection code (liard-code, SubmitResponse.code)
  std::string code_name;  // the node's name of it, used only for a code this wallet does not know
  Figures figures;        // liard-figure-* trailers, SubmitResponse.figures
  uint32_t leg = 0;       // a multi-leg payment's first bad leg (1-based), else 0
};

// The refusal of a batch result or of a simulation (their code, figures and leg).
Refusal RefusalOf(const ::liard::v1::SubmitResponse& r);
Refusal RefusalOf(const ::liard::v1::SimulateResponse& r);

// How the sentence is framed.
enum class RefusalFrame {
  kRefused,      // "refused: INSUFFICIENT_FUNDS: the balance is 87.50 ROUE, less than 500.00 ROUE"
  kWouldRefuse,  // "the ledger would refuse this: INSUFFICIENT_FUNDS: the balance is ..."
  kBare,         // "INSUFFICIENT_FUNDS: the balance is ...", for a listing that names the line
};

// The refusal in one sentence in the current language (wallet-cli/i18n.h). A leg is named
// ("leg 3: ...") except in kBare, whose caller names the line.
std::string DescribeRefusal(const Refusal& r, const Money& money,
                            RefusalFrame frame = RefusalFrame::kRefused);

// The sentence of the first template of `code` whose figures are all in `figures`, without
// the code's name; empty when there is none.
std::string RefusalSentence(Code code, const Figures& figures, const Money& money);

// The English templates (msgids) of `code`, in the order they are tried; for the tests.
std::vector<const char*> RefusalTemplates(Code code);
// The figure names a template's placeholders need ("{balance_units}" -> "balance_units").
std::vector<std::string> TemplateFigures(std::string_view msgid);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_REFUSAL_H_
