// End-to-end harness: runs the real liard-node binary on 127.0.0.1 and drives it over gRPC.
//
// Everything here has a deadline, so a hung node fails a test instead of hanging CI, and every
// process it starts is killed by a destructor (and by PR_SET_PDEATHSIG if the test binary
// itself dies), so a failing test never leaves a node behind.
#ifndef LIARD_TESTS_E2E_HARNESS_H_
#define LIARD_TESTS_E2E_HARNESS_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/journal.h"
#include "ledger/ledger.h"
#include "ledger/memory_state.h"
#include "ledger/operation.h"
#include "ledger/read_auth.h"
#include "ledger/transfer_index.h"
#include "liard/v1/node.grpc.pb.h"

namespace liard::e2e {

namespace pb = ::liard::v1;
using Millis = std::chrono::milliseconds;

// The liard-node binary under test: LIARD_NODE_PATH (set by CMake), unless the environment
// variable LIARD_NODE_BINARY names another one.
std::string NodePath();

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction unless
// LIARD_E2E_KEEP is set (to look at a failed run).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, std::string_view content);
std::string ReadFile(const std::string& path);

// Text helpers for what a node writes (its stderr, a command's output).
bool Contains(std::string_view haystack, std::string_view needle);
// How many times `needle` occurs in `text` (overlaps counted).
size_t Count(std::string_view text, std::string_view needle);
// The lines of `text`, without their newlines.
std::vector<std::string> Lines(const std::string& text);

// The outcome of one short-lived liard-node command (init, --help, a run that must fail).
struct CommandResult {
  int exit_code = -1;      // the exit status; 128 + signal if a signal ended it
  bool timed_out = false;  // it did not end in time and was killed
  std::string out;
  std::string err;
};

// Runs `liard-node args...` to completion, killing it after `timeout`.
CommandResult RunNode(const std::vector<std::string>& args, Millis timeout = Millis(30'000));

// A genesis written as the contract's TOML, with keys from testing::KeyFor(name).
struct GenesisMember {
  std::string name;     // also the KeyFor() name
  std::string kind;     // "resident", "merchant", "exchange-office", "municipality", "association"
  int64_t opening = 0;  // cents
};

struct GenesisSpec {
  std::string code = "ROUE";
  std::string name = "la Roue";
  std::vector<std::string> board = {"board-1"};
  uint32_t threshold = 1;
  int64_t created_at_ms = 1'700'000'000'000;
  std::vector<GenesisMember> members;
  int64_t extra_fund = 0;        // the fund is the sum of the openings plus this, in euro cents
  std::string time_zone;         // [currency] time_zone; empty: none written (init's Europe/Paris)
  uint32_t genesis_version = 0;  // init --genesis-version; 0: init's default

  int64_t fund() const;
};

// association, office, shop (merchant), alice 100.00, bob 50.00, carol 0; fund 150.00.
GenesisSpec StandardGenesis();
std::string GenesisToml(const GenesisSpec& spec);
// "12.34" for 1234.
std::string Cents(int64_t cents);

// Writes the genesis to DIR.genesis.toml (beside DIR), runs `init`, and returns the printed ledger
// id (hex). Throws with the node's stderr if init fails.
std::string InitLedger(const std::string& data_dir, const GenesisSpec& spec);

// A resource limit (setrlimit) a node is started under, e.g. RLIMIT_NOFILE.
struct ResourceLimit {
  int resource;
  rlim_t soft;
  rlim_t hard;
};

// One running liard-node. Start() may be called again after Stop() or Kill() to restart on the
// same data directory (on a new port).
class NodeProcess {
 public:
  explicit NodeProcess(std::string data_dir, std::vector<std::string> extra_args = {});
  ~NodeProcess();  // SIGKILLs and reaps the node if it still runs
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Runs `liard-node run --data DIR --listen 127.0.0.1:0 extra...`, waits for the listening
  // line on stdout and for the health service to say SERVING. Throws std::runtime_error (with
  // the node's stderr) if it exits or the deadline passes first; the node is killed then.
  void Start(Millis timeout = Millis(30'000));
  // How the harness connects to the node (plaintext unless set): a node run with [tls] needs
  // TlsCredentials(its CA) before Start.
  void set_credentials(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    credentials_ = std::move(credentials);
  }
  // The address the next Start() listens on (--listen): 127.0.0.1:0 (a free port) unless set, so
  // that a restarted node can keep its port (a standby's primary).
  void set_listen(std::string listen) { listen_ = std::move(listen); }
  // The limits the next Start() runs the node under (set in the child before exec).
  void set_limits(std::vector<ResourceLimit> limits) { limits_ = std::move(limits); }
  // The user the next Start() runs the node as (the test must be root; -1: the test's own).
  void set_user(uid_t uid, gid_t gid) {
    uid_ = uid;
    gid_ = gid;
  }
  // The running node's process id (-1 if none).
  pid_t pid() const { return pid_; }
  // Start() in two halves, so that a test can kill the node while it is still starting.
  void Launch();
  void WaitReady(Millis timeout = Millis(30'000));
  // SIGTERM, then waits for the exit. Returns the exit code (128 + signal if signalled), or -1
  // if it did not exit in time (it is SIGKILLed then).
  int Stop(Millis timeout = Millis(30'000));
  // SIGKILL and reap: the crash.
  void Kill();

  bool running();
  int port() const { return port_; }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  // The browsers' HTTP port of this run ([web], --web-listen), 0 if it has none.
  int web_port() const { return web_port_; }
  // A channel to this run of the node (a new one after each Start).
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  // What the current (or last) run wrote so far.
  std::string out() const;
  std::string err() const;
  // Whether the log (stderr) shows `needle` within `timeout`: a line logged just after an answer
  // or after the "listening" line Start() waits for may not have been read yet.
  bool ErrShows(std::string_view needle, Millis timeout = Millis(10'000)) const;
  const std::string& data_dir() const { return data_dir_; }

 private:
  void ReaderLoop(int out_fd, int err_fd);
  bool WaitExit(Millis timeout);  // reaps; true if the process has exited
  void JoinReader();

  std::string data_dir_;
  std::vector<std::string> extra_args_;
  std::string listen_ = "127.0.0.1:0";
  pid_t pid_ = -1;
  int exit_code_ = -1;
  int port_ = 0;
  int web_port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::shared_ptr<grpc::ChannelCredentials> credentials_;
  std::vector<ResourceLimit> limits_;
  uid_t uid_ = static_cast<uid_t>(-1);
  gid_t gid_ = static_cast<gid_t>(-1);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string out_, err_;
  bool reader_done_ = false;
  bool stop_reader_ = false;
  std::thread reader_;
};

// A channel with no message size limit on the client side, so the node's limits are tested.
// Plaintext unless `credentials` are given.
std::shared_ptr<grpc::Channel> MakeChannel(
    const std::string& target, std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);
// TLS that trusts only the certificates of `ca_pem` (PEM), as a client given the node's CA.
std::shared_ptr<grpc::ChannelCredentials> TlsCredentials(const std::string& ca_pem);

// A self-signed certificate for 127.0.0.1 made with the openssl command, as docs/operator.md
// tells an operator to do for a test install: NAME.crt and NAME.key in `tmp`.
void MakeCertificate(const TempDir& tmp, const std::string& name);

// grpc.health.v1.Health/Check for `service`, spoken with a generic stub: 1 is SERVING. Returns
// the gRPC status; *serving_status is set on success.
grpc::Status HealthCheck(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                         int* serving_status, Millis timeout = Millis(5'000));

// A unary call with raw request bytes, to send what no generated stub would.
grpc::Status RawUnaryCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                          const std::string& request, std::string* response,
                          Millis timeout = Millis(10'000));

// A bidirectional streaming call with raw messages: sends `requests`, half-closes, reads every
// response until the server ends the call.
grpc::Status RawBidiCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                         const std::vector<std::string>& requests,
                         std::vector<std::string>* responses, Millis timeout = Millis(10'000));

void SetDeadline(grpc::ClientContext* ctx, Millis timeout);

// A field of /proc/PID/status as a number: "Threads" (the thread count), "VmRSS" (kB). -1 if the
// process or the field is not there.
int64_t ProcStatus(pid_t pid, const std::string& field);

// Many calls held open at once with raw messages and no thread each (one completion queue, driven
// by Settle), as a client that opens streams and then reads slowly or never. Every call is
// cancelled by the destructor.
class StreamFlood {
 public:
  explicit StreamFlood(std::shared_ptr<grpc::Channel> channel);
  ~StreamFlood();
  StreamFlood(const StreamFlood&) = delete;
  StreamFlood& operator=(const StreamFlood&) = delete;
  // Starts call number size() on `method`: sends `request` unless null, half-closes if asked,
  // and reads every message if `read` (else reads nothing: a lagging client). Returns its index.
  size_t Open(const std::string& method, const std::string* request, bool half_close, bool read,
              Millis timeout = Millis(60'000));
  // Handles what the server did for up to `wait`, or until `done` (checked after each event)
  // returns true. Returns whether `done` was met.
  bool Settle(Millis wait, const std::function<bool()>& done = nullptr);
  size_t size() const { return calls_.size(); }
  // Whether the server ended call `i`, and with what status.
  bool ended(size_t i) const;
  grpc::Status status(size_t i) const;
  // Messages read on call `i`.
  size_t messages(size_t i) const;
  // Calls the server has not ended.
  size_t open() const;
  // Cancels call `i` from the client's side (as a client that goes away).
  void Cancel(size_t i);

 private:
  struct Call;
  struct Tag {
    Call* call;
    int kind;
  };
  void Handle(Tag* tag, bool ok);
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  grpc::CompletionQueue cq_;
  std::vector<std::unique_ptr<Call>> calls_;
  int pending_ = 0;  // operations the completion queue still owes
};

// A Submit's whole answer: status, the trailing liard-code metadata and the response.
struct SubmitOutcome {
  grpc::Status status;
  std::string liard_code;       // trailing metadata "liard-code", empty if absent
  std::string liard_code_name;  // trailing metadata "liard-code-name"
  pb::SubmitResponse response;
};

// The trailing "liard-code" of a finished call, empty if absent.
std::string LiardCode(const grpc::ClientContext& ctx);

// Milliseconds since the Unix epoch, by the test machine's clock (the node's too).
int64_t NowMs();

// A gRPC client of one node, with the signing helpers a wallet would have.
//
// Private reads (GetAccount, GetHistory, Journal) are signed: AccountOf(name) by the account's
// own key, the others by the client's reader, testing::KeyFor("association") unless
// set_reader() names another (the association holds the treasurer role in StandardGenesis).
class Client {
 public:
  // Learns the ledger id from GetGenesis (and checks it is the hash of the genesis bytes).
  explicit Client(std::shared_ptr<grpc::Channel> channel);

  // The key that signs the reads that name no reader.
  void set_reader(const KeyPair& reader) { reader_ = reader; }
  // The node's clock minus this process's (a node under libfaketime, tests/e2e/fake_clock.h):
  // read requests are signed valid for the node's time.
  void set_clock_offset_ms(int64_t offset_ms) { clock_offset_ms_ = offset_ms; }
  const KeyPair& reader() const { return reader_; }

  // A ReadAuth signed by `signer` for `request` as given: tests make wrong ones with it.
  pb::ReadAuth SignReadRequest(const KeyPair& signer, const ReadRequest& request) const;
  // A valid one: `reader` reads `target` (nullptr: the journal) with `method` and default
  // parameters, for the next minute, with a fresh nonce.
  pb::ReadAuth SignRead(const KeyPair& reader, std::string_view method,
                        const AccountId* target) const;
  // The same for `call` and its parameters, valid for `lifetime_ms`.
  pb::ReadAuth SignRead(const KeyPair& reader, const ReadCall& call,
                        int64_t lifetime_ms = 60'000) const;
  // Same, for a re-keyed reader: the account `reader` signing with its current `key`.
  pb::ReadAuth SignReadAs(const AccountId& reader, const KeyPair& key, std::string_view method,
                          const AccountId* target) const;
  // 16 random bytes: a read request's nonce.
  static std::string FreshNonce();

  // Any operation, signed by `key` for this ledger (ledger_id is filled in).
  pb::SignedOperation Sign(const KeyPair& key, Operation op) const;
  // A board member's proposal and approval.
  pb::SignedOperation SignPropose(const KeyPair& member, uint64_t sequence, Decision decision,
                                  int64_t expires_ms) const;
  pb::SignedOperation SignApprove(const KeyPair& member, uint64_t sequence,
                                  const Hash& proposal) const;
  // The rules, board, pause switch and pending proposals (public). Throws if the call fails.
  pb::GovernanceInfo Governance();

  pb::LedgerService::Stub& stub() { return *stub_; }
  const Hash& ledger_id() const { return ledger_id_; }
  const std::string& genesis_bytes() const { return genesis_bytes_; }

  // A transfer signed by testing::KeyFor(from).
  pb::SignedOperation SignTransfer(std::string_view from, std::string_view to, int64_t amount,
                                   uint64_t sequence, std::string memo = "") const;
  pb::SignedOperation SignTransfer(const KeyPair& from, const AccountId& to, int64_t amount,
                                   uint64_t sequence, std::string memo = "") const;
  // The operation id a client computes before sending: SHA-256 of the signing message.
  Hash OperationIdOf(const pb::SignedOperation& op) const;

  SubmitOutcome Submit(const pb::SignedOperation& op, Millis timeout = Millis(10'000));
  grpc::Status SubmitBatch(const std::vector<pb::SignedOperation>& ops,
                           pb::SubmitBatchResponse* response, Millis timeout = Millis(30'000));

  // Read as the client's reader, or as `reader`.
  grpc::Status GetAccount(const AccountId& id, pb::AccountInfo* info);
  grpc::Status GetAccount(const AccountId& id, pb::AccountInfo* info, const KeyPair& reader);
  // These throw std::runtime_error if the call fails. AccountOf reads as the account itself.
  pb::AccountInfo AccountOf(std::string_view name);
  int64_t Balance(std::string_view name) { return AccountOf(name).balance(); }
  pb::Head Head();
  pb::Reserves Reserves();
  grpc::Status GetOperation(const Hash& op_id, pb::Receipt* receipt);
  // The whole journal from `from` to the head (follow = false), read as the client's reader.
  std::vector<pb::JournalEntry> Journal(uint64_t from = 1, Millis timeout = Millis(60'000));
  // One page of an account's history, newest first, read as the client's reader.
  grpc::Status History(const AccountId& id, uint64_t before, uint32_t limit,
                       pb::GetHistoryResponse* response);
  // The newest page of `id`'s history, read with `reader`'s own request; throws
  // std::runtime_error if the call fails.
  std::vector<pb::Receipt> HistoryAs(const KeyPair& reader, const AccountId& id);
  // A standing order read as `account` (its payer or a payee), signed by `reader`; the orders
  // `account` placed, one page.
  grpc::Status GetOrder(const KeyPair& reader, const Hash& order_id, const AccountId& account,
                        uint32_t events, pb::OrderInfo* info);
  grpc::Status ListOrders(const KeyPair& reader, const AccountId& account, uint64_t before,
                          uint32_t limit, pb::ListOrdersResponse* response);

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::LedgerService::Stub> stub_;
  Hash ledger_id_;
  std::string genesis_bytes_;
  KeyPair reader_;
  int64_t clock_offset_ms_ = 0;
};

// The journal checked as an auditor would: sequences 1..n without gaps, each prev_hash the
// previous entry's hash (the ledger id for entry 1), each entry_hash recomputed (with its term),
// terms never lower than the entry before. Returns "" or the first problem.
std::string VerifyChain(const std::vector<pb::JournalEntry>& entries, const Hash& ledger_id);

// The journal replayed through the core the node uses, from the genesis state.
struct Replay {
  std::unique_ptr<Ledger> ledger;
  MemoryState state;
  TransferIndex transfers;   // the refundable payments (a version 6 refund finds them here)
  std::vector<Hash> op_ids;  // per entry, in order
};
// Decodes each envelope, runs Preflight and Apply at the entry's time, commits the delta. Stops
// after entry `up_to`. Returns "" or the first entry the core refuses, and why.
std::string ReplayJournal(std::string_view genesis_bytes,
                          const std::vector<pb::JournalEntry>& entries, Replay* out,
                          uint64_t up_to = std::numeric_limits<uint64_t>::max());

// ---- Other programs than the node (the wallet CLI, for tests/wallet) ----

// How to start one: environment changes and a standard input. Such a child also runs in a new
// session, without a controlling terminal, so a program can never wait on /dev/tty.
struct ProgramOptions {
  std::map<std::string, std::string> env;  // set, or overridden, in the child's environment
  std::vector<std::string> unset_env;      // removed from it
  std::string stdin_data;                  // its standard input, then end of file
};

// Runs `path args...` to completion, killing it after `timeout`.
CommandResult RunProgram(const std::string& path, const std::vector<std::string>& args,
                         const ProgramOptions& options = {}, Millis timeout = Millis(30'000));

// A long-running program read while it runs (e.g. `liard watch`). Killed by the destructor.
class ChildProcess {
 public:
  ChildProcess(const std::string& path, const std::vector<std::string>& args,
               const ProgramOptions& options = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // True once `needle` appeared on stdout (or stderr), false if `timeout` passed first.
  bool WaitFor(std::string_view needle, bool on_stderr, Millis timeout);
  std::string out() const;
  std::string err() const;
  // Sends `sig` and waits for the exit: its code (128 + signal if signalled), or -1 if it did
  // not end in time (it is SIGKILLed then).
  int Signal(int sig, Millis timeout = Millis(10'000));

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string out_, err_;
  bool stop_reader_ = false;
  std::thread reader_;
};

std::string HashBytes(const Hash& h);  // as a std::string of 32 bytes
std::string Hex(std::string_view bytes);

// The usual set-up: a ledger of `spec` initialised in a temporary directory, liard-node started
// on it (with `args`), and a client of it.
class RunningLedger {
 public:
  explicit RunningLedger(const GenesisSpec& spec = StandardGenesis(),
                         std::vector<std::string> args = {});
  TempDir tmp;
  const std::string data;  // tmp/data
  NodeProcess node;
  Client& client() { return *client_; }

 private:
  std::unique_ptr<Client> client_;
};

}  // namespace liard::e2e

#endif  // LIARD_TESTS_E2E_HARNESS_H_
