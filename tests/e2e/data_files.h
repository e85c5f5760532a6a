// The files of a node's data directory, as tests find and damage them: shared by the store's
// tests (tests/node/) and the end-to-end ones. Header-only: no library to link.
#ifndef LIARD_TESTS_E2E_DATA_FILES_H_
#define LIARD_TESTS_E2E_DATA_FILES_H_

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace liard::testing {

// The largest write-ahead log file (*.log) of `dir`, or "" if it has none with data.
inline std::string LargestWal(const std::string& dir) {
  std::string best;
  uintmax_t size = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".log" && e.file_size() > size) {
      size = e.file_size();
      best = e.path().string();
    }
  return best;
}

// Flips (inverts) 16 bytes at `fraction` of the file; false if it is too short or unwritable.
inline bool FlipBytes(const std::string& path, double fraction) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  const auto size = static_cast<double>(std::filesystem::file_size(path));
  const auto at = static_cast<std::streamoff>(size * fraction);
  if (static_cast<double>(at) + 16 > size) return false;
  std::string bytes(16, '\0');
  f.seekg(at);
  f.read(bytes.data(), 16);
  for (char& b : bytes) b = static_cast<char>(~b);
  f.seekp(at);
  f.write(bytes.data(), 16);
  return f.good();
}

}  // namespace liard::testing

#endif  // LIARD_TESTS_E2E_DATA_FILES_H_
