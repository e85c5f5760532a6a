// NodeClient: calls to liard-node with deadlines, and their failures in plain words.
#include "wallet-cli/node_client.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace liard::wallet {
namespace {

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// A person's reason from gRPC's connection error text, which is not meant for people.
std::string ReasonOf(const grpc::Status& s) {
  const std::string& m = s.error_message();
  if (Contains(m, "Connection refused")) return "connection refused";
  if (Contains(m, "DNS") || Contains(m, "resolve") || Contains(m, "Name or service"))
    return "the host name does not resolve";
  if (Contains(m, "No route to host")) return "no route to host";
  if (Contains(m, "Network is unreachable")) return "the network is unreachable";
  if (Contains(m, "Connection reset")) return "the connection was reset";
  if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
    return "no answer within " + std::to_string(kConnectTimeout.count() / 1000) + " seconds";
  return "the connection failed";
}

std::string Trailer(const grpc::ClientContext& ctx, const char* key) {
  const auto& t = ctx.GetServerTrailingMetadata();
  auto it = t.find(key);
  return it == t.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

}  // namespace

void SetDeadline(grpc::ClientContext* ctx, Millis timeout) {
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
}

CliStatus ValidateTarget(std::string_view target) {
  size_t colon = target.rfind(':');
  bool ok = colon != std::string_view::npos && colon > 0 && colon + 1 < target.size() &&
            colon + 6 >= target.size();
  int port = 0;
  for (size_t i = colon + 1; ok && i < target.size(); ++i) {
    if (target[i] < '0' || target[i] > '9') ok = false;
    port = port * 10 + (target[i] - '0');
  }
  if (!ok || port < 1 || port > 65535)
    return CliStatus::Usage("the node address '" + std::string(target) +
                            "' must be HOST:PORT, e.g. 127.0.0.1:7421");
  return CliStatus::Ok();
}

NodeClient::NodeClient(std::string target, std::string tls_root_pem)
    : target_(std::move(target)), tls_(!tls_root_pem.empty()) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  // Fail fast when nothing listens, instead of gRPC's growing reconnection backoff.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (tls_) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = std::move(tls_root_pem);
    creds = grpc::SslCredentials(ssl);
  }
  channel_ = grpc::CreateCustomChannel(target_, creds, args);
  stub_ = pb::LedgerService::NewStub(channel_);
}

std::string NodeClient::UnreachableSentence(std::string_view reason) const {
  return "cannot reach the liard node at " + target_ + ": " + std::string(reason) +
         "; is it running? (set --node or LIARD_NODE)";
}

CliStatus NodeClient::Connect() {
  if (channel_->WaitForConnected(std::chrono::system_clock::now() + kConnectTimeout))
    return CliStatus::Ok();
  // Ask once without waiting for readiness: the failure carries the reason.
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(1'000));
  pb::Head head;
  grpc::Status s = stub_->GetHead(&ctx, pb::GetHeadRequest(), &head);
  if (s.ok()) return CliStatus::Ok();
  std::string reason = ReasonOf(s);
  // gRPC says little about a failed handshake; these are its usual causes.
  if (tls_ && reason == "the connection failed")
    reason =
        "the TLS connection failed (does the node speak TLS, and is its certificate signed by "
        "the --tls-ca root and issued for this host name?)";
  return CliStatus::Unreachable(UnreachableSentence(reason));
}

CliStatus NodeClient::SignRead(const ReadCall& call, pb::ReadAuth* out) {
  if (!signer_) return CliStatus::Ok();
  return signer_(call, out);
}

CliStatus NodeClient::GetGovernance(pb::GovernanceInfo* out) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  return MapError(stub_->GetGovernance(&ctx, pb::GetGovernanceRequest(), out), ctx,
                  "GetGovernance");
}

CliStatus NodeClient::MapError(const grpc::Status& s, const grpc::ClientContext& ctx,
                               std::string_view what) const {
  const std::string& m = s.error_message();
  switch (s.error_code()) {
    case grpc::StatusCode::OK:
      return CliStatus::Ok();
    case grpc::StatusCode::UNAVAILABLE:
      if (Contains(m, "shutting down"))
        return CliStatus::Unreachable("the liard node at " + target_ +
                                      " is shutting down; try again once it is back");
      return CliStatus::Unreachable(UnreachableSentence(ReasonOf(s)));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return CliStatus::Unreachable("the liard node at " + target_ + " did not answer in time (" +
                                    std::string(what) + ")");
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION: {
      std::string name = Trailer(ctx, "liard-code-name");
      std::string message = m;
      // The node prefixes its sentence with the code name; add it when it does not.
      if (!name.empty() && message.rfind(name, 0) != 0) message = name + ": " + message;
      const std::string leg = Trailer(ctx, "liard-leg");
      return CliStatus::Refused("refused: " + message)
          .set_leg(leg.empty() ? 0 : static_cast<uint32_t>(std::strtoul(leg.c_str(), nullptr, 10)))
          .set_code_name(name);
    }
    case grpc::StatusCode::NOT_FOUND:
      return CliStatus::Refused(m);
    case grpc::StatusCode::PERMISSION_DENIED: {
      // A private read the node would not grant (READ_REFUSED): the node's reason, with the
      // way out, in one sentence.
      std::string name = Trailer(ctx, "liard-code-name");
      if (name.empty()) name = "READ_REFUSED";
      std::string message = m;
      if (message.rfind(name, 0) == 0) message = message.substr(name.size());
      while (!message.empty() && (message[0] == ':' || message[0] == ' ')) message.erase(0, 1);
      return CliStatus::Refused("refused: " + name + ": the node will not show this (" +
                                std::string(what) + "): " + message +
                                "; a treasurer or auditor reads with --as KEY")
          .set_code_name(name);
    }
    case grpc::StatusCode::UNIMPLEMENTED:
      return CliStatus::Local("the node at " + target_ + " does not offer " + std::string(what) +
                              " (an older liard-node?)");
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return CliStatus::Local("the node refused a message this large (" + std::string(what) +
                              "): " + m);
    default:
      return CliStatus::Local("the node failed to answer " + std::string(what) + ": " + m);
  }
}

CliStatus NodeClient::GetHead(pb::Head* out) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  return MapError(stub_->GetHead(&ctx, pb::GetHeadRequest(), out), ctx, "GetHead");
}

CliStatus NodeClient::GetGenesis(pb::GenesisInfo* out) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  return MapError(stub_->GetGenesis(&ctx, pb::GetGenesisRequest(), out), ctx, "GetGenesis");
}

CliStatus NodeClient::GetAccount(const AccountId& id, pb::AccountInfo* out) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  pb::GetAccountRequest req;
  req.set_id(std::string(id.view()));
  CliStatus a = SignRead(ReadCall{"GetAccount", &id}, req.mutable_auth());
  if (!a.ok()) return a;
  return MapError(stub_->GetAccount(&ctx, req, out), ctx, "GetAccount");
}

CliStatus NodeClient::FindAccount(const AccountId& id, pb::AccountInfo* out, bool* found) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  pb::GetAccountRequest req;
  req.set_id(std::string(id.view()));
  CliStatus a = SignRead(ReadCall{"GetAccount", &id}, req.mutable_auth());
  if (!a.ok()) return a;
  grpc::Status s = stub_->GetAccount(&ctx, req, out);
  *found = s.ok();
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) return CliStatus::Ok();
  return MapError(s, ctx, "GetAccount");
}

CliStatus NodeClient::LookupAccount(const AccountId& id, pb::AccountCard* out, bool* found) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  pb::LookupAccountRequest req;
  req.set_id(std::string(id.view()));
  grpc::Status s = stub_->LookupAccount(&ctx, req, out);
  *found = s.ok();
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) return CliStatus::Ok();
  return MapError(s, ctx, "LookupAccount");
}

CliStatus NodeClient::GetHistory(const AccountId& id, uint64_t before, uint32_t limit,
                                 pb::GetHistoryResponse* out) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  pb::GetHistoryRequest req;
  req.set_id(std::string(id.view()));
  req.set_before_sequence(before);
  req.set_limit(limit);
  ReadCall call{"GetHistory", &id};
  call.before_sequence = before;
  call.limit = limit;
  CliStatus a = SignRead(call, req.mutable_auth());
  if (!a.ok()) return a;
  return MapError(stub_->GetHistory(&ctx, req, out), ctx, "GetHistory");
}

CliStatus NodeClient::GetOperation(const Hash& id, pb::Receipt* out) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  pb::GetOperationRequest req;
  req.set_operation_id(std::string(id.view()));
  return MapError(stub_->GetOperation(&ctx, req, out), ctx, "GetOperation");
}

CliStatus NodeClient::GetReserves(pb::Reserves* out) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  return MapError(stub_->GetReserves(&ctx, pb::GetReservesRequest(), out), ctx, "GetReserves");
}

CliStatus NodeClient::GetCheckpoint(pb::SignedCheckpoint* out) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  return MapError(stub_->GetCheckpoint(&ctx, pb::GetCheckpointRequest(), out), ctx,
                  "GetCheckpoint");
}

CliStatus NodeClient::Submit(const pb::SignedOperation& op, pb::SubmitResponse* out) {
  pb::SubmitRequest req;
  *req.mutable_operation() = op;
  CliStatus result;
  for (int attempt = 0; attempt < 2; ++attempt) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, kSubmitTimeout);
    grpc::Status s = stub_->Submit(&ctx, req, out);
    result = MapError(s, ctx, "Submit");
    bool retry = s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                 s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
    if (!retry) return result;
    std::this_thread::sleep_for(Millis(1'000));
  }
  return result;
}

CliStatus NodeClient::Simulate(const std::string& body, const AccountId& account,
                               const PublicKey& key, pb::SimulateResponse* out, bool* available) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kSubmitTimeout);
  pb::SimulateRequest req;
  req.set_body(body);
  req.set_public_key(std::string(key.view()));
  ReadCall call{"Simulate", &account};
  call.request_digest = std::string(SimulateDigest(req.public_key(), req.body()).view());
  CliStatus a = SignRead(call, req.mutable_auth());
  if (!a.ok()) return a;
  grpc::Status s = stub_->Simulate(&ctx, req, out);
  *available = s.error_code() != grpc::StatusCode::UNIMPLEMENTED;
  if (!*available) return CliStatus::Ok();
  return MapError(s, ctx, "Simulate");
}

}  // namespace liard::wallet
