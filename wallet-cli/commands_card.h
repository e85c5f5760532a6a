// A shop's public card as the wallet shows it: before paying the shop (pay), on its account
// (account show, card show), and in the directory. See commands_card.cc.
#ifndef LIARD_WALLET_CLI_COMMANDS_CARD_H_
#define LIARD_WALLET_CLI_COMMANDS_CARD_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "liard/v1/ledger.pb.h"

namespace liard::wallet {

// "Boulangerie, 12 rue de la République, 84000 Avignon": the category and where the shop is,
// in one line made safe to print; empty when the card has none of these.
std::string CardSummary(const ::liard::v1::Card& card);

// One row per field the card fills ({"address", "12 rue ..."}), headings translated, in the
// order of the card's fields; the position as "43.949300, 4.805500".
std::vector<std::vector<std::string>> CardRows(const ::liard::v1::Card& card);

// The card as `card show --json`, `account show --json` and the directory print it: each field
// the card has by its name ("address", "postcode", ...), the position as "latitude" and
// "longitude" in degrees.
nlohmann::ordered_json CardJson(const ::liard::v1::Card& card);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_COMMANDS_CARD_H_
