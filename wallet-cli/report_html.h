// The general assembly's report: one self-contained HTML page (inline CSS and SVG, no script, no
// external file) that reads on screen and prints on A4, in the wallet's language (French or
// English: wallet-cli/i18n.h).
#ifndef LIARD_WALLET_CLI_REPORT_HTML_H_
#define LIARD_WALLET_CLI_REPORT_HTML_H_

#include <map>
#include <string>
#include <string_view>

#include "ledger/money.h"
#include "ledger/report.h"

namespace liard::wallet {

struct ReportInput {
  std::string currency_name;  // "la Roue"
  std::string currency_code;  // "ROUE"
  int decimals = 2;           // of the units
  std::string ledger_id_hex;
  uint64_t sequence = 0;     // the journal entry the report stops at
  int64_t time_ms = 0;       // its time
  int64_t generated_ms = 0;  // when the report was made
  bool verified = false;     // every entry was replayed and matched the node's checkpoint
  std::string failure;       // what disagreed, when not verified
  ReserveReport reserves;    // now
  ReportFigures figures;
  // The names of the associations that received the association's share (figures'
  // share_by_association), as the replayed state has them.
  std::map<AccountId, std::string> names;
};

std::string RenderReportHtml(const ReportInput& in);

// Text with &, <, >, " and ' escaped for HTML.
std::string HtmlEscape(std::string_view text);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_REPORT_HTML_H_
