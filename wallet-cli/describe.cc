// What an applied operation meant for one account: history lines and watch events.
#include "wallet-cli/describe.h"

#include "proto/codec.h"

namespace liard::wallet {

int64_t SumPostings(const google::protobuf::RepeatedPtrField<pb::Posting>& postings, Slot slot,
                    const AccountId* owner) {
  int64_t sum = 0;
  for (const auto& p : postings) {
    if (p.slot() != static_cast<uint32_t>(slot)) continue;
    if (owner != nullptr && p.owner() != owner->view()) continue;
    sum += p.amount();
  }
  return sum;
}

namespace {

// A payee's part of another account's multi-leg payment, as the node sends it: the payer and
// the payee's own legs, in the payment's order.
CliStatus DescribeRedacted(const pb::Receipt& receipt, const AccountId& me, Movement* m) {
  const pb::Redaction& r = receipt.redacted();
  MultiTransfer mine;
  for (const pb::Leg& leg : r.legs()) {
    Leg l;
    if (!l.to.Assign(leg.to()))
      return CliStatus::Local("journal entry " + std::to_string(receipt.sequence()) +
                              " names a leg's payee that is not 32 bytes");
    l.amount = Amount(leg.amount());
    l.memo = leg.memo();
    if (l.to == me && m->memo.empty()) m->memo = l.memo;
    mine.legs.push_back(std::move(l));
  }
  if (!m->op.account.Assign(r.payer()))
    return CliStatus::Local("journal entry " + std::to_string(receipt.sequence()) +
                            " names a payer that is not 32 bytes");
  m->op.payload = std::move(mine);
  m->has_counterparty = true;
  m->counterparty = m->op.account;
  m->detail = "part of a payment to " + std::to_string(r.leg_count()) + " accounts";
  return CliStatus::Ok();
}

}  // namespace

CliStatus DescribeFor(const pb::Receipt& receipt, const AccountId& me, const Money& money,
                      Movement* out) {
  Movement m;
  if (receipt.has_redacted()) {
    CliStatus c = DescribeRedacted(receipt, me, &m);
    if (!c.ok()) return c;
    m.units = SumPostings(receipt.postings(), Slot::kMember, &me);
    *out = std::move(m);
    return CliStatus::Ok();
  }
  Status s = codec::DecodeOperation(receipt.operation().body(), &m.op);
  if (!s.ok())
    return CliStatus::Local("journal entry " + std::to_string(receipt.sequence()) +
                            " holds a body this wallet cannot read: " + s.ToString());
  m.units = SumPostings(receipt.postings(), Slot::kMember, &me);
  m.euros = SumPostings(receipt.postings(), Slot::kOfficeCash, &me) +
            SumPostings(receipt.postings(), Slot::kOwedToMerchant, &me);
  const AccountId& actor = m.op.account;
  const bool mine = actor == me;
  auto other = [&](const AccountId& id) {
    m.has_counterparty = true;
    m.counterparty = id;
  };
  std::visit(
      [&](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Transfer>) {
          other(mine ? p.to : actor);
          m.memo = p.memo;
        } else if constexpr (std::is_same_v<T, MultiTransfer>) {
          if (mine) {
            m.detail = "batch of " + std::to_string(p.legs.size()) + " payments";
          } else {
            other(actor);
            for (const auto& leg : p.legs) {
              if (leg.to == me) {
                m.memo = leg.memo;
                break;
              }
            }
          }
        } else if constexpr (std::is_same_v<T, Conversion>) {
          other(mine ? p.member : actor);
          m.detail = "conversion of " + money.Euros(p.euros.minor());
        } else if constexpr (std::is_same_v<T, OpenAccount>) {
          other(mine ? p.id : actor);
          m.detail = "account opened";
        } else if constexpr (std::is_same_v<T, NoteSale>) {
          m.detail = "paper notes sold for " + money.Euros(p.euros.minor());
        } else if constexpr (std::is_same_v<T, NoteRedemption>) {
          other(mine ? p.merchant : actor);
          m.detail = "paper notes taken back: " + money.Units(p.units.minor());
        } else if constexpr (std::is_same_v<T, Reconversion>) {
          m.detail = "reconversion";
        } else if constexpr (std::is_same_v<T, Deposit>) {
          other(mine ? p.office : actor);
          m.detail = "deposit " + money.Euros(p.euros.minor()) + " ref " + p.reference;
        } else if constexpr (std::is_same_v<T, Payout>) {
          other(mine ? p.merchant : actor);
          m.detail = "payout " + money.Euros(p.euros.minor()) + " ref " + p.reference;
        } else if constexpr (std::is_same_v<T, FundProgramme>) {
          m.detail = "programme '" + p.programme + "' funded";
        } else if constexpr (std::is_same_v<T, BankEntry>) {
          m.detail = (p.kind == BankEntryKind::kInterest ? "bank interest " : "bank fee ") +
                     money.Euros(p.euros.minor()) + " ref " + p.reference;
        } else if constexpr (std::is_same_v<T, Propose>) {
          m.detail = "board: proposed " + std::string(DecisionName(p.decision));
        } else if constexpr (std::is_same_v<T, Approve>) {
          m.detail = "board: approved proposal " + ToHex(p.proposal).substr(0, 16) + "…";
        } else if constexpr (std::is_same_v<T, Withdraw>) {
          m.detail = "board: withdrew proposal " + ToHex(p.proposal).substr(0, 16) + "…";
        }
      },
      m.op.payload);
  if (m.euros != 0) {
    std::string e = (m.euros > 0 ? "+" : "") + money.Euros(m.euros);
    m.detail += (m.detail.empty() ? "" : "; ") + e + (m.euros > 0 ? " due" : "");
  }
  *out = std::move(m);
  return CliStatus::Ok();
}

}  // namespace liard::wallet

namespace liard::wallet {
namespace {

std::string Ratio(int64_t num, int64_t den) {
  return std::to_string(num) + "/" + std::to_string(den);
}

std::string Limit(const Money& money, int64_t v) { return v == 0 ? "none" : money.Units(v); }

std::string KindsText(uint32_t mask) {
  std::string s;
  for (AccountKind k : kAllKinds)
    if (mask & KindBit(k)) s += (s.empty() ? "" : ", ") + std::string(KindName(k));
  return s;
}

}  // namespace

std::string RoleWord(uint32_t role) {
  for (Role r : kAllRoles)
    if (static_cast<uint32_t>(r) == role) return std::string(RoleName(r));
  return "role " + std::to_string(role);
}

std::string DescribeRules(const Rules& r, const Money& money) {
  std::string s =
      "backing " + Ratio(r.backing_num, r.backing_den) + "; conversion from " +
      money.Euros(r.conversion.min_euros) + " to " +
      (r.conversion.max_euros == 0 ? "no maximum" : money.Euros(r.conversion.max_euros)) +
      "; reconversion fee " + Ratio(r.reconversion.fee_num, r.reconversion.fee_den) + " from " +
      money.Units(r.reconversion.min_units);
  if (HasOfficeConversionRules(r))
    s += "; offices convert for " +
         KindsText(r.conversion.member_kinds != 0 ? r.conversion.member_kinds
                                                  : kDefaultConvertibleKinds) +
         " and hold " +
         (r.conversion.office_cash_ceiling == 0
              ? std::string("any cash")
              : "at most " + money.Euros(r.conversion.office_cash_ceiling)) +
         " not yet deposited";
  for (const KindLimits& l : r.limits)
    s += "; " + std::string(KindName(l.kind)) + ": max payment " + Limit(money, l.max_payment) +
         ", daily outgoing " + Limit(money, l.daily_outgoing) + ", balance ceiling " +
         Limit(money, l.balance_ceiling);
  if (r.programmes.empty()) {
    s += "; no bonus programme";
  } else {
    s += "; programmes";
    for (const Programme& p : r.programmes) s += " " + p.name;
  }
  return s;
}

std::string DescribeDecision(const Decision& decision, const NameFn& name_of, const Money& money) {
  return std::visit(
      [&](const auto& d) -> std::string {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, OpenAccount>) {
          std::string s = "open a " + std::string(KindName(d.kind)) + " account '" +
                          SafeText(d.name) + "' for " + name_of(d.id);
          if (d.member_until_ms != 0) s += ", member until " + UtcDate(d.member_until_ms - 1);
          if (d.fee.positive()) s += ", fee " + money.Euros(d.fee.minor());
          return s;
        } else if constexpr (std::is_same_v<T, GrantRole>) {
          return "grant the " + RoleWord(static_cast<uint32_t>(d.role)) + " role to " +
                 name_of(d.account);
        } else if constexpr (std::is_same_v<T, RevokeRole>) {
          return "revoke the " + RoleWord(static_cast<uint32_t>(d.role)) + " role from " +
                 name_of(d.account);
        } else if constexpr (std::is_same_v<T, SetRules>) {
          return "set the rules: " + DescribeRules(d.rules, money);
        } else if constexpr (std::is_same_v<T, Freeze>) {
          return "freeze " + name_of(d.account) + " « " + SafeText(d.reason) + " »";
        } else if constexpr (std::is_same_v<T, Unfreeze>) {
          return "unfreeze " + name_of(d.account);
        } else if constexpr (std::is_same_v<T, Rekey>) {
          return "re-key " + name_of(d.account) + " to the public key " + ToHex(d.new_key);
        } else if constexpr (std::is_same_v<T, Pause>) {
          return "pause all payments « " + SafeText(d.reason) + " »";
        } else if constexpr (std::is_same_v<T, Resume>) {
          return "resume payments";
        } else if constexpr (std::is_same_v<T, SetThreshold>) {
          return "make " + std::to_string(d.threshold) +
                 (d.threshold == 1 ? " approval" : " approvals") + " decide";
        } else {
          static_assert(std::is_same_v<T, SetNodeKey>);
          return "make the node sign its checkpoints with node key " + KeyFingerprint(d.node_key) +
                 " (" + ToHex(d.node_key) + ")";
        }
      },
      decision);
}

}  // namespace liard::wallet
