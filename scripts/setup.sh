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
  faketime
  gettext locales
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
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
