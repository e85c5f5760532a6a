// The PostgreSQL baseline of liard-bench: Debian's PostgreSQL, started by the benchmark on
// 127.0.0.1 in a temporary directory (as the `postgres` user when run as root, since PostgreSQL
// refuses root) and removed after, holding the usual double-entry ledger: an accounts table of
// balances locked with SELECT ... FOR UPDATE in id order, one row per transfer, fsync and
// synchronous_commit on. docs/benchmarks.md.
#ifndef LIARD_NODE_PG_BASELINE_H_
#define LIARD_NODE_PG_BASELINE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct pg_conn;

namespace liard::bench {

// A transfer as the PostgreSQL ledger takes it: account ids are row ids, `seq` is the payer's
// sequence (refused unless it is the previous one plus one, as liard refuses a replay).
struct PgTransfer {
  int64_t payer = 0, payee = 0, amount = 0, seq = 0;
};

class PgConn {
 public:
  // Dies if it cannot connect. `prepare`: prepares the transfer statements (the schema must
  // exist by then).
  explicit PgConn(const std::string& conninfo, bool prepare = true);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // One transaction of one transfer (autocommit: the statement is the transaction).
  bool Transfer(const PgTransfer& t, std::string* error);
  // One transaction of all of them: every row locked in id order first, then each applied.
  bool TransferBatch(const std::vector<PgTransfer>& ts, std::string* error);
  // Runs SQL; dies on error. Returns the first column of the first row, if any.
  std::string Exec(const std::string& sql);

 private:
  pg_conn* conn_ = nullptr;
};

// A PostgreSQL server of its own. The destructor (and exit, should the benchmark die) stops it
// and removes its directory.
class PgServer {
 public:
  // `bin_dir` empty: the newest /usr/lib/postgresql/*/bin. Returns null, with *problem set, if
  // PostgreSQL is not installed; dies if it is and does not start.
  static std::unique_ptr<PgServer> Start(std::string bin_dir, std::string* problem);
  ~PgServer();

  const std::string& conninfo() const { return conninfo_; }
  const std::string& version() const { return version_; }
  // Creates the schema and `residents` accounts with `opening` each, then `merchants` with 0:
  // resident r is row r, merchant m is row residents + m.
  void CreateLedger(uint64_t residents, uint64_t merchants, int64_t opening);

 private:
  PgServer() = default;
  void Stop();

  std::string bin_, dir_, conninfo_, version_;
  bool as_postgres_ = false;
  bool running_ = false;
};

}  // namespace liard::bench

#endif  // LIARD_NODE_PG_BASELINE_H_
