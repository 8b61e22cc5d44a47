#!/bin/sh
# Builds a bootable amd64 disk image of the box from Debian packages.
#
#   image-build/build-image.sh [OUT_DIR]      (as root; default target/image)
#
# Layout (GPT): an EFI system partition with systemd-boot and one kernel per
# root slot, two root slots A and B (updates go to the inactive one), and a
# data partition for /var/lib/balai, so the often-written data never shares
# a filesystem with the system. Nothing is mounted or loop-attached: each
# partition is made as a file (mkfs.ext4 -d, mkfs.vfat + mcopy) and copied
# into place.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/target/image}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
work=$out/work
rootfs=$work/rootfs
mkdir -p "$out" "$work"
log() { printf '%s build-image: %s\n' "$(date +%T)" "$*" >&2; }

deb=$("$root/image-build/build-deb.sh" amd64)
log "package $deb"

# 1. The base system, cached between runs (debootstrap is the slow part).
if [ ! -f "$work/base.tar" ]; then
  log "debootstrap $suite"
  rm -rf "$rootfs"
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1
  tar -C "$rootfs" -cf "$work/base.tar" .
fi
rm -rf "$rootfs"; mkdir -p "$rootfs"; tar -C "$rootfs" -xf "$work/base.tar"

cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} $suite-security main
SOURCES

# 2. Packages: kernel, systemd, mDNS, firewall, time sync, and Balai.
in_root() { chroot "$rootfs" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
mount -t proc proc "$rootfs/proc"; mount --bind /sys "$rootfs/sys"; mount --bind /dev "$rootfs/dev"
trap 'umount "$rootfs/dev" "$rootfs/sys" "$rootfs/proc" 2>/dev/null || true' EXIT
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"; chmod +x "$rootfs/usr/sbin/policy-rc.d"
log "apt-get install"
in_root apt-get update -qq >"$work/apt.log" 2>&1
in_root apt-get install -y -qq --no-install-recommends \
  linux-image-amd64 systemd-sysv udev systemd-timesyncd systemd-boot-efi \
  avahi-daemon libnss-mdns nftables netbase dbus ca-certificates iproute2 espeak-ng \
  >>"$work/apt.log" 2>&1
cp "$deb" "$rootfs/tmp/balai.deb"
in_root dpkg -i /tmp/balai.deb >>"$work/apt.log" 2>&1
rm "$rootfs/tmp/balai.deb" "$rootfs/usr/sbin/policy-rc.d"
in_root apt-get clean
umount "$rootfs/dev" "$rootfs/sys" "$rootfs/proc"; trap - EXIT

# 3. The box's own settings.
sh "$root/image-build/configure-rootfs.sh" "$rootfs"

# 4. Partitions as files, then the disk.
kernel=$(ls "$rootfs"/boot/vmlinuz-* | head -1)
initrd=$(ls "$rootfs"/boot/initrd.img-* | head -1)
esp=$work/esp.img; rootimg=$work/root.img; data=$work/data.img
rm -f "$esp" "$rootimg" "$data"
log "ESP"
truncate -s 256M "$esp"; mkfs.vfat -F 32 -n BALAI-EFI "$esp" >/dev/null
mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries ::/a ::/b
mcopy -i "$esp" "$rootfs/usr/lib/systemd/boot/efi/systemd-bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$esp" "$kernel" ::/a/vmlinuz; mcopy -i "$esp" "$initrd" ::/a/initrd.img
printf 'default balai-a*\ntimeout 0\nconsole-mode keep\n' >"$work/loader.conf"
mcopy -i "$esp" "$work/loader.conf" ::/loader/loader.conf
printf 'title Balai (slot A)\nlinux /a/vmlinuz\ninitrd /a/initrd.img\noptions root=PARTLABEL=balai-root-a ro console=tty0 console=ttyS0,115200 quiet\n' \
  >"$work/balai-a.conf"
mcopy -i "$esp" "$work/balai-a.conf" ::/loader/entries/balai-a.conf
log "root filesystem"
rm -f "$rootfs"/boot/vmlinuz-* "$rootfs"/boot/initrd.img-*
mkfs.ext4 -q -F -L balai-root-a -d "$rootfs" "$rootimg" 1100M
log "data partition"
mkdir -p "$work/data-empty"
mkfs.ext4 -q -F -L balai-data -E root_owner=0:0 -d "$work/data-empty" "$data" 256M

disk=$out/balai-amd64.img
rm -f "$disk"
# 1 MiB alignment; slot B is as large as A and stays empty until the first update.
esp_mb=256; root_mb=1100; data_mb=256
truncate -s $((1 + esp_mb + 2 * root_mb + data_mb + 1))M "$disk"
sfdisk -q "$disk" <<LAYOUT
label: gpt
size=${esp_mb}MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=esp
size=${root_mb}MiB, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name=balai-root-a
size=${root_mb}MiB, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name=balai-root-b
size=${data_mb}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=balai-data
LAYOUT
place() { dd if="$1" of="$disk" bs=1M seek="$2" conv=notrunc,sparse status=none; }
place "$esp" 1
place "$rootimg" $((1 + esp_mb))
place "$data" $((1 + esp_mb + 2 * root_mb))
log "image $disk: $(du -h --apparent-size "$disk" | cut -f1) apparent, $(du -h "$disk" | cut -f1) on disk"
echo "$disk"
