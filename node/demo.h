// Demo: the embedded "la Roue (démo)" currency of `liard-node init --demo`, with fresh keys
// written beside the data so that anyone can try the node without a board meeting.
#ifndef LIARD_NODE_DEMO_H_
#define LIARD_NODE_DEMO_H_

#include <string>
#include <utility>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "ledger/status.h"

namespace liard::node {

struct DemoKey {
  std::string name;  // "board-1", "association", "office", "shop", "alice", "bob"
  KeyPair key;
};

struct Demo {
  Genesis genesis;
  std::vector<DemoKey> keys;
};

// The demo currency with newly generated keys: each demo is its own ledger, so keys that were
// published with one demo can never sign for another.
Demo MakeDemo(int64_t now_ms);

// The folder, under the data directory, that holds the demo keys.
std::string DemoKeysDir(const std::string& data_dir);

// Writes each key's seed as DIR/demo-keys/<name>.seed: 64 lower-case hex characters and a
// newline, mode 0600, in a folder of mode 0700. Refuses (kAlreadyExists) to overwrite a file.
[[nodiscard]] Status WriteDemoKeys(const std::string& data_dir, const std::vector<DemoKey>& keys);

}  // namespace liard::node

#endif  // LIARD_NODE_DEMO_H_
