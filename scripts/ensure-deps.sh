#!/usr/bin/env bash
# Installs the system packages Duban needs (libzmq, SQLite headers) when they are missing. Debian/Ubuntu.
set -euo pipefail
missing=()
dpkg -s libzmq3-dev >/dev/null 2>&1 || missing+=(libzmq3-dev)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)
/usr/bin/python3 -c "import zmq" >/dev/null 2>&1 || missing+=(python3-zmq)  # the ingress example client, run by the tests
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing ${missing[*]} ..."
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
