// The wallet says every refusal in the user's language from its code and figures
// (wallet-cli/refusal.h): every code of ledger/status.h has a template, every template's
// placeholders are figures the ledger names, and a missing figure or an unknown code gives the
// generic sentence, never the node's.
#include <catch2/catch.hpp>

#include <string>

#include "ledger/status.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/refusal.h"

namespace liard::wallet {
namespace {

// The test binary's language, restored however the test ends.
struct LanguageScope {
  Language before = CurrentLanguage();
  explicit LanguageScope(Language l) { SetLanguage(l); }
  ~LanguageScope() { SetLanguage(before); }
};

bool Has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

TEST_CASE("refusals: every code of status.h has a template whose figures are named by unit",
          "[wallet][refusal]") {
  REQUIRE(AllCodes().size() > 60);
  CHECK(AllCodes().front() == Code::kOk);
  const Money money("ROUE", 2, '.');
  LanguageScope english(Language::kEnglish);
  for (Code code : AllCodes()) {
    if (code == Code::kOk) continue;
    INFO(CodeName(code));
    const std::vector<const char*> templates = RefusalTemplates(code);
    CHECK(!templates.empty());
    for (const char* t : templates) {
      INFO(t);
      Figures all;
      for (const std::string& name : TemplateFigures(t)) {
        CHECK(IsFigureName(name));
        all[name] = 1234;
      }
      // With all its figures, some template of the code renders with no placeholder left.
      const std::string sentence = RefusalSentence(code, all, money);
      CHECK(!sentence.empty());
      CHECK(!Has(sentence, "{"));
    }
  }
}

TEST_CASE("refusals: amounts, euros and times are written in the user's language",
          "[wallet][refusal]") {
  Refusal r;
  r.code = static_cast<uint32_t>(Code::kInsufficientFunds);
  r.figures = {{"balance_units", 8'750}, {"amount_units", 214'001}};
  {
    LanguageScope english(Language::kEnglish);
    CHECK(DescribeRefusal(r, Money("ROUE", 2, '.')) ==
          "refused: INSUFFICIENT_FUNDS: the balance is 87.50 ROUE, less than 2140.01 ROUE");
    CHECK(DescribeRefusal(r, Money("ROUE", 2, '.'), RefusalFrame::kWouldRefuse) ==
          "the ledger would refuse this: INSUFFICIENT_FUNDS: the balance is 87.50 ROUE, less "
          "than 2140.01 ROUE");
  }
  {
    LanguageScope french(Language::kFrench);
    const std::string fr = DescribeRefusal(r, Money("ROUE", 2, ','));
    INFO(fr);
    CHECK(Has(fr, "INSUFFICIENT_FUNDS"));
    CHECK(Has(fr, "87,50\u00a0ROUE"));
    CHECK(Has(fr, "2\u202f140,01\u00a0ROUE"));
  }
  // A multi-leg payment's leg is named, and the leg's figures are its own.
  Refusal leg;
  leg.code = static_cast<uint32_t>(Code::kAboveMaximum);
  leg.figures = {{"maximum_units", 15'000}};
  leg.leg = 3;
  LanguageScope english(Language::kEnglish);
  CHECK(DescribeRefusal(leg, Money("ROUE", 2, '.')) ==
        "refused: ABOVE_MAXIMUM: leg 3: the largest single payment is 150.00 ROUE");
  CHECK(DescribeRefusal(leg, Money("ROUE", 2, '.'), RefusalFrame::kBare) ==
        "ABOVE_MAXIMUM: the largest single payment is 150.00 ROUE");
  // Euros, by the _cents suffix.
  Refusal conv;
  conv.code = static_cast<uint32_t>(Code::kBelowMinimum);
  conv.figures = {{"minimum_cents", 1'000}};
  CHECK(DescribeRefusal(conv, Money("ROUE", 2, '.')) ==
        "refused: BELOW_MINIMUM: the smallest conversion is 10.00 EUR");
}

TEST_CASE("refusals: a missing figure or an unknown code gives the generic sentence",
          "[wallet][refusal]") {
  LanguageScope english(Language::kEnglish);
  const Money money("ROUE", 2, '.');
  Refusal r;
  r.code = static_cast<uint32_t>(Code::kInsufficientFunds);
  r.figures = {{"balance_units", 8'750}};  // amount_units missing
  CHECK(DescribeRefusal(r, money) == "the ledger refused the operation: INSUFFICIENT_FUNDS (205)");
  r.leg = 2;
  CHECK(DescribeRefusal(r, money, RefusalFrame::kWouldRefuse) ==
        "the ledger would refuse leg 2 of the payment: INSUFFICIENT_FUNDS (205)");
  // Units without the ledger's currency (before the session knows it) are not guessed.
  Refusal units;
  units.code = static_cast<uint32_t>(Code::kAboveMaximum);
  units.figures = {{"maximum_units", 15'000}};
  CHECK(DescribeRefusal(units, Money()) == "the ledger refused the operation: ABOVE_MAXIMUM (217)");
  // A code this wallet does not know: the node's name for it, made safe to print.
  Refusal future;
  future.code = 299;
  future.code_name = "NEW_\x1b[31mTHING";
  const std::string said = DescribeRefusal(future, money);
  CHECK(Has(said, "(299)"));
  CHECK(!Has(said, "\x1b"));
}

}  // namespace
}  // namespace liard::wallet
