#!/usr/bin/env bash
# Rewrites the outputs shown in the guides (docs/guide/*.md, docs/guide/fr/*.md) from a real run,
# keeping their prose and their commands, then runs them again to check that they now pass.
# docs/guide/README.md ("How the pages are tested") explains the page format.
#
#   scripts/update-guides.sh                          # every page
#   scripts/update-guides.sh resident.md fr/habitant.md   # some pages (paths under docs/guide/)
#   LIARD_GUIDE_UPDATE=all scripts/update-guides.sh PAGE   # rewrite even if the outputs match
#                                                          # (after changing a command)
#
# Each page runs against its own fresh demo node (guide_tests, built here in ./build, or in
# LIARD_BUILD). A page's outputs are rewritten only when one of them differs from the run (the
# varying parts, ids, addresses, dates, masked); then all of its outputs come from that one run,
# so its ids agree with each other. Review the diff (git diff docs/guide) before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${LIARD_BUILD:-build}"
cmake --build "$build" -j"$(nproc)" --target guide_tests >/dev/null
tests="$build/tests/guide_tests"

pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
  # Every page that holds commands, as the test lists them.
  mapfile -t pages < <("$tests" --list-test-names-only | sed -n 's|^docs/guide/||p')
fi

status=0
for page in "${pages[@]}"; do
  echo "update-guides: $page" >&2
  LIARD_GUIDE_UPDATE="${LIARD_GUIDE_UPDATE:-1}" "$tests" "docs/guide/$page" >/dev/null || true
  if ! LIARD_GUIDE_UPDATE= "$tests" "docs/guide/$page"; then
    echo "update-guides: $page still differs after its update (an output that changes from run to run needs a mask in tests/wallet/guide_pages_test.cc)" >&2
    status=1
  fi
done
exit $status
