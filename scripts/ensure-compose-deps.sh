#!/usr/bin/env bash
# Installs what `make compose-test` needs on a Debian machine without a Docker engine: podman, podman-compose and
# debootstrap, and the podman settings such a machine needs (runc, no default rlimits: crun and the default ulimits
# fail on a hybrid cgroup layout).
set -euo pipefail
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
for package in podman podman-compose debootstrap; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} ..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
conf=/etc/containers/containers.conf
if ! grep -qs 'runtime = "runc"' "$conf"; then
  echo "Writing $conf (runtime runc, no default ulimits)"
  $SUDO mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' | $SUDO tee "$conf" >/dev/null
fi
