#!/usr/bin/env bash
# Builds the local test image corral-test/busybox:1 without any registry: a rootfs made of Debian's
# static busybox (/bin/busybox, its applet symlinks, /bin/sh, /tmp) imported with `docker import`.
# Idempotent: does nothing when the image already exists. Installing busybox-static needs root.
set -euo pipefail

IMAGE="${CORRAL_TEST_IMAGE:-corral-test/busybox:1}"

fail() {
  echo "build-test-image: $*" >&2
  exit 1
}

command -v docker >/dev/null 2>&1 || fail "docker CLI not found (run scripts/install-docker.sh)"
docker info >/dev/null 2>&1 || fail "Docker engine does not answer (run scripts/install-docker.sh)"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "build-test-image: $IMAGE already exists" >&2
  exit 0
fi

# Debian's busybox-static ships a statically linked /bin/busybox: no libc needed in the rootfs.
BUSYBOX=/bin/busybox
# (Debian's plain `busybox` package also installs /bin/busybox, but dynamically linked.)
if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q "install ok installed"; then
  command -v apt-get >/dev/null 2>&1 || fail "no static $BUSYBOX and apt-get is not available"
  echo "build-test-image: installing busybox-static with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed"
  apt-get install -y -qq busybox-static >/dev/null || fail "apt-get install busybox-static failed"
fi

ROOTFS="$(mktemp -d)"
trap 'rm -rf "$ROOTFS"' EXIT
mkdir -p "$ROOTFS/bin" "$ROOTFS/tmp" "$ROOTFS/etc" "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/dev"
chmod 1777 "$ROOTFS/tmp"
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
# One symlink per applet (sh, echo, sleep, cat...) in /bin, so commands resolve without a PATH dance.
for applet in $("$BUSYBOX" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$ROOTFS/bin/$applet"
done
ln -sf busybox "$ROOTFS/bin/sh"

tar -C "$ROOTFS" -c . | docker import \
  --change 'CMD ["/bin/sh"]' \
  --change 'ENV PATH=/bin' \
  --message "corral test image: Debian busybox-static" \
  - "$IMAGE" >/dev/null || fail "docker import of $IMAGE failed"

echo "build-test-image: built $IMAGE" >&2
