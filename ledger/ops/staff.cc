// Staff keys: a shop's tills and cashiers sign within a scope; the owner's key adds and
// revokes them.
#include <algorithm>
#include <string>

#include "ledger/check.h"
#include "ledger/genesis.h"
#include "ledger/ops/ops.h"
#include "ledger/text.h"

namespace liard::ops {
namespace {

Status BadStaffKey(std::string why) { return Status(Code::kBadStaffKey, std::move(why)); }

// Only the account's own key manages its keys. StaffMayPerform refuses these to every scope
// already; this holds even if that table changes.
Status OwnKeyOnly(const OpContext& ctx, std::string_view what) {
  if (ctx.staff == nullptr) return Status::Ok();
  return Status(Code::kKeyScope, "a staff key may not " + std::string(what) +
                                     ": only the account's own key manages its staff keys");
}

size_t ActiveCount(const Account& a) {
  return static_cast<size_t>(std::count_if(a.staff_keys.begin(), a.staff_keys.end(),
                                           [](const StaffKey& k) { return k.active(); }));
}

}  // namespace

Status Preflight(const Operation&, const AddKey& a) {
  Status s = CheckAccountKey(a.key, "the staff key");
  if (!s.ok()) return Status(Code::kBadStaffKey, s.message());
  if (!IsValidScope(static_cast<uint32_t>(a.scope)))
    return BadStaffKey("a staff key's scope is receive, refund or full, not " +
                       std::to_string(static_cast<int>(a.scope)));
  if (a.scope == KeyScope::kRefund && a.refund_cap_per_day <= 0)
    return BadStaffKey("a staff key of scope refund needs a refund cap per day above zero");
  if (a.scope != KeyScope::kRefund && a.refund_cap_per_day != 0)
    return BadStaffKey("only a staff key of scope refund has a refund cap (a " +
                       std::string(ScopeName(a.scope)) + " key has none)");
  if (a.label.empty() || a.label.size() > kMaxKeyLabelBytes || !IsPrintableUtf8(a.label))
    return BadStaffKey("a staff key's label must be 1 to 64 bytes of printable UTF-8");
  const std::string problem = TextProblem(a.label);
  if (!problem.empty()) return BadStaffKey("the staff key's label is refused: " + problem);
  return Status::Ok();
}

Status Apply(OpContext& ctx, const AddKey& a) {
  Status s = OwnKeyOnly(ctx, "add keys");
  if (!s.ok()) return s;
  Account account;
  s = ctx.Target(ctx.actor.id, &account);
  if (!s.ok()) return s;
  if (a.key == account.key)
    return Status(Code::kKeyInUse, "the key is the account's own key; a staff key is another key");
  if (const StaffKey* old = account.FindStaffKey(a.key)) {
    if (old->active())
      return Status(Code::kKeyInUse, "the key is already the staff key '" + old->label + "'");
    // A revoked key may have leaked: it never signs again for this account.
    return Status(Code::kKeyInUse, "the key was the staff key '" + old->label +
                                       "', revoked: make a new key for the till");
  }
  if (ActiveCount(account) >= kMaxActiveStaffKeys)
    return Status(Code::kTooManyKeys, "the account has " + std::to_string(kMaxActiveStaffKeys) +
                                          " active staff keys, as many as allowed; revoke one "
                                          "first");
  // Past operations name revoked keys: they are kept, but not without end. Beyond the records
  // allowed, the oldest revoked one is forgotten (at most kMaxActiveStaffKeys are active, so
  // there is always one).
  while (account.staff_keys.size() >= kMaxStaffKeyRecords) {
    auto oldest = account.staff_keys.end();
    for (auto it = account.staff_keys.begin(); it != account.staff_keys.end(); ++it)
      if (!it->active() &&
          (oldest == account.staff_keys.end() || it->revoked_ms < oldest->revoked_ms))
        oldest = it;
    LIARD_CHECK(oldest != account.staff_keys.end());
    account.staff_keys.erase(oldest);
  }
  StaffKey k;
  k.key = a.key;
  k.scope = a.scope;
  k.refund_cap_per_day = a.refund_cap_per_day;
  k.label = a.label;
  k.added_ms = ctx.now_ms;
  account.staff_keys.push_back(std::move(k));
  ctx.Write(std::move(account));
  return Status::Ok();
}

Status Preflight(const Operation&, const RevokeKey& r) {
  if (r.key.IsZero()) return BadStaffKey("the key to revoke is all zeros");
  return Status::Ok();
}

Status Apply(OpContext& ctx, const RevokeKey& r) {
  Status s = OwnKeyOnly(ctx, "revoke keys");
  if (!s.ok()) return s;
  Account account;
  s = ctx.Target(ctx.actor.id, &account);
  if (!s.ok()) return s;
  for (StaffKey& k : account.staff_keys) {
    if (k.key != r.key) continue;
    if (!k.active())
      return Status(Code::kUnknownKey, "the staff key '" + k.label + "' was revoked already");
    k.revoked_ms = std::max<int64_t>(ctx.now_ms, 1);  // 0 means active
    ctx.Write(std::move(account));
    return Status::Ok();
  }
  return Status(Code::kUnknownKey, "the key is not a staff key of the account");
}

}  // namespace liard::ops
