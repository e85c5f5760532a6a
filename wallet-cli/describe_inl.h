// Summarize(): a template so that each command resolves names its own way (cached lookups).
#ifndef LIARD_WALLET_CLI_DESCRIBE_INL_H_
#define LIARD_WALLET_CLI_DESCRIBE_INL_H_

#include <type_traits>
#include <variant>

#include "ledger/money.h"

namespace liard::wallet {

template <typename NameOf>
std::string Summarize(const Operation& op,
                      const google::protobuf::RepeatedPtrField<pb::Posting>& postings,
                      const Genesis& genesis, const Money& money, NameOf name_of) {
  return std::visit(
      [&](const auto& p) -> std::string {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Transfer>) {
          std::string s = "pay " + money.Units(p.amount.minor()) + " to " + name_of(p.to);
          if (!p.memo.empty()) s += " « " + SafeText(p.memo) + " »";
          return s;
        } else if constexpr (std::is_same_v<T, MultiTransfer>) {
          int64_t total = 0;
          for (const auto& leg : p.legs) total += leg.amount.minor();
          return "pay " + money.Units(total) + " in " + std::to_string(p.legs.size()) +
                 (p.legs.size() == 1 ? " payment" : " payments");
        } else if constexpr (std::is_same_v<T, Conversion>) {
          int64_t units = SumPostings(postings, Slot::kMember, &p.member);
          int64_t at_par = 0;
          Status s = EurosToUnits(genesis, p.euros.minor(), Rounding::kDown, &at_par);
          if (!s.ok()) at_par = units;
          std::string out = "convert " + money.Euros(p.euros.minor()) + " into " +
                            money.Units(units) + " for " + name_of(p.member);
          if (units > at_par) {
            out += " (bonus " + money.Units(units - at_par);
            if (!p.programme.empty()) out += " from programme '" + p.programme + "'";
            out += ")";
          } else if (!p.programme.empty()) {
            out += " (no bonus from programme '" + p.programme + "')";
          }
          return out;
        } else if constexpr (std::is_same_v<T, NoteSale>) {
          return "sell " + money.Units(SumPostings(postings, Slot::kPaper)) +
                 " of paper notes for " + money.Euros(p.euros.minor());
        } else if constexpr (std::is_same_v<T, NoteRedemption>) {
          return "take back " + money.Units(p.units.minor()) + " of paper notes from " +
                 name_of(p.merchant) + ": fee " +
                 money.Euros(SumPostings(postings, Slot::kIncome)) + ", owed to the merchant " +
                 money.Euros(SumPostings(postings, Slot::kOwedToMerchant));
        } else if constexpr (std::is_same_v<T, Reconversion>) {
          return "reconvert " + money.Units(p.units.minor()) + ": fee " +
                 money.Euros(SumPostings(postings, Slot::kIncome)) + ", owed to you " +
                 money.Euros(SumPostings(postings, Slot::kOwedToMerchant)) +
                 " (paid by bank transfer by the association)";
        } else if constexpr (std::is_same_v<T, Deposit>) {
          return "record the deposit of " + money.Euros(p.euros.minor()) + " from " +
                 name_of(p.office) + " into the guarantee fund (ref " + SafeText(p.reference) + ")";
        } else if constexpr (std::is_same_v<T, Payout>) {
          return "record the payout of " + money.Euros(p.euros.minor()) + " to " +
                 name_of(p.merchant) + " (ref " + SafeText(p.reference) + ")";
        } else if constexpr (std::is_same_v<T, FundProgramme>) {
          return "record " + money.Euros(p.euros.minor()) + " paid into programme '" + p.programme +
                 "' (ref " + SafeText(p.reference) + ")";
        } else if constexpr (std::is_same_v<T, BankEntry>) {
          return std::string(p.kind == BankEntryKind::kInterest
                                 ? "record bank interest of " + money.Euros(p.euros.minor()) +
                                       " paid into the association's income"
                                 : "record a bank fee of " + money.Euros(p.euros.minor()) +
                                       " paid from the association's income") +
                 " (ref " + SafeText(p.reference) + ")";
        } else if constexpr (std::is_same_v<T, OpenAccount>) {
          return "open a " + std::string(KindName(p.kind)) + " account '" + SafeText(p.name) +
                 "' for " + name_of(p.id);
        } else if constexpr (std::is_same_v<T, Propose>) {
          return "propose to the board: " + DescribeDecision(p.decision, name_of, money);
        } else if constexpr (std::is_same_v<T, Approve>) {
          return "approve the board proposal " + ToHex(p.proposal);
        } else if constexpr (std::is_same_v<T, Withdraw>) {
          return "withdraw the board proposal " + ToHex(p.proposal);
        } else if constexpr (std::is_same_v<T, RenewMembership>) {
          std::string out =
              "renew the membership of " + name_of(p.member) + " until " + UtcDate(p.until_ms - 1);
          if (p.fee.positive()) out += " (fee " + money.Euros(p.fee.minor()) + ")";
          return out;
        } else {
          return std::string(OpTypeName(op.type()));
        }
      },
      op.payload);
}

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_DESCRIBE_INL_H_
