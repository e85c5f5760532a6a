// The node's note on an applied operation (SubmitResponse.message: "converted 10.00 EUR into
// 12.00 ROUE (bonus 2.00 ROUE)") is written in English by the ledger, for logs and any client.
// The wallet says it in the user's language: the note is cut into its clauses ("; "), each
// clause the wallet knows is said again from a template (English msgids translated in
// po/fr-note.po), with its amounts through Money and its dates as the user writes them; a clause
// it does not know (a newer node's) is kept as the node wrote it, never dropped.
#ifndef LIARD_WALLET_CLI_NODE_NOTE_H_
#define LIARD_WALLET_CLI_NODE_NOTE_H_

#include <string>
#include <string_view>

#include "wallet-cli/format.h"

namespace liard::wallet {

// The note in the current language. English: the note as is. `money` formats the currency's
// units; amounts in euros ("10.00 EUR") are shown through Money::Euros.
std::string NodeNote(std::string_view note, const Money& money);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_NODE_NOTE_H_
