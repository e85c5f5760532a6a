// Standing orders: the payer signs once (PlaceOrder); the node executes each due payment
// (ExecuteOrder, signed by the node key the ledger names, carrying the order whole); the payer
// pauses, resumes or cancels (SetOrderState).
//
// The order's terms live in the journal only (its PlaceOrder), and every execution carries
// them whole, so that an audit replay re-derives from each entry that it was authorised (the
// body hashes to a live order's id) and due (its day in the currency's zone). The state keeps
// small tallies, in the tally book:
//   BookKey{kOrderNext, order id}: 1 + the next execution's index while the order is live
//   BookKey{kOrdersLive, payer}: how many live orders the payer has (the slot's total: the
//     ledger's)
//   BookKey{kOrderMark, OrderPayerOwner(payer, id)}: 1 once placed, forever (who placed it)
//   BookKey{kOrderMark, OrderPausedOwner(id)}: 1 while paused (due executions are then
//     journaled as skipped)
//   BookKey{kOrderMark, OrderTriesOwner(id)}: failed tries of the next execution so far
#include <algorithm>
#include <cstdio>
#include <string>

#include "ledger/bytes.h"
#include "ledger/domains.h"
#include "ledger/ops/ops.h"

namespace liard::ops {
namespace {

Status BadOrder(std::string what) { return Status(Code::kBadOrder, std::move(what)); }

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool SplitDate(uint32_t date, int* y, int* m, int* d) {
  *y = static_cast<int>(date / 10000);
  *m = static_cast<int>(date / 100 % 100);
  *d = static_cast<int>(date % 100);
  return IsValidDate(*y, *m, *d);
}

int64_t DayOfDate(uint32_t date) {
  int y = 0, m = 0, d = 0;
  SplitDate(date, &y, &m, &d);
  return DaysFromCivil(y, m, d);
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// 1 Monday .. 7 Sunday; day 0 (1970-01-01) was a Thursday.
int64_t Weekday(int64_t day) {
  int64_t r = (day + 3) % 7;
  return (r < 0 ? r + 7 : r) + 1;
}

// The first execution's month, counted as year * 12 + (month - 1).
int64_t FirstMonth(const PlaceOrder& o) {
  int y = 0, m = 0, d = 0;
  SplitDate(o.first_date, &y, &m, &d);
  const int on = std::min(static_cast<int>(o.every), DaysInMonth(y, m));
  return int64_t{y} * 12 + (m - 1) + (on < d ? 1 : 0);
}

int64_t FirstDay(const PlaceOrder& o) {
  const int64_t d0 = DayOfDate(o.first_date);
  if (o.schedule == OrderSchedule::kWeekly)
    return d0 + (static_cast<int64_t>(o.every) - Weekday(d0) + 7) % 7;
  return d0;
}

std::string DateText(int64_t day) {
  int y = 0, m = 0, d = 0;
  CivilFromDays(day, &y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

}  // namespace

int64_t OrderDueDay(const PlaceOrder& o, uint64_t index) {
  const auto i = static_cast<int64_t>(index);
  switch (o.schedule) {
    case OrderSchedule::kMonthly: {
      const int64_t month = FirstMonth(o) + i;
      const int y = static_cast<int>(FloorDiv(month, 12));
      const int m = static_cast<int>(month - int64_t{y} * 12) + 1;
      if (y > 9999) return INT64_MAX / 4;
      return DaysFromCivil(y, m, std::min(static_cast<int>(o.every), DaysInMonth(y, m)));
    }
    case OrderSchedule::kWeekly:
      return FirstDay(o) + 7 * i;
    case OrderSchedule::kEveryDays:
      return FirstDay(o) + static_cast<int64_t>(o.every) * i;
  }
  return INT64_MAX / 4;
}

int64_t OrderDueMs(const PlaceOrder& o, uint64_t index, uint32_t attempt, const TimeZone& zone) {
  return zone.StartOfDay(OrderDueDay(o, index) + attempt);
}

bool OrderHasExecution(const PlaceOrder& o, uint64_t index) {
  if (o.count != 0 && index >= o.count) return false;
  if (o.end_date != 0 && OrderDueDay(o, index) > DayOfDate(o.end_date)) return false;
  return true;
}

BookKey OrderNextKey(const Hash& order_id) { return BookKey{Slot::kOrderNext, order_id}; }
BookKey OrdersLiveKey(const AccountId& payer) { return BookKey{Slot::kOrdersLive, payer}; }
BookKey OrderPayerKey(const AccountId& payer, const Hash& order_id) {
  return BookKey{Slot::kOrderMark, Sha256({kOrderDomain, "payer", payer.view(), order_id.view()})};
}
BookKey OrderPausedKey(const Hash& order_id) {
  return BookKey{Slot::kOrderMark, Sha256({kOrderDomain, "paused", order_id.view()})};
}
BookKey OrderTriesKey(const Hash& order_id) {
  return BookKey{Slot::kOrderMark, Sha256({kOrderDomain, "tries", order_id.view()})};
}

Status Preflight(const Operation& op, const PlaceOrder& o) {
  if (o.legs.empty() || o.legs.size() > kMaxOrderLegs)
    return BadOrder("a standing order pays 1 to " + std::to_string(kMaxOrderLegs) +
                    " accounts, not " + std::to_string(o.legs.size()))
        .With("legs", static_cast<int64_t>(o.legs.size()))
        .With("max_legs", static_cast<int64_t>(kMaxOrderLegs));
  Status s = Preflight(op, MultiTransfer{o.legs});
  if (!s.ok()) return s;
  if (Status m = CheckMemo(o.memo); !m.ok()) return m;
  if (!IsValidOrderSchedule(static_cast<uint32_t>(o.schedule)))
    return BadOrder("the order's schedule must be monthly, weekly or every so many days");
  switch (o.schedule) {
    case OrderSchedule::kMonthly:
      if (o.every < 1 || o.every > 31)
        return BadOrder("a monthly order runs on a day of the month, 1 to 31, not " +
                        std::to_string(o.every));
      break;
    case OrderSchedule::kWeekly:
      if (o.every < 1 || o.every > 7)
        return BadOrder("a weekly order runs on a weekday, 1 (Monday) to 7 (Sunday), not " +
                        std::to_string(o.every));
      break;
    case OrderSchedule::kEveryDays:
      if (o.every < 1 || o.every > kMaxEveryDays)
        return BadOrder("an order runs every 1 to " + std::to_string(kMaxEveryDays) +
                        " days, not " + std::to_string(o.every));
      break;
  }
  int y = 0, m = 0, d = 0;
  if (!SplitDate(o.first_date, &y, &m, &d) || y < 2000 || y > 9000)
    return BadOrder("the order's first date " + std::to_string(o.first_date) +
                    " is not a date (YYYYMMDD, years 2000 to 9000)");
  if (o.end_date != 0 &&
      (!SplitDate(o.end_date, &y, &m, &d) || y > 9000 || o.end_date < o.first_date))
    return BadOrder("the order's end date " + std::to_string(o.end_date) +
                    " is not a date on or after its first date");
  if (o.count > kMaxOrderCount)
    return BadOrder("an order counts at most " + std::to_string(kMaxOrderCount) +
                    " executions, not " + std::to_string(o.count));
  if (o.retries > kMaxOrderRetries)
    return BadOrder("an order tries a short payment again at most " +
                    std::to_string(kMaxOrderRetries) + " times, not " + std::to_string(o.retries));
  return Status::Ok();
}

Status Apply(OpContext& ctx, const PlaceOrder& o) {
  for (size_t i = 0; i < o.legs.size(); ++i) {
    Status s = ctx.Payee(ctx.state.FindAccount(o.legs[i].to));
    if (!s.ok())
      return Status(s.code(), "payee " + std::to_string(i + 1) + ": " + s.message(),
                    static_cast<uint32_t>(i + 1));
  }
  const TimeZone zone = ctx.zone();
  const int64_t today = zone.DayOf(ctx.now_ms);
  if (DayOfDate(o.first_date) < today)
    return Status(Code::kOrderDate, "the order's first date " + DateText(DayOfDate(o.first_date)) +
                                        " is past; today is " + DateText(today));
  if (!OrderHasExecution(o, 0))
    return Status(Code::kOrderDate, "no execution of the order falls on or before its end date " +
                                        DateText(DayOfDate(o.end_date)));
  const int64_t mine = ctx.state.Balance(OrdersLiveKey(ctx.actor.id));
  if (mine >= kMaxOrdersPerPayer)
    return Status(Code::kOrderLimit, "the account has " + std::to_string(mine) +
                                         " live standing orders, as many as allowed; cancel one "
                                         "first")
        .With("live", mine)
        .With("max", kMaxOrdersPerPayer);
  const int64_t all = ctx.state.totals()[static_cast<size_t>(Slot::kOrdersLive)];
  if (all >= kMaxOrdersPerLedger)
    return Status(Code::kOrderLimit, "the ledger has " + std::to_string(all) +
                                         " live standing orders, as many as allowed")
        .With("live", all)
        .With("max", kMaxOrdersPerLedger);
  ctx.Post(OrderNextKey(ctx.op_id), 1);
  ctx.Post(OrdersLiveKey(ctx.actor.id), 1);
  ctx.Post(OrderPayerKey(ctx.actor.id, ctx.op_id), 1);
  ctx.delta->note = "the first execution is due on " + DateText(OrderDueDay(o, 0));
  return Status::Ok();
}

// Ends a live order whose next index is `next1` - 1: no more executions.
void EndOrder(OpContext& ctx, const Hash& id, const AccountId& payer, int64_t next1) {
  ctx.Post(OrderNextKey(id), -next1);
  ctx.Post(OrdersLiveKey(payer), -1);
  const int64_t tries = ctx.state.Balance(OrderTriesKey(id));
  if (tries != 0) ctx.Post(OrderTriesKey(id), -tries);
  if (ctx.state.Balance(OrderPausedKey(id)) != 0) ctx.Post(OrderPausedKey(id), -1);
}

Status Preflight(const Operation&, const SetOrderState& s) {
  if (!IsValidOrderAction(static_cast<uint32_t>(s.action)))
    return BadOrder("the order's new state must be pause, resume or cancel");
  return Status::Ok();
}

Status Apply(OpContext& ctx, const SetOrderState& s) {
  const Hash& id = s.order;
  if (ctx.state.Balance(OrderPayerKey(ctx.actor.id, id)) == 0)
    return Status(Code::kOrderUnknown, "this account placed no standing order with this id");
  const int64_t next1 = ctx.state.Balance(OrderNextKey(id));
  if (next1 == 0)
    return Status(Code::kOrderEnded,
                  "the standing order was cancelled or has run its last "
                  "execution");
  const bool paused = ctx.state.Balance(OrderPausedKey(id)) != 0;
  switch (s.action) {
    case OrderAction::kPause:
      if (paused) return Status(Code::kOrderPaused, "the standing order is paused already");
      ctx.Post(OrderPausedKey(id), 1);
      return Status::Ok();
    case OrderAction::kResume:
      if (!paused) return Status(Code::kOrderActive, "the standing order is not paused");
      ctx.Post(OrderPausedKey(id), -1);
      return Status::Ok();
    case OrderAction::kCancel:
      EndOrder(ctx, id, ctx.actor.id, next1);
      return Status::Ok();
  }
  return BadOrder("the order's new state must be pause, resume or cancel");
}

Status Preflight(const Operation& op, const ExecuteOrder& e) {
  if (e.order_ledger != op.ledger_id)
    return Status(Code::kBadExecution, "the execution carries an order of another ledger");
  if (e.payer != op.account)
    return Status(Code::kBadExecution, "the execution's account is not the order's payer");
  if (op.sequence != uint64_t{e.index} + 1)
    return Status(Code::kBadExecution, "an execution's sequence is its index + 1");
  Status s = Preflight(op, e.order);
  if (!s.ok()) return Status(Code::kBadExecution, "the order it carries: " + s.message());
  if (e.attempt > e.order.retries)
    return Status(Code::kBadExecution, "try " + std::to_string(e.attempt) +
                                           " is past the order's retries (" +
                                           std::to_string(e.order.retries) + ")");
  if (e.failed > 999)
    return Status(Code::kBadExecution,
                  "the execution records a code past 999: " + std::to_string(e.failed));
  return Status::Ok();
}

Status Apply(OpContext&, const ExecuteOrder&) {
  // Ledger::ApplyChecked runs executions through CheckExecution, PayExecution and
  // RecordExecution, since their outcome needs the invariants.
  return Status(Code::kInternal, "an execution is applied by the ledger's driver");
}

Status CheckExecution(OpContext& ctx, const ExecuteOrder& e, const Hash& order_id) {
  if (ctx.state.Balance(OrderPayerKey(e.payer, order_id)) == 0)
    return Status(Code::kOrderUnknown, "the payer placed no standing order with this id");
  const int64_t next1 = ctx.state.Balance(OrderNextKey(order_id));
  if (next1 == 0)
    return Status(Code::kOrderEnded,
                  "the standing order was cancelled or has run its last execution");
  const uint64_t next = static_cast<uint64_t>(next1 - 1);
  const int64_t tries = ctx.state.Balance(OrderTriesKey(order_id));
  if (e.index != next || e.attempt != tries)
    return Status(Code::kOrderDone,
                  "execution " + std::to_string(e.index + 1) + ", try " +
                      std::to_string(e.attempt + 1) + ", is not the order's next: execution " +
                      std::to_string(next + 1) + ", try " + std::to_string(tries + 1))
        .With("next_index", static_cast<int64_t>(next))
        .With("tries", tries);
  // The order's last execution ends it (RecordExecution), so a live order has its next one.
  if (!OrderHasExecution(e.order, e.index))
    return Status(Code::kOrderEnded, "the order has no execution " + std::to_string(e.index + 1));
  const int64_t due = OrderDueMs(e.order, e.index, e.attempt, ctx.zone());
  if (ctx.now_ms < due)
    return Status(Code::kOrderNotDue, "execution " + std::to_string(e.index + 1) + " is due on " +
                                          DateText(OrderDueDay(e.order, e.index) + e.attempt))
        .With("due_ms", due)
        .With("now_ms", ctx.now_ms);
  return Status::Ok();
}

Status PayExecution(OpContext& ctx, const ExecuteOrder& e, const Hash& order_id) {
  // A paused order's due execution is journaled as skipped: it moves nothing, is not tried
  // again, and counts toward the order's count.
  if (ctx.state.Balance(OrderPausedKey(order_id)) != 0)
    return Status(Code::kOrderPaused, "the standing order is paused: this execution is skipped");
  if (ctx.actor.status == AccountStatus::kFrozen)
    return Status(Code::kAccountFrozen, "the payer's account is frozen");
  if (ctx.actor.status == AccountStatus::kClosed)
    return Status(Code::kAccountClosed, "the payer's account is closed");
  return Apply(ctx, MultiTransfer{e.order.legs});
}

void RecordExecution(OpContext& ctx, const ExecuteOrder& e, const Hash& order_id,
                     const Status& paid) {
  const std::string n = std::to_string(e.index + 1);
  if (!paid.ok() && paid.code() != Code::kOrderPaused && e.attempt < e.order.retries) {
    ctx.Post(OrderTriesKey(order_id), 1);
    ctx.delta->note = "execution " + n + " refused (" + std::string(CodeName(paid.code())) +
                      "): tried again on " +
                      DateText(OrderDueDay(e.order, e.index) + e.attempt + 1);
    return;
  }
  std::string note = paid.ok() ? "execution " + n + " paid"
                     : paid.code() == Code::kOrderPaused
                         ? "execution " + n + " skipped: the order is paused"
                         : "execution " + n + " refused (" + std::string(CodeName(paid.code())) +
                               "), not tried again";
  if (!OrderHasExecution(e.order, uint64_t{e.index} + 1)) {
    EndOrder(ctx, order_id, e.payer, ctx.state.Balance(OrderNextKey(order_id)));
    note += "; it was the order's last";
  } else {
    const int64_t tries = ctx.state.Balance(OrderTriesKey(order_id));
    if (tries != 0) ctx.Post(OrderTriesKey(order_id), -tries);
    ctx.Post(OrderNextKey(order_id), 1);
  }
  ctx.delta->note = note;
}

}  // namespace liard::ops
