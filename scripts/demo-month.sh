#!/usr/bin/env bash
# A month of activity on the demo node, for the treasurer's and the auditor's guides
# (docs/guide/treasurer.md): six residents join (10,00 € each), convert euros with the bonus,
# pay the bakery, buy paper notes; the bakery reconverts and hands notes back. Run it once, with
# the demo node serving (README's run command), from the repository's root:
#
#   scripts/demo-month.sh
#
# It imports the demo keys it needs (association, office, shop, alice, bob) into your wallet if
# they are not there, and creates one key per new resident. LIARD_DEMO_DATA names the demo's
# data directory (default demo-data), LIARD_NODE the node's address, LIARD_PASSPHRASE the keys'
# passphrase (default "demo passphrase"). Everything goes through the wallet, signed and checked
# by the node like any real operation; the amounts are fixed, so the guide's figures repeat.
set -euo pipefail
cd "$(dirname "$0")/.."

liard="${LIARD_WALLET:-build/wallet-cli/liard}"
data="${LIARD_DEMO_DATA:-demo-data}"
export LIARD_PASSPHRASE="${LIARD_PASSPHRASE:-demo passphrase}"
[ -x "$liard" ] || { echo "demo-month: build the wallet first (README's run command)" >&2; exit 2; }
[ -d "$data/demo-keys" ] || { echo "demo-month: no demo in $data (README's run command)" >&2; exit 2; }

# The demo's keys are sealed with the quick key derivation (--fast): their passphrase is public, and
# the month unlocks them some forty times.
for k in association office shop alice bob; do
  "$liard" key show "$k" >/dev/null 2>&1 ||
    "$liard" key import "$k" --fast --seed-file "$data/demo-keys/$k.seed" >/dev/null
done
addr() { "$liard" key export "$1" --address; }
run() { "$liard" "$@" --yes >/dev/null; }

shop=$(addr shop)
next_year=$(($(date -u +%Y) + 1))
# Six residents join at the office, 10,00 € of membership fee each, and convert with the bonus.
names=("Chloé Petit" "David Roux" "Emma Blanc" "Farid Benali" "Gaëlle Morel" "Hugo Faure")
euros=(20 30 40 25 50 35)
for i in "${!names[@]}"; do
  key="resident-$((i + 1))"
  "$liard" key show "$key" >/dev/null 2>&1 || "$liard" key new "$key" --fast >/dev/null
  run --key office account open "$(addr "$key")" --name "${names[$i]}" \
    --member-until "$next_year-12-31" --fee 10
  run --key office convert --member "$(addr "$key")" --eur "${euros[$i]}" --programme demo-bonus
done
run --key office convert --member "$(addr alice)" --eur 30 --programme demo-bonus

# Purchases at the bakery: 18 payments.
amounts=(4,20 12,50 3,80 7,10 13,40 2,40 6,30 9,90 11,20 4,20 10,00 5,50 3,10 8,60 15,00 7,70 6,80 4,90)
for j in "${!amounts[@]}"; do
  payer="resident-$((j % 6 + 1))"
  run --key "$payer" pay "$shop" "${amounts[$j]}" --memo "achat $((j + 1))"
done
run --key alice pay "$shop" 20,00 --memo "pain et brioches"
run --key bob pay "$shop" 12,00 --memo "gâteau"

# Paper notes: the office sells 150,00 € of notes; the bakery hands 40 back, and reconverts 100.
run --key office notes sell --eur 150
run --key office notes redeem --merchant "$shop" --units 40
run --key shop reconvert 100
echo "demo-month: done; the treasurer's guide goes on from here (docs/guide/treasurer.md)"
