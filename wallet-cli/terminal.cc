// The terminal: passphrases without echo, confirmations, secrets wiped after use.
#include "wallet-cli/terminal.h"

#include <fcntl.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>

#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {

SecretString::~SecretString() { Wipe(); }

SecretString::SecretString(SecretString&& other) noexcept : value_(std::move(other.value_)) {
  other.Wipe();
}

SecretString& SecretString::operator=(SecretString&& other) noexcept {
  if (this != &other) {
    Wipe();
    value_ = std::move(other.value_);
    other.Wipe();
  }
  return *this;
}

void SecretString::Wipe() {
  // The whole capacity: a shorter value may have left older bytes beyond size().
  if (value_.capacity() > 0) {
    value_.resize(value_.capacity());
    sodium_memzero(value_.data(), value_.size());
  }
  value_.clear();
}

namespace {

// Reads one line from `fd` with echo off; restores the terminal whatever happens.
bool ReadHidden(int fd, std::string_view prompt, SecretString* out) {
  ssize_t ignored = write(fd, prompt.data(), prompt.size());
  (void)ignored;
  struct termios old_mode;
  bool restore = tcgetattr(fd, &old_mode) == 0;
  if (restore) {
    struct termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string* s = out->mutable_value();
  s->clear();
  s->reserve(256);  // fewer reallocations leave fewer unwiped copies behind
  bool ok = false;
  for (;;) {
    char c;
    ssize_t n = read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (c == '\n' || c == '\r') {
      ok = true;
      break;
    }
    s->push_back(c);
  }
  if (restore) tcsetattr(fd, TCSAFLUSH, &old_mode);
  return ok;
}

CliStatus ReadFromTty(std::string_view prompt, bool confirm, std::string_view no_tty,
                      SecretString* out) {
  int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return CliStatus::Usage(std::string(no_tty));
  SecretString first;
  bool ok = ReadHidden(fd, prompt, &first);
  if (ok && confirm) {
    SecretString second;
    ok = ReadHidden(fd, _("Repeat the passphrase: "), &second);
    if (ok && first.value() != second.value()) {
      close(fd);
      return CliStatus::Usage(_("the two passphrases differ; nothing was written"));
    }
  }
  close(fd);
  if (!ok) return CliStatus::Usage(_("no passphrase was typed"));
  *out = std::move(first);
  return CliStatus::Ok();
}

}  // namespace

CliStatus ReadPassphrase(std::string_view prompt, bool confirm, SecretString* out) {
  if (const char* env = std::getenv("LIARD_PASSPHRASE"); env != nullptr) {
    *out = SecretString(std::string(env));
    return CliStatus::Ok();
  }
  return ReadFromTty(prompt, confirm,
                     _("no terminal to read the passphrase from; for scripts, set "
                       "LIARD_PASSPHRASE"),
                     out);
}

CliStatus ReadPassphraseFromTerminal(std::string_view prompt, std::string_view why_terminal,
                                     SecretString* out) {
  return ReadFromTty(prompt, false, why_terminal, out);
}

CliStatus Confirm(std::string_view question, bool yes, bool* accepted) {
  *accepted = false;
  if (yes) {
    *accepted = true;
    return CliStatus::Ok();
  }
  if (!isatty(STDIN_FILENO))
    return CliStatus::Usage(
        _("standard input is not a terminal, so nobody can confirm; add --yes to go ahead "
          "without asking"));
  std::cerr << SafeText(question, Newlines::kKeep) << " " << YesNoPrompt() << " " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return CliStatus::Usage(_("no answer was typed"));
  for (char& c : answer) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // "oui " or "o\r" (a terminal in raw mode, a Windows keyboard) is still a yes.
  while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.back())))
    answer.pop_back();
  while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.front())))
    answer.erase(0, 1);
  *accepted = answer == "y" || answer == "yes" || answer == "o" || answer == "oui";
  return CliStatus::Ok();
}

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) != 0; }

}  // namespace liard::wallet
