#!/usr/bin/env bash
# Installs what only the tests need, when it is missing: promtool (Debian's prometheus package), which lints every
# service's /metrics in the end-to-end tests. Debian/Ubuntu.
set -euo pipefail
missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing ${missing[*]} (for the tests) ..."
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
# The package would start a Prometheus server where an init system runs; the tests need only its promtool.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
