// A shop's public card: the limits SetCard's Preflight holds each field to, shared with the
// wallet so that it says what is wrong before it signs. See docs/protocol.md, "Public cards and
// the directory".
#ifndef LIARD_LEDGER_OPS_CARD_H_
#define LIARD_LEDGER_OPS_CARD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/account.h"
#include "ledger/status.h"

namespace liard {

// One text field of a card: its name (as refusals, the wallet's --clear and the directory's
// JSON keys write it), its limit in bytes, and where it lives in Card. In the order of
// liard.v1.Card's fields 1 to 8.
struct CardField {
  std::string_view name;
  size_t max_bytes;
  std::string Card::*member;
};
inline constexpr CardField kCardFields[] = {
    {"address", 128, &Card::address}, {"postcode", 16, &Card::postcode},
    {"city", 64, &Card::city},        {"category", 64, &Card::category},
    {"hours", 256, &Card::hours},     {"description", 512, &Card::description},
    {"website", 128, &Card::website}, {"phone", 32, &Card::phone},
};

// Millionths of a degree: a latitude within ±90°, a longitude within ±180°.
inline constexpr int32_t kMaxLatitudeE6 = 90'000'000;
inline constexpr int32_t kMaxLongitudeE6 = 180'000'000;

// The card's shape: BAD_CARD naming the first field that is too long (figures `<field>_bytes`
// and `max_bytes`) or not printable UTF-8 (no control characters: a newline is refused), or a
// position off the globe (figure `latitude_e6` or `longitude_e6`). Ok for an empty card (it
// removes the card).
[[nodiscard]] Status CheckCard(const Card& card);

}  // namespace liard

#endif  // LIARD_LEDGER_OPS_CARD_H_
