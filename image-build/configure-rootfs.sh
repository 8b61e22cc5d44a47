#!/bin/sh
# The box's settings inside a root filesystem (run by build-image.sh).
#
#   image-build/configure-rootfs.sh ROOTFS
set -eu
r=$1
echo balai >"$r/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 balai\n::1 localhost\n' >"$r/etc/hosts"

# The root filesystem is mounted read-only; everything that is written often
# lives on the data partition or in memory, so an SD card is written rarely.
cat >"$r/etc/fstab" <<'FSTAB'
PARTLABEL=balai-root-a /             ext4  ro,noatime                 0 1
PARTLABEL=esp          /boot/efi     vfat  umask=0077,noauto,x-systemd.automount 0 2
PARTLABEL=balai-data   /var/lib/balai ext4 rw,noatime,commit=30,x-systemd.growfs 0 2
tmpfs                  /tmp          tmpfs mode=1777,size=64M        0 0
tmpfs                  /var/tmp      tmpfs mode=1777,size=16M        0 0
tmpfs                  /var/lib/systemd tmpfs mode=0755,size=8M      0 0
FSTAB
mkdir -p "$r/boot/efi"

# Networking: DHCP on any wired or wireless interface.
mkdir -p "$r/etc/systemd/network"
printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\nMulticastDNS=no\n' >"$r/etc/systemd/network/20-wired.network"
ln -sf /lib/systemd/system/systemd-networkd.service "$r/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
# resolv.conf from networkd's leases, written under /run (root is read-only).
ln -sf /run/systemd/resolve/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true

# Logs in memory only, bounded: an SD card does not wear out on logs.
mkdir -p "$r/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=32M\n' >"$r/etc/systemd/journald.conf.d/balai.conf"

# systemd's own state (time-sync clock file, random seed, lingering users)
# is kept in memory (the tmpfs above) because the root is read-only.
# Time sync when a network exists (the box works without one).
ln -sf /lib/systemd/system/systemd-timesyncd.service "$r/etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service" 2>/dev/null || true
mkdir -p "$r/etc/systemd/timesyncd.conf.d"
printf '[Time]\nFallbackNTP=0.id.pool.ntp.org 1.id.pool.ntp.org\n' >"$r/etc/systemd/timesyncd.conf.d/balai.conf"

# mDNS: the box answers as balai.local.
sed -i 's/^#\?host-name=.*/host-name=balai/' "$r/etc/avahi/avahi-daemon.conf" 2>/dev/null || true

# Firewall: only the web (80, 443), MQTT (1883, 8883), mDNS and DHCP answers.
cat >"$r/etc/nftables.conf" <<'NFT'
#!/usr/sbin/nft -f
flush ruleset
table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    iif lo accept
    ct state established,related accept
    ip protocol icmp accept
    ip6 nexthdr ipv6-icmp accept
    tcp dport { 80, 443, 1883, 8883 } accept
    udp dport 5353 accept
    udp dport 68 accept
    udp dport 546 accept
  }
  chain forward { type filter hook forward priority 0; policy drop; }
  chain output { type filter hook output priority 0; policy accept; }
}
NFT
ln -sf /lib/systemd/system/nftables.service "$r/etc/systemd/system/sysinit.target.wants/nftables.service"

# No passwords on the console: the root account is locked; the box is run
# from its web pages. SSH is not installed unless provisioning adds it.
chroot "$r" passwd -l root >/dev/null
# Serial console output for the QEMU test and for a technician with a cable.
ln -sf /lib/systemd/system/serial-getty@.service "$r/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service" 2>/dev/null || true
