#!/usr/bin/env bash
# Installs the Debian 12 packages ohlcv-rag needs to build, test and benchmark.
# Idempotent: packages already present are skipped by apt.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

PACKAGES=(
  # build
  cmake ninja-build g++ ccache pkg-config git ca-certificates
  # libraries
  libsqlite3-dev libcurl4-openssl-dev nlohmann-json3-dev libfmt-dev libspdlog-dev
  libcli11-dev libboost-dev libhnswlib-dev libedit-dev
  # exchange time zones (issue 16): date/tz and the tz database it reads
  libhowardhinnant-date-dev tzdata
  # the shared store (issue 14): libpq to build, a PostgreSQL 15 server the tests start
  libpq-dev postgresql-15
  # tests, benchmarks, fuzzing
  libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev clang libclang-rt-14-dev
  # tools used by tests: promtool (prometheus), wrk; deployment checks: yamllint
  prometheus wrk yamllint
  # cold-process CLI timings (bench/cli_bench.sh)
  hyperfine
  # web UI end-to-end tests (headless, driven by playwright-core from npm)
  chromium
  # the Kubernetes rollout rehearsal's load balancer (scripts/rollout-rehearsal.sh)
  nginx
  # the Docker proof (scripts/deploy-proof.sh ci): engine, Compose v1, base images
  docker.io docker-compose debootstrap
)
# node/npm fetch the word vectors and run the ChromaDB test server. Many machines
# carry a newer Node.js than Debian's; install Debian's only when there is none.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# prometheus pulls in a daemon we do not want running on a dev machine.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
  $SUDO systemctl stop prometheus || true
fi
echo "==> dependencies ready"
