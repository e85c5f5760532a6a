// Reading standing orders from the real liard-node (GetOrder, ListOrders): the state the ledger
// keeps (live, paused, cancelled, ended), the next execution, the tries and the latest events;
// who may read what (the payer whole, a payee of a list its own legs, a stranger nothing); the
// paging; and an older database's index filled from its journal at start.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "ledger/civil_time.h"
#include "ledger/domains.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/tamper.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using testing::KeyFor;

AccountId Id(const char* name) { return KeyFor(name).public_key(); }

PlaceOrder Order(std::vector<Leg> legs, uint32_t every_days, uint32_t first_date, uint32_t count,
                 uint32_t retries) {
  PlaceOrder o;
  o.legs = std::move(legs);
  o.schedule = OrderSchedule::kEveryDays;
  o.every = every_days;
  o.first_date = first_date;
  o.count = count;
  o.retries = retries;
  o.memo = "ordre";
  return o;
}

// Signs and submits `payload` for `payer` at `sequence`; returns the operation id.
Hash Place(Client& c, const char* payer, uint64_t sequence, Payload payload) {
  Operation op;
  op.ledger_id = c.ledger_id();
  op.account = Id(payer);
  op.sequence = sequence;
  op.payload = std::move(payload);
  const pb::SignedOperation signed_op = c.Sign(KeyFor(payer), op);
  SubmitOutcome out = c.Submit(signed_op);
  INFO(out.status.error_message());
  REQUIRE(out.status.ok());
  return c.OperationIdOf(signed_op);
}

pb::OrderInfo Read(Client& c, const char* reader, const Hash& order, const char* account,
                   uint32_t events = 0) {
  pb::OrderInfo info;
  grpc::Status s = c.GetOrder(KeyFor(reader), order, Id(account), events, &info);
  INFO(s.error_message());
  REQUIRE(s.ok());
  return info;
}

// Waits until the order has journaled `executions` events of type ExecuteOrder.
pb::OrderInfo WaitExecutions(Client& c, const char* payer, const Hash& order, int executions) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    pb::OrderInfo info = Read(c, payer, order, payer, 50);
    int n = 0;
    for (const auto& e : info.events()) n += e.type() == 27 ? 1 : 0;
    if (n >= executions || std::chrono::steady_clock::now() > deadline) return info;
    std::this_thread::sleep_for(Millis(100));
  }
}

TEST_CASE("the node reads a standing order's state, next payment and events to whom may see it",
          "[e2e][order][read]") {
  TempDir tmp;
  GenesisSpec spec = StandardGenesis();  // alice 100.00, carol 0, the association reads
  spec.members.push_back({"town", "municipality", 5'000'00});
  spec.time_zone = "Europe/Paris";
  const std::string data = tmp.Join("data");
  InitLedger(data, spec);
  const TimeZone paris = *TimeZone::Named("Europe/Paris");
  NodeProcess node(data, {"--trust-clock"});
  node.Start();
  Client c(node.channel());
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const int64_t today = paris.DayOf(now);
  int y = 0, m = 0, d = 0;
  CivilFromDays(today, &y, &m, &d);
  const auto date = static_cast<uint32_t>(y * 10000 + m * 100 + d);

  // The town pays two residents every 30 days, twice; due today, so paid at once.
  const Hash town = Place(c, "town", 1,
                          Order({Leg{Id("alice"), Amount(25'00), "indemnité d'Alice"},
                                 Leg{Id("carol"), Amount(10'00), "indemnité de Carole"}},
                                30, date, 2, 0));
  // Alice orders more than she holds: refused today, tried again tomorrow.
  const Hash big =
      Place(c, "alice", 1, Order({Leg{Id("shop"), Amount(500'00), ""}}, 1, date, 0, 1));
  // And one payment of 1.00, once: it ends the order.
  const Hash once = Place(c, "alice", 2, Order({Leg{Id("shop"), Amount(1'00), ""}}, 7, date, 1, 0));

  pb::OrderInfo t = WaitExecutions(c, "town", town, 1);
  CHECK(t.state() == pb::OrderInfo::STATE_LIVE);
  CHECK(t.executions() == 1);
  CHECK(t.tries() == 0);
  CHECK(t.next_due_ms() == paris.StartOfDay(today + 30));
  CHECK(t.payer() == std::string(Id("town").view()));
  CHECK(t.leg_count() == 2);
  CHECK(t.order().legs_size() == 2);
  CHECK_FALSE(t.order_body().empty());
  REQUIRE(t.events_size() == 2);  // newest first: the payment, the placing
  CHECK(t.events(0).type() == 27);
  CHECK(t.events(0).index() == 0);
  CHECK(t.events(0).failed() == 0);
  CHECK(t.events(1).type() == 25);
  CHECK(t.events(1).sequence() == t.placed_sequence());

  // Carol, a payee of the list, sees its own leg and how many there are; nothing of Alice's.
  pb::OrderInfo mine = Read(c, "carol", town, "carol");
  CHECK(mine.state() == pb::OrderInfo::STATE_LIVE);
  CHECK(mine.leg_count() == 2);
  REQUIRE(mine.order().legs_size() == 1);
  CHECK(mine.order().legs(0).amount() == 10'00);
  CHECK(mine.order_body().empty());
  const std::string bytes = mine.SerializeAsString();
  CHECK(bytes.find(std::string(Id("alice").view())) == std::string::npos);
  CHECK(bytes.find("indemnité d'Alice") == std::string::npos);
  // The treasurer (the association) reads it whole, as any account's.
  CHECK(Read(c, "association", town, "carol").order().legs_size() == 2);
  // The shop is neither payer nor payee: as if there were no such order.
  pb::OrderInfo none;
  CHECK(c.GetOrder(KeyFor("shop"), town, Id("shop"), 0, &none).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  // Carol reading for herself the view of Alice: refused, like her history.
  CHECK(c.GetOrder(KeyFor("carol"), town, Id("alice"), 0, &none).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  // A read request signed for another order does not serve this one.
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, Millis(10'000));
    pb::GetOrderRequest req;
    req.set_order_id(std::string(town.view()));
    req.set_account(std::string(Id("carol").view()));
    const AccountId carol = Id("carol");
    ReadCall call{"GetOrder", &carol};
    call.request_digest = std::string(big.view());
    *req.mutable_auth() = c.SignRead(KeyFor("carol"), call);
    CHECK(c.stub().GetOrder(&ctx, req, &none).error_code() == grpc::StatusCode::PERMISSION_DENIED);
  }
  // No read request: refused; an id that is not an order's: not found.
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, Millis(10'000));
    pb::GetOrderRequest req;
    req.set_order_id(std::string(town.view()));
    req.set_account(std::string(Id("town").view()));
    CHECK(c.stub().GetOrder(&ctx, req, &none).error_code() == grpc::StatusCode::PERMISSION_DENIED);
  }

  // Alice's big order: refused for her balance, to be tried again tomorrow.
  pb::OrderInfo b = WaitExecutions(c, "alice", big, 1);
  CHECK(b.state() == pb::OrderInfo::STATE_LIVE);
  CHECK(b.executions() == 0);
  CHECK(b.tries() == 1);
  CHECK(b.next_due_ms() == paris.StartOfDay(today + 1));
  REQUIRE(b.events_size() == 2);
  CHECK(b.events(0).failed() == static_cast<uint32_t>(Code::kInsufficientFunds));
  CHECK(b.events(0).failed_name() == "INSUFFICIENT_FUNDS");
  // Her one-off order ran its only payment: ended.
  pb::OrderInfo o = WaitExecutions(c, "alice", once, 1);
  CHECK(o.state() == pb::OrderInfo::STATE_ENDED);
  CHECK(o.executions() == 1);
  CHECK(o.next_due_ms() == 0);

  // Paused, then cancelled: the refused try was not the end of its payment 1, so none ran.
  SetOrderState pause{big, OrderAction::kPause};
  const Hash paused = Place(c, "alice", 3, pause);
  CHECK(Read(c, "alice", big, "alice").state() == pb::OrderInfo::STATE_PAUSED);
  // The id of an operation that is not an order's: not found.
  CHECK(c.GetOrder(KeyFor("alice"), paused, Id("alice"), 0, &none).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  SetOrderState cancel{big, OrderAction::kCancel};
  Place(c, "alice", 4, cancel);
  b = Read(c, "alice", big, "alice", 1);
  CHECK(b.state() == pb::OrderInfo::STATE_CANCELLED);
  CHECK(b.executions() == 0);
  CHECK(b.next_due_ms() == 0);
  REQUIRE(b.events_size() == 1);
  CHECK(b.events(0).type() == 26);
  CHECK(b.events(0).action() == pb::ORDER_ACTION_CANCEL);

  // Alice's orders, newest first, a page of one at a time.
  pb::ListOrdersResponse page;
  REQUIRE(c.ListOrders(KeyFor("alice"), Id("alice"), 0, 1, &page).ok());
  REQUIRE(page.orders_size() == 1);
  CHECK(page.orders(0).order_id() == std::string(once.view()));
  CHECK(page.orders(0).state() == pb::OrderInfo::STATE_ENDED);
  CHECK(page.orders(0).events_size() == 0);
  REQUIRE(page.next_before() != 0);
  pb::ListOrdersResponse next;
  REQUIRE(c.ListOrders(KeyFor("alice"), Id("alice"), page.next_before(), 1, &next).ok());
  REQUIRE(next.orders_size() == 1);
  CHECK(next.orders(0).order_id() == std::string(big.view()));
  CHECK(next.orders(0).state() == pb::OrderInfo::STATE_CANCELLED);
  CHECK(next.next_before() == 0);
  CHECK(c.ListOrders(KeyFor("carol"), Id("alice"), 0, 0, &page).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  REQUIRE(c.ListOrders(KeyFor("carol"), Id("carol"), 0, 0, &page).ok());
  CHECK(page.orders_size() == 0);

  // A database from before the index: its index keys and mark removed behind the node's back,
  // the node fills them again from the journal at start.
  REQUIRE(node.Stop() == 0);
  testing::Tamper(data, [&](rocksdb::DB* db, auto& cf) {
    REQUIRE(db->Delete(rocksdb::WriteOptions(), cf.at("meta"), "order_index").ok());
    for (const Hash& id : {town, big, once, Sha256({kOrdersOfDomain, Id("alice").view()}),
                           Sha256({kOrdersOfDomain, Id("town").view()})}) {
      const std::string from(id.view());
      const std::string to = from + std::string(8, '\xff') + '\xff';
      REQUIRE(db->DeleteRange(rocksdb::WriteOptions(), cf.at("history"), from, to).ok());
    }
  });
  node.Start();
  Client again(node.channel());
  b = Read(again, "alice", big, "alice", 50);
  CHECK(b.state() == pb::OrderInfo::STATE_CANCELLED);
  CHECK(b.events_size() == 4);  // cancelled, paused, refused, placed
  REQUIRE(again.ListOrders(KeyFor("alice"), Id("alice"), 0, 0, &page).ok());
  CHECK(page.orders_size() == 2);
  CHECK(Read(again, "town", town, "town").executions() == 1);
  REQUIRE(node.Stop() == 0);
}

}  // namespace
}  // namespace liard::e2e
