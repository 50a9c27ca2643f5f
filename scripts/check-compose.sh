#!/usr/bin/env bash
# Validates docker-compose.yml with docker-compose itself (Debian's package), without a Docker engine.
set -euo pipefail
if ! command -v docker-compose >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq docker-compose
fi
docker-compose -f docker-compose.yml config -q
echo "docker-compose config: ok"
