// NodeClient: the wallet's gRPC client of liard-node, with short deadlines and errors turned
// into sentences and exit codes (never a dump of gRPC internals).
#ifndef LIARD_WALLET_CLI_NODE_CLIENT_H_
#define LIARD_WALLET_CLI_NODE_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/account.h"
#include "ledger/crypto.h"
#include "ledger/read_auth.h"
#include "liard/v1/node.grpc.pb.h"
#include "wallet-cli/cli_status.h"
#include "wallet-cli/format.h"
#include "wallet-cli/refusal.h"

namespace liard::wallet {

namespace pb = ::liard::v1;
using Millis = std::chrono::milliseconds;

// How long the first contact may take before the node is declared unreachable, and how long
// an ordinary call may take.
inline constexpr Millis kConnectTimeout{3'000};
inline constexpr Millis kCallTimeout{10'000};
// A submit waits for durability (an fsync) and may carry 10,000 legs.
inline constexpr Millis kSubmitTimeout{30'000};

// Checks that `target` is HOST:PORT with a port in 1..65535; a usage error otherwise.
[[nodiscard]] CliStatus ValidateTarget(std::string_view target);

// Signs a private read (node.proto's ReadAuth) for one call: its method, target (nullptr: the
// whole journal) and parameters, with a fresh nonce. Session provides it: it unlocks the reading
// key on first use.
using ReadSigner = std::function<CliStatus(const ReadCall& call, pb::ReadAuth* out)>;

// One node. Not thread-safe (one command at a time), except Cancel-able streams.
class NodeClient {
 public:
  // `tls_root_pem` empty: plaintext; else TLS trusting only these root certificates.
  explicit NodeClient(std::string target, std::string tls_root_pem = "");

  // Every private read (GetAccount, GetHistory, Simulate, Watch, StreamJournal, GetOrder,
  // ListOrders) is signed by
  // it; without one they go unsigned and the node refuses them (READ_REFUSED).
  void set_read_signer(ReadSigner signer) { signer_ = std::move(signer); }
  // Fills `out` for a call that needs it (also for the streams a command opens itself). A
  // request serves one call: sign again for each call, and for each renewal of a stream.
  [[nodiscard]] CliStatus SignRead(const ReadCall& call, pb::ReadAuth* out);
  // Public: the rules, the board, the pause and the pending proposals.
  [[nodiscard]] CliStatus GetGovernance(pb::GovernanceInfo* out);

  // How refusals write amounts (the ledger's currency code and decimals): the session sets it
  // once it knows the genesis. Until then a refusal that states an amount is said generically.
  void set_money(Money money) { money_ = std::move(money); }

  const std::string& target() const { return target_; }
  pb::LedgerService::Stub& stub() { return *stub_; }

  // Waits up to kConnectTimeout for a connection; Exit::kUnreachable with the reason if none.
  [[nodiscard]] CliStatus Connect();

  [[nodiscard]] CliStatus GetHead(pb::Head* out);
  [[nodiscard]] CliStatus GetGenesis(pb::GenesisInfo* out);
  // An unknown account is Exit::kRefused with the node's sentence.
  [[nodiscard]] CliStatus GetAccount(const AccountId& id, pb::AccountInfo* out);
  // The same, but an unknown account is *found = false and ok.
  [[nodiscard]] CliStatus FindAccount(const AccountId& id, pb::AccountInfo* out, bool* found);
  // Any account's public card (name, kind, status), unsigned: what a payer confirms. An unknown
  // account is *found = false and ok.
  [[nodiscard]] CliStatus LookupAccount(const AccountId& id, pb::AccountCard* out, bool* found);
  [[nodiscard]] CliStatus GetHistory(const AccountId& id, uint64_t before, uint32_t limit,
                                     pb::GetHistoryResponse* out);
  [[nodiscard]] CliStatus GetOperation(const Hash& id, pb::Receipt* out);
  // A standing order as the node has it, read as `account` (its payer, or a payee), with its
  // latest `events` events (0: the node's default). An order the account may not read is
  // Exit::kRefused, as an unknown one.
  [[nodiscard]] CliStatus GetOrder(const Hash& order_id, const AccountId& account, uint32_t events,
                                   pb::OrderInfo* out);
  // One page of the orders `account` placed, newest first.
  [[nodiscard]] CliStatus ListOrders(const AccountId& account, uint64_t before, uint32_t limit,
                                     pb::ListOrdersResponse* out);
  [[nodiscard]] CliStatus GetReserves(pb::Reserves* out);
  [[nodiscard]] CliStatus GetCheckpoint(pb::SignedCheckpoint* out);
  // Sends the envelope; on a lost connection or a timeout sends the very same envelope once
  // more (safe: the node answers a duplicate with the first result). A refusal is
  // Exit::kRefused with the wallet's sentence of it (DescribeRefusal), in the user's language.
  // A standby's refusal (UNAVAILABLE with the trailer liard-primary) is not sent again: the
  // primary it names is then primary_hint(), for the caller to try (Session::Submit).
  [[nodiscard]] CliStatus Submit(const pb::SignedOperation& op, pb::SubmitResponse* out);
  // The primary named by the last Submit's refusal as a standby; empty if it was not one.
  const std::string& primary_hint() const { return primary_hint_; }
  // The last Submit ended UNAVAILABLE: a standby, a primary not sure it still leads, one whose
  // standbys did not confirm in time, or no answer at all. Another node may take the same
  // envelope (Session::SubmitToPrimary); a refusal by the rules is not this.
  bool takes_no_writes_now() const { return unavailable_; }
  // *available is false (and the status ok) when the node does not implement Simulate.
  // `account` is the body's acting account (the read is bound to it).
  [[nodiscard]] CliStatus Simulate(const std::string& body, const AccountId& account,
                                   const PublicKey& key, pb::SimulateResponse* out,
                                   bool* available);

  // Turns a failed call into a CliStatus: `what` names the call for unexpected failures.
  CliStatus MapError(const grpc::Status& status, const grpc::ClientContext& ctx,
                     std::string_view what) const;
  // "cannot reach the liard node at HOST:PORT: REASON; is it running? (set --node or
  // LIARD_NODE)".
  std::string UnreachableSentence(std::string_view reason) const;

 private:
  std::string target_;
  std::string primary_hint_;
  bool unavailable_ = false;
  bool tls_ = false;
  ReadSigner signer_;
  Money money_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::LedgerService::Stub> stub_;
};

void SetDeadline(grpc::ClientContext* ctx, Millis timeout);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_NODE_CLIENT_H_
