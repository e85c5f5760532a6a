// Earmarked aid: a funder gives residents units spendable only at some payees until an expiry
// (GrantAid), a payment draws them first where the payee qualifies (PayWithAid, from a
// transfer), and the funder takes back what is left after the expiry (ExpireAid).
#include <algorithm>
#include <string>

#include "ledger/domains.h"
#include "ledger/ops/ops.h"
#include "ledger/text.h"

namespace liard::ops {
namespace {

// Bound on how far ahead an expiry may lie: five years.
constexpr int64_t kMaxAidLifetimeMs = 5LL * 366 * 24 * 3600 * 1000;

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool SameCategory(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

Status RecipientRefusal(const Status& s, size_t i) {
  Status r(s.code(), "recipient " + std::to_string(i + 1) + ": " + s.message(),
           static_cast<uint32_t>(i + 1));
  for (const auto& f : s.figures()) r.With(f.name, f.value);
  return r;
}

}  // namespace

Hash EarmarkOwner(const AccountId& holder, const Hash& grant) {
  return Sha256({kEarmarkDomain, holder.view(), grant.view()});
}

BookKey EarmarkKey(const AccountId& holder, const Hash& grant) {
  return BookKey{Slot::kEarmarked, EarmarkOwner(holder, grant)};
}

bool AidQualifies(const HeldGrant& g, const Account& payee) {
  for (const AccountId& m : g.merchants)
    if (m == payee.id) return true;
  if (payee.card.category.empty()) return false;
  for (const std::string& c : g.categories)
    if (SameCategory(c, payee.card.category)) return true;
  return false;
}

Status Preflight(const Operation& op, const GrantAid& g) {
  if (g.purpose.empty() || g.purpose.size() > kMaxGrantPurposeBytes || !IsPrintableUtf8(g.purpose))
    return Status(Code::kMemoNotText, "the aid's purpose must be 1 to " +
                                          std::to_string(kMaxGrantPurposeBytes) +
                                          " bytes of printable UTF-8")
        .With("max_bytes", static_cast<int64_t>(kMaxGrantPurposeBytes));
  if (g.categories.size() > kMaxGrantCategories || g.merchants.size() > kMaxGrantMerchants)
    return Status(Code::kBadLegCount, "an aid names at most " +
                                          std::to_string(kMaxGrantCategories) + " categories and " +
                                          std::to_string(kMaxGrantMerchants) + " merchants")
        .With("max_categories", static_cast<int64_t>(kMaxGrantCategories))
        .With("max_merchants", static_cast<int64_t>(kMaxGrantMerchants));
  if (g.categories.empty() && g.merchants.empty())
    return Status(Code::kBadLegCount,
                  "an aid names at least one category of shop or one merchant where it is spent");
  for (const std::string& c : g.categories)
    if (c.empty() || c.size() > kMaxCategoryBytes || !IsPrintableUtf8(c))
      return Status(Code::kMemoNotText, "each category of the aid is 1 to " +
                                            std::to_string(kMaxCategoryBytes) +
                                            " bytes of printable UTF-8, as on the shops' cards");
  if (g.expires_ms <= 0) return Status(Code::kExpired, "an aid needs an expiry date");
  if (g.recipients.empty() || g.recipients.size() > kMaxLegs)
    return Status(Code::kBadLegCount, "an aid has 1 to " + std::to_string(kMaxLegs) +
                                          " recipients, not " + std::to_string(g.recipients.size()))
        .With("legs", static_cast<int64_t>(g.recipients.size()))
        .With("max_legs", static_cast<int64_t>(kMaxLegs));
  __int128 total = 0;
  for (size_t i = 0; i < g.recipients.size(); ++i) {
    Status s =
        Preflight(op, Transfer{g.recipients[i].to, g.recipients[i].amount, g.recipients[i].memo});
    if (!s.ok()) return RecipientRefusal(s, i);
    total += g.recipients[i].amount.minor();
  }
  if (total > INT64_MAX)
    return Status(Code::kAmountTooLarge, "the recipients add up past the largest amount")
        .With("largest_units", INT64_MAX);
  return Status::Ok();
}

Status Apply(OpContext& ctx, const GrantAid& g) {
  if (g.expires_ms <= ctx.now_ms)
    return Status(Code::kExpired, "the aid would expire before it is given")
        .With("expires_ms", g.expires_ms)
        .With("now_ms", ctx.now_ms);
  if (g.expires_ms - ctx.now_ms > kMaxAidLifetimeMs)
    return Status(Code::kAboveMaximum, "an aid expires at most five years ahead")
        .With("expires_ms", g.expires_ms);
  for (const AccountId& m : g.merchants) {
    const Account* shop = nullptr;
    Status s =
        ctx.Counterparty(m,
                         KindBit(AccountKind::kMerchant) | KindBit(AccountKind::kMunicipality) |
                             KindBit(AccountKind::kAssociation),
                         "merchant", &shop, Standing::kAnyStatus);
    if (!s.ok()) return s;
  }
  HeldGrant held{ctx.op_id, ctx.actor.id, g.purpose, g.expires_ms, g.categories, g.merchants};
  int64_t total = 0;
  for (size_t i = 0; i < g.recipients.size(); ++i) {
    const Leg& leg = g.recipients[i];
    Account holder;
    Status s = ctx.Target(leg.to, &holder);
    if (s.ok() && holder.kind != AccountKind::kResident)
      s = Status(Code::kWrongAccountKind, "earmarked aid goes to residents; the account is a " +
                                              std::string(KindName(holder.kind)));
    if (s.ok()) s = ctx.Payee(&holder);
    if (s.ok() && holder.FindGrant(held.grant) == nullptr) {
      if (holder.grants.size() >= kMaxGrantsHeld)
        s = Status(Code::kAboveMaximum, "the resident holds " + std::to_string(kMaxGrantsHeld) +
                                            " earmarked aids already, the most one may")
                .With("max_grants", static_cast<int64_t>(kMaxGrantsHeld));
      else
        holder.grants.push_back(held);
    }
    if (!s.ok()) return RecipientRefusal(s, i);
    ctx.Write(std::move(holder));
    total += leg.amount.minor();  // preflight bounded the sum
    ctx.Post(EarmarkKey(leg.to, held.grant), leg.amount.minor());
  }
  Status s = ctx.CheckPayer(total, PaymentShape::kLegs);
  if (!s.ok()) return s;
  const int64_t balance = ctx.state.Balance(BookKey::Member(ctx.actor.id));
  if (balance < total)
    return Status(Code::kInsufficientFunds, "the balance is " + ctx.Format(balance) +
                                                ", less than the aid's total of " +
                                                ctx.Format(total))
        .With("balance_units", balance)
        .With("amount_units", total);
  ctx.Post(BookKey::Member(ctx.actor.id), -total);
  ctx.Post(BookKey{Slot::kAidOutstanding, held.grant}, total);
  ctx.delta->note = "gave " + ctx.Format(total) + " of earmarked aid to " +
                    std::to_string(g.recipients.size()) + " recipients";
  return Status::Ok();
}

Status PayWithAid(OpContext& ctx, const Transfer& t, const Account& payee) {
  // What each qualifying grant of the payer's gives, in the order the grants were received.
  int64_t left = t.amount.minor();
  Account payer = ctx.actor;
  std::string parts;
  int64_t from_aid = 0;
  bool record_changed = false;
  for (auto it = payer.grants.begin(); it != payer.grants.end() && left > 0;) {
    if (ctx.now_ms >= it->expires_ms || !AidQualifies(*it, payee)) {
      ++it;
      continue;
    }
    const BookKey key = EarmarkKey(payer.id, it->grant);
    const int64_t held = ctx.state.Balance(key);
    const int64_t draw = std::min(held, left);
    if (draw > 0) {
      ctx.Post(key, -draw);
      ctx.Post(BookKey{Slot::kAidOutstanding, it->grant}, -draw);
      left -= draw;
      from_aid += draw;
      parts +=
          (parts.empty() ? "" : ", ") + ctx.Format(draw) + " from the aid '" + it->purpose + "'";
    }
    if (draw == held) {  // spent: the record forgets it, and the next payment reads no more
      it = payer.grants.erase(it);
      record_changed = true;
    } else {
      ++it;
    }
  }
  const int64_t balance = ctx.state.Balance(BookKey::Member(ctx.actor.id));
  if (balance < left)
    return Status(Code::kInsufficientFunds,
                  "the balance is " + ctx.Format(balance) +
                      (from_aid > 0 ? " besides " + ctx.Format(from_aid) + " of earmarked aid"
                                    : std::string()) +
                      ", less than " + ctx.Format(t.amount.minor()))
        .With("balance_units", balance)
        .With("amount_units", t.amount.minor());
  Status s = ApplyRequest(ctx, t);
  if (!s.ok()) return s;
  if (left > 0) ctx.Post(BookKey::Member(ctx.actor.id), -left);
  ctx.Post(BookKey::Member(t.to), t.amount.minor());
  if (record_changed) ctx.Write(std::move(payer));
  // Only the ordinary part may be refunded: a refund credits ordinary units, and must not turn
  // earmarked ones into them. Version 5 records the ordinary part as refundable; from version 6
  // a refund reads the whole payment in the journal, so the aid part is recorded as not
  // refundable.
  if (left > 0) {
    Transfer ordinary = t;
    ordinary.amount = Amount(left);
    RecordRefundable(ctx, ordinary);
  }
  RecordUnrefundable(ctx, t, from_aid);
  if (from_aid > 0)
    ctx.delta->note = "paid " + ctx.Format(t.amount.minor()) + ": " + parts +
                      (left > 0 ? ", " + ctx.Format(left) + " ordinary" : std::string());
  return Status::Ok();
}

Status Preflight(const Operation& op, const ExpireAid& e) {
  if (e.holders.empty() || e.holders.size() > kMaxLegs)
    return Status(Code::kBadLegCount, "an expiry names 1 to " + std::to_string(kMaxLegs) +
                                          " holders, not " + std::to_string(e.holders.size()))
        .With("legs", static_cast<int64_t>(e.holders.size()))
        .With("max_legs", static_cast<int64_t>(kMaxLegs));
  (void)op;
  return Status::Ok();
}

Status Apply(OpContext& ctx, const ExpireAid& e) {
  const BookKey outstanding{Slot::kAidOutstanding, e.grant};
  const int64_t left = ctx.state.Balance(outstanding);
  int64_t returned = 0;
  size_t holders = 0;
  for (size_t i = 0; i < e.holders.size(); ++i) {
    Account holder;
    if (!ctx.Target(e.holders[i], &holder).ok()) continue;  // not a holder: nothing to take
    const auto it = std::find_if(holder.grants.begin(), holder.grants.end(),
                                 [&](const HeldGrant& g) { return g.grant == e.grant; });
    if (it == holder.grants.end()) continue;
    if (it->funder != ctx.actor.id)
      return RecipientRefusal(
          Status(Code::kNotPermitted, "only the funder of an aid takes back what is left of it"),
          i);
    if (ctx.now_ms < it->expires_ms)
      return Status(Code::kAidNotExpired, "the aid '" + it->purpose + "' has not expired yet")
          .With("expires_ms", it->expires_ms)
          .With("now_ms", ctx.now_ms);
    const BookKey key = EarmarkKey(holder.id, e.grant);
    const int64_t held = ctx.state.Balance(key);
    holder.grants.erase(it);
    ctx.Write(std::move(holder));
    if (held > 0) {
      ctx.Post(key, -held);
      returned += held;
      ++holders;
    }
  }
  if (returned != left)
    return Status(Code::kAidUnreturned, "the holders named hold " + ctx.Format(returned) +
                                            " of what is left of the aid, " + ctx.Format(left) +
                                            ": name every resident who still holds some")
        .With("returned_units", returned)
        .With("outstanding_units", left);
  if (returned == 0)
    return Status(Code::kAidUnreturned, "nothing is left of this aid to take back")
        .With("outstanding_units", 0);
  ctx.Post(outstanding, -returned);
  ctx.Post(BookKey::Member(ctx.actor.id), returned);
  ctx.delta->note = "took back " + ctx.Format(returned) + " of expired aid from " +
                    std::to_string(holders) + " holders";
  return Status::Ok();
}

}  // namespace liard::ops
