#!/usr/bin/env bash
# Makes the images deploy/Dockerfile starts from, under exactly the names it uses, on a machine that cannot pull from a
# registry (podman, no Docker Hub): debian:bookworm-slim from debootstrap, swift:6.3-bookworm from it plus this
# machine's Swift toolchain (/opt/swift) and package copies (/opt/swift-packages). Images that exist are reused.
set -euo pipefail
DEBIAN_IMAGE=docker.io/library/debian:bookworm-slim
SWIFT_IMAGE=docker.io/library/swift:6.3-bookworm
here="$(cd "$(dirname "$0")" && pwd)"

exists() { podman image exists "$1"; }

if exists "$DEBIAN_IMAGE"; then
  echo "stand-in $DEBIAN_IMAGE: reused"
else
  echo "stand-in $DEBIAN_IMAGE: debootstrap (about 30 s)"
  rootfs="$(mktemp -d /tmp/duban-rootfs.XXXXXX)"
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  tar -C "$rootfs" -c . | podman import --quiet - "$DEBIAN_IMAGE" >/dev/null
fi

if exists "$SWIFT_IMAGE"; then
  echo "stand-in $SWIFT_IMAGE: reused"
else
  echo "stand-in $SWIFT_IMAGE: Debian + build dependencies + /opt/swift + /opt/swift-packages (about 2 min)"
  test -x /opt/swift/usr/bin/swift || { echo "no Swift toolchain at /opt/swift" >&2; exit 1; }
  podman build --quiet -v /opt:/host-opt:ro -t "$SWIFT_IMAGE" -f "$here/swift-standin.Containerfile" "$here" >/dev/null
fi
