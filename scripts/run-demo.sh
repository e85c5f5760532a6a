#!/usr/bin/env bash
# README's run command: builds liard-node, the liard wallet and the phone's pages, creates the demo currency
# in demo-data/ the first time (its keys in demo-data/demo-keys/), and serves it on 127.0.0.1:7421
# (gRPC) and http://127.0.0.1:7480/ (the pages: the till and the pocket wallet) until Ctrl-C.
# Extra arguments go to `liard-node run`, e.g. --listen 127.0.0.1:0. LIARD_DEMO_DATA overrides
# the data directory, LIARD_DEMO_WEB the pages' address (HOST:PORT).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target liard-node liard liard_web

data="${LIARD_DEMO_DATA:-demo-data}"
web="${LIARD_DEMO_WEB:-127.0.0.1:7480}"
node=build/node/liard-node
# demo-keys/ appears with a successful `init --demo`: without it there is no demo yet.
if [ ! -d "$data/demo-keys" ]; then
  "$node" init --data "$data" --demo
fi
echo "liard demo: data in $data, keys in $data/demo-keys, wallet in build/wallet-cli/liard;" \
  "the till at http://$web/till/, the pocket wallet at http://$web/wallet/;" \
  "Ctrl-C stops the node" >&2
exec "$node" run --data "$data" --web-listen "$web" --web-root build/web/dist "$@"
