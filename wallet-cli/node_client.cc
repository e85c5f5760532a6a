// NodeClient: calls to liard-node with deadlines, and their failures in plain words.
#include "wallet-cli/node_client.h"

#include <arpa/inet.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "wallet-cli/i18n.h"
#include "wallet-cli/node_note.h"

namespace liard::wallet {
namespace {

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// A person's reason from gRPC's connection error text, which is not meant for people.
std::string ReasonOf(const grpc::Status& s) {
  const std::string& m = s.error_message();
  if (Contains(m, "Connection refused"))  // i18n: as is (gRPC's text)
    return _("connection refused");
  if (Contains(m, "DNS") || Contains(m, "resolve") || Contains(m, "Name or service"))
    return _("the host name does not resolve");
  if (Contains(m, "No route to host")) return _("no route to host");
  if (Contains(m, "Network is unreachable")) return _("the network is unreachable");
  if (Contains(m, "Connection reset")) return _("the connection was reset");
  if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
    return Tr("no answer within {seconds} seconds",
              fmt::arg("seconds", kConnectTimeout.count() / 1000));
  return _("the connection failed");
}

// The node's message without the code name a refusal starts with ("UNAVAILABLE: ...").
std::string WithoutCodeName(const std::string& m) {
  const size_t colon = m.find(": ");
  if (colon == std::string::npos || colon == 0) return m;
  for (size_t i = 0; i < colon; ++i)
    if (!(std::isupper(static_cast<unsigned char>(m[i])) || m[i] == '_')) return m;
  return m.substr(colon + 2);
}

std::string Trailer(const grpc::ClientContext& ctx, const char* key) {
  const auto& t = ctx.GetServerTrailingMetadata();
  auto it = t.find(key);
  return it == t.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

// A decimal int64 as the node writes it ("-12", "8750"); false for anything else.
bool ParseInt64(std::string_view text, int64_t* out) {
  if (text.empty() || text.size() > 20 ||
      !(text[0] == '-' || std::isdigit(static_cast<unsigned char>(text[0]))))
    return false;
  const std::string s(text);
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

// The structured refusal in the trailers of a failed call: liard-code, liard-code-name,
// liard-leg and every liard-figure-<name> that holds an integer (others are left out, and the
// sentence that needs them falls back to the generic one).
Refusal RefusalFromTrailers(const grpc::ClientContext& ctx) {
  Refusal r;
  int64_t n = 0;
  if (ParseInt64(Trailer(ctx, "liard-code"), &n) && n > 0 && n < 1000)
    r.code = static_cast<uint32_t>(n);
  r.code_name = Trailer(ctx, "liard-code-name");
  if (ParseInt64(Trailer(ctx, "liard-leg"), &n) && n > 0 && n <= UINT32_MAX)
    r.leg = static_cast<uint32_t>(n);
  constexpr std::string_view kPrefix = "liard-figure-";
  for (const auto& [key, value] : ctx.GetServerTrailingMetadata()) {
    const std::string_view k(key.data(), key.size());
    if (k.substr(0, kPrefix.size()) != kPrefix) continue;
    const std::string name(k.substr(kPrefix.size()));
    if (IsFigureName(name) && ParseInt64(std::string_view(value.data(), value.size()), &n))
      r.figures[name] = n;
  }
  return r;
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
    return CliStatus::Usage(Tr("the node address '{target}' must be HOST:PORT, e.g. 127.0.0.1:7421",
                               fmt::arg("target", SafeText(target))));
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
  return Tr(
      "cannot reach the liard node at {target}: {reason}; is it running? (set --node or "
      "LIARD_NODE)",
      fmt::arg("target", target_), fmt::arg("reason", reason));
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
  if (tls_ && reason == _("the connection failed"))
    reason =
        _("the TLS connection failed (does the node speak TLS, and is its certificate signed by "
          "the --tls-ca root and issued for this host name?)");
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
      if (std::string primary = Trailer(ctx, "liard-primary"); !primary.empty())
        return CliStatus::Unreachable(
            Tr("the node at {target} is a standby: it takes no writes (its primary is {primary})",
               fmt::arg("target", target_), fmt::arg("primary", SafeText(primary))));
      // The node decided (a code, no connection failure): it takes no write for now (its clock,
      // its disk, its leadership), or could not confirm this one (a primary whose standbys did
      // not confirm it in time). Its sentence says which, and what became of the operation.
      if (Trailer(ctx, "liard-code") == "6")
        return CliStatus::Unreachable(
            Tr("the liard node at {target} answers: {why}", fmt::arg("target", target_),
               fmt::arg("why", NodeNote(SafeText(WithoutCodeName(m)), money_))));
      if (Contains(m, "shutting down"))  // i18n: as is (the node's words)
        return CliStatus::Unreachable(
            Tr("the liard node at {target} is shutting down; try again once it is back",
               fmt::arg("target", target_)));
      return CliStatus::Unreachable(UnreachableSentence(ReasonOf(s)));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return CliStatus::Unreachable(Tr("the liard node at {target} did not answer in time ({call})",
                                       fmt::arg("target", target_), fmt::arg("call", what)));
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION: {
      const Refusal r = RefusalFromTrailers(ctx);
      // Without a code the node did not decide on the operation (a request that does not
      // decode): its sentence is all there is.
      if (r.code == 0)
        return CliStatus::Refused(Tr("the node refused the request ({call}): {message}",
                                     fmt::arg("call", what), fmt::arg("message", SafeText(m))));
      return CliStatus::Refused(DescribeRefusal(r, money_))
          .set_leg(r.leg)
          .set_code_name(r.code_name);
    }
    case grpc::StatusCode::NOT_FOUND:
      return CliStatus::Refused(NodeNote(SafeText(WithoutCodeName(m)), money_));
    case grpc::StatusCode::PERMISSION_DENIED: {
      // A private read the node would not grant (READ_REFUSED), with the way out, in one
      // sentence.
      std::string name = Trailer(ctx, "liard-code-name");
      if (name.empty()) name = "READ_REFUSED";  // i18n: as is
      return CliStatus::Refused(
                 Tr("refused: {code}: the node will not show this ({call}); a treasurer or "
                    "auditor reads with --as KEY",
                    fmt::arg("code", SafeText(name)), fmt::arg("call", what)))
          .set_code_name(name);
    }
    case grpc::StatusCode::UNIMPLEMENTED:
      return CliStatus::Local(
          Tr("the node at {target} does not offer {call} (an older liard-node?)",
             fmt::arg("target", target_), fmt::arg("call", what)));
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return CliStatus::Local(
          Tr("the node refused a message this large ({call})", fmt::arg("call", what)));
    default:
      return CliStatus::Local(Tr("the node failed to answer {call}: {message}",
                                 fmt::arg("call", what), fmt::arg("message", SafeText(m))));
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

CliStatus NodeClient::GetOrder(const Hash& order_id, const AccountId& account, uint32_t events,
                               pb::OrderInfo* out) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  pb::GetOrderRequest req;
  req.set_order_id(std::string(order_id.view()));
  req.set_account(std::string(account.view()));
  req.set_events(events);
  ReadCall call{"GetOrder", &account};
  call.request_digest = std::string(order_id.view());
  call.limit = events;
  CliStatus a = SignRead(call, req.mutable_auth());
  if (!a.ok()) return a;
  return MapError(stub_->GetOrder(&ctx, req, out), ctx, "GetOrder");
}

CliStatus NodeClient::ListOrders(const AccountId& account, uint64_t before, uint32_t limit,
                                 pb::ListOrdersResponse* out) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  pb::ListOrdersRequest req;
  req.set_account(std::string(account.view()));
  req.set_before_sequence(before);
  req.set_limit(limit);
  ReadCall call{"ListOrders", &account};
  call.before_sequence = before;
  call.limit = limit;
  CliStatus a = SignRead(call, req.mutable_auth());
  if (!a.ok()) return a;
  return MapError(stub_->ListOrders(&ctx, req, out), ctx, "ListOrders");
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
  primary_hint_.clear();
  for (int attempt = 0; attempt < 2; ++attempt) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, kSubmitTimeout);
    grpc::Status s = stub_->Submit(&ctx, req, out);
    result = MapError(s, ctx, "Submit");
    unavailable_ = s.error_code() == grpc::StatusCode::UNAVAILABLE;
    if (unavailable_) {
      primary_hint_ = Trailer(ctx, "liard-primary");
      if (!primary_hint_.empty()) return result;  // a standby: nothing was recorded there
    }
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
