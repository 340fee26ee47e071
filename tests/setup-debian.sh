#!/bin/sh
# Installs the Debian packages bootassess needs to build and test, when they
# are missing. Run as root.
set -eu

packages="cmake make g++ pkg-config libyaml-dev libyaml-cpp-dev libcli11-dev libfmt-dev zlib1g-dev libre2-dev
libgtest-dev libbenchmark-dev python3 python3-jsonschema python3-yaml systemd strace clang-format clang-tidy-14
mmdebstrap systemd-container systemd-boot clang libfuzzer-14-dev scdoc zsh file binutils time
util-linux git prometheus-node-exporter prometheus qemu-system-x86 ovmf mtools dosfstools e2fsprogs fdisk"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing
fi
