#!/usr/bin/env bash
# Installs the Debian packages that building, running and testing Seshat need.
# Idempotent: packages already present are skipped, so a second run costs one dpkg query.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  clang clang-format
  librocksdb-dev libgoogle-perftools-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libasio-dev libssl-dev openssl libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-pytest python3-redis
  redis-server redis-tools faketime
  etcd-server etcd-client nghttp2-client gnuplot-nox
  linux-perf
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian redis-server package starts a system service on :6379; Seshat's default port.
  # Our tests and benchmarks start their own redis-server on free ports, so stop the system one.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
    $SUDO systemctl stop redis-server || true
    $SUDO systemctl disable redis-server || true
  fi
  if pgrep -x redis-server >/dev/null 2>&1 && [ -f /etc/init.d/redis-server ]; then
    $SUDO /etc/init.d/redis-server stop >/dev/null 2>&1 || true
  fi
  if pgrep -x etcd >/dev/null 2>&1 && [ -f /etc/init.d/etcd ]; then
    $SUDO /etc/init.d/etcd stop >/dev/null 2>&1 || true
  fi
  echo "setup: done"
fi

# Node.js client libraries for the client tests (tests/clients/package.json, pinned by its
# package-lock.json): ioredis. Node and npm come from Debian when the machine has neither.
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing nodejs npm"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
clients="$(cd "$(dirname "$0")/.." && pwd)/tests/clients"
if [ ! -f "$clients/node_modules/ioredis/package.json" ]; then
  echo "setup: installing the Node.js client libraries in tests/clients"
  (cd "$clients" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
