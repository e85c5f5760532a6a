#!/usr/bin/env bash
# README's test command: installs what is missing, builds everything (the benchmark programs
# too), runs every test; then the ledger and store tests again under AddressSanitizer and
# UndefinedBehaviorSanitizer (build-asan/, docs/architecture.md, "The sanitizer build").
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"

# Only what the two test programs need is built: the core, the codec, the store.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIARD_SANITIZE=ON \
  -DLIARD_BUILD_BENCHMARKS=OFF
cmake --build build-asan -j"$(nproc)" --target ledger_tests store_tests
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -R '^(ledger|store):'
