// Tamper: opens a liard-node database with RocksDB itself, as someone going behind the node's
// back would, so that tests can prove such edits are caught (by the store, or by an audit).
#ifndef LIARD_TESTS_E2E_TAMPER_H_
#define LIARD_TESTS_E2E_TAMPER_H_

#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace liard::testing {

// Runs `edit` on the database in `dir` with every column family open by name ("meta",
// "accounts", "balances", ...). The node must not be running.
inline void Tamper(
    const std::string& dir,
    const std::function<void(rocksdb::DB*, std::map<std::string, rocksdb::ColumnFamilyHandle*>&)>&
        edit) {
  rocksdb::DBOptions options;
  std::vector<std::string> names;
  REQUIRE(rocksdb::DB::ListColumnFamilies(options, dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(options, dir, descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::map<std::string, rocksdb::ColumnFamilyHandle*> cf;
  for (size_t i = 0; i < names.size(); ++i) cf[names[i]] = handles[i];
  edit(db.get(), cf);
  for (auto* h : handles) REQUIRE(db->DestroyColumnFamilyHandle(h).ok());
  REQUIRE(db->Close().ok());
}

// Big-endian integers, as the store keeps sequences and balances.
inline std::string U64Bytes(uint64_t v) {
  std::string s;
  for (int i = 7; i >= 0; --i) s.push_back(static_cast<char>(v >> (8 * i)));
  return s;
}
inline std::string I64Bytes(int64_t v) { return U64Bytes(static_cast<uint64_t>(v)); }

}  // namespace liard::testing

#endif  // LIARD_TESTS_E2E_TAMPER_H_
