#!/usr/bin/env bash
# Installs the system packages Duban needs (libzmq, SQLite headers) when they are missing. Debian/Ubuntu.
set -euo pipefail
missing=()
dpkg -s libzmq3-dev >/dev/null 2>&1 || missing+=(libzmq3-dev)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing ${missing[*]} ..."
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
