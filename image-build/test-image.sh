#!/bin/sh
# Boots the amd64 image in QEMU (software emulation: KVM hangs on the build
# machines) and checks the box as a village would meet it: it serves
# /healthz over HTTPS on a forwarded port, then shuts down cleanly on an
# ACPI power-button press.
#
#   image-build/test-image.sh [IMAGE]     (default target/image/balai-amd64.img)
#
# Prints the seconds from power-on to serving. The image itself is not
# changed: the VM writes to a throwaway overlay.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
image=${1:-$root/target/image/balai-amd64.img}
work=$(mktemp -d /tmp/balai-vm.XXXXXX)
trap 'kill "$(cat "$work/qemu.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
https=$(free_port); http=$(free_port); mqtt=$(free_port)
qemu-img create -q -f qcow2 -F raw -b "$(realpath "$image")" "$work/disk.qcow2"
cp /usr/share/OVMF/OVMF_VARS.fd "$work/vars.fd"
start=$(date +%s.%N)
qemu-system-x86_64 -accel tcg -m 1024 -smp 2 -display none -no-reboot \
  -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \
  -drive if=pflash,format=raw,file="$work/vars.fd" \
  -drive file="$work/disk.qcow2",format=qcow2,if=virtio \
  -netdev user,id=n0,hostfwd=tcp:127.0.0.1:$https-:443,hostfwd=tcp:127.0.0.1:$http-:80,hostfwd=tcp:127.0.0.1:$mqtt-:1883 \
  -device virtio-net-pci,netdev=n0 \
  -serial file:"$work/serial.log" -monitor unix:"$work/monitor.sock",server,nowait \
  -pidfile "$work/qemu.pid" -daemonize
fail() { echo "test-image: $*" >&2; echo "--- serial console (last 40 lines):" >&2; tail -40 "$work/serial.log" >&2; exit 1; }

deadline=$(( $(date +%s) + ${BOOT_TIMEOUT:-240} ))
until curl -sk --max-time 3 "https://127.0.0.1:$https/healthz" -o "$work/healthz" 2>/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "no /healthz over HTTPS within ${BOOT_TIMEOUT:-240} s"
  sleep 1
done
serving=$(echo "$(date +%s.%N) - $start" | bc)
echo "test-image: serving /healthz over HTTPS $serving s after power-on"
grep -q '"ok"' "$work/healthz" || fail "unexpected /healthz: $(cat "$work/healthz")"
if grep -a "FAILED" "$work/serial.log" >&2; then fail "a system service failed to start"; fi
curl -s --max-time 5 "http://127.0.0.1:$http/ca.crt" | grep -q "BEGIN CERTIFICATE" || fail "no CA certificate on plain HTTP"

# A clean shutdown: the power button, then systemd stops the daemon and powers off.
echo system_powerdown | python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.recv(4096)
s.sendall(sys.stdin.buffer.read()); s.recv(4096)' "$work/monitor.sock"
deadline=$(( $(date +%s) + 90 ))
while kill -0 "$(cat "$work/qemu.pid" 2>/dev/null)" 2>/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "the VM did not power off within 90 s"
  sleep 1
done
grep -q "reboot: Power down" "$work/serial.log" || fail "the VM stopped without a clean power-off"
echo "test-image: clean power-off"
