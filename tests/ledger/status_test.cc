// Status codes: stable numbers, names, groups.
#include "ledger/status.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

using liard::Code;
using liard::CodeGroup;

TEST_CASE("every code has a unique name and a description", "[ledger][status]") {
  std::set<std::string> names;
  for (int n = 0; n < 400; ++n) {
    auto code = static_cast<Code>(n);
    std::string name(liard::CodeName(code));
    if (name == "UNKNOWN_CODE") continue;
    CHECK(names.insert(name).second);
    CHECK_FALSE(liard::CodeDescription(code).empty());
  }
  CHECK(names.size() > 30);
}

TEST_CASE("every code declared in status.h has a name", "[ledger][status]") {
  // Reads the header itself, so a code added without its table row fails here.
  // CMake compiles this file by absolute path: the tree's root is three levels up.
  auto root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  std::ifstream in(root / "ledger" / "status.h");
  REQUIRE(in.good());
  std::regex decl(R"(^\s+k(\w+) = (\d+),)");
  int declared = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, decl)) continue;
    ++declared;
    auto code = static_cast<Code>(std::stoi(m[2]));
    INFO("k" << m[1] << " = " << m[2]);
    CHECK(liard::CodeName(code) != "UNKNOWN_CODE");
  }
  CHECK(declared > 40);
}

TEST_CASE("codes are grouped by their number range", "[ledger][status]") {
  CHECK(liard::GroupOf(Code::kOk) == CodeGroup::kOk);
  CHECK(liard::GroupOf(Code::kIOError) == CodeGroup::kGeneric);
  CHECK(liard::GroupOf(Code::kBadSignature) == CodeGroup::kMalformed);
  CHECK(liard::GroupOf(Code::kInsufficientFunds) == CodeGroup::kRefused);
  CHECK(liard::GroupOf(Code::kReserveShort) == CodeGroup::kInvariant);
}

TEST_CASE("stored code numbers never change", "[ledger][status]") {
  // These numbers are in journals and on the wire: this test fails if anyone renumbers.
  CHECK(static_cast<int>(Code::kBadSignature) == 102);
  CHECK(static_cast<int>(Code::kWrongLedger) == 103);
  CHECK(static_cast<int>(Code::kInsufficientFunds) == 205);
  CHECK(static_cast<int>(Code::kSequenceUsed) == 203);
  CHECK(static_cast<int>(Code::kReserveShort) == 304);
}

TEST_CASE("a status prints its code name and message", "[ledger][status]") {
  liard::Status s(Code::kInsufficientFunds, "balance 3.00 is less than 5.00");
  CHECK_FALSE(s.ok());
  CHECK(s.ToString() == "INSUFFICIENT_FUNDS: balance 3.00 is less than 5.00");
  CHECK(liard::Status::Ok().ok());
}
