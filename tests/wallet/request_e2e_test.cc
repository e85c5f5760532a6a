// Payment requests end to end: the real liard binary makes, shows, cancels and pays signed
// requests against the real liard-node, which pays each at most once, even to two payers at once.
#include <catch2/catch.hpp>

#include <sodium.h>

#include <csignal>
#include <cstring>
#include <future>
#include <regex>

#include "liard/v1/ledger.pb.h"
#include "proto/codec.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

bool Contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

// The liard: URI a `request new` printed (its last line).
std::string UriOf(const std::string& out) {
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex("liard:[^\\s]+")));
  return m.str();
}

// The `r` parameter of a URI, decoded (base64url without padding, liard.v1.SignedRequest).
SignedRequest SignedPart(const std::string& uri) {
  const std::string text = uri.substr(uri.find("&r=") + 3);
  std::string bytes(text.size(), '\0');
  size_t len = 0;
  REQUIRE(sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(),
                            text.data(), text.size(), nullptr, &len, nullptr,
                            sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0);
  bytes.resize(len);
  pb::SignedRequest m;
  REQUIRE(m.ParseFromString(bytes));
  SignedRequest sr;
  REQUIRE(codec::DecodeRequest(m.body(), m.public_key(), m.signature(), &sr).ok());
  return sr;
}

// `uri` with its signed part replaced by `sr`, and its amount by `amount` (e.g. "0.20").
std::string WithSignedPart(const std::string& uri, const SignedRequest& sr,
                           const std::string& amount) {
  pb::SignedRequest m;
  m.set_body(sr.body);
  m.set_public_key(std::string(sr.key.view()));
  m.set_signature(std::string(sr.signature.view()));
  const std::string bytes = m.SerializeAsString();
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string b64(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  b64.resize(std::strlen(b64.c_str()));
  std::string out = std::regex_replace(uri.substr(0, uri.find("&r=")), std::regex("amount=[0-9.]+"),
                                       "amount=" + amount);
  return out + "&r=" + b64;
}

// Entries of the journal that pay a request.
int RequestPayments(WalletWorld& w) {
  // The demo's association (the treasurer) reads the journal.
  std::string seed_bytes;
  std::string hex = ReadFile(w.SeedFile("association"));
  hex = hex.substr(0, hex.find('\n'));
  REQUIRE(FromHex(hex, &seed_bytes));
  Seed seed;
  REQUIRE(seed_bytes.size() == seed.data.size());
  std::copy(seed_bytes.begin(), seed_bytes.end(), seed.data.begin());
  w.client().set_reader(KeyPair::FromSeed(seed));
  int n = 0;
  for (const pb::JournalEntry& e : w.client().Journal()) {
    SignedOperation so;
    REQUIRE(codec::DecodeEnvelope(e.envelope(), &so).ok());
    if (const auto* t = std::get_if<Transfer>(&so.op.payload); t != nullptr && t->request) ++n;
  }
  return n;
}

void Fund(WalletWorld& w) {
  for (const char* who : {"alice", "bob"})
    w.Ok({"--key", "office", "convert", "--member", w.Address(who), "--eur", "50,00", "--yes"});
}

TEST_CASE("request e2e: a request is paid once, the second payment is refused and moves nothing",
          "[wallet][e2e][request]") {
  WalletWorld w;
  Fund(w);
  const std::string uri = UriOf(w.Ok({"--key", "shop", "request", "new", "--amount", "12,50",
                                      "--memo", "pain", "--expires", "15m", "--no-qr"}));
  CHECK(Contains(uri, "&r="));
  const int64_t shop = w.Balance("shop");
  const std::string paid = w.Ok({"--key", "alice", "pay", uri, "--yes"});
  CHECK(Contains(paid, "paid 12.50 ROUE"));
  CHECK(w.Balance("shop") == shop + 1'250);

  // The wallet says so before asking; the node refuses it too when the wallet is bypassed.
  CommandResult again = w.Liard({"--key", "bob", "pay", uri, "--yes"});
  CHECK(again.exit_code == 1);
  CHECK(Contains(again.err, "paid already"));
  CHECK(w.Balance("shop") == shop + 1'250);

  ProgramOptions fr = w.Options();
  fr.env["LANG"] = "fr_FR.UTF-8";
  CommandResult again_fr = w.Liard({"--key", "bob", "pay", uri, "--yes"}, fr);
  CHECK(again_fr.exit_code == 1);
  CHECK(Contains(again_fr.err, "déjà été payée"));

  auto shown = w.Json({"--key", "shop", "request", "show", uri, "--json"});
  CHECK(shown["state"] == "paid");
  CHECK(shown["amount_minor"] == 1'250);
  auto listed = w.Json({"--key", "shop", "request", "list", "--json"});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["state"] == "paid");
  CHECK(RequestPayments(w) == 1);
}

TEST_CASE("request e2e: two payers racing on the same request, exactly one is accepted",
          "[wallet][e2e][request]") {
  WalletWorld w;
  Fund(w);
  const std::string uri =
      UriOf(w.Ok({"--key", "shop", "request", "new", "--amount", "7,00", "--no-qr"}));
  const int64_t shop = w.Balance("shop");
  auto pay = [&](const std::string& who) { return w.Liard({"--key", who, "pay", uri, "--yes"}); };
  auto a = std::async(std::launch::async, pay, "alice");
  auto b = std::async(std::launch::async, pay, "bob");
  CommandResult ra = a.get(), rb = b.get();
  INFO(ra.err << rb.err);
  CHECK((ra.exit_code == 0) + (rb.exit_code == 0) == 1);
  CHECK((ra.exit_code == 1) + (rb.exit_code == 1) == 1);
  CHECK(w.Balance("shop") == shop + 700);
  CHECK(RequestPayments(w) == 1);
}

TEST_CASE("request e2e: an expired request and a cancelled one are refused, nothing is paid",
          "[wallet][e2e][request]") {
  WalletWorld w;
  Fund(w);
  const int64_t shop = w.Balance("shop");

  // Made by the shop's key with an expiry in the past (the wallet would not make one).
  auto info = w.Json({"--key", "shop", "request", "new", "--amount", "3,00", "--json"});
  SignedRequest sr = SignedPart(info["uri"]);
  PaymentRequest old = sr.request;
  old.expires_ms = 1'000;
  const std::string expired =
      WithSignedPart(info["uri"], codec::SignRequest(old, testing::KeyFor("shop")), "3.00");
  CommandResult r = w.Liard({"--key", "alice", "pay", expired, "--yes"});
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "expired"));

  const std::string id = info["id"];
  const std::string uri = info["uri"];
  const std::string cancelled = w.Ok({"--key", "shop", "request", "cancel", id, "--yes"});
  CHECK(Contains(cancelled, "cancelled"));
  CHECK(Contains(w.Ok({"--key", "shop", "history"}),
                 "payment request " + id.substr(0, 16) + "… cancelled"));
  r = w.Liard({"--key", "alice", "pay", uri, "--yes"});
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "cancelled"));
  // Cancelling twice is the ledger's REQUEST_CANCELLED.
  r = w.Liard({"--key", "shop", "request", "cancel", id, "--yes"});
  CHECK(r.exit_code == 1);
  CHECK(w.Balance("shop") == shop);
  CHECK(RequestPayments(w) == 0);
}

TEST_CASE("request e2e: a stranger's signature, a tampered amount and an open amount",
          "[wallet][e2e][request]") {
  WalletWorld w;
  Fund(w);
  const int64_t shop = w.Balance("shop");
  auto info = w.Json({"--key", "shop", "request", "new", "--amount", "20,00", "--json"});
  const std::string uri = info["uri"];

  SECTION("the amount changed in the URI") {
    std::string cheaper = std::regex_replace(uri, std::regex("amount=20\\.00"), "amount=0.20");
    REQUIRE(cheaper != uri);
    CommandResult r = w.Liard({"--key", "alice", "pay", cheaper, "--yes"});
    CHECK(r.exit_code == 2);
    CHECK(Contains(r.err, "amount was changed"));
  }
  SECTION("the amount changed inside the signed part: the signature fails") {
    SignedRequest sr = SignedPart(uri);
    sr.request.amount = Amount(20);
    sr.body = codec::EncodeRequestBody(sr.request);  // the payee's signature is kept
    CommandResult r = w.Liard({"--key", "alice", "pay", WithSignedPart(uri, sr, "0.20"), "--yes"});
    CHECK(r.exit_code == 2);
    CHECK(Contains(r.err, "signature does not verify"));
  }
  SECTION("signed by a stranger's key for the shop") {
    SignedRequest sr = SignedPart(uri);
    const std::string forged =
        WithSignedPart(uri, codec::SignRequest(sr.request, testing::KeyFor("mallory")), "20.00");
    CommandResult r = w.Liard({"--key", "alice", "pay", forged, "--yes"});
    CHECK(r.exit_code == 1);  // the ledger's REQUEST_SIGNER
    CHECK(Contains(r.err, "not signed by the payee"));
  }
  CHECK(w.Balance("shop") == shop);

  SECTION("an open amount: the payer types it, once") {
    const std::string open =
        UriOf(w.Ok({"--key", "shop", "request", "new", "--open", "--memo", "dons", "--no-qr"}));
    CommandResult r = w.Liard({"--key", "alice", "pay", open, "--yes"});
    CHECK(r.exit_code == 2);  // no amount typed
    w.Ok({"--key", "alice", "pay", open, "4,20", "--yes"});
    CHECK(w.Balance("shop") == shop + 420);
    r = w.Liard({"--key", "bob", "pay", open, "4,20", "--yes"});
    CHECK(r.exit_code == 1);
    CHECK(w.Balance("shop") == shop + 420);
  }
}

TEST_CASE("request e2e: watch names the request a payment paid, and old plain URIs still pay",
          "[wallet][e2e][request]") {
  WalletWorld w;
  Fund(w);
  auto info = w.Json({"--key", "shop", "request", "new", "--amount", "1,50", "--json"});
  w.Ok({"--key", "alice", "pay", std::string(info["uri"]), "--yes"});
  const std::string plain = UriOf(w.Ok({"--key", "shop", "request", "2,00", "--no-qr"}));
  CHECK(!Contains(plain, "&r="));
  w.Ok({"--key", "bob", "pay", plain, "--yes"});
  w.Ok({"--key", "bob", "pay", plain, "--yes"});  // a plain request has no id: paid twice
  ChildProcess watch(LIARD_WALLET_PATH, {"--key", "shop", "watch", "--json", "--from", "1"},
                     w.Options());
  REQUIRE(watch.WaitFor(std::string(info["id"]), false, Millis(20'000)));
  watch.Signal(SIGINT);
  CHECK(Contains(watch.out(), "\"request_id\":\"" + std::string(info["id"]) + "\""));
}

}  // namespace
}  // namespace liard::e2e
