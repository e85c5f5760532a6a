// Accounts: an office or treasurer opens a resident's account (OpenAccount; other kinds are
// opened by a board decision, which calls Open too) and renews memberships (RenewMembership).
#include <string>

#include "ledger/crypto.h"
#include "ledger/ops/ops.h"
#include "ledger/permissions.h"
#include "ledger/text.h"

namespace liard::ops {
namespace {

// No account may take a name that looks like a merchant's, an office's, a municipality's or
// the association's; none of those may take any account's name (see IsGuardedNameKind).
Status NameFree(const OpContext& ctx, AccountKind kind, const std::string& name) {
  for (const AccountId& id : ctx.state.AccountsNamedLike(NameSkeleton(name))) {
    const Account* other = ctx.state.FindAccount(id);
    if (other != nullptr && (IsGuardedNameKind(kind) || IsGuardedNameKind(other->kind)))
      return Status(Code::kNameTaken, "the name '" + name + "' looks like that of the " +
                                          std::string(KindName(other->kind)) + " '" + other->name +
                                          "'");
  }
  return Status::Ok();
}

}  // namespace

Status CheckAccountKey(const PublicKey& key, std::string_view what) {
  if (!IsValidPublicKey(key))
    return Status(Code::kBadAccountId,
                  std::string(what) +
                      " is not a valid Ed25519 public key (the identity, all zeros or a "
                      "small-order point can never sign)");
  return Status::Ok();
}

Status Preflight(const Operation&, const OpenAccount& o) {
  if (!IsValidKind(static_cast<uint32_t>(o.kind)))
    return Status(Code::kBadKind,
                  "unknown account kind " + std::to_string(static_cast<int>(o.kind)))
        .With("kind", static_cast<int64_t>(o.kind));
  if (!IsValidName(o.name))
    return Status(Code::kBadName, "an account name must be 1 to 64 bytes of printable UTF-8");
  if (o.member_until_ms < 0)
    return Status(Code::kInvalidArgument, "a membership cannot end before 1970");
  if (o.fee.negative())
    return Status(Code::kAmountNotPositive, "a membership fee cannot be negative");
  return Status::Ok();
}

Status Apply(OpContext& ctx, const OpenAccount& o) {
  if (!MayOpen(ctx.roles, o.kind))
    return Status(Code::kNotPermitted,
                  "an exchange office or treasurer opens residents' accounts only; a " +
                      std::string(KindName(o.kind)) + " account is opened by a board decision");
  return Open(ctx, o);
}

Status Open(OpContext& ctx, const OpenAccount& o) {
  if (AccountKeysChecked(ctx.genesis)) {
    Status s = CheckAccountKey(o.id, "the new account's id");
    if (!s.ok()) return s;
  }
  if (ctx.state.FindAccount(o.id) != nullptr)
    return Status(Code::kAccountExists, "an account with this id exists already");
  if (NamesChecked(ctx.genesis)) {
    Status s = NameFree(ctx, o.kind, o.name);
    if (!s.ok()) return s;
  }
  Account opened;
  opened.id = o.id;
  opened.key = o.id;
  opened.kind = o.kind;
  opened.name = o.name;
  opened.member_until_ms = o.member_until_ms;
  ctx.delta->accounts.push_back(std::move(opened));
  ctx.RecordFee(o.fee.minor());
  return Status::Ok();
}

Status Preflight(const Operation&, const RenewMembership& r) {
  if (r.until_ms <= 0)
    return Status(Code::kInvalidArgument, "a renewal needs the date the membership runs until");
  if (r.fee.negative())
    return Status(Code::kAmountNotPositive, "a membership fee cannot be negative");
  return Status::Ok();
}

Status Apply(OpContext& ctx, const RenewMembership& r) {
  const Account* member = nullptr;
  Status s = ctx.Counterparty(r.member, kAnyKind, "member", &member, Standing::kAnyStatus);
  if (!s.ok()) return s;
  if (member->status == AccountStatus::kClosed)
    return Status(Code::kDestinationClosed, "the member's account is closed");
  // Version 3: a membership for life (0) stays one; a renewal would give it an end.
  if (BoardGuarded(ctx.genesis) && member->member_until_ms == 0)
    return Status(Code::kInvalidArgument,
                  "the membership has no end (member for life): a renewal would give it one");
  if (r.until_ms <= ctx.now_ms || r.until_ms <= member->member_until_ms)
    return Status(Code::kInvalidArgument,
                  "a renewal must run past both today and the membership's current end");
  Account renewed = *member;
  renewed.member_until_ms = r.until_ms;
  ctx.delta->accounts.push_back(std::move(renewed));
  ctx.RecordFee(r.fee.minor());
  ctx.delta->note = "membership renewed";
  return Status::Ok();
}

}  // namespace liard::ops
