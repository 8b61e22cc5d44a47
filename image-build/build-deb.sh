#!/bin/sh
# Builds the Debian package balai_<version>_<arch>.deb from a release binary.
#
#   image-build/build-deb.sh [ARCH] [BINARY]
#
# ARCH is amd64 (default) or arm64; BINARY defaults to the cargo release
# build for that architecture. The package is written to target/deb/.
# dpkg-deb is Debian's own tool for this; no packaging crate is needed.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:-amd64}
case "$arch" in
  amd64) triple=x86_64-unknown-linux-gnu; default_bin=$root/target/release/balai ;;
  arm64) triple=aarch64-unknown-linux-gnu; default_bin=$root/target/$triple/release/balai ;;
  *) echo "build-deb.sh: unknown architecture '$arch' (amd64 or arm64)" >&2; exit 2 ;;
esac
bin=${2:-$default_bin}
if [ ! -x "$bin" ]; then
  if [ "$arch" = amd64 ]; then
    (cd "$root" && cargo build --release -p balai)
  else
    echo "build-deb.sh: no $arch binary at $bin; build it with: cargo build --release -p balai --target $triple" >&2
    exit 1
  fi
fi
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)
out=$root/target/deb
pkg=$out/balai_${version}_${arch}
rm -rf "$pkg"
install -d "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/lib/systemd/system" "$pkg/etc/balai" \
  "$pkg/usr/lib/sysusers.d" "$pkg/usr/share/doc/balai" "$pkg/lib/udev/rules.d"
install -m 0755 "$bin" "$pkg/usr/bin/balai"
install -m 0644 "$root/provisioning/balai.service" "$pkg/lib/systemd/system/balai.service"
install -m 0640 "$root/provisioning/balai.toml" "$pkg/etc/balai/balai.toml"
install -m 0644 "$root/provisioning/systemd/balai-usb@.service" "$pkg/lib/systemd/system/balai-usb@.service"
install -m 0644 "$root/provisioning/udev/90-balai-usb.rules" "$pkg/lib/udev/rules.d/90-balai-usb.rules"
install -m 0644 "$root/provisioning/sysusers-balai.conf" "$pkg/usr/lib/sysusers.d/balai.conf"
install -m 0644 "$root/README.md" "$pkg/usr/share/doc/balai/README.md"
printf 'Balai: a village office in a box.\nLicense: AGPL-3.0-or-later\nFonts: see appliance/data/fonts/README.md in the source.\n' \
  > "$pkg/usr/share/doc/balai/copyright"
echo /etc/balai/balai.toml > "$pkg/DEBIAN/conffiles"
size=$(du -sk "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: balai
Version: $version
Architecture: $arch
Maintainer: Balai developers <balai@localhost>
Installed-Size: $size
Depends: libc6 (>= 2.34), systemd
Recommends: espeak-ng, avahi-daemon
Section: net
Priority: optional
Homepage: https://balai.local/
Description: village office in a box
 One daemon serves a whole Indonesian village over the office's Wi-Fi:
 letters with e-signatures, the population register, the counter queue,
 posyandu and health records, sensors over MQTT and encrypted backups.
CONTROL
cat > "$pkg/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  systemd-sysusers balai.conf
  install -d -o balai -g balai -m 0750 /var/lib/balai
  chgrp balai /etc/balai/balai.toml
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable balai.service >/dev/null
    # An upgrade restarts the daemon, which runs its data migrations on start.
    systemctl restart balai.service
  else
    # In an image build (a chroot): enabled now, started at first boot.
    systemctl enable balai.service >/dev/null 2>&1 || \
      ln -sf /lib/systemd/system/balai.service /etc/systemd/system/multi-user.target.wants/balai.service
  fi
fi
POSTINST
cat > "$pkg/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
  systemctl stop balai.service || true
fi
PRERM
cat > "$pkg/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
if [ "$1" = purge ]; then
  # The village's records are never deleted by the package manager.
  echo "balai: the village data in /var/lib/balai was kept; remove it by hand if it is really no longer needed." >&2
fi
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
POSTRM
chmod 0755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/prerm" "$pkg/DEBIAN/postrm"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$pkg.deb" >/dev/null
rm -rf "$pkg"
echo "$pkg.deb"
