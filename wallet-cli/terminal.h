// The terminal: passphrases read without echo, confirmations, and secrets wiped after use.
#ifndef LIARD_WALLET_CLI_TERMINAL_H_
#define LIARD_WALLET_CLI_TERMINAL_H_

#include <string>
#include <string_view>

#include "wallet-cli/cli_status.h"

namespace liard::wallet {

// A string that wipes its bytes (sodium_memzero) when destroyed: passphrases and seeds in hex.
// Move-only, so that no stray copy outlives it.
class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string s) : value_(std::move(s)) {}
  ~SecretString();
  SecretString(SecretString&& other) noexcept;
  SecretString& operator=(SecretString&& other) noexcept;
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;

  const std::string& value() const { return value_; }
  std::string* mutable_value() { return &value_; }

 private:
  void Wipe();
  std::string value_;
};

// Reads a passphrase: from $LIARD_PASSPHRASE when set (scripts, tests), else from the
// controlling terminal (/dev/tty) with echo off, prompting with `prompt`; with `confirm`, asks
// twice and refuses a mismatch. Without a terminal and without the variable: a usage error
// that says to set LIARD_PASSPHRASE.
[[nodiscard]] CliStatus ReadPassphrase(std::string_view prompt, bool confirm, SecretString* out);
// The same from the terminal only, LIARD_PASSPHRASE ignored: for what a person must do in
// person (key export). Without a terminal: a usage error built from `why_terminal`.
[[nodiscard]] CliStatus ReadPassphraseFromTerminal(std::string_view prompt,
                                                   std::string_view why_terminal,
                                                   SecretString* out);

// Asks "question [y/N]" on the terminal and reads the answer from standard input. `yes`
// (the --yes flag) answers for the user. Without --yes and with standard input not a terminal,
// refuses with a usage error explaining --yes, rather than guessing. *accepted is false when
// the user says anything but y/yes/o/oui.
[[nodiscard]] CliStatus Confirm(std::string_view question, bool yes, bool* accepted);

// True if standard output is a terminal.
bool StdoutIsTerminal();

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_TERMINAL_H_
