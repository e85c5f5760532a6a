// The node listens in plaintext only on loopback (issue 14, item 1): off loopback it needs [tls]
// or an explicit --insecure, which it then says at WARN on every start.
#include <signal.h>

#include <catch2/catch.hpp>
#include <string>

#include "tests/e2e/harness.h"

namespace liard::e2e {
namespace {

TEST_CASE("a node refuses to listen off loopback without TLS, naming the fix", "[e2e][tls]") {
  TempDir tmp;
  const std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  for (const char* listen : {"0.0.0.0:0", "[::]:0", "192.0.2.1:0"}) {
    CommandResult r = RunNode({"run", "--data", data, "--listen", listen});
    INFO(listen << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());  // never listened
    CHECK_THAT(r.err, Catch::StartsWith(std::string("liard-node: refusing to listen on ") + listen +
                                        " without TLS") &&
                          Catch::Contains("[tls]") && Catch::Contains("--insecure"));
  }
  // The same from the config file.
  WriteFile(tmp.Join("node.toml"), "[server]\nlisten = \"0.0.0.0:0\"\n");
  CommandResult r = RunNode({"run", "--data", data, "--config", tmp.Join("node.toml")});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("refusing to listen on 0.0.0.0:0 without TLS"));
}

TEST_CASE("with --insecure a node serves plaintext off loopback and warns at every start",
          "[e2e][tls]") {
  TempDir tmp;
  const std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  ChildProcess node(NodePath(), {"run", "--data", data, "--listen", "0.0.0.0:0", "--insecure"});
  REQUIRE(node.WaitFor("liard-node listening on 0.0.0.0:", false, Millis(30'000)));
  REQUIRE(node.WaitFor("event=start", true, Millis(10'000)));
  const std::string out = node.out();
  const std::string port = out.substr(out.rfind(':') + 1, out.find('\n') - out.rfind(':') - 1);
  // It serves: a client on this machine reads its head.
  Client c(MakeChannel("127.0.0.1:" + port));
  CHECK(c.Head().currency_code() == "ROUE");
  const std::string err = node.err();
  CHECK_THAT(err, Catch::Contains("warning event=insecure listen=0.0.0.0:" + port));
  CHECK_THAT(err, Catch::Contains("PLAINTEXT"));
  CHECK_THAT(
      err, Catch::Contains("warning event=start listen=0.0.0.0:" + port + " tls=off insecure=yes"));
  CHECK(node.Signal(SIGTERM) == 0);
}

TEST_CASE(
    "a node on loopback needs neither TLS nor --insecure, and one with TLS may listen "
    "anywhere",
    "[e2e][tls]") {
  TempDir tmp;
  const std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  {
    NodeProcess node(data);  // 127.0.0.1:0, no TLS
    node.Start();
    CHECK_THAT(node.err(),
               Catch::Contains("info event=start") && Catch::Contains("tls=off insecure=no"));
    CHECK(node.err().find("event=insecure") == std::string::npos);
    CHECK(node.Stop() == 0);
  }
  MakeCertificate(tmp, "node");
  WriteFile(tmp.Join("node.toml"), "[tls]\ncert = \"" + tmp.Join("node.crt") + "\"\nkey = \"" +
                                       tmp.Join("node.key") + "\"\n");
  ChildProcess node(NodePath(), {"run", "--data", data, "--config", tmp.Join("node.toml"),
                                 "--listen", "0.0.0.0:0"});
  REQUIRE(node.WaitFor("liard-node listening on 0.0.0.0:", false, Millis(30'000)));
  REQUIRE(node.WaitFor("event=start", true, Millis(10'000)));
  CHECK_THAT(node.err(), Catch::Contains("tls=on insecure=no"));
  CHECK(node.err().find("event=insecure") == std::string::npos);
  CHECK(node.Signal(SIGTERM) == 0);
}

}  // namespace
}  // namespace liard::e2e
