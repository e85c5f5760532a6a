// Service: liard.v1.LedgerService over the applier and the store. Thin by design: convert the
// request, call the core or the applier, map the result to a gRPC status. No money rule here.
#ifndef LIARD_NODE_SERVICE_H_
#define LIARD_NODE_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <string>

#include "ledger/ledger.h"
#include "ledger/read_auth.h"
#include "liard/v1/node.grpc.pb.h"
#include "node/applier.h"
#include "node/checkpointer.h"
#include "node/read_nonces.h"
#include "node/store.h"
#include "node/streams.h"
#include "node/watch.h"

namespace liard::node {

// The bounds the service enforces on requests.
inline constexpr int kMaxBatch = 10'000;
inline constexpr uint32_t kDefaultHistoryPage = 50;
inline constexpr uint32_t kMaxHistoryPage = 500;
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

// Thread-safe: gRPC calls every method from its own threads. Submit and SubmitBatch use gRPC's
// callback API: the handler verifies the operations, queues them and returns; the applier answers
// the call once they are durable, so no thread waits through the fsync (see docs/benchmarks.md).
// Watch and StreamJournal are callback streams (streams.h): no thread per stream, capped in
// number. The other methods are synchronous.
class LedgerServiceImpl final
    : public liard::v1::LedgerService::WithRawCallbackMethod_StreamJournal<
          liard::v1::LedgerService::WithRawCallbackMethod_Watch<
              liard::v1::LedgerService::WithRawCallbackMethod_SubmitBatch<
                  liard::v1::LedgerService::WithRawCallbackMethod_Submit<
                      liard::v1::LedgerService::Service>>>> {
 public:
  LedgerServiceImpl(const Ledger& ledger, std::string genesis_bytes, Store* store, Applier* applier,
                    WatchHub* hub, Checkpointer* checkpointer, StreamOptions streams = {});

  // From now on submits are answered UNAVAILABLE and streams end; calls in flight finish.
  void BeginShutdown() { shutting_down_ = true; }

  // Raw bytes in and out: gRPC's typed callback handler answers UNIMPLEMENTED, without a word,
  // to a request that does not decode; this one says INVALID_ARGUMENT and why. And the node
  // reads each envelope from the bytes the client sent (codec::SplitEnvelopes), so that it
  // journals those very bytes or refuses them (codec::DecodeEnvelope).
  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                   grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* SubmitBatch(grpc::CallbackServerContext* ctx,
                                        const grpc::ByteBuffer* req,
                                        grpc::ByteBuffer* resp) override;
  grpc::Status Simulate(grpc::ServerContext* ctx, const liard::v1::SimulateRequest* req,
                        liard::v1::SimulateResponse* resp) override;
  grpc::Status GetAccount(grpc::ServerContext* ctx, const liard::v1::GetAccountRequest* req,
                          liard::v1::AccountInfo* resp) override;
  // Public: name, kind and status only (what a payer confirms), never balance or history.
  grpc::Status LookupAccount(grpc::ServerContext* ctx, const liard::v1::LookupAccountRequest* req,
                             liard::v1::AccountCard* resp) override;
  grpc::Status GetHistory(grpc::ServerContext* ctx, const liard::v1::GetHistoryRequest* req,
                          liard::v1::GetHistoryResponse* resp) override;
  grpc::Status GetOperation(grpc::ServerContext* ctx, const liard::v1::GetOperationRequest* req,
                            liard::v1::Receipt* resp) override;
  grpc::Status GetReserves(grpc::ServerContext* ctx, const liard::v1::GetReservesRequest* req,
                           liard::v1::Reserves* resp) override;
  grpc::Status GetHead(grpc::ServerContext* ctx, const liard::v1::GetHeadRequest* req,
                       liard::v1::Head* resp) override;
  grpc::Status GetCheckpoint(grpc::ServerContext* ctx, const liard::v1::GetCheckpointRequest* req,
                             liard::v1::SignedCheckpoint* resp) override;
  grpc::Status GetGenesis(grpc::ServerContext* ctx, const liard::v1::GetGenesisRequest* req,
                          liard::v1::GenesisInfo* resp) override;
  grpc::Status GetGovernance(grpc::ServerContext* ctx, const liard::v1::GetGovernanceRequest* req,
                             liard::v1::GovernanceInfo* resp) override;
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
  std::atomic<bool> shutting_down_{false};
  mutable ReadNonces nonces_{kMaxReadNonces, kMaxReadNoncesPerReader};
  StreamLimits stream_limits_;
  // Last: its threads stop first, while everything a stream uses still exists.
  StreamPump stream_pump_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_SERVICE_H_
