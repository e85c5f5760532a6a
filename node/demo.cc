// The demo currency and the writing of its keys.
#include "node/demo.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "node/config.h"

namespace liard::node {
namespace {

struct DemoMember {
  const char* key_name;
  AccountKind kind;
  const char* display_name;
  int64_t opening;  // minor units
};

// The contract's demo: two residents with money, a shop, an office and the association.
constexpr DemoMember kMembers[] = {
    {"association", AccountKind::kAssociation, "Association la Roue", 0},
    {"office", AccountKind::kExchangeOffice, "Comptoir de la Gare", 0},
    {"shop", AccountKind::kMerchant, "Boulangerie du Rhône", 0},
    {"alice", AccountKind::kResident, "Alice Martin", 100'00},
    {"bob", AccountKind::kResident, "Bob Durand", 50'00},
};

Status IoError(const std::string& what, const std::string& path) {
  return Status(Code::kIOError, what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Demo MakeDemo(int64_t now_ms) {
  Demo demo;
  Genesis& g = demo.genesis;
  g.currency_code = "ROUE";
  g.currency_name = "la Roue (démo)";
  g.decimals = 2;
  g.par_num = 1;
  g.par_den = 1;
  g.created_at_ms = now_ms;
  g.time_zone = kDefaultTimeZone;  // its months and days (version 4, as init writes it)
  demo.keys.push_back({"board-1", KeyPair::Generate()});
  g.board_keys = {demo.keys.back().key.public_key()};
  g.board_threshold = 1;
  int64_t fund = 0;
  for (const DemoMember& m : kMembers) {
    demo.keys.push_back({m.key_name, KeyPair::Generate()});
    g.accounts.push_back(GenesisAccount{demo.keys.back().key.public_key(), m.kind, m.display_name,
                                        Amount(m.opening)});
    fund += m.opening;  // at par 1/1 a unit's minor unit is a euro cent
  }
  g.opening_fund = Amount(fund);
  // la Roue's rules, so the demo shows a bonus at conversion and a fee at reconversion.
  Programme bonus;
  bonus.name = "demo-bonus";
  bonus.sponsor = "Grand Avignon (démo)";
  bonus.ratio_num = 12;
  bonus.ratio_den = 10;
  bonus.rounding = Rounding::kDown;
  bonus.monthly_cap = 30'00;
  bonus.opening_budget = 500'00;
  g.rules.programmes = {bonus};
  g.rules.default_programme = bonus.name;  // a conversion gets the bonus unless told otherwise
  g.rules.reconversion = {5, 100, 1};
  // An office hands its cash to the bank before it holds more than this (version 3 ledgers:
  // init writes one); it converts for residents, merchants and municipalities only.
  g.rules.conversion.office_cash_ceiling = 2'000'00;
  return demo;
}

std::string DemoKeysDir(const std::string& data_dir) { return data_dir + "/demo-keys"; }

Status WriteDemoKeys(const std::string& data_dir, const std::vector<DemoKey>& keys) {
  const std::string dir = DemoKeysDir(data_dir);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return IoError("cannot create", dir);
  for (const DemoKey& k : keys) {
    const std::string path = dir + "/" + k.name + ".seed";
    const std::string text = ToHex(k.key.seed()) + "\n";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) return Status(Code::kAlreadyExists, path + " already exists");
      return IoError("cannot create", path);
    }
    // Whatever the umask, a seed is readable by its owner only.
    bool ok = ::fchmod(fd, 0600) == 0 &&
              ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
              ::fsync(fd) == 0;
    Status s = ok ? Status::Ok() : IoError("cannot write", path);
    if (::close(fd) != 0 && s.ok()) s = IoError("cannot write", path);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace liard::node
