#!/usr/bin/env bash
# Installs, with apt-get, whatever of liard's Debian 12 build dependencies is missing.
# Idempotent: when everything is present it changes nothing and returns at once.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libsodium-dev libssl-dev librocksdb-dev libicu-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  catch2
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libqrencode-dev libxml2-dev openssl
  postgresql libpq-dev
  chromium fonts-dejavu-core poppler-utils libpng-dev
  libcairo2-dev
  libcpp-httplib-dev
  prometheus-cpp-dev
  mmdebstrap
  faketime
  gettext locales
  etcd-server
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The French locale the wallet's users have (the tests run the wallet in it). Generated once;
# quick to check afterwards.
ensure_french_locale() {
  if locale -a 2>/dev/null | grep -qi '^fr_FR\.utf-\?8$'; then
    return 0
  fi
  local sudo=
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "liard setup: generating the fr_FR.UTF-8 locale"
  if [ -f /etc/locale.gen ] && grep -q '^# *fr_FR.UTF-8 UTF-8' /etc/locale.gen; then
    $sudo sed -i 's/^# *fr_FR.UTF-8 UTF-8/fr_FR.UTF-8 UTF-8/' /etc/locale.gen
  elif ! grep -q '^fr_FR.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
    echo 'fr_FR.UTF-8 UTF-8' | $sudo tee -a /etc/locale.gen >/dev/null
  fi
  $sudo locale-gen >/dev/null
}

# The phone's pages (web/, docs/dependencies.md): Node.js and npm from Debian when the machine has
# none (a machine with another Node.js keeps it: Debian's npm conflicts with some), then the npm
# packages pinned by web/package-lock.json, installed again only when the lock file is newer.
# Puppeteer never downloads a browser: the tests drive Debian's chromium.
ensure_web() {
  local root web need=()
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  web="$root/web"
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  if [ ${#need[@]} -gt 0 ]; then
    local sudo=
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    echo "liard setup: installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
  fi
  if [ ! -f "$web/node_modules/.package-lock.json" ] ||
     [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
    echo "liard setup: npm ci in web/ (from web/package-lock.json)"
    (cd "$web" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  ensure_french_locale
  ensure_web
  exit 0
fi

echo "liard setup: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
ensure_french_locale
ensure_web
