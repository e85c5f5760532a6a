// Service: liard.v1.LedgerService over the applier and the store. Thin by design: convert the
// request, call the core or the applier, map the result to a gRPC status. No money rule here.
#ifndef LIARD_NODE_SERVICE_H_
#define LIARD_NODE_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "ledger/ledger.h"
#include "ledger/read_auth.h"
#include "liard/v1/node.grpc.pb.h"
#include "node/applier.h"
#include "node/checkpointer.h"
#include "node/read_nonces.h"
#include "node/store.h"
#include "node/streams.h"
#include "node/verify_pool.h"
#include "node/watch.h"

namespace liard::node {

// The bounds the service enforces on requests.
inline constexpr int kMaxBatch = 10'000;
inline constexpr uint32_t kDefaultHistoryPage = 50;
inline constexpr uint32_t kMaxHistoryPage = 500;
// GetOrder's events and ListOrders' page: the default when 0 is sent, and the most.
inline constexpr uint32_t kDefaultOrderEvents = 12;
inline constexpr uint32_t kMaxOrderEvents = 50;
inline constexpr uint32_t kDefaultOrdersPage = 20;
inline constexpr uint32_t kMaxOrdersPage = 100;
// How many of an order's own entries GetOrder reads back at most to find, for a cancelled
// order, its last execution (pauses and resumes in between).
inline constexpr size_t kMaxOrderScan = 1000;
// ListDirectory's pages of public cards.
inline constexpr uint32_t kDefaultDirectoryPage = 100;
inline constexpr uint32_t kMaxDirectoryPage = 1'000;
// How often a stream (Watch, a following StreamJournal) checks that its reader may still read:
// a re-keyed account's old phone, or an auditor whose role was revoked, stops getting receipts.
inline constexpr std::chrono::seconds kReadRecheck{3};

// Caps on open streams (Watch and StreamJournal together), from [limits] in the config.
struct StreamOptions {
  int64_t max_streams = 1000;
  int64_t max_streams_per_peer = 16;
};
// Catch-up (Watch from_sequence) reads the account's history this many entries at a time, the
// next page only once the previous one is written.
inline constexpr size_t kStreamPage = 64;
// The fixed threads that drive streams woken by the watch hub or the timer (streams.h).
inline constexpr int kStreamWorkers = 2;
// How often the timer looks at every stream: read expiry, re-authorisation, shutdown.
inline constexpr std::chrono::milliseconds kStreamPoll{200};

// Thread-safe: gRPC calls every method from its own threads. Every method uses gRPC's callback
// API with raw bytes: Submit and SubmitBatch verify the operations, queue them and return; the
// applier answers the call once they are durable, so no thread waits through the fsync (see
// docs/benchmarks.md). The reads run their body on gRPC's callback thread and finish at once.
// Watch and StreamJournal are callback streams (streams.h): no thread per stream, capped in
// number.
template <class Base>
using LedgerServiceRawReads = liard::v1::LedgerService::WithRawCallbackMethod_ListOrders<
    liard::v1::LedgerService::WithRawCallbackMethod_GetOrder<
        liard::v1::LedgerService::WithRawCallbackMethod_GetMandate<
            liard::v1::LedgerService::WithRawCallbackMethod_ListDirectory<
                liard::v1::LedgerService::WithRawCallbackMethod_GetRequest<
                    liard::v1::LedgerService::WithRawCallbackMethod_Simulate<
                        liard::v1::LedgerService::WithRawCallbackMethod_GetAccount<
                            liard::v1::LedgerService::WithRawCallbackMethod_LookupAccount<
                                liard::v1::LedgerService::WithRawCallbackMethod_GetHistory<
                                    liard::v1::LedgerService::WithRawCallbackMethod_GetOperation<
                                        liard::v1::LedgerService::WithRawCallbackMethod_GetReserves<
                                            liard::v1::LedgerService::WithRawCallbackMethod_GetHead<
                                                liard::v1::LedgerService::
                                                    WithRawCallbackMethod_GetCheckpoint<
                                                        liard::v1::LedgerService::
                                                            WithRawCallbackMethod_GetGenesis<
                                                                liard::v1::LedgerService::
                                                                    WithRawCallbackMethod_GetGovernance<
                                                                        Base>>>>>>>>>>>>>>>;
class LedgerServiceImpl final
    : public LedgerServiceRawReads<liard::v1::LedgerService::WithRawCallbackMethod_StreamJournal<
          liard::v1::LedgerService::WithRawCallbackMethod_Watch<
              liard::v1::LedgerService::WithRawCallbackMethod_SubmitBatch<
                  liard::v1::LedgerService::WithRawCallbackMethod_Submit<
                      liard::v1::LedgerService::Service>>>>> {
 public:
  LedgerServiceImpl(const Ledger& ledger, std::string genesis_bytes, Store* store, Applier* applier,
                    WatchHub* hub, Checkpointer* checkpointer, VerifyPool* verify_pool = nullptr,
                    StreamOptions streams = {});

  // From now on submits are answered UNAVAILABLE and streams end; calls in flight finish.
  void BeginShutdown() { shutting_down_ = true; }
  // A standby (node/follower.h) of the primary at `primary` (HOST:PORT): Submit and
  // SubmitBatch are refused UNAVAILABLE (code 6) with the trailer liard-primary naming it.
  // Empty: a primary again. Thread-safe.
  void SetStandbyOf(std::string primary);
  // Waits until no unary call is in flight (a submit waiting to be durable, a read), or until
  // `deadline`: true if none is left. At shutdown, once none is, nothing remains that a grace
  // period could save (docs/operator.md, "Stopping").
  bool WaitCalls(std::chrono::steady_clock::time_point deadline) const;
  // Unary calls in flight now, and finished since start: whether the node is idle.
  int64_t calls_in_flight() const { return calls_in_flight_.load(std::memory_order_relaxed); }
  uint64_t calls_done() const { return calls_done_.load(std::memory_order_relaxed); }

  // Raw bytes in and out: gRPC's typed callback handler answers UNIMPLEMENTED, without a word,
  // to a request that does not decode; this one says INVALID_ARGUMENT and why. And the node
  // reads each envelope from the bytes the client sent (codec::SplitEnvelopes), so that it
  // journals those very bytes or refuses them (codec::DecodeEnvelope).
  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                   grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* SubmitBatch(grpc::CallbackServerContext* ctx,
                                        const grpc::ByteBuffer* req,
                                        grpc::ByteBuffer* resp) override;
  // The reads, raw bytes in and out through Unary (below): a request that does not decode is
  // INVALID_ARGUMENT with the reason, where gRPC's own decoding answered INTERNAL without one.
  grpc::ServerUnaryReactor* Simulate(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                     grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* ctx,
                                       const grpc::ByteBuffer* req,
                                       grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* LookupAccount(grpc::CallbackServerContext* ctx,
                                          const grpc::ByteBuffer* req,
                                          grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* ListDirectory(grpc::CallbackServerContext* ctx,
                                          const grpc::ByteBuffer* req,
                                          grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* GetHistory(grpc::CallbackServerContext* ctx,
                                       const grpc::ByteBuffer* req,
                                       grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* GetOperation(grpc::CallbackServerContext* ctx,
                                         const grpc::ByteBuffer* req,
                                         grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* GetReserves(grpc::CallbackServerContext* ctx,
                                        const grpc::ByteBuffer* req,
                                        grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* GetHead(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                    grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* GetCheckpoint(grpc::CallbackServerContext* ctx,
                                          const grpc::ByteBuffer* req,
                                          grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* GetGenesis(grpc::CallbackServerContext* ctx,
                                       const grpc::ByteBuffer* req,
                                       grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* GetGovernance(grpc::CallbackServerContext* ctx,
                                          const grpc::ByteBuffer* req,
                                          grpc::ByteBuffer* resp) override;
  // A payment request's state (public: its id is known only to whoever holds the request).
  grpc::ServerUnaryReactor* GetRequest(grpc::CallbackServerContext* ctx,
                                       const grpc::ByteBuffer* req,
                                       grpc::ByteBuffer* resp) override;
  // A mandate's revocation and what it collected this period (public: whoever holds the
  // signed mandate).
  grpc::ServerUnaryReactor* GetMandate(grpc::CallbackServerContext* ctx,
                                       const grpc::ByteBuffer* req,
                                       grpc::ByteBuffer* resp) override;
  // A standing order's state and latest events; the orders an account placed (private reads).
  grpc::ServerUnaryReactor* GetOrder(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                     grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* ListOrders(grpc::CallbackServerContext* ctx,
                                       const grpc::ByteBuffer* req,
                                       grpc::ByteBuffer* resp) override;
  // Raw, as Submit: a request that does not decode is INVALID_ARGUMENT with the reason. Beyond
  // the caps of StreamOptions, RESOURCE_EXHAUSTED.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Watch(grpc::CallbackServerContext* ctx,
                                                    const grpc::ByteBuffer* req) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* StreamJournal(grpc::CallbackServerContext* ctx,
                                                            const grpc::ByteBuffer* req) override;
  // Streams open now (for tests and logs).
  int64_t open_streams() const { return stream_limits_.open(); }

 private:
  class WatchStream;
  class JournalStream;
  // Decodes the request from `req`, runs `body` (a read's whole logic, below), encodes its answer
  // into `resp` and finishes the call: INVALID_ARGUMENT, naming the method and the message, if
  // the request does not decode.
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                  grpc::ByteBuffer* resp, std::string_view method,
                                  grpc::Status (LedgerServiceImpl::*body)(grpc::ServerContextBase*,
                                                                          const Request*,
                                                                          Response*));
  // reactor->Finish(status), and the call no longer counts as in flight.
  void FinishCall(grpc::ServerUnaryReactor* reactor, const grpc::Status& status);
  // The reads' bodies, called by Unary with the decoded request.
  grpc::Status Simulate(grpc::ServerContextBase* ctx, const liard::v1::SimulateRequest* req,
                        liard::v1::SimulateResponse* resp);
  grpc::Status GetAccount(grpc::ServerContextBase* ctx, const liard::v1::GetAccountRequest* req,
                          liard::v1::AccountInfo* resp);
  // Public: name, kind and status only (what a payer confirms), never balance or history.
  grpc::Status LookupAccount(grpc::ServerContextBase* ctx,
                             const liard::v1::LookupAccountRequest* req,
                             liard::v1::AccountCard* resp);
  // Public: the cards of active accounts that have one, in id order, a bounded page at a time.
  grpc::Status ListDirectory(grpc::ServerContextBase* ctx,
                             const liard::v1::ListDirectoryRequest* req,
                             liard::v1::ListDirectoryResponse* resp);
  grpc::Status GetHistory(grpc::ServerContextBase* ctx, const liard::v1::GetHistoryRequest* req,
                          liard::v1::GetHistoryResponse* resp);
  grpc::Status GetOperation(grpc::ServerContextBase* ctx, const liard::v1::GetOperationRequest* req,
                            liard::v1::Receipt* resp);
  grpc::Status GetReserves(grpc::ServerContextBase* ctx, const liard::v1::GetReservesRequest* req,
                           liard::v1::Reserves* resp);
  grpc::Status GetHead(grpc::ServerContextBase* ctx, const liard::v1::GetHeadRequest* req,
                       liard::v1::Head* resp);
  grpc::Status GetCheckpoint(grpc::ServerContextBase* ctx,
                             const liard::v1::GetCheckpointRequest* req,
                             liard::v1::SignedCheckpoint* resp);
  grpc::Status GetGenesis(grpc::ServerContextBase* ctx, const liard::v1::GetGenesisRequest* req,
                          liard::v1::GenesisInfo* resp);
  grpc::Status GetGovernance(grpc::ServerContextBase* ctx,
                             const liard::v1::GetGovernanceRequest* req,
                             liard::v1::GovernanceInfo* resp);
  grpc::Status GetRequest(grpc::ServerContextBase* ctx, const liard::v1::GetRequestRequest* req,
                          liard::v1::RequestInfo* resp);
  grpc::Status GetMandate(grpc::ServerContextBase* ctx, const liard::v1::GetMandateRequest* req,
                          liard::v1::MandateInfo* resp);
  grpc::Status GetOrder(grpc::ServerContextBase* ctx, const liard::v1::GetOrderRequest* req,
                        liard::v1::OrderInfo* resp);
  grpc::Status ListOrders(grpc::ServerContextBase* ctx, const liard::v1::ListOrdersRequest* req,
                          liard::v1::ListOrdersResponse* resp);
  // The order placed by the PlaceOrder at `sequence`: its terms (whole, or only the legs to
  // `payee` when set), its state from the ledger's tallies, and its latest `events` events.
  Status FillOrder(uint64_t sequence, const JournalEntry& entry, const SignedOperation& placed,
                   const AccountId* payee, uint32_t events, liard::v1::OrderInfo* out) const;

  // A read granted to a stream, kept to decide again as the state changes.
  struct ReadGrant {
    ReadRequest request;  // its parameters are the call's (AuthorizeRead checked them)
    std::string body;
    PublicKey key;
    Signature signature;
    std::string method;
    bool has_target = false;
    AccountId target;
    int64_t granted_ms = 0;  // the time it was granted at: StillGranted decides as of then
    std::chrono::steady_clock::time_point checked = std::chrono::steady_clock::now();
  };
  // A private read: OK if `auth` proves the caller may make `call` (its method, target and
  // parameters), by liard::AuthorizeRead, and its nonce was not used before; else
  // PERMISSION_DENIED with READ_REFUSED in the trailing metadata and the reason in the message
  // (RESOURCE_EXHAUSTED if the nonce set is full). On success fills `grant` if given.
  grpc::Status CheckRead(grpc::ServerContextBase* ctx, bool has_auth,
                         const liard::v1::ReadAuth& auth, const ReadCall& call,
                         ReadGrant* grant = nullptr) const;
  // For a stream: at most every kReadRecheck, decides `grant` again against the current state
  // (at the time it was granted); PERMISSION_DENIED, as CheckRead, once the reader may no longer.
  grpc::Status StillGranted(grpc::ServerContextBase* ctx, ReadGrant* grant) const;
  // Whether the grant's reader sees entries whole, or a payee's part only (node/redact.h).
  bool ReadsWhole(const ReadGrant& grant) const;
  // For a stream: once the node's clock passes the request's not_after_ms, DEADLINE_EXCEEDED
  // with `resume_from` (where a fresh request continues) in the trailer "liard-resume-from";
  // OK before.
  grpc::Status Expired(grpc::ServerContextBase* ctx, const ReadGrant& grant,
                       uint64_t resume_from) const;
  grpc::Status ReadRefusal(grpc::ServerContextBase* ctx, std::string_view method,
                           const Status& s) const;
  // Decodes and preflights one envelope, given as the bytes the client sent (the costly
  // signature check runs on the caller's thread, in parallel with every other call).
  Status Verify(std::string_view envelope, VerifiedOperation* out) const;
  // Parses a 32-byte account id from a request field and checks the account exists:
  // INVALID_ARGUMENT or NOT_FOUND (naming its address) otherwise.
  grpc::Status FindAccountId(std::string_view field, const std::string& bytes, AccountId* id) const;
  // The receipt of journal entry `sequence`, from the store.
  Status ReadReceipt(uint64_t sequence, liard::v1::Receipt* out) const;
  void FillReceipt(const AppliedOperation& op, liard::v1::Receipt* out) const;

  const Ledger& ledger_;
  const std::string genesis_bytes_;
  Store* const store_;
  Applier* const applier_;
  WatchHub* const hub_;
  Checkpointer* const checkpointer_;
  VerifyPool* const verify_pool_;  // null: a batch is verified on the calling thread
  std::atomic<bool> shutting_down_{false};
  // Not ok (the refusal, with the primary's address) while this node is a standby.
  bool RefusedAsStandby(grpc::CallbackServerContext* ctx, grpc::Status* status) const;
  mutable std::mutex standby_mu_;
  std::string standby_of_;  // under standby_mu_
  std::atomic<bool> standby_{false};
  std::atomic<int64_t> calls_in_flight_{0};  // unary calls begun and not yet finished
  std::atomic<uint64_t> calls_done_{0};      // unary calls finished
  mutable ReadNonces nonces_{kMaxReadNonces, kMaxReadNoncesPerReader};
  StreamLimits stream_limits_;
  // Last: its threads stop first, while everything a stream uses still exists.
  StreamPump stream_pump_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_SERVICE_H_
