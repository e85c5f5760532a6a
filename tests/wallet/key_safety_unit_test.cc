// The wallet's local defences without a node: the passphrase check, which node addresses are
// this machine, and the one atomic file writer (modes, O_EXCL, symlinks, no leftovers).
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "proto/loopback.h"
#include "wallet-cli/keystore.h"
#include "wallet-cli/node_client.h"
#include "wallet-cli/paths.h"

namespace liard::wallet {
namespace {

namespace fs = std::filesystem;

struct ScratchDir {
  ScratchDir() {
    char tmpl[] = "/tmp/liard-keysafety-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~ScratchDir() { fs::remove_all(path); }
  std::string Join(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

std::string Slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

unsigned ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

TEST_CASE("a new key's passphrase that is easy to guess is refused, a sentence is not",
          "[wallet][keys][security]") {
  for (const char* weak :
       {"", "short", "12345678", "1234567890123456", "aaaaaaaaaaaaaaaa", "abcabcabcabcabc",
        "password1234", "Password2026!", "azertyuiop12", "qwertyuiop!!", "motdepasse2026",
        "soleil-soleil-2026", "abcdefghijklmn", "alicealice2026", "Alice-1234567890"}) {
    CliStatus s = CheckNewPassphrase(weak, "alice");
    INFO(weak);
    CHECK(s.exit() == Exit::kUsage);
    CHECK_THAT(s.message(), Catch::Contains("too easy to guess"));
  }
  // Counted in characters, not bytes: eleven accented letters are still too short.
  CHECK(!CheckNewPassphrase("éèàùâêîôûçë", "k").ok());
  for (const char* good : {"une phrase de passe", "cheval agrafe pile correcte", "demo passphrase",
                           "Le chat de Zoé dort 3 fois", "alice mange 4 poires"}) {
    INFO(good);
    CHECK(CheckNewPassphrase(good, "alice").ok());
  }
}

TEST_CASE("a node address is this machine only for 127.0.0.0/8, ::1 and localhost",
          "[wallet][security]") {
  for (const char* local : {"127.0.0.1:7421", "127.8.9.10:1", "localhost:7421", "LocalHost:1",
                            "[::1]:7421", "[::ffff:127.0.0.1]:7421"})
    CHECK(IsLoopbackAddress(local));
  for (const char* remote :
       {"0.0.0.0:7421", "192.0.2.1:7421", "10.0.0.1:7421", "128.0.0.1:7421", "[::]:7421",
        "[2001:db8::1]:7421", "node.example.org:7421", "localhost.example.org:7421",
        "127.0.0.1.example.org:7421", "[::ffff:10.0.0.1]:7421"})
    CHECK_FALSE(IsLoopbackAddress(remote));
}

TEST_CASE("a file written atomically is 0600 whatever the umask and leaves nothing beside it",
          "[wallet][security]") {
  ScratchDir dir;
  const mode_t old = ::umask(0);
  CliStatus s = WriteFileAtomically(dir.Join("state"), "one\n");
  ::umask(old);
  REQUIRE(s.ok());
  CHECK(Slurp(dir.Join("state")) == "one\n");
  CHECK(ModeOf(dir.Join("state")) == 0600);
  REQUIRE(WriteFileAtomically(dir.Join("state"), "two\n").ok());
  CHECK(Slurp(dir.Join("state")) == "two\n");
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path)) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("a file written atomically never goes through a symlink nor, when new, over a file",
          "[wallet][security]") {
  ScratchDir dir;
  const std::string victim = dir.Join("victim");
  { std::ofstream(victim) << "precious\n"; }
  // Replacing: the symlink itself is replaced, its target is untouched.
  REQUIRE(::symlink(victim.c_str(), dir.Join("link").c_str()) == 0);
  REQUIRE(WriteFileAtomically(dir.Join("link"), "mine\n").ok());
  CHECK(Slurp(victim) == "precious\n");
  CHECK(fs::is_regular_file(fs::symlink_status(dir.Join("link"))));
  // A new file: never over an existing file, nor a symlink (even a dangling one).
  bool existed = false;
  CliStatus s = WriteFileAtomically(victim, "overwritten\n", /*replace=*/false, &existed);
  CHECK(s.exit() == Exit::kUsage);
  CHECK(existed);
  CHECK(Slurp(victim) == "precious\n");
  REQUIRE(::symlink(dir.Join("nowhere").c_str(), dir.Join("dangling").c_str()) == 0);
  s = WriteFileAtomically(dir.Join("dangling"), "secret\n", /*replace=*/false, &existed);
  CHECK(existed);
  CHECK(!fs::exists(dir.Join("nowhere")));
  REQUIRE(WriteFileAtomically(dir.Join("fresh"), "new\n", /*replace=*/false, &existed).ok());
  CHECK(!existed);
  CHECK(Slurp(dir.Join("fresh")) == "new\n");
  CHECK(ModeOf(dir.Join("fresh")) == 0600);
  size_t tmp_files = 0;
  for (const auto& e : fs::directory_iterator(dir.path))
    if (e.path().filename().string().find(".tmp") != std::string::npos) ++tmp_files;
  CHECK(tmp_files == 0);
}

TEST_CASE("new keys are sealed with the MODERATE limits unless --fast asks for INTERACTIVE",
          "[wallet][keys][security]") {
  Seed seed;
  seed.data.fill(5);
  KeyFile moderate, fast;
  REQUIRE(SealSeed(seed, "une phrase de passe", KdfLimits::kModerate, &moderate).ok());
  CHECK(moderate.memlimit == crypto_pwhash_MEMLIMIT_MODERATE);
  CHECK(moderate.opslimit == crypto_pwhash_OPSLIMIT_MODERATE);
  REQUIRE(SealSeed(seed, "une phrase de passe", KdfLimits::kInteractive, &fast).ok());
  CHECK(fast.memlimit == crypto_pwhash_MEMLIMIT_INTERACTIVE);
  // The limits travel in the file: each opens with its own.
  KeyFile back;
  REQUIRE(KeyFileFromJson(KeyFileToJson(fast), "fast.key", &back).ok());
  Seed out;
  REQUIRE(OpenSeed(back, "une phrase de passe", "fast", &out).ok());
  CHECK(out.data == seed.data);
}

}  // namespace
}  // namespace liard::wallet
