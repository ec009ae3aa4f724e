#!/usr/bin/env bash
# Installs the Debian packages the server needs at run time (idempotent; does nothing when they are present).
# librdkafka1: Kafka client (distributed mode); librocksdb7.8: live store; libzstd1/libsnappy1v5: block codecs;
# liblz4-1: embedded-log records and LZ4_RAW blocks (librocksdb brings it too).
set -euo pipefail
packages=(librdkafka1 librocksdb7.8 libzstd1 libsnappy1v5 liblz4-1 "$@")
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
