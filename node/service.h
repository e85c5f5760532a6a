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
#include "node/watch.h"

namespace liard::node {

// The bounds the service enforces on requests.
inline constexpr int kMaxBatch = 10'000;
inline constexpr uint32_t kDefaultHistoryPage = 50;
inline constexpr uint32_t kMaxHistoryPage = 500;
// How often a stream (Watch, a following StreamJournal) checks that its reader may still read:
// a re-keyed account's old phone, or an auditor whose role was revoked, stops getting receipts.
inline constexpr std::chrono::seconds kReadRecheck{3};

// Thread-safe: gRPC calls every method from its own threads. Submit and SubmitBatch use gRPC's
// callback API: the handler verifies the operations, queues them and returns; the applier answers
// the call once they are durable, so no thread waits through the fsync (see docs/benchmarks.md).
// The other methods are synchronous.
class LedgerServiceImpl final : public liard::v1::LedgerService::WithRawCallbackMethod_SubmitBatch<
                                    liard::v1::LedgerService::WithRawCallbackMethod_Submit<
                                        liard::v1::LedgerService::Service>> {
 public:
  LedgerServiceImpl(const Ledger& ledger, std::string genesis_bytes, Store* store, Applier* applier,
                    WatchHub* hub, Checkpointer* checkpointer);

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
  grpc::Status Watch(grpc::ServerContext* ctx, const liard::v1::WatchRequest* req,
                     grpc::ServerWriter<liard::v1::Receipt>* writer) override;
  grpc::Status StreamJournal(grpc::ServerContext* ctx, const liard::v1::StreamJournalRequest* req,
                             grpc::ServerWriter<liard::v1::JournalEntry>* writer) override;

 private:
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
  grpc::Status CheckRead(grpc::ServerContext* ctx, bool has_auth, const liard::v1::ReadAuth& auth,
                         const ReadCall& call, ReadGrant* grant = nullptr) const;
  // For a stream: at most every kReadRecheck, decides `grant` again against the current state
  // (at the time it was granted); PERMISSION_DENIED, as CheckRead, once the reader may no longer.
  grpc::Status StillGranted(grpc::ServerContext* ctx, ReadGrant* grant) const;
  // Whether the grant's reader sees entries whole, or a payee's part only (node/redact.h).
  bool ReadsWhole(const ReadGrant& grant) const;
  // For a stream: once the node's clock passes the request's not_after_ms, DEADLINE_EXCEEDED
  // with `resume_from` (where a fresh request continues) in the trailer "liard-resume-from";
  // OK before.
  grpc::Status Expired(grpc::ServerContext* ctx, const ReadGrant& grant,
                       uint64_t resume_from) const;
  grpc::Status ReadRefusal(grpc::ServerContext* ctx, std::string_view method,
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
};

}  // namespace liard::node

#endif  // LIARD_NODE_SERVICE_H_
