// Summarize(): a template so that each command resolves names its own way (cached lookups).
#ifndef LIARD_WALLET_CLI_DESCRIBE_INL_H_
#define LIARD_WALLET_CLI_DESCRIBE_INL_H_

#include <type_traits>
#include <variant>

#include "ledger/money.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {

template <typename NameOf>
std::string Summarize(const Operation& op,
                      const google::protobuf::RepeatedPtrField<pb::Posting>& postings,
                      const Genesis& genesis, const Money& money, NameOf name_of) {
  auto ref = [](const std::string& r) { return SafeText(r); };
  return std::visit(
      [&](const auto& p) -> std::string {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Transfer>) {
          std::string s =
              Tr("pay {amount} to {payee}", fmt::arg("amount", money.Units(p.amount.minor())),
                 fmt::arg("payee", name_of(p.to)));
          if (!p.memo.empty()) s += " « " + SafeText(p.memo) + " »";
          return s;
        } else if constexpr (std::is_same_v<T, MultiTransfer>) {
          int64_t total = 0;
          for (const auto& leg : p.legs) total += leg.amount.minor();
          return TrP("pay {total} in {n} payment", "pay {total} in {n} payments", p.legs.size(),
                     fmt::arg("total", money.Units(total)), fmt::arg("n", p.legs.size()));
        } else if constexpr (std::is_same_v<T, Conversion>) {
          int64_t units = SumPostings(postings, Slot::kMember, &p.member);
          int64_t at_par = 0;
          Status s = EurosToUnits(genesis, p.euros.minor(), Rounding::kDown, &at_par);
          if (!s.ok()) at_par = units;
          std::string out =
              Tr("convert {euros} into {units} for {member}",
                 fmt::arg("euros", money.Euros(p.euros.minor())),
                 fmt::arg("units", money.Units(units)), fmt::arg("member", name_of(p.member)));
          // Which programme, and its bonus, or that there is none: never silent.
          if (p.programme.empty()) {
            out += _(" (no bonus: no programme)");
          } else if (units > at_par) {
            out += Tr(" (bonus {bonus} from programme '{programme}')",
                      fmt::arg("bonus", money.Units(units - at_par)),
                      fmt::arg("programme", p.programme));
          } else {
            out +=
                Tr(" (no bonus from programme '{programme}')", fmt::arg("programme", p.programme));
          }
          return out;
        } else if constexpr (std::is_same_v<T, NoteSale>) {
          return Tr("sell {units} of paper notes for {euros}",
                    fmt::arg("units", money.Units(SumPostings(postings, Slot::kPaper))),
                    fmt::arg("euros", money.Euros(p.euros.minor())));
        } else if constexpr (std::is_same_v<T, NoteRedemption>) {
          return Tr(
              "take back {units} of paper notes from {merchant}: fee {fee}, owed to the "
              "merchant {owed}",
              fmt::arg("units", money.Units(p.units.minor())),
              fmt::arg("merchant", name_of(p.merchant)),
              fmt::arg("fee", money.Euros(SumPostings(postings, Slot::kIncome))),
              fmt::arg("owed", money.Euros(SumPostings(postings, Slot::kOwedToMerchant))));
        } else if constexpr (std::is_same_v<T, Reconversion>) {
          return Tr(
              "reconvert {units}: fee {fee}, owed to you {owed} (paid by bank transfer by "
              "the association)",
              fmt::arg("units", money.Units(p.units.minor())),
              fmt::arg("fee", money.Euros(SumPostings(postings, Slot::kIncome))),
              fmt::arg("owed", money.Euros(SumPostings(postings, Slot::kOwedToMerchant))));
        } else if constexpr (std::is_same_v<T, Deposit>) {
          return Tr(
              "record the deposit of {euros} from {office} into the guarantee fund (ref "
              "{ref})",
              fmt::arg("euros", money.Euros(p.euros.minor())),
              fmt::arg("office", name_of(p.office)), fmt::arg("ref", ref(p.reference)));
        } else if constexpr (std::is_same_v<T, Payout>) {
          return Tr("record the payout of {euros} to {merchant} (ref {ref})",
                    fmt::arg("euros", money.Euros(p.euros.minor())),
                    fmt::arg("merchant", name_of(p.merchant)), fmt::arg("ref", ref(p.reference)));
        } else if constexpr (std::is_same_v<T, FundProgramme>) {
          return Tr("record {euros} paid into programme '{programme}' (ref {ref})",
                    fmt::arg("euros", money.Euros(p.euros.minor())),
                    fmt::arg("programme", p.programme), fmt::arg("ref", ref(p.reference)));
        } else if constexpr (std::is_same_v<T, BankEntry>) {
          if (p.kind == BankEntryKind::kInterest)
            return Tr(
                "record bank interest of {euros} paid into the association's income (ref "
                "{ref})",
                fmt::arg("euros", money.Euros(p.euros.minor())), fmt::arg("ref", ref(p.reference)));
          return Tr("record a bank fee of {euros} paid from the association's income (ref {ref})",
                    fmt::arg("euros", money.Euros(p.euros.minor())),
                    fmt::arg("ref", ref(p.reference)));
        } else if constexpr (std::is_same_v<T, OpenAccount>) {
          return Tr("open a {kind} account '{name}' for {account}",
                    fmt::arg("kind", _(std::string(KindName(p.kind)).c_str())),
                    fmt::arg("name", SafeText(p.name)), fmt::arg("account", name_of(p.id)));
        } else if constexpr (std::is_same_v<T, Propose>) {
          return Tr("propose to the board: {decision}",
                    fmt::arg("decision", DescribeDecision(p.decision, name_of, money)));
        } else if constexpr (std::is_same_v<T, Approve>) {
          return Tr("approve the board proposal {id}", fmt::arg("id", ToHex(p.proposal)));
        } else if constexpr (std::is_same_v<T, Withdraw>) {
          return Tr("withdraw the board proposal {id}", fmt::arg("id", ToHex(p.proposal)));
        } else if constexpr (std::is_same_v<T, RenewMembership>) {
          std::string out = Tr("renew the membership of {member} until {date}",
                               fmt::arg("member", name_of(p.member)),
                               fmt::arg("date", DisplayDate(p.until_ms - 1)));
          if (p.fee.positive())
            out += Tr(" (fee {fee})", fmt::arg("fee", money.Euros(p.fee.minor())));
          return out;
        } else {
          return std::string(OpTypeName(op.type()));
        }
      },
      op.payload);
}

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_DESCRIBE_INL_H_
