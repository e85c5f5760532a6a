// The web gateway (see web_gateway.h): cpp-httplib's server, the Connect calls forwarded to the
// node's gRPC service in-process, and the static pages.
#include "node/web_gateway.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <httplib.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "liard/v1/node.grpc.pb.h"
#include "node/connect.h"
#include "node/log_text.h"

namespace liard::node {
namespace {

using connect::Codec;
using connect::Shape;

// A request must arrive, and an answer be taken, at this pace; an idle kept-alive connection is
// closed after kKeepAlive, and after kKeepAliveRequests requests.
constexpr time_t kReadTimeoutSeconds = 5;
constexpr time_t kWriteTimeoutSeconds = 5;
constexpr time_t kKeepAliveSeconds = 5;
constexpr size_t kKeepAliveRequests = 100;
// How often a stream waiting for news looks whether its client is still there (and whether the
// node is stopping).
constexpr auto kStreamPoll = std::chrono::milliseconds(200);
// At stop, open streams get this long to send their end-of-stream message.
constexpr auto kStreamStopGrace = std::chrono::seconds(2);
// A static file larger than this is not served (the pages are a few hundred kilobytes).
constexpr int64_t kMaxStaticFileBytes = 32 * 1024 * 1024;

constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The address as the node's stream caps count it (PeerAddress's form): "1.2.3.4", "[::1]".
std::string PeerKey(const std::string& remote_addr) {
  if (remote_addr.rfind("::ffff:", 0) == 0 && remote_addr.find('.') != std::string::npos)
    return remote_addr.substr(7);
  if (remote_addr.find(':') != std::string::npos) return "[" + remote_addr + "]";
  return remote_addr;
}

std::string MimeType(const std::filesystem::path& file) {
  const std::string ext = Lower(file.extension().string());
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".json") return "application/json";
  if (ext == ".webmanifest") return "application/manifest+json";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".map") return "application/json";
  return "application/octet-stream";
}

// One line per refused HTTP call (rate-limited with the node's other refusal lines). Nothing the
// client sent is logged but its address: `call` is a method name of the service or "-".
void LogRefused(const httplib::Request& req, int status, std::string_view code,
                std::string_view call, std::string_view reason) {
  if (!AllowRefusalLine()) return;
  spdlog::warn("event=web-refused status={} code={} call={} reason={} peer={}", status, code, call,
               reason, PeerKey(req.remote_addr));
}

// --- The connection guard (web_gateway.h) ---------------------------------------------------

using GuardClock = std::chrono::steady_clock;
enum class Phase { kIdle, kHeaders, kBody };

// What the thread serving a web connection knows of it.
struct ConnGuard {
  bool active = false;  // this thread serves a web connection now
  int fd = -1;          // its socket, learnt at its first read
  Phase phase = Phase::kIdle;
  GuardClock::time_point phase_start{};
  int64_t bytes = 0;  // read in this phase
  std::string peer;
  bool counted = false;  // counted in g_peers
  bool closed = false;   // over a cap: reads as closed from now on
};
thread_local ConnGuard t_conn;

// Web connections per IP address, for [web] max_connections_per_peer.
class PeerConnections {
 public:
  void set_max(int64_t max) {
    std::lock_guard<std::mutex> lock(mu_);
    max_ = max;
  }
  bool Acquire(const std::string& peer) {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t& n = open_[peer];
    if (n >= max_) {
      if (n == 0) open_.erase(peer);
      return false;
    }
    ++n;
    return true;
  }
  void Release(const std::string& peer) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = open_.find(peer);
    if (it != open_.end() && --it->second <= 0) open_.erase(it);
  }

 private:
  std::mutex mu_;
  int64_t max_ = 16;
  std::map<std::string, int64_t> open_;
};
PeerConnections g_peers;

std::string SocketPeer(int fd) {
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  char text[INET6_ADDRSTRLEN] = "?";
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0) {
    if (peer.ss_family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(peer).sin_addr, text, sizeof text);
    else if (peer.ss_family == AF_INET6)
      inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr, text,
                sizeof text);
  }
  return text;
}

void ConnectionClosed(const char* reason, const ConnGuard& g) {
  if (!AllowRefusalLine()) return;
  spdlog::warn("event=web-connection-refused reason={} peer={} read_bytes={}", reason,
               PeerKey(g.peer), g.bytes);
}

// The connection ends after this answer: its request's body was not read, and must never be
// taken for the next request.
void GuardEndAfterAnswer() {
  if (t_conn.active) t_conn.closed = true;
}

void GuardPhase(Phase phase) {
  if (!t_conn.active) return;
  t_conn.phase = phase;
  t_conn.phase_start = GuardClock::now();
  t_conn.bytes = 0;
}

// The connections' threads, made when the listener starts: a connection waits here for one.
// Beyond `max_waiting` waiting connections the listener stops accepting (the kernel's backlog
// then holds, then refuses, the next ones) until a thread is free.
class ConnectionPool final : public httplib::TaskQueue {
 public:
  ConnectionPool(size_t threads, size_t max_waiting) : max_waiting_(max_waiting) {
    threads_.reserve(threads);
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
  }
  ~ConnectionPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [this] { return closing_ || jobs_.size() < max_waiting_; });
    jobs_.push_back(std::move(fn));
    work_.notify_one();
  }

  // Lets the listener hand over what it accepted, so that it can stop.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    space_.notify_all();
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return;
      stopped_ = true;
      closing_ = true;
    }
    work_.notify_all();
    space_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  void Loop() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_.wait(lock, [this] { return stopped_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopped, and every accepted connection served
        fn = std::move(jobs_.front());
        jobs_.pop_front();
        space_.notify_one();
      }
      t_conn = ConnGuard{};
      t_conn.active = true;
      fn();
      if (t_conn.counted) g_peers.Release(t_conn.peer);
      t_conn = ConnGuard{};
    }
  }

  const size_t max_waiting_;
  std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable space_;
  std::deque<std::function<void()>> jobs_;
  bool closing_ = false;
  bool stopped_ = false;
  std::vector<std::thread> threads_;
};

// One server stream forwarded from gRPC: the call's reactor, read one message at a time (the
// next read starts only once the HTTP side took the previous message).
class StreamCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  enum class Event { kMessage, kEnd, kNothing };

  void Start(grpc::GenericStub* stub, const std::string& method, const std::string& request,
             const std::string& peer, int64_t timeout_ms) {
    ctx_.AddMetadata(kWebPeerMetadataKey, peer);
    if (timeout_ms > 0)
      ctx_.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
    grpc::Slice slice(request);
    request_ = grpc::ByteBuffer(&slice, 1);
    stub->PrepareBidiStreamingCall(&ctx_, method, grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&incoming_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (ok) has_message_ = true;
    cv_.notify_all();
  }

  void OnDone(const grpc::Status& status) override {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
    trailers_ = connect::FromGrpc(ctx_.GetServerTrailingMetadata());
    done_ = true;
    cv_.notify_all();
  }

  // A message (in *bytes), the end (status() and trailers() then hold), or nothing within `wait`.
  Event Next(std::chrono::milliseconds wait, std::string* bytes) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, wait, [this] { return has_message_ || done_; });
    if (has_message_) {
      has_message_ = false;
      grpc::Slice whole;
      bytes->clear();
      std::vector<grpc::Slice> slices;
      if (incoming_.Dump(&slices).ok()) {
        for (const grpc::Slice& s : slices)
          bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
      incoming_.Clear();
      lock.unlock();
      StartRead(&incoming_);
      return Event::kMessage;
    }
    return done_ ? Event::kEnd : Event::kNothing;
  }

  void Cancel() { ctx_.TryCancel(); }
  void WaitDone() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return done_; });
  }
  grpc::Status status() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }
  connect::Metadata trailers() {
    std::lock_guard<std::mutex> lock(mu_);
    return trailers_;
  }

 private:
  grpc::ClientContext ctx_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer incoming_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool has_message_ = false;
  bool done_ = false;
  grpc::Status status_;
  connect::Metadata trailers_;
};

}  // namespace

class WebGateway::Impl {
 public:
  Impl(WebOptions options, std::shared_ptr<grpc::Channel> channel)
      : options_(std::move(options)),
        stub_(std::move(channel)),
        primary_stub_(options_.primary ? std::make_unique<grpc::GenericStub>(options_.primary)
                                       : nullptr),
        service_(google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            liard::v1::LedgerService::service_full_name())) {}

  ~Impl() { Stop(); }

  Status Start(int* port);
  void Stop();
  int64_t open_streams() const { return streams_.load(); }

 private:
  bool OwnOrigin(const httplib::Request& req) const;
  httplib::Server::HandlerResponse PreRoute(const httplib::Request& req, httplib::Response& res);
  void HandleApi(const httplib::Request& req, httplib::Response& res);
  void HandleUnary(const httplib::Request& req, httplib::Response& res,
                   const google::protobuf::MethodDescriptor& method, Codec codec,
                   int64_t timeout_ms);
  void HandleStream(const httplib::Request& req, httplib::Response& res,
                    const google::protobuf::MethodDescriptor& method, Codec codec,
                    int64_t timeout_ms);
  void HandleStatic(const httplib::Request& req, httplib::Response& res);
  // [web] root resolved now (canonical, symbolic links followed), empty if there is none: the
  // pages may be built, or rebuilt, while the node runs.
  std::string CurrentRoot() const {
    if (options_.root.empty()) return "";
    std::error_code ec;
    const std::filesystem::path root = std::filesystem::canonical(options_.root, ec);
    if (ec || !std::filesystem::is_directory(root, ec)) return "";
    return root.string();
  }
  void ApiError(const httplib::Request& req, httplib::Response& res, grpc::StatusCode code,
                std::string_view call, std::string_view reason, const std::string& message,
                int http_status = 0);
  static std::string CallPath(const google::protobuf::MethodDescriptor& m) {
    return "/" + m.service()->full_name() + "/" + m.name();
  }

  const WebOptions options_;
  grpc::GenericStub stub_;
  std::unique_ptr<grpc::GenericStub> primary_stub_;  // a standby's: writes go to the primary
  const google::protobuf::ServiceDescriptor* const service_;
  std::string scheme_ = "http";
  std::vector<std::string> allowed_origins_;
  std::unique_ptr<httplib::Server> server_;
  ConnectionPool* pool_ = nullptr;  // owned by the server's listener while it runs
  std::mutex pool_mu_;
  std::thread listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> streams_{0};
  bool started_ = false;
};

Status WebGateway::Impl::Start(int* port) {
  const size_t colon = options_.listen.rfind(':');
  if (colon == std::string::npos)
    return Status(Code::kInvalidArgument, "[web] listen must be HOST:PORT, not " + options_.listen);
  std::string host = options_.listen.substr(0, colon);
  const int wanted = std::atoi(options_.listen.c_str() + colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);

  if (!options_.tls_cert_file.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(options_.tls_cert_file.c_str(),
                                                    options_.tls_key_file.c_str());
    if (!tls->is_valid())
      return Status(Code::kInvalidArgument, "[web]: cannot load the [tls] certificate " +
                                                options_.tls_cert_file + " and key " +
                                                options_.tls_key_file + " for HTTPS");
    server_ = std::move(tls);
    scheme_ = "https";
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  for (const std::string& o : options_.allowed_origins) allowed_origins_.push_back(Lower(o));

  if (!options_.root.empty() && CurrentRoot().empty())
    spdlog::warn(
        "event=web-root-missing root=\"{}\" message=\"no static pages until the directory "
        "exists; the API is served\"",
        LogText(options_.root, kLogReasonBytes));

  httplib::Server& s = *server_;
  s.set_read_timeout(kReadTimeoutSeconds, 0);
  s.set_write_timeout(kWriteTimeoutSeconds, 0);
  s.set_keep_alive_timeout(kKeepAliveSeconds);
  s.set_keep_alive_max_count(kKeepAliveRequests);
  // The body of an enveloped stream request is the message and its 5-byte header.
  s.set_payload_max_length(static_cast<size_t>(options_.max_body_bytes) +
                           connect::kEnvelopeHeaderBytes);
  s.set_tcp_nodelay(true);
  // httplib's default sets SO_REUSEPORT, with which a second node would share the port silently
  // (as gRPC's default would, see main.cc): SO_REUSEADDR only, for a quick restart.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  const size_t threads = static_cast<size_t>(std::max<int64_t>(options_.max_connections, 2));
  s.new_task_queue = [this, threads]() -> httplib::TaskQueue* {
    auto* pool = new ConnectionPool(threads, threads);
    std::lock_guard<std::mutex> lock(pool_mu_);
    pool_ = pool;
    return pool;
  };
  s.set_default_headers({
      {"Content-Security-Policy", kContentSecurityPolicy},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
  });
  // Called once a response is written: the connection waits for its next request.
  s.set_logger([](const httplib::Request&, const httplib::Response&) { GuardPhase(Phase::kIdle); });
  g_peers.set_max(options_.max_connections_per_peer);
  s.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return PreRoute(req, res); });
  s.Post(".*",
         [this](const httplib::Request& req, httplib::Response& res) { HandleApi(req, res); });
  s.Get(".*",
        [this](const httplib::Request& req, httplib::Response& res) { HandleStatic(req, res); });
  const auto not_allowed = [this](const httplib::Request& req, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", "GET, HEAD, POST");
    res.set_content("method not allowed\n", "text/plain; charset=utf-8");
    LogRefused(req, 405, "-", "-", "method");
  };
  s.Put(".*", not_allowed);
  s.Delete(".*", not_allowed);
  s.Patch(".*", not_allowed);
  s.Options(".*", not_allowed);
  // httplib's own refusals (a body over the limit, a malformed request) get a body too: a
  // Connect error for the API's paths, a line of text otherwise.
  s.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (req.method == "POST") {
          grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT;
          std::string message = "the HTTP request is malformed";
          if (res.status == 413) {
            code = grpc::StatusCode::RESOURCE_EXHAUSTED;
            message = "the request body is larger than the node takes (" +
                      std::to_string(options_.max_body_bytes) + " bytes)";
          }
          const int status = res.status;
          res.set_content(connect::ErrorJson(code, message), "application/json");
          if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
          LogRefused(req, status, connect::CodeName(code), "-", "http");
          return httplib::Server::HandlerResponse::Handled;
        }
        res.set_content(std::to_string(res.status) + "\n", "text/plain; charset=utf-8");
        return httplib::Server::HandlerResponse::Handled;
      }));

  if (wanted == 0) {
    *port = s.bind_to_any_port(host);
    if (*port <= 0)
      return Status(Code::kUnavailable, "cannot listen on " + options_.listen + " for [web]");
  } else {
    if (!s.bind_to_port(host, wanted))
      return Status(Code::kUnavailable,
                    "cannot listen on " + options_.listen +
                        " for [web]: the address is in use or not available on this machine");
    *port = wanted;
  }
  listener_ = std::thread([this] { server_->listen_after_bind(); });
  started_ = true;
  return Status::Ok();
}

void WebGateway::Impl::Stop() {
  if (!started_ || stopping_.exchange(true)) return;
  // Streams notice within kStreamPoll, send their end-of-stream message and return.
  const auto until = std::chrono::steady_clock::now() + kStreamStopGrace;
  while (streams_.load() > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (pool_ != nullptr) pool_->Close();
  }
  server_->stop();
  if (listener_.joinable()) listener_.join();
}

bool WebGateway::Impl::OwnOrigin(const httplib::Request& req) const {
  const std::string origin = Lower(req.get_header_value("Origin"));
  const std::string host = Lower(req.get_header_value("Host"));
  if (!host.empty() && origin == scheme_ + "://" + host) return true;
  return std::find(allowed_origins_.begin(), allowed_origins_.end(), origin) !=
         allowed_origins_.end();
}

httplib::Server::HandlerResponse WebGateway::Impl::PreRoute(const httplib::Request& req,
                                                            httplib::Response& res) {
  // The request line and headers are in: what follows is the body (or the next request).
  GuardPhase(Phase::kBody);
  if (req.method != "POST") return httplib::Server::HandlerResponse::Unhandled;
  res.set_header("Cache-Control", "no-store");
  // API answers are never compressed (docs/protocol.md): httplib would otherwise compress JSON
  // for any client that accepts it, which a Connect client did not negotiate. The request is
  // httplib's own object, only handed to handlers as const.
  const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
  // Before the body is read: a page of another site may not call the node with the browser's
  // network position (no CORS either, so it could not read the answer).
  if (req.has_header("Origin") && !OwnOrigin(req)) {
    ApiError(req, res, grpc::StatusCode::PERMISSION_DENIED, "-", "cross-origin",
             "cross-origin call refused: the calling page's origin (" +
                 req.get_header_value("Origin").substr(0, 200) +
                 ") is not this server's own; open the page served by the node itself, or add "
                 "the origin to [web] allowed_origins");
    res.set_header("Connection", "close");
    GuardEndAfterAnswer();
    return httplib::Server::HandlerResponse::Handled;
  }
  if (req.has_header("Content-Length")) {
    const std::string length = req.get_header_value("Content-Length");
    const bool digits =
        !length.empty() && length.size() <= 18 &&
        std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits && std::stoll(length) > options_.max_body_bytes +
                                           static_cast<int64_t>(connect::kEnvelopeHeaderBytes)) {
      ApiError(req, res, grpc::StatusCode::RESOURCE_EXHAUSTED, "-", "body-too-large",
               "the request body has " + length + " bytes, more than the node takes (" +
                   std::to_string(options_.max_body_bytes) + ")");
      // The body is not read: the connection cannot carry another request.
      res.set_header("Connection", "close");
      GuardEndAfterAnswer();
      return httplib::Server::HandlerResponse::Handled;
    }
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

void WebGateway::Impl::ApiError(const httplib::Request& req, httplib::Response& res,
                                grpc::StatusCode code, std::string_view call,
                                std::string_view reason, const std::string& message,
                                int http_status) {
  res.status = http_status != 0 ? http_status : connect::HttpStatus(code);
  res.set_content(connect::ErrorJson(code, message), "application/json");
  LogRefused(req, res.status, connect::CodeName(code), call, reason);
}

void WebGateway::Impl::HandleApi(const httplib::Request& req, httplib::Response& res) {
  const google::protobuf::MethodDescriptor* method = connect::FindMethod(*service_, req.path);
  if (method == nullptr || method->client_streaming()) {
    ApiError(req, res, grpc::StatusCode::UNIMPLEMENTED, "-", "no-such-method",
             "no such method: the node serves POST /" + service_->full_name() + "/METHOD", 404);
    return;
  }
  const std::string call = method->name();
  Codec codec;
  Shape shape;
  const std::string content_type = req.get_header_value("Content-Type");
  const Shape wanted = method->server_streaming() ? Shape::kStream : Shape::kUnary;
  if (!connect::ParseContentType(content_type, &codec, &shape) || shape != wanted) {
    const std::string json = connect::ContentType(Codec::kJson, wanted);
    const std::string proto = connect::ContentType(Codec::kProto, wanted);
    res.set_header("Accept-Post", json + ", " + proto);
    ApiError(req, res, grpc::StatusCode::UNIMPLEMENTED, call, "content-type",
             call + " takes Content-Type " + json + " or " + proto, 415);
    return;
  }
  if (req.has_header("Connect-Protocol-Version") &&
      req.get_header_value("Connect-Protocol-Version") != "1") {
    ApiError(req, res, grpc::StatusCode::INVALID_ARGUMENT, call, "protocol-version",
             "Connect-Protocol-Version must be 1");
    return;
  }
  const char* encoding_header =
      shape == Shape::kUnary ? "Content-Encoding" : "Connect-Content-Encoding";
  if (req.has_header(encoding_header) &&
      Lower(req.get_header_value(encoding_header)) != "identity") {
    res.set_header(shape == Shape::kUnary ? "Accept-Encoding" : "Connect-Accept-Encoding",
                   "identity");
    ApiError(req, res, grpc::StatusCode::UNIMPLEMENTED, call, "encoding",
             "the request is compressed; this server takes identity encoding only");
    return;
  }
  int64_t timeout_ms = 0;
  if (req.has_header("Connect-Timeout-Ms") &&
      !connect::ParseTimeoutMs(req.get_header_value("Connect-Timeout-Ms"), &timeout_ms)) {
    ApiError(req, res, grpc::StatusCode::INVALID_ARGUMENT, call, "timeout",
             "Connect-Timeout-Ms must be 1 to 10 digits");
    return;
  }
  if (shape == Shape::kUnary) {
    HandleUnary(req, res, *method, codec, timeout_ms);
  } else {
    HandleStream(req, res, *method, codec, timeout_ms);
  }
}

void WebGateway::Impl::HandleUnary(const httplib::Request& req, httplib::Response& res,
                                   const google::protobuf::MethodDescriptor& method, Codec codec,
                                   int64_t timeout_ms) {
  const std::string call = method.name();
  if (static_cast<int64_t>(req.body.size()) > options_.max_body_bytes) {
    ApiError(req, res, grpc::StatusCode::RESOURCE_EXHAUSTED, call, "body-too-large",
             "the request body has " + std::to_string(req.body.size()) +
                 " bytes, more than the node takes (" + std::to_string(options_.max_body_bytes) +
                 ")");
    return;
  }
  std::string request_bytes, error;
  if (!connect::RequestBytes(*method.input_type(), codec, req.body, &request_bytes, &error)) {
    ApiError(req, res, grpc::StatusCode::INVALID_ARGUMENT, call, "malformed", error);
    return;
  }
  grpc::ClientContext ctx;
  ctx.AddMetadata(kWebPeerMetadataKey, PeerKey(req.remote_addr));
  if (timeout_ms > 0)
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> promise;
  std::future<grpc::Status> done = promise.get_future();
  // On a standby a write is forwarded to its primary, the bytes as the browser sent them (the
  // envelope is signed: the standby can neither change nor forge it); bounded in time.
  const bool write = method.name() == "Submit" || method.name() == "SubmitBatch";
  grpc::GenericStub& stub = write && primary_stub_ ? *primary_stub_ : stub_;
  if (&stub != &stub_ && timeout_ms == 0)
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  stub.UnaryCall(&ctx, CallPath(method), grpc::StubOptions(), &request, &response,
                 [&promise](grpc::Status s) { promise.set_value(std::move(s)); });
  grpc::Status status = done.get();

  for (const auto& [k, v] : connect::FromGrpc(ctx.GetServerInitialMetadata()))
    res.headers.emplace(k, v);
  for (const auto& [k, v] : connect::FromGrpc(ctx.GetServerTrailingMetadata()))
    res.headers.emplace("trailer-" + k, v);
  if (!status.ok()) {
    ApiError(req, res, status.error_code(), call, "node", status.error_message());
    return;
  }
  std::string bytes;
  if (!response.DumpToSingleSlice(&slice).ok()) {
    ApiError(req, res, grpc::StatusCode::INTERNAL, call, "answer",
             "the node's answer is unreadable");
    return;
  }
  bytes.assign(reinterpret_cast<const char*>(slice.begin()), slice.size());
  std::string payload;
  if (!connect::ResponsePayload(*method.output_type(), codec, bytes, &payload, &error)) {
    ApiError(req, res, grpc::StatusCode::INTERNAL, call, "answer", error);
    return;
  }
  res.status = 200;
  res.set_content(payload, connect::ContentType(codec, Shape::kUnary));
}

void WebGateway::Impl::HandleStream(const httplib::Request& req, httplib::Response& res,
                                    const google::protobuf::MethodDescriptor& method, Codec codec,
                                    int64_t timeout_ms) {
  const std::string call = method.name();
  const std::string content_type = connect::ContentType(codec, Shape::kStream);
  res.status = 200;
  // A stream that cannot start ends at once, in its end-of-stream message (Connect's way).
  const auto end_now = [&](grpc::StatusCode code, std::string_view reason,
                           const std::string& message) {
    res.set_content(connect::Envelope(connect::kFlagEndStream,
                                      connect::EndStreamJson(grpc::Status(code, message), {})),
                    content_type);
    LogRefused(req, 200, connect::CodeName(code), call, reason);
  };
  std::string payload, request_bytes, error;
  if (!connect::ParseSingleEnvelope(req.body, static_cast<size_t>(options_.max_body_bytes),
                                    &payload, &error) ||
      !connect::RequestBytes(*method.input_type(), codec, payload, &request_bytes, &error)) {
    end_now(grpc::StatusCode::INVALID_ARGUMENT, "malformed", error);
    return;
  }
  if (stopping_) {
    end_now(grpc::StatusCode::UNAVAILABLE, "stopping", "the node is stopping; try again later");
    return;
  }
  // Each stream holds a connection's thread: past the cap, unary calls would find none.
  if (streams_.fetch_add(1) >= options_.max_streams) {
    streams_.fetch_sub(1);
    end_now(grpc::StatusCode::RESOURCE_EXHAUSTED, "streams",
            "the node has as many streams open over HTTP as it allows ([web] max_streams = " +
                std::to_string(options_.max_streams) + "); close one of them first");
    return;
  }
  auto stream = std::make_shared<StreamCall>();
  stream->Start(&stub_, CallPath(method), request_bytes, PeerKey(req.remote_addr), timeout_ms);
  const google::protobuf::Descriptor* type = method.output_type();
  res.set_chunked_content_provider(
      content_type,
      [this, stream, codec, type, call, peer = PeerKey(req.remote_addr)](
          size_t, httplib::DataSink& sink) -> bool {
        for (;;) {
          if (stopping_) {
            // The node stops: the stream ends with a status a client can act on (reconnect).
            stream->Cancel();
            stream->WaitDone();
            const std::string end = connect::Envelope(
                connect::kFlagEndStream,
                connect::EndStreamJson(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                                    "the node is stopping; watch again later"),
                                       {}));
            if (!sink.write(end.data(), end.size())) return false;
            sink.done();
            return true;
          }
          std::string bytes;
          switch (stream->Next(kStreamPoll, &bytes)) {
            case StreamCall::Event::kMessage: {
              std::string out, why;
              if (!connect::ResponsePayload(*type, codec, bytes, &out, &why)) {
                stream->Cancel();
                continue;
              }
              const std::string env = connect::Envelope(0, out);
              return sink.write(env.data(), env.size());
            }
            case StreamCall::Event::kEnd: {
              const grpc::Status status = stream->status();
              if (!status.ok() && AllowRefusalLine())
                spdlog::warn("event=web-refused status=200 code={} call={} reason=node peer={}",
                             connect::CodeName(status.error_code()), call, peer);
              const std::string end = connect::Envelope(
                  connect::kFlagEndStream, connect::EndStreamJson(status, stream->trailers()));
              if (!sink.write(end.data(), end.size())) return false;
              sink.done();
              return true;
            }
            case StreamCall::Event::kNothing:
              // The client went away (closed its socket): end the call, free the place.
              if (!sink.is_writable()) {
                stream->Cancel();
                return false;
              }
              break;
          }
        }
      },
      [this, stream](bool) {
        stream->Cancel();
        stream->WaitDone();
        streams_.fetch_sub(1);
      });
}

void WebGateway::Impl::HandleStatic(const httplib::Request& req, httplib::Response& res) {
  res.set_header("Cache-Control", "no-cache");
  const auto not_found = [&res] {
    res.status = 404;
    res.set_content("not found\n", "text/plain; charset=utf-8");
  };
  const std::string root = CurrentRoot();
  if (root.empty()) return not_found();
  // Encoded separators and NULs never name a file: a path is refused before it is decoded.
  const std::string raw = Lower(req.target.substr(0, req.target.find('?')));
  if (raw.find("%2f") != std::string::npos || raw.find("%5c") != std::string::npos ||
      raw.find("%00") != std::string::npos || raw.find('\\') != std::string::npos ||
      req.path.empty() || req.path.front() != '/') {
    res.status = 400;
    res.set_content("bad path\n", "text/plain; charset=utf-8");
    LogRefused(req, 400, "-", "-", "path");
    return;
  }
  std::filesystem::path rel;
  size_t start = 1;
  while (start <= req.path.size()) {
    size_t end = req.path.find('/', start);
    if (end == std::string::npos) end = req.path.size();
    const std::string segment = req.path.substr(start, end - start);
    start = end + 1;
    if (segment.empty()) continue;
    // "..", "." and hidden files (.git, .env) are never served.
    if (segment.front() == '.' || segment.find('\0') != std::string::npos) {
      LogRefused(req, 404, "-", "-", "path");
      return not_found();
    }
    rel /= segment;
  }
  if (!rel.empty() && req.path.back() != '/') {
    // A folder named without its slash ("/pay#r=..." typed or in a link) is sent to the folder
    // ("/pay/", the browser keeps the fragment), if it has a page; the raw target is reused, so
    // nothing decoded goes into the header.
    std::error_code dir_ec;
    if (std::filesystem::is_regular_file(root / rel / "index.html", dir_ec)) {
      const size_t query = req.target.find('?');
      std::string location = req.target.substr(0, query) + "/";
      if (query != std::string::npos) location += req.target.substr(query);
      res.status = 301;
      res.set_header("Location", location);
      return;
    }
  }
  if (rel.empty() || req.path.back() == '/') rel /= "index.html";
  std::error_code ec;
  const std::filesystem::path file = std::filesystem::canonical(root / rel, ec);
  // Through a symbolic link, a path may lead out of the root: served only if it stays inside.
  if (ec || file.string().rfind(root + "/", 0) != 0) {
    if (!ec) LogRefused(req, 404, "-", "-", "outside-root");
    return not_found();
  }
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return not_found();
  struct stat st {};
  std::string content;
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= kMaxStaticFileBytes;
  if (ok) {
    content.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < content.size()) {
      const ssize_t n = ::read(fd, content.data() + got, content.size() - got);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    content.resize(got);
  }
  ::close(fd);
  if (!ok) return not_found();
  res.status = 200;
  res.set_content(content, MimeType(file));
}

bool WebGuardActive() { return t_conn.active; }

ssize_t WebGuardedRead(int fd, void* buf, size_t n, int flags, bool is_recv) {
  const auto raw = [&]() -> ssize_t {
    return is_recv ? ::syscall(SYS_recvfrom, fd, buf, n, flags, nullptr, nullptr)
                   : ::syscall(SYS_read, fd, buf, n);
  };
  ConnGuard& g = t_conn;
  // A peek (is the client still there?) reads nothing.
  if (!g.active || (is_recv && (flags & MSG_PEEK) != 0)) return raw();
  if (g.fd < 0) {
    // The first socket this thread reads is the connection's (a static file is read later).
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return raw();
    g.fd = fd;
    g.peer = SocketPeer(fd);
    if (g_peers.Acquire(g.peer)) {
      g.counted = true;
    } else {
      g.closed = true;
      ConnectionClosed("peer", g);
    }
  }
  if (fd != g.fd) return raw();
  if (g.closed) return 0;
  const ssize_t got = raw();
  if (got <= 0) return got;
  const auto now = GuardClock::now();
  if (g.phase == Phase::kIdle) {
    g.phase = Phase::kHeaders;
    g.phase_start = now;
    g.bytes = 0;
  }
  g.bytes += got;
  const char* over = nullptr;
  if (g.phase == Phase::kHeaders) {
    if (g.bytes > kWebMaxHeaderBytes)
      over = "header-bytes";
    else if (now - g.phase_start > std::chrono::seconds(kWebHeaderSeconds))
      over = "header-time";
  } else if (g.phase == Phase::kBody &&
             now - g.phase_start > std::chrono::seconds(kWebBodySeconds)) {
    over = "body-time";
  }
  if (over != nullptr) {
    g.closed = true;
    ConnectionClosed(over, g);
    return 0;
  }
  return got;
}

WebGateway::WebGateway(WebOptions options, std::shared_ptr<grpc::Channel> channel)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(channel))) {}
WebGateway::~WebGateway() = default;
Status WebGateway::Start(int* port) { return impl_->Start(port); }
void WebGateway::Stop() { impl_->Stop(); }
int64_t WebGateway::open_streams() const { return impl_->open_streams(); }

}  // namespace liard::node
