// What an applied operation meant for one account: history lines and watch events.
#include "wallet-cli/describe.h"

#include "proto/codec.h"

namespace liard::wallet {

int64_t SumPostings(const google::protobuf::RepeatedPtrField<pb::Posting>& postings, Slot slot,
                    const AccountId* owner) {
  int64_t sum = 0;
  for (const auto& p : postings) {
    if (p.slot() != static_cast<uint32_t>(slot)) continue;
    if (owner != nullptr && p.owner() != owner->view()) continue;
    sum += p.amount();
  }
  return sum;
}

CliStatus DescribeFor(const pb::Receipt& receipt, const AccountId& me, const Money& money,
                      Movement* out) {
  Movement m;
  Status s = codec::DecodeOperation(receipt.operation().body(), &m.op);
  if (!s.ok())
    return CliStatus::Local("journal entry " + std::to_string(receipt.sequence()) +
                            " holds a body this wallet cannot read: " + s.ToString());
  m.units = SumPostings(receipt.postings(), Slot::kMember, &me);
  m.euros = SumPostings(receipt.postings(), Slot::kOfficeCash, &me) +
            SumPostings(receipt.postings(), Slot::kOwedToMerchant, &me);
  const AccountId& actor = m.op.account;
  const bool mine = actor == me;
  auto other = [&](const AccountId& id) {
    m.has_counterparty = true;
    m.counterparty = id;
  };
  std::visit(
      [&](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Transfer>) {
          other(mine ? p.to : actor);
          m.memo = p.memo;
        } else if constexpr (std::is_same_v<T, MultiTransfer>) {
          if (mine) {
            m.detail = "batch of " + std::to_string(p.legs.size()) + " payments";
          } else {
            other(actor);
            for (const auto& leg : p.legs) {
              if (leg.to == me) {
                m.memo = leg.memo;
                break;
              }
            }
          }
        } else if constexpr (std::is_same_v<T, Conversion>) {
          other(mine ? p.member : actor);
          m.detail = "conversion of " + money.Euros(p.euros.minor());
        } else if constexpr (std::is_same_v<T, OpenAccount>) {
          other(mine ? p.id : actor);
          m.detail = "account opened";
        } else if constexpr (std::is_same_v<T, NoteSale>) {
          m.detail = "paper notes sold for " + money.Euros(p.euros.minor());
        } else if constexpr (std::is_same_v<T, NoteRedemption>) {
          other(mine ? p.merchant : actor);
          m.detail = "paper notes taken back: " + money.Units(p.units.minor());
        } else if constexpr (std::is_same_v<T, Reconversion>) {
          m.detail = "reconversion";
        } else if constexpr (std::is_same_v<T, Deposit>) {
          other(mine ? p.office : actor);
          m.detail = "deposit " + money.Euros(p.euros.minor()) + " ref " + p.reference;
        } else if constexpr (std::is_same_v<T, Payout>) {
          other(mine ? p.merchant : actor);
          m.detail = "payout " + money.Euros(p.euros.minor()) + " ref " + p.reference;
        } else if constexpr (std::is_same_v<T, FundProgramme>) {
          m.detail = "programme '" + p.programme + "' funded";
        }
      },
      m.op.payload);
  if (m.euros != 0) {
    std::string e = (m.euros > 0 ? "+" : "") + money.Euros(m.euros);
    m.detail += (m.detail.empty() ? "" : "; ") + e + (m.euros > 0 ? " due" : "");
  }
  *out = std::move(m);
  return CliStatus::Ok();
}

}  // namespace liard::wallet
