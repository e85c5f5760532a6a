// CliStatus: the outcome of a wallet step, carrying the documented process exit code with it.
#ifndef LIARD_WALLET_CLI_CLI_STATUS_H_
#define LIARD_WALLET_CLI_CLI_STATUS_H_

#include <cstdint>
#include <string>
#include <utility>

namespace liard::wallet {

// The documented exit codes of `liard` (docs/wallet.md). Scripts rely on them: never renumber.
enum class Exit : int {
  kOk = 0,
  kRefused = 1,          // the ledger refused (or would refuse) the operation
  kUsage = 2,            // bad arguments: a mistyped address, a bad amount, a bad CSV line
  kUnreachable = 3,      // the node could not be reached
  kWrongPassphrase = 4,  // the key file did not open with the passphrase given
  kLocal = 5,            // anything else local: an unreadable file, a corrupt key file
};

// Like liard::Status, but its code is what the process exits with. Ignoring one is a build
// failure (-Werror=unused-result).
class [[nodiscard]] CliStatus {
 public:
  CliStatus() = default;
  CliStatus(Exit exit, std::string message) : exit_(exit), message_(std::move(message)) {}

  static CliStatus Ok() { return CliStatus(); }
  static CliStatus Refused(std::string m) { return CliStatus(Exit::kRefused, std::move(m)); }
  static CliStatus Usage(std::string m) { return CliStatus(Exit::kUsage, std::move(m)); }
  static CliStatus Unreachable(std::string m) {
    return CliStatus(Exit::kUnreachable, std::move(m));
  }
  static CliStatus WrongPassphrase(std::string m) {
    return CliStatus(Exit::kWrongPassphrase, std::move(m));
  }
  static CliStatus Local(std::string m) { return CliStatus(Exit::kLocal, std::move(m)); }

  bool ok() const { return exit_ == Exit::kOk; }
  Exit exit() const { return exit_; }
  int exit_code() const { return static_cast<int>(exit_); }
  const std::string& message() const { return message_; }
  // For a refused multi-leg payment: the first bad leg (1-based), as the node reported it.
  uint32_t leg() const { return leg_; }
  CliStatus& set_leg(uint32_t leg) {
    leg_ = leg;
    return *this;
  }
  // The ledger's code name of a refusal ("READ_REFUSED"), when the node gave one.
  const std::string& code_name() const { return code_name_; }
  CliStatus& set_code_name(std::string name) {
    code_name_ = std::move(name);
    return *this;
  }

 private:
  Exit exit_ = Exit::kOk;
  std::string message_;
  uint32_t leg_ = 0;
  std::string code_name_;
};

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_CLI_STATUS_H_
