// Rules: look-ups in the money rules. ValidateRules lives with the genesis checks (genesis.cc),
// ProgrammeId and IsValidProgrammeName with the money arithmetic (money.cc).
#include "ledger/rules.h"

namespace liard {

const KindLimits* Rules::LimitsFor(AccountKind kind) const {
  for (const auto& l : limits)
    if (l.kind == kind) return &l;
  return nullptr;
}

const Programme* Rules::FindProgramme(std::string_view name) const {
  for (const auto& p : programmes)
    if (p.name == name) return &p;
  return nullptr;
}

bool AssociationShare::Eligible(const AccountId& id) const {
  for (const AccountId& a : associations)
    if (a == id) return true;
  return false;
}

bool IsValidYearMonth(uint32_t ym) {
  return ym / 100 >= 2000 && ym / 100 <= 9999 && ym % 100 >= 1 && ym % 100 <= 12;
}

bool HasOfficeConversionRules(const Rules& rules) {
  return rules.conversion.member_kinds != 0 || rules.conversion.office_cash_ceiling != 0;
}

}  // namespace liard
