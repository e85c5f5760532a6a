// QR codes for the terminal, with libqrencode.
#include "wallet-cli/qr.h"

#include <qrencode.h>

#include <memory>
#include <vector>

#include "wallet-cli/i18n.h"

namespace liard::wallet {

CliStatus RenderQr(std::string_view text, const QrStyle& style, std::string* out) {
  std::string data(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeData(static_cast<int>(data.size()),
                        reinterpret_cast<const unsigned char*>(data.data()), 0, QR_ECLEVEL_M),
      &QRcode_free);
  if (code == nullptr)
    return CliStatus::Local(_("the payment request is too long for a QR code; shorten the memo"));
  const int width = code->width;
  const int q = style.quiet_zone;
  const int total = width + 2 * q;
  auto dark = [&](int x, int y) {
    x -= q;
    y -= q;
    bool d = x >= 0 && y >= 0 && x < width && y < width && (code->data[y * width + x] & 1) != 0;
    return style.invert ? !d : d;
  };
  // With colours, the foreground (black) draws dark modules on a white background. Without,
  // the terminal's own colours are used and '█' stands for a dark module.
  const char* begin = style.ansi_colours ? "\x1b[38;5;16;48;5;231m" : "";
  const char* end = style.ansi_colours ? "\x1b[0m" : "";
  out->clear();
  for (int y = 0; y < total; y += 2) {
    *out += begin;
    for (int x = 0; x < total; ++x) {
      bool top = dark(x, y), bottom = y + 1 < total && dark(x, y + 1);
      if (top && bottom) {
        *out += "█";
      } else if (top) {
        *out += "▀";
      } else if (bottom) {
        *out += "▄";
      } else {
        *out += " ";
      }
    }
    *out += end;
    *out += "\n";
  }
  return CliStatus::Ok();
}

}  // namespace liard::wallet
