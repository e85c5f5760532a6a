// QR codes for the terminal: a payment request drawn with Unicode half blocks.
#ifndef LIARD_WALLET_CLI_QR_H_
#define LIARD_WALLET_CLI_QR_H_

#include <string>
#include <string_view>

#include "wallet-cli/cli_status.h"

namespace liard::wallet {

struct QrStyle {
  // Paint black on white with ANSI colours, so the code reads the same in a dark or a light
  // terminal. Without it (a file, a pipe), dark modules are printed as filled blocks.
  bool ansi_colours = true;
  int quiet_zone = 4;
  // Swaps light and dark: for a terminal with light text on a dark background, without colours.
  bool invert = false;  // modules of light border (ISO/IEC 18004 asks for 4)
};

// Encodes `text` (byte mode, error correction level M) and draws it, two module rows per text
// line. A local error if the text is too long for any QR version.
[[nodiscard]] CliStatus RenderQr(std::string_view text, const QrStyle& style, std::string* out);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_QR_H_
