// What an applied operation meant for one account: history lines and watch events.
#include "wallet-cli/describe.h"

#include "ledger/ops/ops.h"
#include "proto/codec.h"
#include "wallet-cli/i18n.h"

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

std::string EntryProblem(uint64_t sequence, const char* what) {
  return Tr(what, fmt::arg("entry", sequence));
}

// A payee's part of another account's multi-leg payment, as the node sends it: the payer and
// the payee's own legs, in the payment's order.
CliStatus DescribeRedacted(const pb::Receipt& receipt, const AccountId& me, Movement* m) {
  const pb::Redaction& r = receipt.redacted();
  if (r.has_aid() || r.has_aid_expiry() || r.has_demurrage()) {
    // Another's aid, or a demurrage run, as the node shows it to a recipient or a holder:
    // decoded as the body it comes from.
    pb::OperationBody body;
    body.set_ledger_id(std::string(32, '\0'));
    body.set_account(r.payer());
    if (r.has_aid())
      *body.mutable_grant_aid() = r.aid();
    else if (r.has_aid_expiry())
      *body.mutable_expire_aid() = r.aid_expiry();
    else
      *body.mutable_apply_demurrage() = r.demurrage();
    if (!codec::DecodeOperation(body.SerializeAsString(), &m->op).ok())
      return CliStatus::Local(EntryProblem(
          receipt.sequence(), N_("journal entry {entry} holds an aid this wallet cannot read")));
    m->has_counterparty = true;
    m->counterparty = m->op.account;
    return CliStatus::Ok();
  }
  MultiTransfer mine;
  for (const pb::Leg& leg : r.legs()) {
    Leg l;
    if (!l.to.Assign(leg.to()))
      return CliStatus::Local(
          EntryProblem(receipt.sequence(),
                       N_("journal entry {entry} names a leg's payee that is not 32 bytes")));
    l.amount = Amount(leg.amount());
    l.memo = leg.memo();
    if (l.to == me && m->memo.empty()) m->memo = l.memo;
    mine.legs.push_back(std::move(l));
  }
  if (!m->op.account.Assign(r.payer()))
    return CliStatus::Local(EntryProblem(
        receipt.sequence(), N_("journal entry {entry} names a payer that is not 32 bytes")));
  m->op.payload = std::move(mine);
  m->has_counterparty = true;
  m->counterparty = m->op.account;
  m->detail = "part of a payment to " + std::to_string(r.leg_count()) + " accounts";  // i18n: as is
  if (!r.order_id().empty())
    m->detail = "standing order " + ToHex(r.order_id()) + " execution " +  // i18n: as is
                std::to_string(r.execution()) + ", " + m->detail;
  return CliStatus::Ok();
}

}  // namespace

CliStatus DescribeFor(const pb::Receipt& receipt, const AccountId& me, const Money& money,
                      Movement* out) {
  Movement m;
  const bool redacted_aid = receipt.has_redacted() &&
                            (receipt.redacted().has_aid() || receipt.redacted().has_aid_expiry() ||
                             receipt.redacted().has_demurrage());
  if (receipt.has_redacted()) {
    CliStatus c = DescribeRedacted(receipt, me, &m);
    if (!c.ok()) return c;
    m.units = SumPostings(receipt.postings(), Slot::kMember, &me);
    if (!redacted_aid) {
      *out = std::move(m);
      return CliStatus::Ok();
    }
  } else {
    Status s = codec::DecodeOperation(receipt.operation().body(), &m.op);
    if (!s.ok())
      return CliStatus::Local(
          Tr("journal entry {entry} holds a body this wallet cannot read: {why}",
             fmt::arg("entry", receipt.sequence()), fmt::arg("why", s.ToString())));
  }
  m.units = SumPostings(receipt.postings(), Slot::kMember, &me);
  m.euros = SumPostings(receipt.postings(), Slot::kOfficeCash, &me) +
            SumPostings(receipt.postings(), Slot::kOwedToMerchant, &me);
  const AccountId& actor = m.op.account;
  const bool mine = actor == me;
  auto other = [&](const AccountId& id) {
    m.has_counterparty = true;
    m.counterparty = id;
  };
  // `detail` is what --json prints: English, whatever the language (WhatHappened is for people).
  std::visit(
      [&](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Transfer>) {
          other(mine ? p.to : actor);
          m.memo = p.memo;
          // A payer's earmarked aid: every earmarked posting of its own payment is its own.
          if (mine)
            for (const auto& x : receipt.postings())
              if (x.slot() == static_cast<uint32_t>(Slot::kEarmarked)) m.aid += x.amount();
          if (m.aid != 0)
            m.detail = "paid " + money.Units(-m.aid) + " from earmarked aid";  // i18n: as is
        } else if constexpr (std::is_same_v<T, MultiTransfer>) {
          if (mine) {
            m.detail = "batch of " + std::to_string(p.legs.size()) + " payments";  // i18n: as is
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
          // The association's share: neither the office nor the member, but paid by it.
          const bool share = !mine && p.member != me;
          other(mine || share ? p.member : actor);
          m.detail = share ? "association's share of a conversion of " +  // i18n: as is
                                 money.Euros(p.euros.minor())
                           : "conversion of " + money.Euros(p.euros.minor());  // i18n: as is
        } else if constexpr (std::is_same_v<T, OpenAccount>) {
          other(mine ? p.id : actor);
          m.detail = "account opened";  // i18n: as is
        } else if constexpr (std::is_same_v<T, NoteSale>) {
          m.detail = "paper notes sold for " + money.Euros(p.euros.minor());  // i18n: as is
        } else if constexpr (std::is_same_v<T, NoteRedemption>) {
          other(mine ? p.merchant : actor);
          m.detail = "paper notes taken back: " + money.Units(p.units.minor());  // i18n: as is
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
          const bool interest = p.kind == BankEntryKind::kInterest;
          m.detail = interest ? "bank interest " : "bank fee ";  // i18n: as is
          m.detail += money.Euros(p.euros.minor()) + " ref " + p.reference;
        } else if constexpr (std::is_same_v<T, RenewMembership>) {
          other(mine ? p.member : actor);
          m.detail = "membership renewed until " + UtcDate(p.until_ms - 1);  // i18n: as is
        } else if constexpr (std::is_same_v<T, Propose>) {
          m.detail = "board: proposed " + std::string(DecisionName(p.decision));  // i18n: as is
        } else if constexpr (std::is_same_v<T, Approve>) {
          m.detail =
              "board: approved proposal " + ToHex(p.proposal).substr(0, 16) + "…";  // i18n: as is
        } else if constexpr (std::is_same_v<T, Withdraw>) {
          m.detail =
              "board: withdrew proposal " + ToHex(p.proposal).substr(0, 16) + "…";  // i18n: as is
        } else if constexpr (std::is_same_v<T, Refund>) {
          other(mine ? p.payer : actor);
          m.memo = p.memo;
          m.detail = "refund of " + ToHex(p.original);  // i18n: as is
        } else if constexpr (std::is_same_v<T, AddKey>) {
          const std::string added = "' added, scope ";                       // i18n: as is
          m.detail = "staff key " + ToHex(p.key) + " '" + p.label + added +  // i18n: as is
                     std::string(ScopeName(p.scope));
          if (p.scope == KeyScope::kRefund)
            m.detail += ", " + money.Units(p.refund_cap_per_day) + " a day";  // i18n: as is
        } else if constexpr (std::is_same_v<T, RevokeKey>) {
          m.detail = "staff key " + ToHex(p.key) + " revoked";  // i18n: as is
        } else if constexpr (std::is_same_v<T, SetCard>) {
          m.detail = p.card.empty() ? "public card removed" : "public card set";  // i18n: as is
        } else if constexpr (std::is_same_v<T, CancelRequest>) {
          m.detail = "payment request " + ToHex(p.request_id) + " cancelled";  // i18n: as is
        } else if constexpr (std::is_same_v<T, Collect>) {
          other(mine ? p.mandate.mandate.debtor : actor);
          m.memo = p.memo;
          const Hash id = MandateId(p.mandate.mandate.ledger_id, p.mandate.body);
          m.detail = "collected under mandate " + ToHex(id);  // i18n: as is
        } else if constexpr (std::is_same_v<T, RevokeMandate>) {
          m.detail = "mandate " + ToHex(p.mandate_id) + " revoked";  // i18n: as is
        } else if constexpr (std::is_same_v<T, GrantAid>) {
          if (!mine) {
            other(actor);
            for (const auto& leg : p.recipients)
              if (leg.to == me) {
                m.aid += leg.amount.minor();
                if (m.memo.empty()) m.memo = leg.memo;
              }
          }
          m.detail = "earmarked aid '" + p.purpose + "' until " +  // i18n: as is
                     UtcDate(p.expires_ms - 1);
        } else if constexpr (std::is_same_v<T, ExpireAid>) {
          if (!mine) other(actor);
          const Hash owner = ops::EarmarkOwner(me, p.grant);
          for (const auto& x : receipt.postings())
            if (x.slot() == static_cast<uint32_t>(Slot::kEarmarked) && x.owner() == owner.view())
              m.aid += x.amount();
          m.detail = "expired aid " + ToHex(p.grant) + " taken back";  // i18n: as is
        } else if constexpr (std::is_same_v<T, PlaceOrder>) {
          m.memo = p.memo;
          m.detail = "standing order placed: " + std::to_string(p.legs.size()) +  // i18n: as is
                     " payee(s), " + std::string(OrderScheduleName(p.schedule));  // i18n: as is
        } else if constexpr (std::is_same_v<T, SetOrderState>) {
          m.detail = "standing order " + ToHex(p.order) + ": " +  // i18n: as is
                     std::string(OrderActionName(p.action));
        } else if constexpr (std::is_same_v<T, ExecuteOrder>) {
          // The payer's row names its payee when the order pays one account (a list: the
          // execution's words say how many).
          if (!mine)
            other(actor);
          else if (p.order.legs.size() == 1)
            other(p.order.legs.front().to);
          m.memo = p.order.memo;
          for (const auto& leg : p.order.legs)
            if (!mine && leg.to == me && !leg.memo.empty()) m.memo = leg.memo;
          const Hash id = OperationId(p.order_ledger, p.order_body);
          m.detail = "standing order " + ToHex(id) + " execution " +  // i18n: as is
                     std::to_string(p.index + 1);
          if (p.failed != 0)
            m.detail += " refused: " +  // i18n: as is
                        std::string(CodeName(static_cast<Code>(p.failed)));
        } else if constexpr (std::is_same_v<T, ApplyDemurrage>) {
          if (!mine) other(actor);
          m.detail = "demurrage for " + std::to_string(p.period / 100) + "-" +  // i18n: as is
                     (p.period % 100 < 10 ? "0" : "") + std::to_string(p.period % 100);
        } else if constexpr (std::is_same_v<T, ChooseAssociation>) {
          if (p.association.IsZero()) {
            m.detail = "association chosen: none";  // i18n: as is
          } else {
            other(p.association);
            m.detail = "association chosen for the share of conversions";  // i18n: as is
          }
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

namespace {

std::string Reference(const std::string& ref) {
  return ref.empty() ? std::string() : Tr(" (ref. {ref})", fmt::arg("ref", SafeText(ref)));
}

}  // namespace

std::string OrderTerms(const PlaceOrder& o, const Money& money) {
  int64_t total = 0;
  for (const auto& leg : o.legs) total += leg.amount.minor();
  std::string when;
  switch (o.schedule) {
    case OrderSchedule::kMonthly:
      when = Tr("monthly on day {day}", fmt::arg("day", o.every));
      break;
    case OrderSchedule::kWeekly:
      when = Tr("weekly on weekday {day} (1 Monday, 7 Sunday)", fmt::arg("day", o.every));
      break;
    case OrderSchedule::kEveryDays:
      when = Tr("every {n} days", fmt::arg("n", o.every));
      break;
  }
  const auto date = [](uint32_t d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02u/%02u/%04u", d % 100, d / 100 % 100, d / 10000);
    return std::string(buf);
  };
  std::string s =
      TrP("{total} to {n} payee, {when}, from {from}", "{total} to {n} payees, {when}, from {from}",
          o.legs.size(), fmt::arg("total", money.Units(total)), fmt::arg("n", o.legs.size()),
          fmt::arg("when", when), fmt::arg("from", date(o.first_date)));
  if (o.end_date != 0) s += Tr(", until {until}", fmt::arg("until", date(o.end_date)));
  if (o.count != 0) s += TrP(", {n} time", ", {n} times", o.count, fmt::arg("n", o.count));
  if (o.retries != 0)
    s += TrP(", tried again {n} day if short", ", tried again {n} days if short", o.retries,
             fmt::arg("n", o.retries));
  return s;
}

namespace {

// What a board decision did, for the accounts it touched: the decision in words, read from the
// proposal (its Propose operation) when the wallet can.
std::string BoardDecision(const Hash& proposal, const Money& money, const Wording& w) {
  std::optional<Decision> d = w.decision_of ? w.decision_of(proposal) : std::nullopt;
  if (!d)
    return Tr("board decision (proposal {id}…)", fmt::arg("id", ToHex(proposal).substr(0, 16)));
  return Tr("board decision: {decision}",
            fmt::arg("decision", DescribeDecision(*d, w.name_of, money)));
}

}  // namespace

std::string WhatHappened(const pb::Receipt& receipt, const Movement& m, const AccountId& me,
                         const Money& money, const Wording& w) {
  if (receipt.has_redacted() && !receipt.redacted().has_aid() &&
      !receipt.redacted().has_aid_expiry() && !receipt.redacted().has_demurrage()) {
    const uint32_t n = receipt.redacted().leg_count();
    if (!receipt.redacted().order_id().empty()) {
      const std::string id = ToHex(receipt.redacted().order_id()).substr(0, 16);
      const uint32_t number = receipt.redacted().execution();
      return TrP("standing order {id}…: payment {number}, your part of a payment to {n} account",
                 "standing order {id}…: payment {number}, your part of a payment to {n} accounts",
                 n, fmt::arg("id", id), fmt::arg("number", number), fmt::arg("n", n));
    }
    return TrP("part of a payment to {n} account", "part of a payment to {n} accounts", n,
               fmt::arg("n", n));
  }
  const bool mine = m.op.account == me;
  const std::string op_id = ToHex(receipt.operation_id());
  const std::string kBatchShow = "batch show ";  // i18n: as is
  auto euros = [&](const Amount& a) { return money.Euros(a.minor()); };
  return std::visit(
      [&](const auto& p) -> std::string {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Transfer>) {
          if (m.aid == 0) return "";  // the row's direction, party, amount and memo say it all
          return Tr("{total} paid, of which {aid} from earmarked aid",
                    fmt::arg("total", money.Units(p.amount.minor())),
                    fmt::arg("aid", money.Units(-m.aid)));
        } else if constexpr (std::is_same_v<T, GrantAid>) {
          const std::string until = DisplayDate(p.expires_ms - 1);
          if (!mine)
            return Tr("earmarked aid received: {units} « {purpose} », until {date}",
                      fmt::arg("units", money.Units(m.aid)),
                      fmt::arg("purpose", SafeText(p.purpose)), fmt::arg("date", until));
          int64_t total = 0;
          for (const auto& leg : p.recipients) total += leg.amount.minor();
          return TrP("earmarked aid « {purpose} » given: {total} to {n} line, until {date}",
                     "earmarked aid « {purpose} » given: {total} to {n} lines, until {date}",
                     p.recipients.size(), fmt::arg("purpose", SafeText(p.purpose)),
                     fmt::arg("total", money.Units(total)), fmt::arg("n", p.recipients.size()),
                     fmt::arg("date", until));
        } else if constexpr (std::is_same_v<T, ExpireAid>) {
          if (!mine)
            return Tr("earmarked aid expired: {units} went back to its funder",
                      fmt::arg("units", money.Units(-m.aid)));
          return Tr("what was left of an expired aid taken back: {units}",
                    fmt::arg("units", money.Units(m.units)));
        } else if constexpr (std::is_same_v<T, MultiTransfer>) {
          const size_t n = p.legs.size();
          if (!mine)
            return TrP("part of a payment to {n} account", "part of a payment to {n} accounts", n,
                       fmt::arg("n", n));
          return TrP("one payment in a batch; its line: {command}",
                     "{n} payments in one batch; their lines: {command}", n, fmt::arg("n", n),
                     fmt::arg("command", w.command ? w.command(kBatchShow + op_id) : op_id));
        } else if constexpr (std::is_same_v<T, Conversion>) {
          if (mine)
            return Tr("conversion of {euros} for the member; the cash awaits its deposit",
                      fmt::arg("euros", euros(p.euros)));
          if (p.member != me)
            return Tr("the association's share of a member's conversion of {euros}",
                      fmt::arg("euros", euros(p.euros)));
          return Tr("conversion of {euros} at the exchange office",
                    fmt::arg("euros", euros(p.euros)));
        } else if constexpr (std::is_same_v<T, OpenAccount>) {
          std::string s =
              mine ? Tr("account opened for the member") : Tr("your account was opened");
          if (p.fee.positive()) s += Tr(", membership fee {fee}", fmt::arg("fee", euros(p.fee)));
          return s;
        } else if constexpr (std::is_same_v<T, NoteSale>) {
          return Tr("paper notes sold for {euros}", fmt::arg("euros", euros(p.euros)));
        } else if constexpr (std::is_same_v<T, NoteRedemption>) {
          if (mine)
            return Tr("paper notes taken back: {units}",
                      fmt::arg("units", money.Units(p.units.minor())));
          return Tr("paper notes brought back: {units}; {owed} owed to you, paid by bank transfer",
                    fmt::arg("units", money.Units(p.units.minor())),
                    fmt::arg("owed", money.Euros(m.euros)));
        } else if constexpr (std::is_same_v<T, Reconversion>) {
          return Tr("reconversion of {units}; {owed} owed to you, paid by bank transfer",
                    fmt::arg("units", money.Units(p.units.minor())),
                    fmt::arg("owed", money.Euros(m.euros)));
        } else if constexpr (std::is_same_v<T, Deposit>) {
          return Tr("deposit of {euros} into the guarantee fund{ref}",
                    fmt::arg("euros", euros(p.euros)), fmt::arg("ref", Reference(p.reference)));
        } else if constexpr (std::is_same_v<T, Payout>) {
          return Tr("payout of {euros} by bank transfer{ref}", fmt::arg("euros", euros(p.euros)),
                    fmt::arg("ref", Reference(p.reference)));
        } else if constexpr (std::is_same_v<T, FundProgramme>) {
          return Tr("{euros} paid into programme « {programme} »{ref}",
                    fmt::arg("euros", euros(p.euros)), fmt::arg("programme", p.programme),
                    fmt::arg("ref", Reference(p.reference)));
        } else if constexpr (std::is_same_v<T, BankEntry>) {
          if (p.kind == BankEntryKind::kInterest)
            return Tr("bank interest of {euros}{ref}", fmt::arg("euros", euros(p.euros)),
                      fmt::arg("ref", Reference(p.reference)));
          return Tr("bank fee of {euros}{ref}", fmt::arg("euros", euros(p.euros)),
                    fmt::arg("ref", Reference(p.reference)));
        } else if constexpr (std::is_same_v<T, RenewMembership>) {
          std::string s =
              Tr("membership renewed until {date}", fmt::arg("date", DisplayDate(p.until_ms - 1)));
          if (p.fee.positive()) s += Tr(", membership fee {fee}", fmt::arg("fee", euros(p.fee)));
          return s;
        } else if constexpr (std::is_same_v<T, Propose>) {
          // In another account's history only when it decided at once (a threshold of one).
          Hash self;
          if (!mine && self.Assign(receipt.operation_id())) return BoardDecision(self, money, w);
          return Tr("proposed to the board: {decision}",
                    fmt::arg("decision", DescribeDecision(p.decision, w.name_of, money)));
        } else if constexpr (std::is_same_v<T, Approve>) {
          if (!mine) return BoardDecision(p.proposal, money, w);
          std::optional<Decision> d = w.decision_of ? w.decision_of(p.proposal) : std::nullopt;
          if (!d)
            return Tr("approved the board proposal {id}…",
                      fmt::arg("id", ToHex(p.proposal).substr(0, 16)));
          return Tr("approved the board proposal: {decision}",
                    fmt::arg("decision", DescribeDecision(*d, w.name_of, money)));
        } else if constexpr (std::is_same_v<T, Withdraw>) {
          return Tr("withdrew the board proposal {id}…",
                    fmt::arg("id", ToHex(p.proposal).substr(0, 16)));
        } else if constexpr (std::is_same_v<T, Refund>) {
          return Tr("refund of payment {id}…", fmt::arg("id", ToHex(p.original).substr(0, 16)));
        } else if constexpr (std::is_same_v<T, AddKey>) {
          const std::string scope = _(std::string(ScopeName(p.scope)).c_str());
          if (p.scope == KeyScope::kRefund)
            return Tr("staff key « {label} » added ({key}…), scope {scope}, up to {cap} a day",
                      fmt::arg("label", SafeText(p.label)),
                      fmt::arg("key", ToHex(p.key).substr(0, 16)), fmt::arg("scope", scope),
                      fmt::arg("cap", money.Units(p.refund_cap_per_day)));
          return Tr("staff key « {label} » added ({key}…), scope {scope}",
                    fmt::arg("label", SafeText(p.label)),
                    fmt::arg("key", ToHex(p.key).substr(0, 16)), fmt::arg("scope", scope));
        } else if constexpr (std::is_same_v<T, RevokeKey>) {
          return Tr("staff key {key}… revoked", fmt::arg("key", ToHex(p.key).substr(0, 16)));
        } else if constexpr (std::is_same_v<T, SetCard>) {
          if (p.card.empty()) return Tr("public card removed");
          std::string where = p.card.category;
          if (!p.card.city.empty()) where += (where.empty() ? "" : ", ") + p.card.city;
          if (where.empty()) return Tr("public card set");
          return Tr("public card set: {card}", fmt::arg("card", SafeText(where)));
        } else if constexpr (std::is_same_v<T, CancelRequest>) {
          return Tr("payment request {id}… cancelled",
                    fmt::arg("id", ToHex(p.request_id).substr(0, 16)));
        } else if constexpr (std::is_same_v<T, Collect>) {
          const std::string id =
              ToHex(MandateId(p.mandate.mandate.ledger_id, p.mandate.body)).substr(0, 16);
          if (mine)
            return Tr("collected under the mandate « {memo} » ({id}…)",
                      fmt::arg("memo", SafeText(p.mandate.mandate.memo)), fmt::arg("id", id));
          return Tr("collected under your mandate « {memo} » ({id}…)",
                    fmt::arg("memo", SafeText(p.mandate.mandate.memo)), fmt::arg("id", id));
        } else if constexpr (std::is_same_v<T, RevokeMandate>) {
          return Tr("mandate {id}… revoked", fmt::arg("id", ToHex(p.mandate_id).substr(0, 16)));
        } else if constexpr (std::is_same_v<T, PlaceOrder>) {
          return Tr("standing order {id}… placed: {terms}", fmt::arg("id", op_id.substr(0, 16)),
                    fmt::arg("terms", OrderTerms(p, money)));
        } else if constexpr (std::is_same_v<T, SetOrderState>) {
          const std::string id = ToHex(p.order).substr(0, 16);
          if (p.action == OrderAction::kPause)
            return Tr("standing order {id}… paused", fmt::arg("id", id));
          if (p.action == OrderAction::kResume)
            return Tr("standing order {id}… resumed", fmt::arg("id", id));
          return Tr("standing order {id}… cancelled", fmt::arg("id", id));
        } else if constexpr (std::is_same_v<T, ExecuteOrder>) {
          const std::string id = ToHex(OperationId(p.order_ledger, p.order_body)).substr(0, 16);
          // fmt::arg keeps a reference to its value: the values live here, not in temporaries
          // that die before the message is formatted.
          const std::string memo_text = SafeText(p.order.memo);
          const uint32_t number = p.index + 1;
          const auto memo = fmt::arg("memo", memo_text);
          const auto n = fmt::arg("n", number);
          if (p.failed == static_cast<uint32_t>(Code::kOrderPaused))
            return Tr("standing order « {memo} » ({id}…): payment {n} skipped, the order is paused",
                      memo, fmt::arg("id", id), n);
          if (p.failed != 0)
            return Tr(
                "standing order « {memo} » ({id}…): payment {n} refused ({code}), nothing "
                "moved",
                memo, fmt::arg("id", id), n,
                fmt::arg("code", CodeName(static_cast<Code>(p.failed))));
          return Tr("standing order « {memo} » ({id}…): payment {n}", memo, fmt::arg("id", id), n);
        } else if constexpr (std::is_same_v<T, ApplyDemurrage>) {
          const std::string month =
              MonthInWords(static_cast<int>(p.period / 100), static_cast<int>(p.period % 100));
          if (m.units < 0)
            return Tr("demurrage of {month}: {units} of what you held above the threshold",
                      fmt::arg("month", month), fmt::arg("units", money.Units(-m.units)));
          if (m.units > 0)
            return Tr("demurrage of {month} received: {units}", fmt::arg("month", month),
                      fmt::arg("units", money.Units(m.units)));
          return TrP("demurrage of {month} charged to {n} holder",
                     "demurrage of {month} charged to {n} holders", p.holders.size(),
                     fmt::arg("month", month), fmt::arg("n", p.holders.size()));
        } else if constexpr (std::is_same_v<T, ChooseAssociation>) {
          if (p.association.IsZero())
            return Tr("no association chosen any more for the share of conversions");
          return Tr("association chosen for the share of your conversions");
        } else {
          return std::string(OpTypeName(m.op.type()));
        }
      },
      m.op.payload);
}

}  // namespace liard::wallet

namespace liard::wallet {
namespace {

std::string Ratio(int64_t num, int64_t den) {
  return std::to_string(num) + "/" + std::to_string(den);
}

std::string Limit(const Money& money, int64_t v) { return v == 0 ? _("none") : money.Units(v); }

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
      Tr("backing {backing}; conversion from {min} to {max}; reconversion fee {fee} from {fee_min}",
         fmt::arg("backing", Ratio(r.backing_num, r.backing_den)),
         fmt::arg("min", money.Euros(r.conversion.min_euros)),
         fmt::arg("max", r.conversion.max_euros == 0 ? std::string(_("no maximum"))
                                                     : money.Euros(r.conversion.max_euros)),
         fmt::arg("fee", Ratio(r.reconversion.fee_num, r.reconversion.fee_den)),
         fmt::arg("fee_min", money.Units(r.reconversion.min_units)));
  if (HasOfficeConversionRules(r)) {
    const std::string kinds = KindsText(r.conversion.member_kinds != 0 ? r.conversion.member_kinds
                                                                       : kDefaultConvertibleKinds);
    s += r.conversion.office_cash_ceiling == 0
             ? Tr("; offices convert for {kinds} and hold any cash not yet deposited",
                  fmt::arg("kinds", kinds))
             : Tr("; offices convert for {kinds} and hold at most {ceiling} not yet deposited",
                  fmt::arg("kinds", kinds),
                  fmt::arg("ceiling", money.Euros(r.conversion.office_cash_ceiling)));
  }
  for (const KindLimits& l : r.limits)
    s += Tr("; {kind}: max payment {max}, daily outgoing {daily}, balance ceiling {ceiling}",
            fmt::arg("kind", KindName(l.kind)), fmt::arg("max", Limit(money, l.max_payment)),
            fmt::arg("daily", Limit(money, l.daily_outgoing)),
            fmt::arg("ceiling", Limit(money, l.balance_ceiling)));
  if (r.programmes.empty()) {
    s += _("; no bonus programme");
  } else {
    std::string names;
    for (const Programme& p : r.programmes) names += (names.empty() ? "" : " ") + p.name;
    s += Tr("; programmes {names}", fmt::arg("names", names));
  }
  if (!r.default_programme.empty())
    s += Tr("; conversions name programme « {programme} » unless told otherwise",
            fmt::arg("programme", r.default_programme));
  if (r.share.basis_points > 0)
    s +=
        Tr("; association's share {percent} of each conversion from programme « {programme} », "
           "{n} associations to choose from",
           fmt::arg("percent", money.Percent(r.share.basis_points)),
           fmt::arg("programme", r.share.programme), fmt::arg("n", r.share.associations.size()));
  return s;
}

std::string DescribeDecision(const Decision& decision, const NameFn& name_of, const Money& money) {
  return std::visit(
      [&](const auto& d) -> std::string {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, OpenAccount>) {
          std::string s =
              Tr("open a {kind} account '{name}' for {account}",
                 fmt::arg("kind", _(std::string(KindName(d.kind)).c_str())),
                 fmt::arg("name", SafeText(d.name)), fmt::arg("account", name_of(d.id)));
          if (d.member_until_ms != 0)
            s += Tr(", member until {date}", fmt::arg("date", DisplayDate(d.member_until_ms - 1)));
          if (d.fee.positive()) s += Tr(", fee {fee}", fmt::arg("fee", money.Euros(d.fee.minor())));
          return s;
        } else if constexpr (std::is_same_v<T, GrantRole>) {
          return Tr("grant the {role} role to {account}",
                    fmt::arg("role", RoleWord(static_cast<uint32_t>(d.role))),
                    fmt::arg("account", name_of(d.account)));
        } else if constexpr (std::is_same_v<T, RevokeRole>) {
          return Tr("revoke the {role} role from {account}",
                    fmt::arg("role", RoleWord(static_cast<uint32_t>(d.role))),
                    fmt::arg("account", name_of(d.account)));
        } else if constexpr (std::is_same_v<T, SetRules>) {
          return Tr("set the rules: {rules}", fmt::arg("rules", DescribeRules(d.rules, money)));
        } else if constexpr (std::is_same_v<T, Freeze>) {
          return Tr("freeze {account} « {reason} »", fmt::arg("account", name_of(d.account)),
                    fmt::arg("reason", SafeText(d.reason)));
        } else if constexpr (std::is_same_v<T, Unfreeze>) {
          return Tr("unfreeze {account}", fmt::arg("account", name_of(d.account)));
        } else if constexpr (std::is_same_v<T, Rekey>) {
          return Tr("re-key {account} to the public key {key}",
                    fmt::arg("account", name_of(d.account)), fmt::arg("key", ToHex(d.new_key)));
        } else if constexpr (std::is_same_v<T, Pause>) {
          return Tr("pause all payments « {reason} »", fmt::arg("reason", SafeText(d.reason)));
        } else if constexpr (std::is_same_v<T, Resume>) {
          return _("resume payments");
        } else if constexpr (std::is_same_v<T, SetThreshold>) {
          return TrP("make {n} approval decide", "make {n} approvals decide", d.threshold,
                     fmt::arg("n", d.threshold));
        } else if constexpr (std::is_same_v<T, SetNodeKey>) {
          return Tr("make the node sign its checkpoints with node key {fingerprint} ({key})",
                    fmt::arg("fingerprint", KeyFingerprint(d.node_key)),
                    fmt::arg("key", ToHex(d.node_key)));
        } else {
          static_assert(std::is_same_v<T, SetNodeKeys>);
          const std::string keys = KeyListText(d.node_keys);
          return TrP("name {n} node key for the checkpoints: {keys}",
                     "name {n} node keys for the checkpoints: {keys}", d.node_keys.size(),
                     fmt::arg("n", d.node_keys.size()), fmt::arg("keys", keys));
        }
      },
      decision);
}

}  // namespace liard::wallet
