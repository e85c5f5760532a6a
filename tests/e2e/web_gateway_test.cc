// The browsers' port ([web], --web-listen) against the real node: the Connect protocol answers
// what gRPC answers (the same bytes, the same errors and liard-code trailers), Watch streams over
// HTTP, the limits, the same-origin rule, the static pages and their headers, and the TLS rule.
#include <arpa/inet.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using testing::KeyFor;
using Clock = std::chrono::steady_clock;

constexpr char kService[] = "/liard.v1.LedgerService/";
constexpr char kCsp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

AccountId Id(std::string_view name) { return KeyFor(name).public_key(); }

std::string Json(const google::protobuf::Message& m) {
  std::string out;
  REQUIRE(google::protobuf::util::MessageToJsonString(m, &out).ok());
  return out;
}

template <class M>
M FromJson(const std::string& json) {
  M m;
  INFO(json);
  REQUIRE(google::protobuf::util::JsonStringToMessage(json, &m).ok());
  return m;
}

bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

std::string Envelope(uint8_t flags, const std::string& payload) {
  std::string out(5, '\0');
  out[0] = static_cast<char>(flags);
  const uint32_t n = static_cast<uint32_t>(payload.size());
  out[1] = static_cast<char>(n >> 24);
  out[2] = static_cast<char>(n >> 16);
  out[3] = static_cast<char>(n >> 8);
  out[4] = static_cast<char>(n);
  return out + payload;
}

struct Frame {
  uint8_t flags = 0;
  std::string payload;
};

// Splits a stream's body into its envelopes; a partial one at the end is left in *rest.
std::vector<Frame> Frames(const std::string& body, std::string* rest = nullptr) {
  std::vector<Frame> out;
  size_t at = 0;
  while (body.size() - at >= 5) {
    const auto* b = reinterpret_cast<const unsigned char*>(body.data() + at);
    const size_t n = (size_t{b[1]} << 24) | (size_t{b[2]} << 16) | (size_t{b[3]} << 8) | b[4];
    if (body.size() - at - 5 < n) break;
    out.push_back(Frame{b[0], body.substr(at + 5, n)});
    at += 5 + n;
  }
  if (rest != nullptr) *rest = body.substr(at);
  return out;
}

// A node with the web port on, over a StandardGenesis ledger; `config` is its TOML.
struct WebNode {
  TempDir tmp;
  std::unique_ptr<NodeProcess> node;
  std::unique_ptr<Client> client;

  explicit WebNode(const std::string& config = "", const std::vector<std::string>& extra = {}) {
    const std::string data = tmp.Join("data");
    InitLedger(data, StandardGenesis());
    std::vector<std::string> args = {"--web-listen", "127.0.0.1:0"};
    if (!config.empty()) {
      WriteFile(tmp.Join("node.toml"), config);
      args.insert(args.end(), {"--config", tmp.Join("node.toml")});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    node = std::make_unique<NodeProcess>(data, args);
    node->Start();
    REQUIRE(node->web_port() > 0);
    client = std::make_unique<Client>(node->channel());
  }
  Client& c() { return *client; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(node->web_port()); }
  httplib::Client http() const {
    httplib::Client h("127.0.0.1", node->web_port());
    h.set_read_timeout(10, 0);
    return h;
  }
  // A unary Connect call: POST with `type` (application/json or application/proto).
  httplib::Result Call(const std::string& method, const std::string& body,
                       const std::string& type = "application/json",
                       httplib::Headers headers = {}) const {
    httplib::Client h = http();
    headers.emplace("Connect-Protocol-Version", "1");
    return h.Post((std::string(kService) + method).c_str(), headers, body, type.c_str());
  }
};

// Raw bytes to the web port and whatever comes back until the server closes or `wait` passes.
std::string RawExchange(int port, const std::string& request, Millis wait = Millis(5'000)) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size()));
  std::string out;
  const auto until = Clock::now() + wait;
  while (Clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// A Connect server stream read as it arrives, on its own thread.
class HttpStream {
 public:
  HttpStream(int port, const std::string& method, const std::string& request_json,
             const std::string& origin = "") {
    thread_ = std::thread([this, port, method, request_json, origin] {
      httplib::Client h("127.0.0.1", port);
      h.set_read_timeout(30, 0);
      httplib::Request req;
      req.method = "POST";
      req.path = std::string(kService) + method;
      req.headers.emplace("Content-Type", "application/connect+json");
      req.headers.emplace("Connect-Protocol-Version", "1");
      if (!origin.empty()) req.headers.emplace("Origin", origin);
      req.body = Envelope(0, request_json);
      req.response_handler = [this](const httplib::Response& res) {
        std::lock_guard<std::mutex> lock(mu_);
        status_ = res.status;
        content_type_ = res.get_header_value("Content-Type");
        cv_.notify_all();
        return true;
      };
      req.content_receiver = [this](const char* data, size_t n, uint64_t, uint64_t) {
        std::lock_guard<std::mutex> lock(mu_);
        body_.append(data, n);
        cv_.notify_all();
        return !abort_;
      };
      auto res = h.send(req);
      std::lock_guard<std::mutex> lock(mu_);
      finished_ = true;
      cv_.notify_all();
    });
  }
  ~HttpStream() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      abort_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }

  // Waits until `n` frames have arrived (or the deadline); returns those there are.
  std::vector<Frame> WaitFrames(size_t n, Millis timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return Frames(body_).size() >= n || finished_; });
    return Frames(body_);
  }
  bool WaitStatus(Millis timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return status_ != 0 || finished_; });
  }
  int status() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }
  std::string content_type() {
    std::lock_guard<std::mutex> lock(mu_);
    return content_type_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string body_;
  int status_ = 0;
  std::string content_type_;
  bool finished_ = false;
  bool abort_ = false;
  std::thread thread_;
};

// A signed Watch request for `account`, valid for `lifetime_ms`.
pb::WatchRequest WatchRequest(Client& c, std::string_view account, int64_t lifetime_ms) {
  const AccountId id = Id(account);
  pb::WatchRequest req;
  req.set_account(std::string(id.view()));
  ReadCall call;
  call.method = "Watch";
  call.target = &id;
  *req.mutable_auth() = c.SignRead(KeyFor(account), call, lifetime_ms);
  return req;
}

nlohmann::json ParseJson(const std::string& text) {
  INFO(text);
  REQUIRE(nlohmann::json::accept(text));
  return nlohmann::json::parse(text);
}

// The node's gRPC answer to `method` with the request's bytes.
std::string GrpcBytes(WebNode& n, const std::string& method, const std::string& request) {
  std::string response;
  grpc::Status s = RawUnaryCall(n.node->channel(), kService + method, request, &response);
  INFO(s.error_message());
  REQUIRE(s.ok());
  return response;
}

}  // namespace

TEST_CASE(
    "GetGenesis, GetHead and LookupAccount over HTTP answer what gRPC answers, in JSON and "
    "in binary",
    "[e2e][web]") {
  WebNode n;
  pb::LookupAccountRequest lookup;
  lookup.set_id(std::string(Id("shop").view()));
  const std::vector<std::pair<std::string, std::string>> calls = {
      {"GetGenesis", ""}, {"GetHead", ""}, {"LookupAccount", lookup.SerializeAsString()}};
  for (const auto& [method, request] : calls) {
    INFO(method);
    const std::string expected = GrpcBytes(n, method, request);
    // Binary: the very bytes.
    auto bin = n.Call(method, request, "application/proto");
    REQUIRE(bin);
    REQUIRE(bin->status == 200);
    CHECK(bin->get_header_value("Content-Type") == "application/proto");
    CHECK(bin->get_header_value("Cache-Control") == "no-store");
    CHECK(bin->body == expected);
    // JSON: protobuf's own mapping of the same message (never compressed, though a browser
    // always says it accepts gzip and br).
    std::string json_request = "{}";
    if (method == "LookupAccount") json_request = Json(lookup);
    auto js = n.Call(method, json_request, "application/json",
                     {{"Accept-Encoding", "gzip, deflate, br"}});
    REQUIRE(js);
    REQUIRE(js->status == 200);
    CHECK(js->get_header_value("Content-Type") == "application/json");
    CHECK_FALSE(js->has_header("Content-Encoding"));
    if (method == "GetGenesis") {
      pb::GenesisInfo want;
      REQUIRE(want.ParseFromString(expected));
      CHECK(Same(FromJson<pb::GenesisInfo>(js->body), want));
    } else if (method == "GetHead") {
      pb::Head want;
      REQUIRE(want.ParseFromString(expected));
      CHECK(Same(FromJson<pb::Head>(js->body), want));
      CHECK(Contains(js->body, "\"currencyCode\":\"ROUE\""));
    } else {
      pb::AccountCard want;
      REQUIRE(want.ParseFromString(expected));
      CHECK(Same(FromJson<pb::AccountCard>(js->body), want));
    }
  }
}

TEST_CASE(
    "a transfer submitted over HTTP JSON is applied, seen by gRPC, and a retry answers as "
    "gRPC does",
    "[e2e][web]") {
  WebNode n;
  Client& c = n.c();
  const pb::SignedOperation op = c.SignTransfer("alice", "shop", 12'50, 1);
  pb::SubmitRequest req;
  *req.mutable_operation() = op;
  auto first = n.Call("Submit", Json(req));
  REQUIRE(first);
  INFO(first->body);
  REQUIRE(first->status == 200);
  const auto applied = FromJson<pb::SubmitResponse>(first->body);
  CHECK(applied.sequence() > 0);
  CHECK_FALSE(applied.duplicate());
  const Hash id = c.OperationIdOf(op);
  CHECK(applied.operation_id() == std::string(id.view()));

  // gRPC sees it: the receipt, and the shop's card unchanged but its balance up (its history).
  pb::GetOperationRequest get;
  get.set_operation_id(std::string(id.view()));
  pb::Receipt receipt;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  REQUIRE(c.stub().GetOperation(&ctx, get, &receipt).ok());
  CHECK(receipt.sequence() == applied.sequence());

  // The same envelope again, over HTTP and over gRPC: the first answer, marked duplicate.
  auto again = n.Call("Submit", Json(req));
  REQUIRE(again);
  REQUIRE(again->status == 200);
  const auto http_retry = FromJson<pb::SubmitResponse>(again->body);
  const SubmitOutcome grpc_retry = c.Submit(op);
  REQUIRE(grpc_retry.status.ok());
  CHECK(http_retry.duplicate());
  CHECK(Same(http_retry, grpc_retry.response));
  CHECK(http_retry.sequence() == applied.sequence());

  // Binary Submit works the same way (a new operation).
  pb::SubmitRequest bin_req;
  *bin_req.mutable_operation() = c.SignTransfer("alice", "shop", 1'00, 2);
  auto bin = n.Call("Submit", bin_req.SerializeAsString(), "application/proto");
  REQUIRE(bin);
  REQUIRE(bin->status == 200);
  pb::SubmitResponse bin_resp;
  REQUIRE(bin_resp.ParseFromString(bin->body));
  CHECK(bin_resp.sequence() == applied.sequence() + 1);
}

TEST_CASE(
    "a refusal over HTTP carries the Connect code, the message and the liard-code trailers "
    "that gRPC gives",
    "[e2e][web]") {
  WebNode n;
  Client& c = n.c();
  // Alice has 100.00: 1000.00 is refused by the ledger's state.
  const pb::SignedOperation op = c.SignTransfer("alice", "shop", 1000'00, 1);
  const SubmitOutcome by_grpc = c.Submit(op);
  REQUIRE(by_grpc.status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  pb::SubmitRequest req;
  *req.mutable_operation() = op;
  auto res = n.Call("Submit", Json(req));
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  const auto error = ParseJson(res->body);
  CHECK(error["code"] == "failed_precondition");
  CHECK(error["message"] == by_grpc.status.error_message());
  CHECK(error["details"].is_array());
  CHECK(res->get_header_value("trailer-liard-code") == by_grpc.liard_code);
  CHECK(res->get_header_value("trailer-liard-code-name") == by_grpc.liard_code_name);
  CHECK_FALSE(by_grpc.liard_code.empty());

  // Malformed input: JSON with an unknown field, and bytes that do not decode.
  auto unknown = n.Call("GetHead", "{\"shop\":1}");
  REQUIRE(unknown);
  CHECK(unknown->status == 400);
  CHECK(ParseJson(unknown->body)["code"] == "invalid_argument");
  auto garbage = n.Call("LookupAccount", std::string("\xff\xff\xff", 3), "application/proto");
  REQUIRE(garbage);
  CHECK(garbage->status == 400);
  CHECK(ParseJson(garbage->body)["code"] == "invalid_argument");
  // A wrong content type is not a Connect call.
  auto text = n.Call("GetHead", "{}", "text/plain");
  REQUIRE(text);
  CHECK(text->status == 415);
  // A stream's content type on a unary method, or the reverse.
  auto shape = n.Call("GetHead", Envelope(0, "{}"), "application/connect+json");
  REQUIRE(shape);
  CHECK(shape->status == 415);
  CHECK(
      Contains(n.node->err(), "event=web-refused status=400 code=failed_precondition call=Submit"));
}

TEST_CASE("a private read over HTTP without a signed read request is refused as gRPC refuses it",
          "[e2e][web]") {
  WebNode n;
  pb::GetAccountRequest req;
  req.set_id(std::string(Id("alice").view()));
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::AccountInfo info;
  const grpc::Status s = n.c().stub().GetAccount(&ctx, req, &info);
  REQUIRE(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  auto res = n.Call("GetAccount", Json(req));
  REQUIRE(res);
  CHECK(res->status == 403);
  const auto error = ParseJson(res->body);
  CHECK(error["code"] == "permission_denied");
  CHECK(error["message"] == s.error_message());
  CHECK(res->get_header_value("trailer-liard-code") == LiardCode(ctx));
  CHECK(res->get_header_value("trailer-liard-code") == "228");
  // With the account's own signature it is read.
  *req.mutable_auth() = n.c().SignRead(KeyFor("alice"), "GetAccount", nullptr);
  const AccountId alice = Id("alice");
  *req.mutable_auth() = n.c().SignRead(KeyFor("alice"), "GetAccount", &alice);
  auto ok = n.Call("GetAccount", Json(req));
  REQUIRE(ok);
  INFO(ok->body);
  CHECK(ok->status == 200);
  CHECK(FromJson<pb::AccountInfo>(ok->body).balance() == 100'00);
}

TEST_CASE(
    "Watch over Connect streaming delivers a payment within a second of its commit, then "
    "the end of the stream",
    "[e2e][web]") {
  WebNode n;
  Client& c = n.c();
  // The read request lives 4 s: the stream then ends DEADLINE_EXCEEDED with where to resume.
  HttpStream watch(n.node->web_port(), "Watch", Json(WatchRequest(c, "shop", 4'000)), n.origin());
  REQUIRE(watch.WaitStatus(Millis(10'000)));
  CHECK(watch.status() == 200);
  CHECK(watch.content_type() == "application/connect+json");
  std::this_thread::sleep_for(Millis(300));  // the stream is subscribed
  const pb::SignedOperation op = c.SignTransfer("alice", "shop", 12'50, 1);
  const SubmitOutcome paid = c.Submit(op);
  REQUIRE(paid.status.ok());
  const auto committed = Clock::now();
  std::vector<Frame> frames = watch.WaitFrames(1, Millis(1'000));
  const auto seen = Clock::now();
  REQUIRE(frames.size() >= 1);
  CHECK(seen - committed <= Millis(1'000));
  CHECK(frames[0].flags == 0);
  const auto receipt = FromJson<pb::Receipt>(frames[0].payload);
  CHECK(receipt.sequence() == paid.response.sequence());
  CHECK(receipt.operation_id() == paid.response.operation_id());

  frames = watch.WaitFrames(2, Millis(10'000));
  REQUIRE(frames.size() == 2);
  CHECK(frames[1].flags == 2);
  const auto end = ParseJson(frames[1].payload);
  INFO(frames[1].payload);
  CHECK(end["error"]["code"] == "deadline_exceeded");
  CHECK(end["metadata"].contains("liard-resume-from"));
}

TEST_CASE(
    "StreamJournal over HTTP, in JSON and in binary, gives every entry then a clean end, and "
    "Connect-Timeout-Ms ends a stream",
    "[e2e][web]") {
  WebNode n;
  Client& c = n.c();
  for (uint64_t i = 1; i <= 3; ++i)
    REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1'00, i)).status.ok());
  const auto journal_request = [&c] {
    pb::StreamJournalRequest req;
    req.set_from_sequence(1);
    ReadCall call;
    call.method = "StreamJournal";
    call.from_sequence = 1;
    *req.mutable_auth() = c.SignRead(KeyFor("association"), call);
    return req;
  };
  {
    HttpStream journal(n.node->web_port(), "StreamJournal", Json(journal_request()));
    const std::vector<Frame> frames = journal.WaitFrames(4, Millis(10'000));
    REQUIRE(frames.size() == 4);
    for (int i = 0; i < 3; ++i) {
      CHECK(frames[i].flags == 0);
      CHECK(FromJson<pb::JournalEntry>(frames[i].payload).sequence() == uint64_t(i + 1));
    }
    CHECK(frames[3].flags == 2);
    CHECK(frames[3].payload == "{}");
  }
  {
    // Binary: envelopes of protobuf bytes.
    const std::string body = Envelope(0, journal_request().SerializeAsString());
    httplib::Client h = n.http();
    auto res = h.Post("/liard.v1.LedgerService/StreamJournal", body, "application/connect+proto");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "application/connect+proto");
    const std::vector<Frame> frames = Frames(res->body);
    REQUIRE(frames.size() == 4);
    pb::JournalEntry last;
    REQUIRE(last.ParseFromString(frames[2].payload));
    CHECK(last.sequence() == 3);
    CHECK(frames[3].flags == 2);
  }
  {
    // A Watch whose client allows it 500 ms ends deadline_exceeded then, not at its read
    // request's expiry a minute later.
    const std::string body = Envelope(0, Json(WatchRequest(c, "shop", 60'000)));
    httplib::Client h = n.http();
    const auto t0 = Clock::now();
    auto res = h.Post("/liard.v1.LedgerService/Watch", {{"Connect-Timeout-Ms", "500"}}, body,
                      "application/connect+json");
    REQUIRE(res);
    CHECK(Clock::now() - t0 < Millis(5'000));
    const std::vector<Frame> frames = Frames(res->body);
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].flags == 2);
    CHECK(ParseJson(frames[0].payload)["error"]["code"] == "deadline_exceeded");
    auto bad = h.Post("/liard.v1.LedgerService/Watch", {{"Connect-Timeout-Ms", "soon"}}, body,
                      "application/connect+json");
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK(ParseJson(bad->body)["code"] == "invalid_argument");
  }
}

TEST_CASE(
    "a Watch over HTTP gives its place back when the client goes away, and ends cleanly "
    "when the node stops",
    "[e2e][web]") {
  WebNode n("[limits]\nmax_streams_per_peer = 2\n");
  Client& c = n.c();
  const int port = n.node->web_port();
  const auto raw_watch = [&](const std::string& json) {
    const std::string body = Envelope(0, json);
    return "POST /liard.v1.LedgerService/Watch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Content-Type: application/connect+json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  {
    // Two streams, the per-address cap: the third is refused, in its end-of-stream message.
    HttpStream a(port, "Watch", Json(WatchRequest(c, "shop", 60'000)));
    HttpStream b(port, "Watch", Json(WatchRequest(c, "bob", 60'000)));
    REQUIRE(a.WaitStatus(Millis(10'000)));
    REQUIRE(b.WaitStatus(Millis(10'000)));
    std::this_thread::sleep_for(Millis(300));
    const std::string third =
        RawExchange(port, raw_watch(Json(WatchRequest(c, "alice", 60'000))), Millis(3'000));
    CHECK(Contains(third, "HTTP/1.1 200"));
    CHECK(Contains(third, "\"code\":\"resource_exhausted\""));
    CHECK(Contains(third, "max_streams_per_peer = 2"));
  }
  // Both clients went away (their sockets closed): within a moment the places are free again.
  bool reopened = false;
  for (int i = 0; i < 20 && !reopened; ++i) {
    std::this_thread::sleep_for(Millis(250));
    const std::string again =
        RawExchange(port, raw_watch(Json(WatchRequest(c, "alice", 60'000))), Millis(600));
    reopened = Contains(again, "HTTP/1.1 200") && !Contains(again, "resource_exhausted");
  }
  CHECK(reopened);

  // A stream open when the node stops ends with an end-of-stream message, and the node exits 0.
  HttpStream open(port, "Watch", Json(WatchRequest(c, "shop", 60'000)));
  REQUIRE(open.WaitStatus(Millis(10'000)));
  std::this_thread::sleep_for(Millis(300));
  const auto t0 = Clock::now();
  CHECK(n.node->Stop() == 0);
  CHECK(Clock::now() - t0 < Millis(15'000));
  const std::vector<Frame> frames = open.WaitFrames(1, Millis(5'000));
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].flags == 2);
  CHECK(ParseJson(frames[0].payload)["error"]["code"] == "unavailable");
}

TEST_CASE(
    "the web port refuses a body over the limit, a cross-origin call, an unknown method and "
    "too many HTTP streams, cleanly",
    "[e2e][web]") {
  WebNode n(
      "[server]\nmax_message_bytes = 2048\n[web]\nmax_connections = 8\nmax_streams = 1\n"
      "allowed_origins = [\"https://roue.example.org\"]\n");
  Client& c = n.c();
  // A body over [server] max_message_bytes.
  auto big = n.Call("GetHead", "{\"x\":\"" + std::string(4096, 'a') + "\"}");
  REQUIRE(big);
  CHECK(big->status == 429);
  CHECK(ParseJson(big->body)["code"] == "resource_exhausted");
  // And one announced bigger than it sends: refused before the body is read.
  const std::string lying =
      RawExchange(n.node->web_port(),
                  "POST /liard.v1.LedgerService/GetHead HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  "application/json\r\nContent-Length: 100000000\r\n\r\n{}",
                  Millis(3'000));
  CHECK(Contains(lying, "HTTP/1.1 429"));
  CHECK(Contains(lying, "resource_exhausted"));

  // A page of another origin may not submit, even a valid operation: nothing is applied.
  const pb::SignedOperation op = c.SignTransfer("alice", "shop", 1'00, 1);
  pb::SubmitRequest req;
  *req.mutable_operation() = op;
  auto cross =
      n.Call("Submit", Json(req), "application/json", {{"Origin", "https://evil.example"}});
  REQUIRE(cross);
  CHECK(cross->status == 403);
  const auto error = ParseJson(cross->body);
  CHECK(error["code"] == "permission_denied");
  CHECK(Contains(error["message"].get<std::string>(), "cross-origin"));
  CHECK_FALSE(cross->has_header("Access-Control-Allow-Origin"));
  pb::GetOperationRequest get;
  get.set_operation_id(std::string(c.OperationIdOf(op).view()));
  pb::Receipt receipt;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  CHECK(c.stub().GetOperation(&ctx, get, &receipt).error_code() == grpc::StatusCode::NOT_FOUND);
  // The refused call's body is never read as a request of its own.
  const std::string inner =
      "POST /liard.v1.LedgerService/GetHead HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/json\r\nContent-Length: 2\r\n\r\n{}";
  const std::string smuggled = RawExchange(
      n.node->web_port(),
      "POST /liard.v1.LedgerService/GetHead HTTP/1.1\r\nHost: x\r\nOrigin: http://evil\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
          std::to_string(inner.size()) + "\r\n\r\n" + inner,
      Millis(2'000));
  CHECK(Count(smuggled, "HTTP/1.1 ") == 1);
  CHECK(Contains(smuggled, "HTTP/1.1 403"));
  CHECK_FALSE(Contains(smuggled, "currencyCode"));
  // The page's own origin, and one the config names, may.
  auto own = n.Call("GetHead", "{}", "application/json", {{"Origin", n.origin()}});
  REQUIRE(own);
  CHECK(own->status == 200);
  auto named =
      n.Call("GetHead", "{}", "application/json", {{"Origin", "https://roue.example.org"}});
  REQUIRE(named);
  CHECK(named->status == 200);
  // Same host, other scheme: another origin.
  auto https = n.Call("GetHead", "{}", "application/json",
                      {{"Origin", "https://127.0.0.1:" + std::to_string(n.node->web_port())}});
  REQUIRE(https);
  CHECK(https->status == 403);

  // An unknown method: 404, unimplemented.
  auto unknown = n.Call("Steal", "{}");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(ParseJson(unknown->body)["code"] == "unimplemented");

  // [web] max_streams = 1: a second stream over HTTP is refused (the first holds a connection).
  HttpStream first(n.node->web_port(), "Watch", Json(WatchRequest(c, "shop", 60'000)));
  REQUIRE(first.WaitStatus(Millis(10'000)));
  std::this_thread::sleep_for(Millis(200));
  HttpStream second(n.node->web_port(), "Watch", Json(WatchRequest(c, "bob", 60'000)));
  const std::vector<Frame> frames = second.WaitFrames(1, Millis(5'000));
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].flags == 2);
  CHECK(ParseJson(frames[0].payload)["error"]["code"] == "resource_exhausted");
  // Unary calls still have their threads.
  auto head = n.Call("GetHead", "{}");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(Contains(n.node->err(), "reason=cross-origin"));
  // The client's bytes are not in the log.
  CHECK_FALSE(Contains(n.node->err(), "evil.example"));
  CHECK_FALSE(Contains(n.node->err(), "Steal"));
}

// A connection to the web port, held open, sending what the test says.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~RawConnection() { ::close(fd_); }
  // False once the server closed the connection (the send fails).
  bool Send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // True if the server closed the connection within `wait` without answering anything.
  bool ClosedWithin(Millis wait) {
    const auto until = Clock::now() + wait;
    while (Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[256];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      return n <= 0;
    }
    return false;
  }

 private:
  int fd_ = -1;
};

TEST_CASE(
    "the web port closes a connection whose headers are too long, too slow, or one too many "
    "from an address",
    "[e2e][web]") {
  WebNode n("[web]\nmax_connections = 16\nmax_connections_per_peer = 4\nmax_streams = 2\n");
  const int port = n.node->web_port();
  const int64_t rss_before = ProcStatus(n.node->pid(), "VmRSS");
  {
    // 8 MB of header lines: closed after the first 64 KiB, and the node's memory does not grow.
    RawConnection flood(port);
    REQUIRE(flood.Send("GET / HTTP/1.1\r\nHost: x\r\n"));
    const std::string line = "X-Filler: " + std::string(8000, 'a') + "\r\n";
    int sent = 0;
    while (sent < 1000 && flood.Send(line)) ++sent;
    CHECK(sent < 1000);
    CHECK(ProcStatus(n.node->pid(), "VmRSS") - rss_before < 32 * 1024);
  }
  {
    // Four connections from one address are served; the fifth is closed at once.
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 4; ++i) {
      held.push_back(std::make_unique<RawConnection>(port));
      REQUIRE(held.back()->Send("GET / HTTP/1.1\r\n"));
    }
    std::this_thread::sleep_for(Millis(300));
    RawConnection fifth(port);
    fifth.Send("GET / HTTP/1.1\r\n");
    CHECK(fifth.ClosedWithin(Millis(3'000)));
    // A request's headers take at most 10 s, however slowly they trickle in.
    const auto t0 = Clock::now();
    bool open = true;
    while (open && Clock::now() - t0 < Millis(20'000)) {
      open = held[0]->Send("X: y\r\n");
      if (open) open = !held[0]->ClosedWithin(Millis(1'000));
    }
    CHECK_FALSE(open);
    CHECK(Clock::now() - t0 < Millis(15'000));
  }
  // The places are given back: calls work again.
  std::this_thread::sleep_for(Millis(300));
  auto head = n.Call("GetHead", "{}");
  REQUIRE(head);
  CHECK(head->status == 200);
  const std::string err = n.node->err();
  CHECK(Contains(err, "event=web-connection-refused reason=header-bytes"));
  CHECK(Contains(err, "event=web-connection-refused reason=peer"));
  CHECK(Contains(err, "event=web-connection-refused reason=header-time"));
}

TEST_CASE(
    "pages built while the node runs are served at once, and before that only the API answers",
    "[e2e][web]") {
  TempDir site;
  const std::string root = site.Join("dist");
  WebNode n("", {"--web-root", root});
  CHECK(Contains(n.node->err(), "event=web-root-missing"));
  httplib::Client h = n.http();
  auto before = h.Get("/");
  REQUIRE(before);
  CHECK(before->status == 404);
  auto api = n.Call("GetHead", "{}");
  REQUIRE(api);
  CHECK(api->status == 200);
  std::filesystem::create_directories(root);
  WriteFile(root + "/index.html", "<!doctype html><title>caisse</title>");
  auto after = h.Get("/");
  REQUIRE(after);
  CHECK(after->status == 200);
  CHECK(after->body == "<!doctype html><title>caisse</title>");
}

TEST_CASE("the web port serves its pages with the security headers and nothing outside its root",
          "[e2e][web]") {
  TempDir site;
  const std::string root = site.Join("dist");
  std::filesystem::create_directories(root + "/assets");
  std::filesystem::create_directories(root + "/empty");
  WriteFile(root + "/index.html", "<!doctype html><title>liard</title>");
  WriteFile(root + "/assets/app.js", "console.log(1)");
  WriteFile(root + "/assets/app.css", "body{}");
  WriteFile(root + "/icon.svg", "<svg/>");
  WriteFile(root + "/manifest.webmanifest", "{}");
  WriteFile(root + "/.secret", "hidden");
  WriteFile(site.Join("outside.txt"), "SECRET-OUTSIDE");
  std::filesystem::create_symlink(site.Join("outside.txt"), root + "/link.txt");
  std::filesystem::create_symlink(root + "/index.html", root + "/inside.html");

  WebNode n("", {"--web-root", root});
  httplib::Client h = n.http();
  auto index = h.Get("/");
  REQUIRE(index);
  CHECK(index->status == 200);
  CHECK(index->body == "<!doctype html><title>liard</title>");
  CHECK(index->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(index->get_header_value("Content-Security-Policy") == kCsp);
  CHECK(index->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(index->get_header_value("Referrer-Policy") == "no-referrer");
  CHECK_FALSE(index->has_header("Access-Control-Allow-Origin"));
  const std::vector<std::pair<std::string, std::string>> types = {
      {"/assets/app.js", "text/javascript; charset=utf-8"},
      {"/assets/app.css", "text/css; charset=utf-8"},
      {"/icon.svg", "image/svg+xml"},
      {"/manifest.webmanifest", "application/manifest+json"},
      {"/inside.html", "text/html; charset=utf-8"}};
  for (const auto& [path, type] : types) {
    INFO(path);
    auto r = h.Get(path.c_str());
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type") == type);
    CHECK(r->get_header_value("Content-Security-Policy") == kCsp);
  }
  auto head = h.Head("/assets/app.js");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  // The API's answers carry the headers too, and no-store.
  auto api = n.Call("GetHead", "{}");
  REQUIRE(api);
  CHECK(api->get_header_value("Content-Security-Policy") == kCsp);
  CHECK(api->get_header_value("Cache-Control") == "no-store");

  // Nothing outside the root, however asked; no listing; no hidden file; no other method.
  const int port = n.node->web_port();
  for (const char* target : {"/../outside.txt", "/assets/../../outside.txt", "/%2e%2e/outside.txt",
                             "/assets%2f..%2f..%2foutside.txt", "/link.txt", "/.secret", "/empty/",
                             "/assets/", "/..%5coutside.txt"}) {
    INFO(target);
    const std::string answer =
        RawExchange(port, std::string("GET ") + target +
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    CHECK((Contains(answer, "HTTP/1.1 404") || Contains(answer, "HTTP/1.1 400")));
    CHECK_FALSE(Contains(answer, "SECRET-OUTSIDE"));
    CHECK_FALSE(Contains(answer, "hidden"));
    CHECK(Contains(answer, "Content-Security-Policy: default-src 'self'"));
  }
  auto put = h.Put("/index.html", "x", "text/plain");
  REQUIRE(put);
  CHECK(put->status == 405);

  // A folder with a page, named without its slash, is sent to it (a link "/pay#r=..."); one
  // without a page is still not found.
  std::filesystem::create_directories(root + "/pay");
  WriteFile(root + "/pay/index.html", "<!doctype html><title>payer</title>");
  auto pay = h.Get("/pay?lang=fr");
  REQUIRE(pay);
  CHECK(pay->status == 301);
  CHECK(pay->get_header_value("Location") == "/pay/?lang=fr");
  CHECK(pay->get_header_value("Content-Security-Policy") == kCsp);
  auto page = h.Get("/pay/");
  REQUIRE(page);
  CHECK(page->body == "<!doctype html><title>payer</title>");
  for (const char* target : {"/empty", "/assets"}) {
    INFO(target);
    auto r = h.Get(target);
    REQUIRE(r);
    CHECK(r->status == 404);
  }
}

TEST_CASE(
    "the web port refuses an address other than loopback without TLS or a port in use, and "
    "serves HTTPS with "
    "the node's certificate",
    "[e2e][web]") {
  TempDir tmp;
  const std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  CommandResult r =
      RunNode({"run", "--data", data, "--listen", "127.0.0.1:0", "--web-listen", "0.0.0.0:0"});
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.err, "[web] refusing to listen on 0.0.0.0:0 without TLS"));
  CHECK(Contains(r.err, "--insecure"));

  // A second node on a web port in use does not share it: it stops, naming the address.
  {
    WebNode first;
    const std::string taken = "127.0.0.1:" + std::to_string(first.node->web_port());
    CommandResult second =
        RunNode({"run", "--data", data, "--listen", "127.0.0.1:0", "--web-listen", taken});
    CHECK(second.exit_code == 1);
    CHECK(Contains(second.err, "cannot listen on " + taken + " for [web]"));
  }

  MakeCertificate(tmp, "node");
  WriteFile(tmp.Join("node.toml"), "[tls]\ncert = \"" + tmp.Join("node.crt") + "\"\nkey = \"" +
                                       tmp.Join("node.key") + "\"\n");
  NodeProcess node(data, {"--config", tmp.Join("node.toml"), "--web-listen", "127.0.0.1:0"});
  node.set_credentials(TlsCredentials(ReadFile(tmp.Join("node.crt"))));
  node.Start();
  CHECK(Contains(node.out(), "liard-node web on https://127.0.0.1:"));
  httplib::SSLClient h("127.0.0.1", node.web_port());
  h.set_ca_cert_path(tmp.Join("node.crt").c_str());
  h.enable_server_certificate_verification(true);
  auto res = h.Post("/liard.v1.LedgerService/GetHead", "{}", "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(Contains(res->body, "\"currencyCode\":\"ROUE\""));
  // Plain HTTP on the HTTPS port gets nothing useful.
  httplib::Client plain("127.0.0.1", node.web_port());
  plain.set_read_timeout(3, 0);
  auto none = plain.Post("/liard.v1.LedgerService/GetHead", "{}", "application/json");
  CHECK((!none || none->status != 200));
}

}  // namespace liard::e2e
