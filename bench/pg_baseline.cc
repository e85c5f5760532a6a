// The PostgreSQL baseline of liard-bench; see pg_baseline.h.
#include "bench/pg_baseline.h"

#include <arpa/inet.h>
#include <glob.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_util.h"

namespace liard::bench {
namespace {

namespace fs = std::filesystem;

// The ledger: balances that may not go negative and the payer's last sequence; one row per
// transfer, unique per payer and sequence (a replay is refused, as liard refuses one). The
// functions take the rows' locks in id order, so that two transactions never wait on each
// other in a cycle, then check and write, as a ledger on PostgreSQL usually does.
constexpr const char* kSchema = R"sql(
CREATE TABLE accounts (
  id      bigint PRIMARY KEY,
  balance bigint NOT NULL CHECK (balance >= 0),
  seq     bigint NOT NULL DEFAULT 0
);
CREATE TABLE transfers (
  id        bigserial PRIMARY KEY,
  payer     bigint NOT NULL REFERENCES accounts (id),
  payee     bigint NOT NULL REFERENCES accounts (id),
  amount    bigint NOT NULL CHECK (amount > 0),
  payer_seq bigint NOT NULL,
  at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (payer, payer_seq)
);
CREATE FUNCTION apply_transfer(p bigint, q bigint, amt bigint, s bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  bal bigint;
  last bigint;
BEGIN
  SELECT balance, seq INTO bal, last FROM accounts WHERE id = p;
  IF NOT FOUND THEN RAISE EXCEPTION 'unknown payer %', p; END IF;
  IF last + 1 <> s THEN RAISE EXCEPTION 'payer % sequence % after %', p, s, last; END IF;
  IF bal < amt THEN RAISE EXCEPTION 'payer % short of funds', p; END IF;
  UPDATE accounts SET balance = balance - amt, seq = s WHERE id = p;
  UPDATE accounts SET balance = balance + amt WHERE id = q;
  IF NOT FOUND THEN RAISE EXCEPTION 'unknown payee %', q; END IF;
  INSERT INTO transfers (payer, payee, amount, payer_seq) VALUES (p, q, amt, s);
END $$;
CREATE FUNCTION transfer(p bigint, q bigint, amt bigint, s bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF p = q THEN RAISE EXCEPTION 'payer is payee'; END IF;
  PERFORM 1 FROM accounts WHERE id IN (p, q) ORDER BY id FOR UPDATE;
  PERFORM apply_transfer(p, q, amt, s);
END $$;
CREATE FUNCTION transfer_batch(ps bigint[], qs bigint[], amts bigint[], ss bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM accounts WHERE id = ANY (ps || qs) ORDER BY id FOR UPDATE;
  FOR i IN 1 .. array_length(ps, 1) LOOP
    IF ps[i] = qs[i] THEN RAISE EXCEPTION 'payer is payee'; END IF;
    PERFORM apply_transfer(ps[i], qs[i], amts[i], ss[i]);
  END LOOP;
END $$;
)sql";

PgServer* g_running = nullptr;  // stopped at exit, should the benchmark die

// Runs argv (as `postgres` through runuser when as_postgres) with stdout and stderr in `log`;
// returns its exit status, or -1.
int Run(const std::vector<std::string>& command, bool as_postgres, const std::string& log) {
  std::vector<std::string> full;
  if (as_postgres) full = {"/usr/sbin/runuser", "-u", "postgres", "--"};
  full.insert(full.end(), command.begin(), command.end());
  std::vector<char*> argv;
  for (auto& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    FILE* f = std::fopen(log.c_str(), "a");
    if (f) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A port nobody listens on now (the server binds it a moment later).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Die("socket failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    Die("cannot find a free port");
  close(fd);
  return ntohs(a.sin_port);
}

std::string Join(const std::vector<PgTransfer>& ts, int64_t PgTransfer::*field) {
  std::string s = "{";
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(ts[i].*field);
  }
  return s + "}";
}

}  // namespace

PgConn::PgConn(const std::string& conninfo, bool prepare) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) Die("PostgreSQL: " + std::string(PQerrorMessage(conn_)));
  if (!prepare) return;
  // Prepared once per connection, as an application's driver would.
  PGresult* r = PQprepare(conn_, "transfer", "SELECT transfer($1, $2, $3, $4)", 4, nullptr);
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  r = PQprepare(conn_, "batch", "SELECT transfer_batch($1, $2, $3, $4)", 4, nullptr);
  ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) Die("PostgreSQL prepare: " + std::string(PQerrorMessage(conn_)));
}

PgConn::~PgConn() { PQfinish(conn_); }

bool PgConn::Transfer(const PgTransfer& t, std::string* error) {
  const std::string v[4] = {std::to_string(t.payer), std::to_string(t.payee),
                            std::to_string(t.amount), std::to_string(t.seq)};
  const char* params[4] = {v[0].c_str(), v[1].c_str(), v[2].c_str(), v[3].c_str()};
  PGresult* r = PQexecPrepared(conn_, "transfer", 4, params, nullptr, nullptr, 0);
  const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok) *error = PQresultErrorMessage(r);
  PQclear(r);
  return ok;
}

bool PgConn::TransferBatch(const std::vector<PgTransfer>& ts, std::string* error) {
  const std::string v[4] = {Join(ts, &PgTransfer::payer), Join(ts, &PgTransfer::payee),
                            Join(ts, &PgTransfer::amount), Join(ts, &PgTransfer::seq)};
  const char* params[4] = {v[0].c_str(), v[1].c_str(), v[2].c_str(), v[3].c_str()};
  PGresult* r = PQexecPrepared(conn_, "batch", 4, params, nullptr, nullptr, 0);
  const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok) *error = PQresultErrorMessage(r);
  PQclear(r);
  return ok;
}

std::string PgConn::Exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string e = PQresultErrorMessage(r);
    PQclear(r);
    Die("PostgreSQL: " + e + "in: " + sql.substr(0, 200));
  }
  std::string out;
  if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0) out = PQgetvalue(r, 0, 0);
  PQclear(r);
  return out;
}

std::unique_ptr<PgServer> PgServer::Start(std::string bin_dir, std::string* problem) {
  if (bin_dir.empty()) {
    glob_t g{};
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, nullptr, &g) == 0 && g.gl_pathc > 0) {
      std::vector<std::string> found(g.gl_pathv, g.gl_pathv + g.gl_pathc);
      // The newest major version: compare numerically ("9.6" < "15").
      std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
        auto major = [](const std::string& p) {
          return std::atof(p.c_str() + std::string("/usr/lib/postgresql/").size());
        };
        return major(a) < major(b);
      });
      bin_dir = fs::path(found.back()).parent_path().string();
    }
    globfree(&g);
  }
  if (bin_dir.empty() || access((bin_dir + "/initdb").c_str(), X_OK) != 0 ||
      access((bin_dir + "/pg_ctl").c_str(), X_OK) != 0) {
    *problem =
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; scripts/setup.sh "
        "installs it)";
    return nullptr;
  }
  std::unique_ptr<PgServer> s(new PgServer());
  s->bin_ = bin_dir;
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/liard-bench-pg-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) Die("cannot create a directory in " + pattern);
  s->dir_ = pattern;
  g_running = s.get();
  std::atexit([] {
    if (g_running) g_running->Stop();
  });
  // PostgreSQL refuses to run as root: then its directory and processes belong to `postgres`.
  if (geteuid() == 0) {
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr) Die("running as root, and there is no postgres user to run PostgreSQL as");
    if (chown(s->dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) Die("cannot chown " + s->dir_);
    s->as_postgres_ = true;
  }
  const std::string log = s->dir_ + "/commands.log";
  const std::string data = s->dir_ + "/data";
  if (Run({bin_dir + "/initdb", "-D", data, "-U", "liard", "-A", "trust", "-E", "UTF8",
           "--locale=C", "--no-sync"},
          s->as_postgres_, log) != 0)
    Die("initdb failed:\n" + ReadText(log));
  const int port = FreePort();
  // Durable commits, as liard's: fsync on, synchronous_commit on (both the defaults, stated
  // so that a changed default cannot weaken the baseline).
  const std::string server_options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port) +
                                     " -k " + s->dir_ +
                                     " -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
                                     " -c max_connections=200";
  if (Run({bin_dir + "/pg_ctl", "-D", data, "-l", s->dir_ + "/server.log", "-w", "-t", "60", "-o",
           server_options, "start"},
          s->as_postgres_, log) != 0)
    Die("pg_ctl start failed:\n" + ReadText(log) + ReadText(s->dir_ + "/server.log"));
  s->running_ = true;
  s->conninfo_ = "host=127.0.0.1 port=" + std::to_string(port) + " user=liard dbname=postgres";
  PgConn c(s->conninfo_, /*prepare=*/false);
  s->version_ = c.Exec("SHOW server_version");
  return s;
}

void PgServer::CreateLedger(uint64_t residents, uint64_t merchants, int64_t opening) {
  PgConn c(conninfo_, /*prepare=*/false);
  c.Exec(kSchema);
  c.Exec("INSERT INTO accounts (id, balance) SELECT g, " + std::to_string(opening) +
         " FROM generate_series(0, " + std::to_string(residents - 1) + ") g");
  c.Exec("INSERT INTO accounts (id, balance) SELECT g, 0 FROM generate_series(" +
         std::to_string(residents) + ", " + std::to_string(residents + merchants - 1) + ") g");
  c.Exec("VACUUM ANALYZE accounts");
  c.Exec("CHECKPOINT");
}

void PgServer::Stop() {
  if (g_running == this) g_running = nullptr;
  if (running_) {
    running_ = false;
    Run({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "fast", "-w", "stop"}, as_postgres_,
        "/dev/null");
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    dir_.clear();
  }
}

PgServer::~PgServer() { Stop(); }

}  // namespace liard::bench
