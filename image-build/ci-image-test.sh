#!/bin/sh
# The image test as CI runs it: only when image-build/ or provisioning/
# differ from the state recorded in .ci/image-tested (the tree hashes of the
# last run that passed), because it needs a release build, debootstrap and a
# QEMU boot. After a passing run it prints the line to record.
#
#   image-build/ci-image-test.sh          (as root, from a git checkout)
#   image-build/ci-image-test.sh --force  (run even when nothing changed)
#   image-build/ci-image-test.sh --state  (print the state to record)
set -eu
cd "$(dirname "$0")/.."
state() { printf 'image-build %s\nprovisioning %s\n' "$(git rev-parse HEAD:image-build)" "$(git rev-parse HEAD:provisioning)"; }
if [ "${1:-}" = --state ]; then state; exit 0; fi
if [ "${1:-}" != --force ] && [ -f .ci/image-tested ] && [ "$(state)" = "$(cat .ci/image-tested)" ]; then
  echo "image-build/ and provisioning/ unchanged since the last image test (.ci/image-tested): skipped"
  exit 0
fi
need=""
for tool in debootstrap:debootstrap mkfs.vfat:dosfstools mcopy:mtools sfdisk:fdisk bc:bc; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need="$need ${tool#*:}"
done
[ -f /usr/share/OVMF/OVMF_CODE.fd ] || need="$need ovmf"
export DEBIAN_FRONTEND=noninteractive
if [ -n "$need" ]; then apt-get update -q && apt-get install -y -q --no-install-recommends $need; fi
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
  # From bookworm-backports, so that it keeps the machine's qemu-utils 10.x.
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    >/etc/apt/sources.list.d/backports.sources
  apt-get update -q
  apt-get install -y -q --no-install-recommends -t bookworm-backports qemu-system-x86 qemu-utils
fi
cargo build --release -p balai
image-build/build-image.sh
image-build/test-image.sh
echo "image test passed; to record it: image-build/ci-image-test.sh --state > .ci/image-tested"
