// Payment requests (ledger/ops/request.cc): a request signed off the ledger by its payee is paid
// at most once, never after it expired or was cancelled, only for its amount and its payee; each
// refusal through real signatures and the wire codec, and the audit replay of such a journal.
#include <catch2/catch.hpp>

#include <algorithm>

#include "ledger/ops/ops.h"
#include "ledger/replay.h"
#include "tests/ledger/fixture.h"
#include "tests/ledger/replayed_journal.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;
using testing::ReplayedJournal;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kMinute = 60'000;

Fixture Till() {
  return Fixture({Member{"alice", AccountKind::kResident, 10'000},
                  Member{"bob", AccountKind::kResident, 10'000},
                  Member{"bakery", AccountKind::kMerchant, 0},
                  Member{"stranger", AccountKind::kResident, 0}});
}

PaymentRequest Bread(const Fixture& f, int64_t amount = 1'250) {
  PaymentRequest r;
  r.ledger_id = f.ledger().id();
  r.payee = Fixture::Id("bakery");
  r.amount = Amount(amount);
  r.memo = "pain et croissants";
  r.expires_ms = kNow + 15 * kMinute;
  r.nonce = std::string(16, 'n');
  r.created_ms = kNow;
  return r;
}

Operation Pay(const Fixture& f, std::string_view payer, const SignedRequest& sr, int64_t amount) {
  return f.MakeOp(payer, Transfer{sr.request.payee, Amount(amount), sr.request.memo, sr});
}

int64_t StateOf(Fixture& f, const SignedRequest& sr, std::string_view payee = "bakery") {
  return f.state().Balance(
      ops::RequestStateKey(Fixture::Id(payee), RequestId(f.ledger().id(), sr.body)));
}

// Everything the state holds, to prove a refusal changed nothing.
std::vector<std::pair<BookKey, int64_t>> Balances(const MemoryState& s) {
  auto b = s.NonZeroBalances();
  std::sort(b.begin(), b.end());
  return b;
}

TEST_CASE("request: a payment request is paid once and refused the second time",
          "[ledger][request]") {
  Fixture f = Till();
  const SignedRequest sr = codec::SignRequest(Bread(f), KeyFor("bakery"));
  REQUIRE_OK(f.SubmitAt(Pay(f, "alice", sr, 1'250), kNow + kMinute));
  CHECK(f.BalanceOf("bakery") == 1'250);
  CHECK(StateOf(f, sr) == 1);
  const auto before = Balances(f.state());
  Status s = f.SubmitAt(Pay(f, "bob", sr, 1'250), kNow + 2 * kMinute);
  CHECK(s.code() == Code::kRequestPaid);
  CHECK(Balances(f.state()) == before);
  // The same payer again (a second tap on the phone) is refused the same way.
  CHECK(f.SubmitAt(Pay(f, "alice", sr, 1'250), kNow + 2 * kMinute).code() == Code::kRequestPaid);
  CHECK(f.BalanceOf("bakery") == 1'250);
}

TEST_CASE("request: an expired request is refused with its expiry and the time",
          "[ledger][request]") {
  Fixture f = Till();
  const SignedRequest sr = codec::SignRequest(Bread(f), KeyFor("bakery"));
  const int64_t late = sr.request.expires_ms + 1;
  Status s = f.SubmitAt(Pay(f, "alice", sr, 1'250), late);
  REQUIRE(s.code() == Code::kRequestExpired);
  REQUIRE(s.figure("expires_ms") != nullptr);
  CHECK(*s.figure("expires_ms") == sr.request.expires_ms);
  CHECK(*s.figure("now_ms") == late);
  CHECK(f.BalanceOf("bakery") == 0);
  // At its very last millisecond it is still paid.
  REQUIRE_OK(f.SubmitAt(Pay(f, "alice", sr, 1'250), sr.request.expires_ms));
}

TEST_CASE("request: a cancelled request cannot be paid, and a paid one cannot be cancelled",
          "[ledger][request]") {
  Fixture f = Till();
  const SignedRequest a = codec::SignRequest(Bread(f), KeyFor("bakery"));
  PaymentRequest other = Bread(f);
  other.nonce = std::string(16, 'o');
  const SignedRequest b = codec::SignRequest(other, KeyFor("bakery"));
  const Hash a_id = RequestId(f.ledger().id(), a.body);
  const Hash b_id = RequestId(f.ledger().id(), b.body);

  REQUIRE_OK(f.SubmitAt(f.MakeOp("bakery", CancelRequest{a_id}), kNow));
  CHECK(StateOf(f, a) == 2);
  CHECK(f.SubmitAt(Pay(f, "alice", a, 1'250), kNow).code() == Code::kRequestCancelled);
  CHECK(f.SubmitAt(f.MakeOp("bakery", CancelRequest{a_id}), kNow).code() ==
        Code::kRequestCancelled);
  CHECK(f.BalanceOf("bakery") == 0);

  REQUIRE_OK(f.SubmitAt(Pay(f, "alice", b, 1'250), kNow));
  CHECK(f.SubmitAt(f.MakeOp("bakery", CancelRequest{b_id}), kNow).code() == Code::kRequestPaid);
  CHECK(StateOf(f, b) == 1);
}

TEST_CASE("request: a stranger's cancel of someone else's request blocks nothing",
          "[ledger][request]") {
  Fixture f = Till();
  const SignedRequest sr = codec::SignRequest(Bread(f), KeyFor("bakery"));
  const Hash id = RequestId(f.ledger().id(), sr.body);
  // Bob saw the QR code and cancels the id under his own account: only his own state moves.
  REQUIRE_OK(f.SubmitAt(f.MakeOp("bob", CancelRequest{id}), kNow));
  CHECK(StateOf(f, sr, "bob") == 2);
  CHECK(StateOf(f, sr) == 0);
  REQUIRE_OK(f.SubmitAt(Pay(f, "alice", sr, 1'250), kNow));
}

TEST_CASE("request: signed by a stranger's key, it is refused as REQUEST_SIGNER",
          "[ledger][request]") {
  Fixture f = Till();
  const SignedRequest sr = codec::SignRequest(Bread(f), KeyFor("stranger"));
  CHECK(f.SubmitAt(Pay(f, "alice", sr, 1'250), kNow).code() == Code::kRequestSigner);
  CHECK(f.BalanceOf("alice") == 10'000);
}

TEST_CASE("request: an active staff key of the payee signs requests, a revoked one does not",
          "[ledger][request]") {
  Fixture f = Till();
  Account bakery = *f.state().FindAccount(Fixture::Id("bakery"));
  bakery.staff_keys.push_back(
      StaffKey{KeyFor("till").public_key(), KeyScope::kReceive, 0, "till 1", kNow, 0});
  bakery.staff_keys.push_back(
      StaffKey{KeyFor("former").public_key(), KeyScope::kFull, 0, "former", kNow, kNow + 1});
  Delta d;
  d.accounts.push_back(bakery);
  f.state().Commit(d);
  REQUIRE_OK(f.SubmitAt(Pay(f, "alice", codec::SignRequest(Bread(f), KeyFor("till")), 1'250),
                        kNow + kMinute));
  CHECK(f.SubmitAt(Pay(f, "alice", codec::SignRequest(Bread(f, 99), KeyFor("former")), 99),
                   kNow + kMinute)
            .code() == Code::kRequestSigner);
}

TEST_CASE("request: another amount or another payee is a mismatch, an open amount takes any",
          "[ledger][request]") {
  Fixture f = Till();
  const SignedRequest sr = codec::SignRequest(Bread(f), KeyFor("bakery"));
  Status s = f.SubmitAt(Pay(f, "alice", sr, 1'000), kNow);
  REQUIRE(s.code() == Code::kRequestMismatch);
  CHECK(*s.figure("amount_units") == 1'000);
  CHECK(*s.figure("request_units") == 1'250);
  CHECK(s.message().find("12.50 ROUE") != std::string::npos);

  Operation elsewhere =
      f.MakeOp("alice", Transfer{Fixture::Id("bob"), Amount(1'250), sr.request.memo, sr});
  CHECK(f.SubmitAt(elsewhere, kNow).code() == Code::kRequestMismatch);

  const SignedRequest open = codec::SignRequest(Bread(f, 0), KeyFor("bakery"));
  REQUIRE_OK(f.SubmitAt(Pay(f, "alice", open, 777), kNow));
  CHECK(f.BalanceOf("bakery") == 777);
  CHECK(f.SubmitAt(Pay(f, "bob", open, 777), kNow).code() == Code::kRequestPaid);
}

TEST_CASE("request: a request changed after signing, or malformed, is BAD_REQUEST",
          "[ledger][request]") {
  Fixture f = Till();
  SignedRequest sr = codec::SignRequest(Bread(f), KeyFor("bakery"));

  SECTION("the amount tampered with") {
    PaymentRequest cheaper = sr.request;
    cheaper.amount = Amount(1);
    sr.body = codec::EncodeRequestBody(cheaper);
    sr.request = cheaper;
    Status s = f.SubmitAt(Pay(f, "alice", sr, 1), kNow);
    CHECK(s.code() == Code::kBadRequest);
    CHECK(s.message().find("signature") != std::string::npos);
  }
  SECTION("another ledger") {
    PaymentRequest r = Bread(f);
    r.ledger_id = Sha256({"another ledger"});
    Status s = f.SubmitAt(Pay(f, "alice", codec::SignRequest(r, KeyFor("bakery")), 1'250), kNow);
    CHECK(s.code() == Code::kBadRequest);
    CHECK(s.message().find("another ledger") != std::string::npos);
  }
  SECTION("a nonce too short or too long") {
    for (size_t n : {size_t{0}, size_t{15}, size_t{33}}) {
      PaymentRequest r = Bread(f);
      r.nonce = std::string(n, 'x');
      Status s = f.SubmitAt(Pay(f, "alice", codec::SignRequest(r, KeyFor("bakery")), 1'250), kNow);
      CHECK(s.code() == Code::kBadRequest);
      CHECK(s.message().find("nonce") != std::string::npos);
    }
  }
  SECTION("a negative amount") {
    Status s =
        f.SubmitAt(Pay(f, "alice", codec::SignRequest(Bread(f, -5), KeyFor("bakery")), 5), kNow);
    CHECK(s.code() == Code::kBadRequest);
  }
  SECTION("a memo that is not text") {
    PaymentRequest r = Bread(f);
    r.memo = "pain\x01";
    SignedRequest bad = codec::SignRequest(r, KeyFor("bakery"));
    Operation op = f.MakeOp("alice", Transfer{r.payee, Amount(1'250), "pain", bad});
    Status s = f.SubmitAt(op, kNow);
    CHECK(s.code() == Code::kBadRequest);
    CHECK(s.message().find("memo") != std::string::npos);
  }
  CHECK(f.BalanceOf("alice") == 10'000);
  CHECK(StateOf(f, sr) == 0);
}

TEST_CASE(
    "request: the audit replay accepts request payments and cancels, and catches a "
    "request paid twice",
    "[ledger][request][replay]") {
  ReplayedJournal j(Till());
  const SignedRequest paid = codec::SignRequest(Bread(j.f), KeyFor("bakery"));
  PaymentRequest r2 = Bread(j.f, 0);
  r2.nonce = std::string(20, 'c');
  const SignedRequest cancelled = codec::SignRequest(r2, KeyFor("bakery"));
  j.Add(Pay(j.f, "alice", paid, 1'250), kNow);
  j.Add(j.f.MakeOp("bakery", CancelRequest{RequestId(j.f.ledger().id(), cancelled.body)}),
        kNow + 1'000);
  j.Add(j.f.TransferOp("bob", "bakery", 300), kNow + 2'000);
  REQUIRE_OK(j.ReplayedToSameDigest());

  // Bob's envelope paying the paid request again, properly signed by Bob and chained: the node
  // refuses it, so a journal holding it was forged.
  const std::string forged = j.f.Sign(Pay(j.f, "bob", paid, 1'250));
  REQUIRE(j.f.SubmitEnvelope(forged, kNow + 3'000).code() == Code::kRequestPaid);
  j.Append(forged, kNow + 3'000);
  Status s = j.ReplayedToSameDigest();
  CHECK(s.code() == Code::kCorruption);
  CHECK(s.message().find("entry 4:") != std::string::npos);
  CHECK(s.message().find("REQUEST_PAID") != std::string::npos);
}

}  // namespace
}  // namespace liard
