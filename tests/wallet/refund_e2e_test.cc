// Refunds at the till (issue 19), against a real liard-node with the real liard binary: a sale
// refunded in parts up to its amount and one cent more refused by the ledger, the link on both
// histories, a payer who cannot refund its own payment, and a conversion and a batch leg that
// cannot be refunded, said clearly.
#include <catch2/catch.hpp>

#include <regex>
#include <string>

#include "tests/e2e/harness.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

ProgramOptions French(const WalletWorld& w) {
  ProgramOptions o = w.Options();
  o.env["LANG"] = "fr_FR.UTF-8";
  return o;
}

TEST_CASE(
    "a sale is refunded in parts up to its amount, one cent more is refused, both "
    "histories show the link",
    "[wallet][e2e][refund]") {
  WalletWorld w;
  const std::string alice = w.Address("alice"), shop = w.Address("shop");
  const std::string sale =
      OperationIn(w.Ok({"--key", "alice", "pay", shop, "12,50", "--memo", "pain", "--yes"}));
  const int64_t alice0 = w.Balance("alice"), shop0 = w.Balance("shop");

  // A part, named by the first characters of the id as the history shows it.
  const std::string part = w.Ok({"--key", "shop", "refund", sale.substr(0, 10), "--amount", "5,00",
                                 "--memo", "pain rassis", "--yes"});
  CHECK(Has(part, "refunded 5.00 ROUE to Alice"));
  CHECK(Has(part, "7.50 ROUE of the payment of 12.50 ROUE can still be refunded"));
  const std::string refund1 = OperationIn(part);
  CHECK(w.Balance("alice") == alice0 + 500);
  CHECK(w.Balance("shop") == shop0 - 500);

  // More than what is left: the ledger refuses, with its figures, and nothing moves.
  CommandResult over = w.Liard({"--key", "shop", "refund", sale, "--amount", "7,51", "--yes"});
  INFO(over.err);
  CHECK(over.exit_code == 1);
  CHECK(Has(over.err, "REFUND_EXCEEDS"));
  CHECK(Has(over.err,
            "5.00 ROUE of the payment of 12.50 ROUE was refunded already; at most 7.50 "
            "ROUE more can be, not 7.51 ROUE"));
  CHECK(w.Balance("shop") == shop0 - 500);

  // The rest (the default amount), then one cent more.
  const std::string rest = w.Ok({"--key", "shop", "refund", sale, "--yes"});
  CHECK(Has(rest, "refunded 7.50 ROUE"));
  CHECK(w.Balance("alice") == alice0 + 1'250);
  CommandResult cent = w.Liard({"--key", "shop", "refund", sale, "--amount", "0,01", "--yes"});
  CHECK(cent.exit_code == 1);
  CHECK(Has(cent.err, "was refunded in full already"));
  CommandResult fr =
      w.Liard({"--key", "shop", "refund", sale, "--amount", "0,01", "--yes"}, French(w));
  CHECK(fr.exit_code == 1);
  CHECK(Has(fr.err, "a déjà été remboursé en entier"));
  CHECK(Has(fr.err, "12,50\u00A0ROUE"));
  CHECK(w.Balance("alice") == alice0 + 1'250);

  // The payer cannot refund its own payment: the wallet says who can.
  CommandResult own = w.Liard({"--key", "alice", "refund", sale, "--yes"});
  CHECK(own.exit_code == 1);
  CHECK(Has(own.err, "you made this payment of 12.50 ROUE"));

  // Both histories link the refunds to the sale, and the sale's row says what came back.
  const std::string link = "refund of payment " + sale.substr(0, 16) + "…";
  const std::string shop_history = w.Ok({"--key", "shop", "history"});
  CHECK(Has(shop_history, link));
  CHECK(Has(shop_history, "refunded 12.50 ROUE"));
  CHECK(Has(shop_history, "pain rassis"));
  const std::string alice_history = w.Ok({"--key", "alice", "history"});
  CHECK(Has(alice_history, link));
  CHECK(Has(alice_history, "refunded 12.50 ROUE"));
  const std::string fr_history = w.Liard({"--key", "alice", "history"}, French(w)).out;
  CHECK(Has(fr_history, "remboursement du paiement " + sale.substr(0, 16)));
  auto j = w.Json({"--key", "alice", "history", "--json"});
  bool linked = false;
  for (const auto& e : j["entries"]) {
    if (e["operation_id"] == refund1) linked = e["detail"] == "refund of " + sale;
    if (e["operation_id"] == sale) CHECK(e["refunded_minor"] == 1'250);
  }
  CHECK(linked);
}

TEST_CASE("a conversion and a batch leg cannot be refunded, and the wallet says what to do",
          "[wallet][e2e][refund]") {
  WalletWorld w;
  const std::string shop = w.Address("shop"), bob = w.Address("bob");
  const std::string conversion = OperationIn(w.Ok(
      {"--key", "office", "convert", "--member", shop, "--eur", "10,00", "--no-bonus", "--yes"}));
  const std::string file = w.tmp().Join("batch.csv");
  WriteFile(file, shop + ";3,00;café\n" + bob + ";2,00;thé\n");
  const std::string batch = OperationIn(w.Ok({"--key", "alice", "pay-batch", file, "--yes"}));
  const uint64_t head = w.Head();

  CommandResult c = w.Liard({"--key", "shop", "refund", conversion, "--yes"});
  INFO(c.err);
  CHECK(c.exit_code == 1);
  CHECK(Has(c.err, "is a conversion of 10.00 EUR at an exchange office, not a payment"));
  CHECK(Has(c.err, "reconversion"));
  CommandResult b = w.Liard({"--key", "shop", "refund", batch, "--amount", "1", "--yes"});
  INFO(b.err);
  CHECK(b.exit_code == 1);
  CHECK(Has(b.err, "the legs of a batch cannot be refunded"));
  CHECK(Has(b.err, "pay " + w.Address("alice") + " AMOUNT"));
  CommandResult fr = w.Liard({"--key", "shop", "refund", conversion, "--yes"}, French(w));
  CHECK(Has(fr.err, "pas un paiement"));
  CommandResult bad = w.Liard({"--key", "shop", "refund", "xyz", "--yes"});
  CHECK(bad.exit_code == 2);
  CHECK(w.Head() == head);  // nothing was submitted
}

}  // namespace
}  // namespace liard::e2e
