// The general assembly's report: one self-contained HTML page (inline CSS and SVG, no script, no
// external file) that reads on screen and prints on A4.
#ifndef LIARD_WALLET_CLI_REPORT_HTML_H_
#define LIARD_WALLET_CLI_REPORT_HTML_H_

#include <string>
#include <vector>

#include "ledger/audit.h"
#include "ledger/money.h"
#include "wallet-cli/format.h"

namespace liard::wallet {

struct ReportInput {
  std::string currency_name;  // "la Roue"
  std::string ledger_id_hex;
  uint64_t sequence = 0;             // the journal entry the report stops at
  int64_t time_ms = 0;               // its time
  std::string generated_at;          // "2026-11-26 10:02 UTC"
  bool verified = false;             // every entry was replayed and matched the node's checkpoint
  std::string verification;          // a sentence saying what was checked
  ReserveReport reserves;            // now
  std::vector<MonthFigures> months;  // oldest first
  std::vector<ReserveSample> samples;
  Money money;
};

std::string RenderReportHtml(const ReportInput& in);

// Text with &, <, >, " and ' escaped for HTML.
std::string HtmlEscape(std::string_view text);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_REPORT_HTML_H_
