// End-to-end tests of governance through the real liard-node: private reads, board decisions by
// M of N signatures, the emergency pause, re-keying, and TLS.
#include <catch2/catch.hpp>
#include <future>
#include <initializer_list>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ledger/address.h"
#include "ledger/status.h"
#include "proto/codec.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using testing::KeyFor;

AccountId Id(std::string_view name) { return KeyFor(name).public_key(); }
std::string IdBytes(std::string_view name) { return std::string(Id(name).view()); }

// A node on a fresh ledger, with a client; destroyed client first, then node, then directory.
struct Node {
  TempDir tmp;
  std::string data;
  std::unique_ptr<NodeProcess> node;
  std::unique_ptr<Client> client;

  explicit Node(const GenesisSpec& spec) {
    data = tmp.Join("data");
    InitLedger(data, spec);
    node = std::make_unique<NodeProcess>(data);
    node->Start();
    client = std::make_unique<Client>(node->channel());
  }
  Client& c() { return *client; }
  void Restart() {
    client.reset();
    REQUIRE(node->Stop() == 0);
    node->Start();
    client = std::make_unique<Client>(node->channel());
  }
};

GenesisSpec BoardOf(std::vector<std::string> board, uint32_t threshold) {
  GenesisSpec spec = StandardGenesis();
  spec.board = std::move(board);
  spec.threshold = threshold;
  return spec;
}

int64_t InAnHour() { return NowMs() + 3'600'000; }

// A refused call: the gRPC status, liard-code in the trailers, a message that says something.
void CheckCode(const grpc::Status& s, const std::string& liard_code, grpc::StatusCode want_status,
               Code want) {
  INFO("got " << s.error_code() << " \"" << s.error_message() << "\" liard-code " << liard_code);
  CHECK(s.error_code() == want_status);
  CHECK(liard_code == std::to_string(static_cast<int>(want)));
  CHECK_THAT(s.error_message(), Catch::StartsWith(std::string(CodeName(want)) + ": "));
}

void CheckRefused(const SubmitOutcome& o, Code want) {
  CheckCode(o.status, o.liard_code,
            GroupOf(want) == CodeGroup::kMalformed ? grpc::StatusCode::INVALID_ARGUMENT
                                                   : grpc::StatusCode::FAILED_PRECONDITION,
            want);
}

// One GetAccount call with the given auth (or none), and its trailing liard-code.
struct ReadOutcome {
  grpc::Status status;
  std::string liard_code;
  pb::AccountInfo info;
};
ReadOutcome GetAccountWith(Client& c, const AccountId& id, const pb::ReadAuth* auth) {
  ReadOutcome o;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::GetAccountRequest req;
  req.set_id(std::string(id.view()));
  if (auth) *req.mutable_auth() = *auth;
  o.status = c.stub().GetAccount(&ctx, req, &o.info);
  o.liard_code = LiardCode(ctx);
  return o;
}

void CheckReadRefused(const ReadOutcome& o, std::string_view why) {
  CheckCode(o.status, o.liard_code, grpc::StatusCode::PERMISSION_DENIED, Code::kReadRefused);
  CHECK_THAT(o.status.error_message(), Catch::Contains(std::string(why)));
  CHECK(o.info.id().empty());  // nothing of the account leaked into the answer
}

// One unsigned LookupAccount call for the raw id bytes `id`.
grpc::Status LookupWith(Client& c, const std::string& id, pb::AccountCard* card) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::LookupAccountRequest req;
  req.set_id(id);
  return c.stub().LookupAccount(&ctx, req, card);
}

// Reads the whole StreamJournal answer with `auth`; returns the status and counts entries.
grpc::Status StreamJournalWith(Client& c, const pb::ReadAuth* auth, size_t* entries,
                               std::string* liard_code) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::StreamJournalRequest req;  // from_sequence 0: from the start, as 1
  if (auth) *req.mutable_auth() = *auth;
  auto reader = c.stub().StreamJournal(&ctx, req);
  pb::JournalEntry e;
  *entries = 0;
  while (reader->Read(&e)) ++*entries;
  grpc::Status s = reader->Finish();
  *liard_code = LiardCode(ctx);
  return s;
}

// A board decision proposed by `member` with its next sequence, counted in `seq`.
SubmitOutcome Propose(Client& c, std::map<std::string, uint64_t>& seq, const std::string& member,
                      Decision d) {
  return c.Submit(c.SignPropose(KeyFor(member), ++seq[member], std::move(d), InAnHour()));
}

// ---------------------------------------------------------------------------------------------

TEST_CASE("an account is read only with a valid read request of its own or of an auditor",
          "[e2e][read]") {
  Node n(BoardOf({"board-1"}, 1));
  Client& c = n.c();
  const AccountId alice = Id("alice");
  const KeyPair alice_key = KeyFor("alice");
  auto request = [&](const KeyPair& reader, std::string method, const AccountId& target,
                     int64_t not_after) {
    ReadRequest r;
    r.ledger_id = c.ledger_id();
    r.reader = reader.public_key();
    r.method = std::move(method);
    r.target = target;
    r.not_after_ms = not_after;
    r.nonce = Client::FreshNonce();
    return r;
  };

  SECTION("without a read request") {
    CheckReadRefused(GetAccountWith(c, alice, nullptr), "private");
  }
  SECTION("signed for another method") {
    pb::ReadAuth auth = c.SignRead(alice_key, "GetHistory", &alice);
    CheckReadRefused(GetAccountWith(c, alice, &auth), "signed for GetHistory, not GetAccount");
  }
  SECTION("expired") {
    pb::ReadAuth auth =
        c.SignReadRequest(alice_key, request(alice_key, "GetAccount", alice, NowMs() - 1'000));
    CheckReadRefused(GetAccountWith(c, alice, &auth), "expired");
  }
  SECTION("valid for longer than five minutes") {
    pb::ReadAuth auth = c.SignReadRequest(
        alice_key, request(alice_key, "GetAccount", alice, NowMs() + 10 * 60'000));
    CheckReadRefused(GetAccountWith(c, alice, &auth), "at most 5 minutes");
  }
  SECTION("by another resident, for alice's account") {
    const KeyPair bob = KeyFor("bob");
    pb::ReadAuth auth = c.SignRead(bob, "GetAccount", &alice);
    CheckReadRefused(GetAccountWith(c, alice, &auth), "only the account itself");
  }
  SECTION("bob's own request, sent to read alice") {
    const KeyPair bob = KeyFor("bob");
    const AccountId bob_id = bob.public_key();
    pb::ReadAuth auth = c.SignRead(bob, "GetAccount", &bob_id);
    CheckReadRefused(GetAccountWith(c, alice, &auth), "another account");
  }
  SECTION("claiming to be alice, signed by another key") {
    pb::ReadAuth auth = c.SignReadRequest(
        KeyFor("mallory"), request(alice_key, "GetAccount", alice, NowMs() + 60'000));
    CheckReadRefused(GetAccountWith(c, alice, &auth), "not signed with the reader's key");
  }
  SECTION("with a body changed after signing") {
    pb::ReadAuth auth = c.SignRead(alice_key, "GetAccount", &alice);
    auth.set_signature(c.SignRead(alice_key, "GetHistory", &alice).signature());
    CheckReadRefused(GetAccountWith(c, alice, &auth), "signature does not match");
  }
  SECTION("granted to the account itself") {
    pb::ReadAuth auth = c.SignRead(alice_key, "GetAccount", &alice);
    ReadOutcome o = GetAccountWith(c, alice, &auth);
    INFO(o.status.error_message());
    REQUIRE(o.status.ok());
    CHECK(o.info.balance() == 100'00);
    CHECK(o.info.roles_size() == 1);
    CHECK(o.info.roles(0) == pb::ROLE_RESIDENT);
  }
  SECTION("granted to an auditor once the board grants the role, not before") {
    const KeyPair carol = KeyFor("carol");
    pb::ReadAuth before = c.SignRead(carol, "GetAccount", &alice);
    CheckReadRefused(GetAccountWith(c, alice, &before), "only the account itself");
    std::map<std::string, uint64_t> seq;
    SubmitOutcome granted = Propose(c, seq, "board-1", GrantRole{Id("carol"), Role::kAuditor});
    INFO(granted.status.error_message());
    REQUIRE(granted.status.ok());
    pb::ReadAuth auth = c.SignRead(carol, "GetAccount", &alice);
    ReadOutcome o = GetAccountWith(c, alice, &auth);
    INFO(o.status.error_message());
    REQUIRE(o.status.ok());
    CHECK(o.info.balance() == 100'00);
    pb::AccountInfo carol_info = c.AccountOf("carol");
    CHECK(std::count(carol_info.roles().begin(), carol_info.roles().end(), pb::ROLE_AUDITOR) == 1);
  }
}

TEST_CASE(
    "LookupAccount shows any account's name, kind, status and signing key without a signature "
    "and nothing private",
    "[e2e][read]") {
  Node n(BoardOf({"board-1"}, 1));
  Client& c = n.c();
  const std::string code = c.Head().currency_code();

  // The card has exactly these fields: a balance, sequence, roles, membership or freeze reason
  // added to it would make them public. The signing key is public on purpose: a board member
  // compares it before approving a re-key, and only board decisions (public) change it. The
  // shop's card is public on purpose (issue 19), and so are the keys that may sign its payment
  // requests: a payer's wallet checks a request's signer before paying.
  const google::protobuf::Descriptor* d = pb::AccountCard::descriptor();
  std::set<std::string> fields;
  for (int i = 0; i < d->field_count(); ++i) fields.insert(d->field(i)->name());
  CHECK(fields == std::set<std::string>{"id", "address", "name", "kind", "status", "key", "card",
                                        "request_keys"});

  pb::AccountCard shop;
  grpc::Status s = LookupWith(c, IdBytes("shop"), &shop);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(shop.id() == IdBytes("shop"));
  CHECK(shop.address() == EncodeAddress(code, Id("shop")));
  CHECK(shop.name() == "shop");
  CHECK(shop.kind() == pb::ACCOUNT_KIND_MERCHANT);
  CHECK(shop.status() == pb::ACCOUNT_STATUS_ACTIVE);

  // A resident with a balance: the card carries no trace of it.
  pb::AccountCard alice;
  REQUIRE(LookupWith(c, IdBytes("alice"), &alice).ok());
  CHECK(alice.name() == "alice");
  CHECK(alice.kind() == pb::ACCOUNT_KIND_RESIDENT);
  pb::AccountCard expected;
  expected.set_id(IdBytes("alice"));
  expected.set_address(EncodeAddress(code, Id("alice")));
  expected.set_name("alice");
  expected.set_kind(pb::ACCOUNT_KIND_RESIDENT);
  expected.set_status(pb::ACCOUNT_STATUS_ACTIVE);
  expected.set_key(IdBytes("alice"));           // never re-keyed: the key is the id
  expected.add_request_keys(IdBytes("alice"));  // who may sign its payment requests: its key
  CHECK(alice.SerializeAsString() == expected.SerializeAsString());
  CHECK(alice.GetReflection()->GetUnknownFields(alice).empty());

  // Frozen: the status is public (a payer cannot pay it), the board's reason is not.
  std::map<std::string, uint64_t> seq;
  REQUIRE(
      Propose(c, seq, "board-1", Freeze{Id("bob"), "stolen phone reported 12 March"}).status.ok());
  pb::AccountCard bob;
  REQUIRE(LookupWith(c, IdBytes("bob"), &bob).ok());
  CHECK(bob.status() == pb::ACCOUNT_STATUS_FROZEN);
  CHECK(bob.SerializeAsString().find("stolen") == std::string::npos);
  // GetAccount stays private.
  CheckReadRefused(GetAccountWith(c, Id("bob"), nullptr), "private");

  pb::AccountCard none;
  grpc::Status unknown = LookupWith(c, IdBytes("nobody"), &none);
  CHECK(unknown.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_THAT(unknown.error_message(), Catch::Contains(EncodeAddress(code, Id("nobody"))));
  CHECK(none.id().empty());
  grpc::Status bad = LookupWith(c, std::string(31, 'x'), &none);
  CHECK(bad.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(LookupWith(c, "", &none).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE("history, watch and simulate are private and the journal is for treasurers and auditors",
          "[e2e][read]") {
  Node n(BoardOf({"board-1"}, 1));
  Client& c = n.c();
  REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 2'00, 1)).status.ok());
  const AccountId alice = Id("alice");

  // GetHistory
  auto history = [&](const pb::ReadAuth* auth, pb::GetHistoryResponse* resp) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, Millis(10'000));
    pb::GetHistoryRequest req;
    req.set_id(IdBytes("alice"));
    if (auth) *req.mutable_auth() = *auth;
    grpc::Status s = c.stub().GetHistory(&ctx, req, resp);
    return std::make_pair(s, LiardCode(ctx));
  };
  {
    pb::GetHistoryResponse resp;
    auto [s, code] = history(nullptr, &resp);
    CheckCode(s, code, grpc::StatusCode::PERMISSION_DENIED, Code::kReadRefused);
    CHECK(resp.entries_size() == 0);
    pb::ReadAuth bobs = c.SignRead(KeyFor("bob"), "GetHistory", &alice);
    std::tie(s, code) = history(&bobs, &resp);
    CheckCode(s, code, grpc::StatusCode::PERMISSION_DENIED, Code::kReadRefused);
    pb::ReadAuth own = c.SignRead(KeyFor("alice"), "GetHistory", &alice);
    std::tie(s, code) = history(&own, &resp);
    REQUIRE(s.ok());
    CHECK(resp.entries_size() == 1);
  }

  // Watch: refused at once, before any receipt.
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, Millis(10'000));
    pb::WatchRequest req;
    req.set_account(IdBytes("alice"));
    req.set_from_sequence(1);
    ReadCall call{"Watch", &alice};
    call.from_sequence = 1;
    *req.mutable_auth() = c.SignRead(KeyFor("bob"), call);
    auto reader = c.stub().Watch(&ctx, req);
    pb::Receipt r;
    CHECK_FALSE(reader->Read(&r));
    grpc::Status s = reader->Finish();
    CheckCode(s, LiardCode(ctx), grpc::StatusCode::PERMISSION_DENIED, Code::kReadRefused);
  }

  // Simulate: the acting account's preview is its own business.
  {
    Operation op;
    op.ledger_id = c.ledger_id();
    op.account = alice;
    op.sequence = 2;
    op.payload = liard::Transfer{Id("shop"), Amount(1'00), ""};
    auto simulate = [&](const pb::ReadAuth* auth, pb::SimulateResponse* resp) {
      grpc::ClientContext ctx;
      SetDeadline(&ctx, Millis(10'000));
      pb::SimulateRequest req;
      req.set_body(codec::EncodeOperation(op));
      req.set_public_key(IdBytes("alice"));
      if (auth) *req.mutable_auth() = *auth;
      grpc::Status s = c.stub().Simulate(&ctx, req, resp);
      return std::make_pair(s, LiardCode(ctx));
    };
    pb::SimulateResponse resp;
    auto [s, code] = simulate(nullptr, &resp);
    CheckCode(s, code, grpc::StatusCode::PERMISSION_DENIED, Code::kReadRefused);
    CHECK(resp.postings_size() == 0);
    ReadCall preview{"Simulate", &alice};
    preview.request_digest =
        std::string(SimulateDigest(IdBytes("alice"), codec::EncodeOperation(op)).view());
    pb::ReadAuth own = c.SignRead(KeyFor("alice"), preview);
    std::tie(s, code) = simulate(&own, &resp);
    REQUIRE(s.ok());
    CHECK(resp.code() == 0);
    CHECK(resp.postings_size() == 2);
  }

  // StreamJournal: no reader, a resident, then an auditor and the treasurer.
  size_t entries = 0;
  std::string code;
  grpc::Status s = StreamJournalWith(c, nullptr, &entries, &code);
  CheckCode(s, code, grpc::StatusCode::PERMISSION_DENIED, Code::kReadRefused);
  CHECK(entries == 0);
  pb::ReadAuth resident = c.SignRead(KeyFor("alice"), "StreamJournal", nullptr);
  s = StreamJournalWith(c, &resident, &entries, &code);
  CheckCode(s, code, grpc::StatusCode::PERMISSION_DENIED, Code::kReadRefused);
  CHECK_THAT(s.error_message(), Catch::Contains("only a treasurer or an auditor"));
  CHECK(entries == 0);

  std::map<std::string, uint64_t> seq;
  REQUIRE(Propose(c, seq, "board-1", GrantRole{Id("carol"), Role::kAuditor}).status.ok());
  pb::ReadAuth auditor = c.SignRead(KeyFor("carol"), "StreamJournal", nullptr);
  s = StreamJournalWith(c, &auditor, &entries, &code);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(entries == 2);  // the transfer and the decision
  pb::ReadAuth treasurer = c.SignRead(KeyFor("association"), "StreamJournal", nullptr);
  s = StreamJournalWith(c, &treasurer, &entries, &code);
  REQUIRE(s.ok());
  CHECK(entries == 2);

  // What is public stays public: no read request needed.
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::Reserves reserves;
  REQUIRE(c.stub().GetReserves(&ctx, pb::GetReservesRequest(), &reserves).ok());
  CHECK(reserves.circulation() == 150'00);
  CHECK(c.Head().sequence() == 2);
  CHECK(c.Governance().threshold() == 1);
}

// One call of each private read with `auth`, returning the status and liard-code.
struct Call {
  grpc::Status status;
  std::string liard_code;
  int received = 0;  // streamed messages
};

Call HistoryWith(Client& c, const AccountId& id, uint64_t before, uint32_t limit,
                 const pb::ReadAuth& auth) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::GetHistoryRequest req;
  req.set_id(std::string(id.view()));
  req.set_before_sequence(before);
  req.set_limit(limit);
  *req.mutable_auth() = auth;
  pb::GetHistoryResponse resp;
  Call out{c.stub().GetHistory(&ctx, req, &resp), "", 0};
  out.liard_code = LiardCode(ctx);
  out.received = resp.entries_size();
  return out;
}

Call JournalWith(Client& c, uint64_t from, bool follow, const pb::ReadAuth& auth,
                 Millis deadline = Millis(10'000)) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, deadline);
  pb::StreamJournalRequest req;
  req.set_from_sequence(from);
  req.set_follow(follow);
  *req.mutable_auth() = auth;
  auto reader = c.stub().StreamJournal(&ctx, req);
  Call out;
  for (pb::JournalEntry e; reader->Read(&e);) ++out.received;
  out.status = reader->Finish();
  out.liard_code = LiardCode(ctx);
  return out;
}

TEST_CASE("a captured read request is refused when sent again, and after the call it was for",
          "[e2e][read]") {
  Node n(BoardOf({"board-1"}, 1));
  Client& c = n.c();
  const AccountId alice = Id("alice");
  const KeyPair alice_key = KeyFor("alice");

  // A GetAccount request, captured on its way and replayed within its minute.
  pb::ReadAuth captured = c.SignRead(alice_key, "GetAccount", &alice);
  REQUIRE(GetAccountWith(c, alice, &captured).status.ok());
  ReadOutcome replayed = GetAccountWith(c, alice, &captured);
  CheckCode(replayed.status, replayed.liard_code, grpc::StatusCode::PERMISSION_DENIED,
            Code::kReadRefused);
  CHECK_THAT(replayed.status.error_message(), Catch::Contains("used already"));
  CHECK(replayed.info.balance() == 0);
  // A fresh one reads.
  pb::ReadAuth fresh = c.SignRead(alice_key, "GetAccount", &alice);
  CHECK(GetAccountWith(c, alice, &fresh).status.ok());
  // An old-style request (no nonce, parameters unsigned) reads nothing.
  ReadRequest old_style;
  old_style.ledger_id = c.ledger_id();
  old_style.reader = alice;
  old_style.method = "GetAccount";
  old_style.target = alice;
  old_style.not_after_ms = NowMs() + 60'000;
  pb::ReadAuth old_auth = c.SignReadRequest(alice_key, old_style);
  ReadOutcome old = GetAccountWith(c, alice, &old_auth);
  CheckCode(old.status, old.liard_code, grpc::StatusCode::PERMISSION_DENIED, Code::kReadRefused);
  CHECK_THAT(old.status.error_message(), Catch::Contains("no nonce"));

  // GetHistory: a page signed for before 3, limit 1 is not another page nor a longer one.
  for (int i = 1; i <= 3; ++i)
    REQUIRE(c.Submit(c.SignTransfer("bob", "alice", 1'00, static_cast<uint64_t>(i))).status.ok());
  ReadCall page{"GetHistory", &alice};
  page.before_sequence = 3;
  page.limit = 1;
  {
    Call other_page = HistoryWith(c, alice, 0, 1, c.SignRead(alice_key, page));
    CheckCode(other_page.status, other_page.liard_code, grpc::StatusCode::PERMISSION_DENIED,
              Code::kReadRefused);
    CHECK_THAT(other_page.status.error_message(),
               Catch::Contains("before_sequence 3, but the call sends 0"));
    Call longer = HistoryWith(c, alice, 3, 500, c.SignRead(alice_key, page));
    CheckCode(longer.status, longer.liard_code, grpc::StatusCode::PERMISSION_DENIED,
              Code::kReadRefused);
    CHECK_THAT(longer.status.error_message(), Catch::Contains("limit 1, but the call sends 500"));
    Call as_signed = HistoryWith(c, alice, 3, 1, c.SignRead(alice_key, page));
    INFO(as_signed.status.error_message());
    CHECK(as_signed.status.ok());
    CHECK(as_signed.received == 1);
  }

  // StreamJournal: the treasurer's request for the tail (from 100) does not read the whole
  // journal, and one signed without follow does not stream live.
  const KeyPair treasurer = KeyFor("association");
  ReadCall tail{"StreamJournal", nullptr};
  tail.from_sequence = 100;
  {
    Call whole = JournalWith(c, 1, false, c.SignRead(treasurer, tail));
    CheckCode(whole.status, whole.liard_code, grpc::StatusCode::PERMISSION_DENIED,
              Code::kReadRefused);
    CHECK_THAT(whole.status.error_message(),
               Catch::Contains("from_sequence 100, but the call sends 1"));
    CHECK(whole.received == 0);
    ReadCall once{"StreamJournal", nullptr};
    once.from_sequence = 1;
    Call live = JournalWith(c, 1, true, c.SignRead(treasurer, once));
    CheckCode(live.status, live.liard_code, grpc::StatusCode::PERMISSION_DENIED,
              Code::kReadRefused);
    CHECK_THAT(live.status.error_message(), Catch::Contains("follow"));
    CHECK(live.received == 0);
    pb::ReadAuth good = c.SignRead(treasurer, once);
    Call read = JournalWith(c, 1, false, good);
    INFO(read.status.error_message());
    REQUIRE(read.status.ok());
    CHECK(read.received == 3);
    Call again = JournalWith(c, 1, false, good);  // the same request, a second time
    CheckCode(again.status, again.liard_code, grpc::StatusCode::PERMISSION_DENIED,
              Code::kReadRefused);
    CHECK(again.received == 0);
  }

  // Simulate: a request signed for one preview does not preview another body.
  {
    Operation op;
    op.ledger_id = c.ledger_id();
    op.account = alice;
    op.sequence = 1;
    op.not_after_ms = InAnHour();
    op.payload = liard::Transfer{Id("bob"), Amount(1'00), ""};
    const std::string body = codec::EncodeOperation(op);
    op.payload = liard::Transfer{Id("bob"), Amount(99'00), ""};
    const std::string other_body = codec::EncodeOperation(op);
    auto simulate = [&](const std::string& sent, const pb::ReadAuth& auth) {
      grpc::ClientContext ctx;
      SetDeadline(&ctx, Millis(10'000));
      pb::SimulateRequest req;
      req.set_body(sent);
      req.set_public_key(std::string(alice_key.public_key().view()));
      *req.mutable_auth() = auth;
      pb::SimulateResponse resp;
      Call out{c.stub().Simulate(&ctx, req, &resp), "", 0};
      out.liard_code = LiardCode(ctx);
      return out;
    };
    ReadCall preview{"Simulate", &alice};
    preview.request_digest =
        std::string(SimulateDigest(alice_key.public_key().view(), body).view());
    Call other = simulate(other_body, c.SignRead(alice_key, preview));
    CheckCode(other.status, other.liard_code, grpc::StatusCode::PERMISSION_DENIED,
              Code::kReadRefused);
    CHECK_THAT(other.status.error_message(), Catch::Contains("request_digest"));
    Call same = simulate(body, c.SignRead(alice_key, preview));
    INFO(same.status.error_message());
    CHECK(same.status.ok());
  }
}

TEST_CASE("a stream ends when its read request expires, even while following", "[e2e][read]") {
  Node n(BoardOf({"board-1"}, 1));
  Client& c = n.c();
  const AccountId alice = Id("alice");
  REQUIRE(c.Submit(c.SignTransfer("bob", "alice", 1'00, 1)).status.ok());

  SECTION("Watch, valid 2 s") {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, Millis(30'000));
    pb::WatchRequest req;
    req.set_account(IdBytes("alice"));
    req.set_from_sequence(1);
    ReadCall call{"Watch", &alice};
    call.from_sequence = 1;
    *req.mutable_auth() = c.SignRead(KeyFor("alice"), call, 2'000);
    const auto start = std::chrono::steady_clock::now();
    auto reader = c.stub().Watch(&ctx, req);
    // The replayed receipt, then one committed while watching.
    pb::Receipt r;
    REQUIRE(reader->Read(&r));
    CHECK(r.sequence() == 1);
    REQUIRE(c.Submit(c.SignTransfer("bob", "alice", 1'00, 2)).status.ok());
    REQUIRE(reader->Read(&r));
    CHECK(r.sequence() == 2);
    CHECK_FALSE(reader->Read(&r));
    grpc::Status s = reader->Finish();
    const auto lasted = std::chrono::steady_clock::now() - start;
    INFO(s.error_code() << " " << s.error_message());
    CHECK(s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
    CHECK_THAT(s.error_message(), Catch::Contains("expired"));
    auto md = ctx.GetServerTrailingMetadata();
    auto it = md.find("liard-resume-from");
    REQUIRE(it != md.end());
    CHECK(std::string(it->second.data(), it->second.size()) == "3");
    CHECK(lasted >= Millis(1'500));
    CHECK(lasted < Millis(4'000));  // not 13 s, not for ever
  }
  SECTION("StreamJournal following, valid 2 s") {
    ReadCall call{"StreamJournal", nullptr};
    call.from_sequence = 1;
    call.follow = true;
    const auto start = std::chrono::steady_clock::now();
    grpc::ClientContext ctx;
    SetDeadline(&ctx, Millis(30'000));
    pb::StreamJournalRequest req;
    req.set_from_sequence(1);
    req.set_follow(true);
    *req.mutable_auth() = c.SignRead(KeyFor("association"), call, 2'000);
    auto reader = c.stub().StreamJournal(&ctx, req);
    int received = 0;
    for (pb::JournalEntry e; reader->Read(&e);) ++received;
    grpc::Status s = reader->Finish();
    const auto lasted = std::chrono::steady_clock::now() - start;
    CHECK(received == 1);
    CHECK(s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
    auto md = ctx.GetServerTrailingMetadata();
    auto it = md.find("liard-resume-from");
    REQUIRE(it != md.end());
    CHECK(std::string(it->second.data(), it->second.size()) == "2");
    CHECK(lasted >= Millis(1'500));
    CHECK(lasted < Millis(4'000));
  }
}

TEST_CASE(
    "a board of 2 of 3 pauses payments and resumes them through the real node, and the "
    "decisions survive a restart",
    "[e2e][board]") {
  Node n(BoardOf({"board-1", "board-2", "board-3"}, 2));
  std::map<std::string, uint64_t> seq;
  {
    Client& c = n.c();
    pb::GovernanceInfo g = c.Governance();
    CHECK(g.threshold() == 2);
    REQUIRE(g.board_size() == 3);
    CHECK_FALSE(g.paused());
    CHECK(g.proposals_size() == 0);
    for (const char* b : {"board-1", "board-2", "board-3"})
      CHECK(std::count(g.board().begin(), g.board().end(), IdBytes(b)) == 1);
  }

  const std::string reason = "key theft at the Comptoir de la Gare";
  SubmitOutcome proposed = Propose(n.c(), seq, "board-1", Pause{reason});
  INFO(proposed.status.error_message());
  REQUIRE(proposed.status.ok());
  const std::string proposal_id = proposed.response.operation_id();
  {
    pb::GovernanceInfo g = n.c().Governance();
    CHECK_FALSE(g.paused());  // one signature of two: pending
    REQUIRE(g.proposals_size() == 1);
    const pb::ProposalInfo& p = g.proposals(0);
    CHECK(p.id() == proposal_id);
    CHECK(p.proposer() == IdBytes("board-1"));
    REQUIRE(p.approvals_size() == 1);
    CHECK(p.approvals(0) == IdBytes("board-1"));
    CHECK(p.decision().has_pause());
    CHECK(p.decision().pause().reason() == reason);
    // Still paying while pending.
    REQUIRE(n.c().Submit(n.c().SignTransfer("alice", "bob", 1'00, 1)).status.ok());
  }

  // The same member approving again does not count twice.
  Hash pid;
  REQUIRE(pid.Assign(proposal_id));
  CheckRefused(n.c().Submit(n.c().SignApprove(KeyFor("board-1"), ++seq["board-1"], pid)),
               Code::kAlreadyApproved);
  --seq["board-1"];
  // Someone off the board cannot approve.
  CheckRefused(n.c().Submit(n.c().SignApprove(KeyFor("alice"), 2, pid)), Code::kNotPermitted);

  SubmitOutcome decided = n.c().Submit(n.c().SignApprove(KeyFor("board-2"), ++seq["board-2"], pid));
  INFO(decided.status.error_message());
  REQUIRE(decided.status.ok());
  {
    pb::GovernanceInfo g = n.c().Governance();
    CHECK(g.paused());
    CHECK(g.pause_reason() == reason);
    CHECK(g.proposals_size() == 0);
  }
  // Decided once: a third approval finds no pending proposal.
  CheckRefused(n.c().Submit(n.c().SignApprove(KeyFor("board-3"), ++seq["board-3"], pid)),
               Code::kUnknownProposal);
  --seq["board-3"];

  // Paused: payments refused with the reason, reads and audit go on.
  const pb::Head head_paused = n.c().Head();
  SubmitOutcome refused = n.c().Submit(n.c().SignTransfer("alice", "bob", 1'00, 2));
  CheckRefused(refused, Code::kPaused);
  CHECK_THAT(refused.status.error_message(), Catch::Contains(reason));
  CHECK(n.c().Head().sequence() == head_paused.sequence());
  CHECK(n.c().Reserves().circulation() == 150'00);
  CHECK(n.c().AccountOf("alice").balance() == 99'00);
  CHECK(n.c().Journal(1).size() == head_paused.sequence());

  // A restart loads the governance record (its hash is in the digest the store checks).
  n.Restart();
  {
    pb::Head head = n.c().Head();
    CHECK(head.state_digest() == head_paused.state_digest());
    CHECK(head.sequence() == head_paused.sequence());
    pb::GovernanceInfo g = n.c().Governance();
    CHECK(g.paused());
    CHECK(g.pause_reason() == reason);
    CheckRefused(n.c().Submit(n.c().SignTransfer("alice", "bob", 1'00, 2)), Code::kPaused);
    Replay replay;
    REQUIRE(ReplayJournal(n.c().genesis_bytes(), n.c().Journal(1), &replay) == "");
    CHECK(Hex(head.state_digest()) == ToHex(replay.state.digest()));
    CHECK(replay.state.governance().paused);
  }

  // Resume: proposed by board-2 while paused (board operations go on), approved by board-3.
  SubmitOutcome resume = Propose(n.c(), seq, "board-2", Resume{});
  INFO(resume.status.error_message());
  REQUIRE(resume.status.ok());
  {
    pb::GovernanceInfo g = n.c().Governance();
    CHECK(g.paused());
    REQUIRE(g.proposals_size() == 1);
    CHECK(g.proposals(0).decision().has_resume());
  }
  Hash rid;
  REQUIRE(rid.Assign(resume.response.operation_id()));
  REQUIRE(n.c().Submit(n.c().SignApprove(KeyFor("board-3"), ++seq["board-3"], rid)).status.ok());
  CHECK_FALSE(n.c().Governance().paused());
  SubmitOutcome paid = n.c().Submit(n.c().SignTransfer("alice", "bob", 1'00, 2));
  INFO(paid.status.error_message());
  CHECK(paid.status.ok());
  CHECK(n.c().AccountOf("bob").balance() == 52'00);
}

TEST_CASE("a re-keyed account's old key is refused and its new key spends the balance it kept",
          "[e2e][board]") {
  Node n(BoardOf({"board-1"}, 1));
  Client& c = n.c();
  std::map<std::string, uint64_t> seq;
  REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 10'00, 1)).status.ok());
  const KeyPair old_key = KeyFor("alice");
  const KeyPair new_key = KeyFor("alice's new phone");
  SubmitOutcome rekeyed = Propose(c, seq, "board-1", Rekey{Id("alice"), new_key.public_key()});
  INFO(rekeyed.status.error_message());
  REQUIRE(rekeyed.status.ok());  // threshold 1: decided at once

  // The old key can neither pay nor read.
  CheckRefused(c.Submit(c.SignTransfer(old_key, Id("shop"), 5'00, 2)), Code::kWrongKey);
  const AccountId alice = Id("alice");
  pb::ReadAuth old_read = c.SignRead(old_key, "GetAccount", &alice);  // reader alice, old key
  CheckReadRefused(GetAccountWith(c, alice, &old_read), "not signed with the reader's key");

  // The new key signs for the same account, id and balance unchanged.
  Operation pay;
  pay.account = alice;
  pay.sequence = 2;
  pay.payload = liard::Transfer{Id("shop"), Amount(5'00), "with the new phone"};
  SubmitOutcome paid = c.Submit(c.Sign(new_key, pay));
  INFO(paid.status.error_message());
  REQUIRE(paid.status.ok());
  pb::ReadAuth new_read = c.SignReadAs(alice, new_key, "GetAccount", &alice);
  ReadOutcome info = GetAccountWith(c, alice, &new_read);
  REQUIRE(info.status.ok());
  CHECK(info.info.id() == IdBytes("alice"));
  CHECK(info.info.key() == std::string(new_key.public_key().view()));
  CHECK(info.info.balance() == 100'00 - 10'00 - 5'00);
  CHECK(info.info.sequence() == 2);
  CHECK(c.Balance("shop") == 5'00);
}

TEST_CASE(
    "offices open residents with a membership, while other kinds and freezing are board "
    "decisions shown in the account",
    "[e2e][board]") {
  Node n(BoardOf({"board-1"}, 1));
  Client& c = n.c();
  std::map<std::string, uint64_t> seq;
  const int64_t until = NowMs() + 365LL * 24 * 3600 * 1000;

  Operation open;
  open.account = Id("office");
  open.sequence = 1;
  open.payload =
      liard::OpenAccount{Id("dave"), AccountKind::kResident, "Dave", until, Amount(10'00)};
  SubmitOutcome opened = c.Submit(c.Sign(KeyFor("office"), open));
  INFO(opened.status.error_message());
  REQUIRE(opened.status.ok());
  pb::AccountInfo dave = c.AccountOf("dave");
  CHECK(dave.member_until_ms() == until);
  CHECK(dave.kind() == pb::ACCOUNT_KIND_RESIDENT);
  CHECK(c.Reserves().income() == 10'00);  // the fee is recorded

  // An office may not open a merchant: that is the board's.
  open.sequence = 2;
  open.payload =
      liard::OpenAccount{Id("new shop"), AccountKind::kMerchant, "Librairie", 0, Amount(0)};
  CheckRefused(c.Submit(c.Sign(KeyFor("office"), open)), Code::kNotPermitted);
  pb::AccountInfo none;
  CHECK(c.GetAccount(Id("new shop"), &none).error_code() == grpc::StatusCode::NOT_FOUND);
  SubmitOutcome board_open = Propose(
      c, seq, "board-1",
      liard::OpenAccount{Id("new shop"), AccountKind::kMerchant, "Librairie", 0, Amount(0)});
  INFO(board_open.status.error_message());
  REQUIRE(board_open.status.ok());
  CHECK(c.AccountOf("new shop").kind() == pb::ACCOUNT_KIND_MERCHANT);

  // Frozen with a reason: shown to whoever may read the account, and refusing payments.
  REQUIRE(
      Propose(c, seq, "board-1", Freeze{Id("bob"), "stolen phone reported 12 March"}).status.ok());
  pb::AccountInfo bob = c.AccountOf("bob");
  CHECK(bob.status() == pb::ACCOUNT_STATUS_FROZEN);
  CHECK(bob.freeze_reason() == "stolen phone reported 12 March");
  CheckRefused(c.Submit(c.SignTransfer("bob", "alice", 1'00, 1)), Code::kAccountFrozen);
  CheckRefused(c.Submit(c.SignTransfer("alice", "bob", 1'00, 1)), Code::kDestinationFrozen);
  CHECK(c.AccountOf("bob").balance() == 50'00);
}

// A Simulate of `op` signed for by `signer`'s own read request.
pb::SimulateResponse SimulateAs(Client& c, const KeyPair& signer, Operation op) {
  op.ledger_id = c.ledger_id();
  const AccountId account = op.account;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::SimulateRequest req;
  req.set_body(codec::EncodeOperation(op));
  req.set_public_key(std::string(signer.public_key().view()));
  ReadCall call{"Simulate", &account};
  const Hash digest = SimulateDigest(req.public_key(), req.body());
  call.request_digest = std::string(digest.view());
  *req.mutable_auth() = c.SignRead(signer, call);
  pb::SimulateResponse resp;
  grpc::Status s = c.stub().Simulate(&ctx, req, &resp);
  INFO(s.error_message());
  REQUIRE(s.ok());
  return resp;
}

void CheckSaysNoneOf(const std::string& message, std::initializer_list<const char*> secrets) {
  INFO(message);
  for (const char* secret : secrets) CHECK(message.find(secret) == std::string::npos);
}

TEST_CASE("a refusal tells its signer nothing private of another account, and the owner all",
          "[e2e][privacy]") {
  Node n(BoardOf({"board-1"}, 1));
  Client& c = n.c();
  std::map<std::string, uint64_t> seq;
  Rules rules;
  REQUIRE(codec::DecodeRules(c.Governance().rules(), &rules).ok());
  rules.limits = {KindLimits{AccountKind::kResident, 0, 0, 120'00}};
  REQUIRE(Propose(c, seq, "board-1", SetRules{rules}).status.ok());

  // An office may not read alice's 100.00: a conversion past her ceiling says so, no more.
  Operation convert;
  convert.account = Id("office");
  convert.sequence = 1;
  convert.payload = liard::Conversion{Id("alice"), Amount(25'00), ""};
  pb::SimulateResponse quote = SimulateAs(c, KeyFor("office"), convert);
  CHECK(quote.code() == static_cast<uint32_t>(Code::kBalanceCeiling));
  CHECK_THAT(quote.message(), Catch::Contains("resident ceiling of 120.00 ROUE"));
  CheckSaysNoneOf(quote.message(), {"125", "12500", "100.00", "10000"});
  CHECK(quote.postings_size() == 0);
  SubmitOutcome converted = c.Submit(c.Sign(KeyFor("office"), convert));
  CheckRefused(converted, Code::kBalanceCeiling);
  CheckSaysNoneOf(converted.status.error_message(), {"125", "12500", "100.00", "10000"});

  // A payer learns that bob is frozen (his public card says as much), not the board's reason.
  const std::string reason = "stolen phone reported 12 March";
  REQUIRE(Propose(c, seq, "board-1", Freeze{Id("bob"), reason}).status.ok());
  SubmitOutcome paid = c.Submit(c.SignTransfer("alice", "bob", 1'00, 1));
  CheckRefused(paid, Code::kDestinationFrozen);
  CheckSaysNoneOf(paid.status.error_message(), {"stolen", "March"});
  Operation pay;
  pay.account = Id("alice");
  pay.sequence = 1;
  pay.payload =
      liard::MultiTransfer{{Leg{Id("carol"), Amount(1'00), ""}, Leg{Id("bob"), Amount(1'00), ""}}};
  pb::SimulateResponse preview = SimulateAs(c, KeyFor("alice"), pay);
  CHECK(preview.code() == static_cast<uint32_t>(Code::kDestinationFrozen));
  CHECK(preview.leg() == 2);
  CheckSaysNoneOf(preview.message(), {"stolen", "March"});

  // Each owner still hears its own: bob his reason, alice her balance.
  SubmitOutcome own = c.Submit(c.SignTransfer("bob", "alice", 1'00, 1));
  CheckRefused(own, Code::kAccountFrozen);
  CHECK_THAT(own.status.error_message(), Catch::Contains(reason));
  SubmitOutcome broke = c.Submit(c.SignTransfer("alice", "shop", 150'00, 1));
  CheckRefused(broke, Code::kInsufficientFunds);
  CHECK_THAT(broke.status.error_message(), Catch::Contains("100.00 ROUE"));
  CHECK(c.AccountOf("alice").balance() == 100'00);
}

// A payee's view of alice's two-leg payment: its own leg, the entry's place, nothing else.
void CheckOwnLegOnly(const pb::Receipt& r, std::string_view payee, int64_t amount,
                     std::string_view memo, std::string_view other, int64_t other_amount,
                     std::string_view other_memo, const pb::Receipt& whole) {
  INFO(payee << "'s receipt of entry " << r.sequence());
  REQUIRE(r.has_redacted());
  CHECK(r.redacted().payer() == IdBytes("alice"));
  CHECK(r.redacted().leg_count() == 2);
  REQUIRE(r.redacted().legs_size() == 1);
  CHECK(r.redacted().legs(0).to() == IdBytes(payee));
  CHECK(r.redacted().legs(0).amount() == amount);
  CHECK(r.redacted().legs(0).memo() == memo);
  CHECK(r.operation_id().empty());  // it would fetch the whole receipt from GetOperation
  CHECK(r.envelope().empty());
  CHECK_FALSE(r.has_operation());
  REQUIRE(r.postings_size() == 1);
  CHECK(r.postings(0).owner() == IdBytes(payee));
  CHECK(r.postings(0).amount() == amount);
  // The entry's place in the chain is the whole entry's.
  CHECK(r.sequence() == whole.sequence());
  CHECK(r.entry_hash() == whole.entry_hash());
  CHECK(r.prev_hash() == whole.prev_hash());
  const std::string bytes = r.SerializeAsString();
  CHECK(bytes.find(IdBytes(other)) == std::string::npos);
  CHECK(bytes.find(std::string(other_memo)) == std::string::npos);
  for (const auto& p : r.postings()) {
    CHECK(p.amount() != other_amount);
    CHECK(p.amount() != -(amount + other_amount));
  }
}

TEST_CASE("each payee of a multi-leg payment reads its own leg, the payer and a treasurer all",
          "[e2e][privacy][multi]") {
  Node n(BoardOf({"board-1"}, 1));
  Client& c = n.c();
  Operation pay;
  pay.account = Id("alice");
  pay.sequence = 1;
  pay.payload = liard::MultiTransfer{
      {Leg{Id("bob"), Amount(3'00), "for bob"}, Leg{Id("carol"), Amount(7'00), "for carol"}}};
  REQUIRE(c.Submit(c.Sign(KeyFor("alice"), pay)).status.ok());
  // A payment to one account is its payee's to see whole, as before.
  REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1'00, 2, "single")).status.ok());

  // The payer reads its own payment whole.
  std::vector<pb::Receipt> alices = c.HistoryAs(KeyFor("alice"), Id("alice"));
  REQUIRE(alices.size() == 2);
  const pb::Receipt whole = alices[1];
  CHECK_FALSE(whole.has_redacted());
  CHECK(whole.operation_id() == HashBytes(c.OperationIdOf(c.Sign(KeyFor("alice"), pay))));
  CHECK(whole.postings_size() == 3);  // alice, bob and carol

  std::vector<pb::Receipt> bobs = c.HistoryAs(KeyFor("bob"), Id("bob"));
  REQUIRE(bobs.size() == 2);
  CHECK_FALSE(bobs[0].has_redacted());  // the single transfer
  CHECK(bobs[0].envelope() == alices[0].envelope());
  CheckOwnLegOnly(bobs[1], "bob", 3'00, "for bob", "carol", 7'00, "for carol", whole);
  std::vector<pb::Receipt> carols = c.HistoryAs(KeyFor("carol"), Id("carol"));
  REQUIRE(carols.size() == 1);
  CheckOwnLegOnly(carols[0], "carol", 7'00, "for carol", "bob", 3'00, "for bob", whole);

  // The treasurer (the association) reads bob's history whole.
  std::vector<pb::Receipt> treasurers = c.HistoryAs(KeyFor("association"), Id("bob"));
  REQUIRE(treasurers.size() == 2);
  CHECK_FALSE(treasurers[1].has_redacted());
  CHECK(treasurers[1].envelope() == whole.envelope());

  // Watch: the replayed entry and a live one are redacted the same way.
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(20'000));
  pb::WatchRequest req;
  req.set_account(IdBytes("carol"));
  req.set_from_sequence(1);
  const AccountId carol = Id("carol");
  ReadCall watch{"Watch", &carol};
  watch.from_sequence = 1;
  *req.mutable_auth() = c.SignRead(KeyFor("carol"), watch);
  auto reader = c.stub().Watch(&ctx, req);
  pb::Receipt replayed;
  REQUIRE(reader->Read(&replayed));
  CheckOwnLegOnly(replayed, "carol", 7'00, "for carol", "bob", 3'00, "for bob", whole);
  pay.sequence = 3;
  pay.payload = liard::MultiTransfer{
      {Leg{Id("carol"), Amount(2'00), "again"}, Leg{Id("bob"), Amount(5'00), "bob again"}}};
  REQUIRE(c.Submit(c.Sign(KeyFor("alice"), pay)).status.ok());
  pb::Receipt live;
  REQUIRE(reader->Read(&live));
  std::vector<pb::Receipt> again = c.HistoryAs(KeyFor("alice"), Id("alice"));
  CheckOwnLegOnly(live, "carol", 2'00, "again", "bob", 5'00, "bob again", again[0]);
  ctx.TryCancel();
  (void)reader->Finish();
}

TEST_CASE("a stream ends once its reader may no longer read: a re-keyed phone, a revoked auditor",
          "[e2e][read]") {
  Node n(BoardOf({"board-1"}, 1));
  Client& c = n.c();
  std::map<std::string, uint64_t> seq;
  REQUIRE(Propose(c, seq, "board-1", GrantRole{Id("carol"), Role::kAuditor}).status.ok());

  struct Ended {
    grpc::Status status;
    std::string liard_code;
    int received = 0;
  };
  const AccountId alice = Id("alice");
  grpc::ClientContext watch_ctx, journal_ctx;
  SetDeadline(&watch_ctx, Millis(30'000));
  SetDeadline(&journal_ctx, Millis(30'000));
  pb::WatchRequest watch;
  watch.set_account(IdBytes("alice"));
  *watch.mutable_auth() = c.SignRead(KeyFor("alice"), "Watch", &alice);
  auto phone = std::async(std::launch::async, [&] {
    Ended e;
    auto reader = c.stub().Watch(&watch_ctx, watch);
    pb::Receipt r;
    while (reader->Read(&r)) ++e.received;
    e.status = reader->Finish();
    e.liard_code = LiardCode(watch_ctx);
    return e;
  });
  pb::StreamJournalRequest follow;
  follow.set_from_sequence(1);
  follow.set_follow(true);
  ReadCall follow_call{"StreamJournal", nullptr};
  follow_call.from_sequence = 1;
  follow_call.follow = true;
  *follow.mutable_auth() = c.SignRead(KeyFor("carol"), follow_call);
  auto auditor = std::async(std::launch::async, [&] {
    Ended e;
    auto reader = c.stub().StreamJournal(&journal_ctx, follow);
    pb::JournalEntry j;
    while (reader->Read(&j)) ++e.received;
    e.status = reader->Finish();
    e.liard_code = LiardCode(journal_ctx);
    return e;
  });
  // Both streams are running and delivering.
  std::this_thread::sleep_for(Millis(500));
  REQUIRE(c.Submit(c.SignTransfer("bob", "alice", 1'00, 1)).status.ok());
  std::this_thread::sleep_for(Millis(500));
  CHECK(phone.wait_for(Millis(0)) == std::future_status::timeout);
  CHECK(auditor.wait_for(Millis(0)) == std::future_status::timeout);

  REQUIRE(Propose(c, seq, "board-1", Rekey{alice, KeyFor("alice's new phone").public_key()})
              .status.ok());
  REQUIRE(Propose(c, seq, "board-1", RevokeRole{Id("carol"), Role::kAuditor}).status.ok());
  const auto limit = Millis(3'000) * 3;  // the node re-checks every 3 s
  REQUIRE(phone.wait_for(limit) == std::future_status::ready);
  REQUIRE(auditor.wait_for(limit) == std::future_status::ready);
  Ended p = phone.get(), a = auditor.get();
  CheckCode(p.status, p.liard_code, grpc::StatusCode::PERMISSION_DENIED, Code::kReadRefused);
  CHECK_THAT(p.status.error_message(), Catch::Contains("may no longer read"));
  CHECK(p.received >= 1);  // bob's payment reached the phone before
  CheckCode(a.status, a.liard_code, grpc::StatusCode::PERMISSION_DENIED, Code::kReadRefused);
  CHECK_THAT(a.status.error_message(), Catch::Contains("only a treasurer or an auditor"));
  CHECK(a.received >= 2);
}

// ---- TLS ------------------------------------------------------------------------------------

TEST_CASE("a node with a TLS certificate answers a TLS client and refuses a plaintext one",
          "[e2e][tls]") {
  TempDir tmp;
  MakeCertificate(tmp, "node");
  MakeCertificate(tmp, "stranger");
  const std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  WriteFile(tmp.Join("node.toml"), "[tls]\ncert = \"" + tmp.Join("node.crt") + "\"\nkey = \"" +
                                       tmp.Join("node.key") + "\"\n");
  NodeProcess node(data, {"--config", tmp.Join("node.toml")});
  node.set_credentials(TlsCredentials(ReadFile(tmp.Join("node.crt"))));
  node.Start();  // its readiness check already spoke TLS
  CHECK_THAT(node.err(), Catch::Contains("tls=on"));

  Client c(node.channel());
  CHECK(c.Head().currency_code() == "ROUE");
  REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1'00, 1)).status.ok());
  CHECK(c.Balance("bob") == 51'00);

  // Plaintext to the same port gets no answer.
  auto plain = pb::LedgerService::NewStub(MakeChannel(node.target()));
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(3'000));
  pb::Head head;
  grpc::Status s = plain->GetHead(&ctx, pb::GetHeadRequest(), &head);
  INFO(s.error_code() << " " << s.error_message());
  CHECK_FALSE(s.ok());
  CHECK(head.ledger_id().empty());

  // Nor does a client that trusts another certificate.
  auto wrong_ca = pb::LedgerService::NewStub(
      MakeChannel(node.target(), TlsCredentials(ReadFile(tmp.Join("stranger.crt")))));
  grpc::ClientContext ctx2;
  SetDeadline(&ctx2, Millis(3'000));
  s = wrong_ca->GetHead(&ctx2, pb::GetHeadRequest(), &head);
  CHECK_FALSE(s.ok());
  CHECK(head.ledger_id().empty());
  CHECK(node.running());
  CHECK(node.Stop() == 0);
}

TEST_CASE("a TLS setup with a missing half or an unreadable file stops the node at start",
          "[e2e][tls]") {
  TempDir tmp;
  MakeCertificate(tmp, "node");
  const std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  struct Case {
    std::string toml;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"[tls]\ncert = \"" + tmp.Join("node.crt") + "\"\n", "cert is set but key is not"},
      {"[tls]\nkey = \"" + tmp.Join("node.key") + "\"\n", "key is set but cert is not"},
      {"[tls]\ncert = \"" + tmp.Join("node.crt") + "\"\nkey = \"" + tmp.Join("missing.key") +
           "\"\n",
       "cannot read " + tmp.Join("missing.key")},
      {"[tls]\ncert = \"" + tmp.Join("node.key") + "\"\nkey = \"" + tmp.Join("node.key") + "\"\n",
       "holds no PEM certificate"},
      {"[tls]\ncert = \"" + tmp.Join("node.crt") + "\"\nkey = \"" + tmp.Join("node.key") +
           "\"\nca = \"x\"\n",
       "unknown key 'ca' in [tls] (expected one of: cert, key)"},
  };
  for (const Case& k : cases) {
    INFO(k.toml);
    WriteFile(tmp.Join("node.toml"), k.toml);
    CommandResult r = RunNode(
        {"run", "--data", data, "--listen", "127.0.0.1:0", "--config", tmp.Join("node.toml")});
    INFO("exit " << r.exit_code << " stdout " << r.out << " stderr " << r.err);
    CHECK(r.exit_code == 2);  // bad input: refused, not crashed
    CHECK_THAT(r.err, Catch::Contains(k.says));
    CHECK(r.out.find("listening") == std::string::npos);
  }
}

}  // namespace
}  // namespace liard::e2e
