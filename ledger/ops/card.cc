// Public cards: what a shop shows payers and the directory (SetCard).
#include "ledger/ops/card.h"

#include <cstdlib>

#include "ledger/genesis.h"
#include "ledger/ops/ops.h"

namespace liard {

Status CheckCard(const Card& c) {
  for (const CardField& f : kCardFields) {
    const std::string& text = c.*f.member;
    if (text.size() > f.max_bytes)
      return Status(Code::kBadCard, "the card's " + std::string(f.name) + " has " +
                                        std::to_string(text.size()) + " bytes; at most " +
                                        std::to_string(f.max_bytes))
          .With(std::string(f.name) + "_bytes", static_cast<int64_t>(text.size()))
          .With("max_bytes", static_cast<int64_t>(f.max_bytes));
    if (!IsPrintableUtf8(text))
      return Status(Code::kBadCard, "the card's " + std::string(f.name) +
                                        " is not printable UTF-8 text (no control characters, "
                                        "no line breaks)");
  }
  if (c.has_position) {
    const int32_t lat = c.position.latitude_e6, lon = c.position.longitude_e6;
    if (lat < -kMaxLatitudeE6 || lat > kMaxLatitudeE6)
      return Status(Code::kBadCard, "the card's latitude is " + std::to_string(lat) +
                                        " millionths of a degree; it must lie between -90 and 90 "
                                        "degrees")
          .With("latitude_e6", lat);
    if (lon < -kMaxLongitudeE6 || lon > kMaxLongitudeE6)
      return Status(Code::kBadCard, "the card's longitude is " + std::to_string(lon) +
                                        " millionths of a degree; it must lie between -180 and "
                                        "180 degrees")
          .With("longitude_e6", lon);
  }
  return Status::Ok();
}

namespace ops {

Status Preflight(const Operation&, const SetCard& c) { return CheckCard(c.card); }

Status Apply(OpContext& ctx, const SetCard& c) {
  // The permission table lets the treasurer role through (the association holds it), but a
  // resident granted the role is a person, not a shop: no card.
  switch (ctx.actor.kind) {
    case AccountKind::kMerchant:
    case AccountKind::kExchangeOffice:
    case AccountKind::kMunicipality:
    case AccountKind::kAssociation:
      break;
    default:
      return Status(Code::kWrongAccountKind,
                    "only a merchant, an exchange office, a municipality or the association has "
                    "a public card; this account is a " +
                        std::string(KindName(ctx.actor.kind)));
  }
  Account updated = ctx.actor;
  updated.card = c.card;
  ctx.delta->accounts.push_back(std::move(updated));
  return Status::Ok();
}

}  // namespace ops
}  // namespace liard
