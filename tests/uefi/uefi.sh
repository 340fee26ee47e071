#!/bin/bash
# UEFI tier: the whole rollback on real firmware. Boots a GPT disk image under
# qemu (TCG) with OVMF and systemd-boot, whose Kairos-style entries
# active+3.conf, passive+3.conf and recovery+3.conf are counted by the loader
# itself; bootassess applies the boot_assessment: configuration from the
# initramfs as immucore runs the initramfs stage on a GRUB install, with mode
# and counting on auto; a guest reboot goes back through the firmware, with the
# same disk and the same variable store. Each boot prints its facts on the
# serial console (tests/uefi/guest/uefi-report), and the ESP is read with
# mtools after each boot.
#
# Scenarios (a failing gated unit is selected by uefi.myapp=fail in every
# entry's options):
#   A  good active boot: booted as active+2-1, target reached, blessed to active.conf
#   B  failing unit on active: reboots at +2-1, +1-2, +0-3; then systemd-boot
#      boots passive by itself, where it fails without FailureAction and does
#      not reboot
#   C  blessed active.conf, unit failing: uncounted, no reboot, target failed
#   D  (FULL=1 only) B's end state, passive power-cycled until its tries run
#      out: systemd-boot boots recovery, which is not gated and is blessed
#
# Usage: uefi.sh BOOTASSESS
#   Writes build/uefi/results.txt (one line per boot) and prints it.
#   The Debian base (mmdebstrap) and the prepared tree with its kernel and
#   initrd are cached under UEFI_CACHE (default /var/cache/bootassess-tests),
#   keyed by a hash of their inputs; each run builds the root image from the
#   cached tree plus the binary under test and examples/boot-assessment.yaml.
# Environment: FULL=1 adds scenario D; UEFI_SCENARIOS="A C" runs only those;
#   UEFI_STATUS_CHECKS=0 leaves out the two `bootassess status` assertions on
#   the fallback boots (verdict "fallback" in the JSON and in the .prom file);
#   UEFI_BOOT_TIMEOUT (default 420) bounds each boot; UEFI_KEEP=1 keeps the
#   disk images.
# Skips (exit 0, one line) without root, qemu, OVMF, mmdebstrap or the image tools.
set -euo pipefail

readonly SUITE=bookworm
readonly BASE_PACKAGES="systemd,systemd-sysv,systemd-boot,udev,kmod,linux-image-amd64,initramfs-tools,busybox,zstd"
# Modules in the initrd (MODULES=list; their dependencies come along), and in
# the root besides them (the ESP's vfat, and autofs4 that systemd asks for):
# all others are removed from the root, the watchdog iTCO_wdt among them (each
# boot is a cold start of qemu: no watchdog is wanted across a reset).
readonly INITRD_MODULES="virtio_pci virtio_blk ext4 efivarfs"
readonly ROOT_MODULES="vfat nls_cp437 nls_ascii nls_utf8 autofs4"
# Units that only cost time in a guest that boots once and reports.
readonly MASKED="getty@.service serial-getty@.service console-getty.service getty-static.service
apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service
fstrim.timer systemd-tmpfiles-clean.timer modprobe@drm.service systemd-firstboot.service
systemd-boot-update.service systemd-boot-system-token.service systemd-pstore.service
systemd-journal-catalog-update.service systemd-hwdb-update.service ldconfig.service"
readonly ESP_TYPE=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
readonly ROOT_TYPE=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709
readonly ESP_PARTUUID=8f1b7a3e-5d2c-4b8e-9a61-0e3f4c2d1b01
readonly ROOT_PARTUUID=8f1b7a3e-5d2c-4b8e-9a61-0e3f4c2d1b02
readonly MACHINE_ID=6f9d2c1e8b7a4f3e9d0c1b2a3f4e5d6c
readonly ESP_MIB=64
readonly ESP_OFFSET=$((1024 * 1024))
readonly OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
readonly OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
readonly BOOT_TIMEOUT=${UEFI_BOOT_TIMEOUT:-420}
readonly MAX_BOOTS=8
export MTOOLS_SKIP_CHECK=1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/apt-sources.sh
. "$src/tests/lib/apt-sources.sh"

die() {
  echo "uefi: $*" >&2
  exit 1
}

say() { echo "uefi: $*" >&2; }

# ------------------------------------------------------------------ images --

# The Debian base, as a tar in the cache: minbase with systemd, systemd-boot,
# the kernel and initramfs-tools (MODULES=list from the start, so that the
# kernel's own postinst builds a small initrd quickly). Key (base_key, set
# by main): suite, packages and this function.
ensure_base() {
  base=$cache/uefi-base-$base_key.tar
  [ -f "$base" ] && return 0
  command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (tests/setup-debian.sh installs it)"
  local sources mirrors=() line t0=$SECONDS
  sources=$(host_sources "$SUITE")
  [ -n "$sources" ] || die "no apt source for $SUITE in /etc/apt/sources.list{,.d}"
  while IFS= read -r line; do mirrors+=("$line"); done <<<"$sources"
  say "building the Debian base once ($SUITE: $BASE_PACKAGES) into $base"
  rm -f "$base.part"
  # shellcheck disable=SC2016 # $1 is the hook's argument, expanded by mmdebstrap
  mmdebstrap --quiet --variant=minbase --include="$BASE_PACKAGES" --format=tar \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" && echo MODULES=list >"$1/etc/initramfs-tools/conf.d/small"' \
    "$SUITE" "$base.part" "${mirrors[@]}" >"$cache/uefi-base.log" 2>&1 ||
    die "mmdebstrap failed, see $cache/uefi-base.log"
  mv "$base.part" "$base"
  find "$cache" -maxdepth 1 -name 'uefi-base-*.tar' ! -name "${base##*/}" -delete
  timing+=("base image (mmdebstrap): $((SECONDS - t0)) s")
}

# What the guest gets on top of the base: the initramfs-tools script that runs
# the stage, the observers, the gated unit, fstab with the ESP at /efi, masks.
install_guest() { # TREE
  local t=$1 u
  install -m 755 "$here/guest/bootassess-stage" "$t/etc/initramfs-tools/scripts/init-bottom/bootassess-stage"
  # shellcheck disable=SC2086 # a list of module names
  printf '%s\n' $INITRD_MODULES >"$t/etc/initramfs-tools/modules"
  printf 'MODULES=list\nCOMPRESS=zstd\n' >"$t/etc/initramfs-tools/conf.d/small"
  install -m 755 "$here/guest/uefi-report" "$t/usr/local/sbin/uefi-report"
  for u in myapp.service uefi-report.service uefi-watch.service; do
    install -m 644 "$here/guest/$u" "$t/etc/systemd/system/$u"
  done
  mkdir -p "$t/etc/systemd/system/multi-user.target.wants" "$t/etc/systemd/system/basic.target.wants"
  ln -sfn ../uefi-report.service "$t/etc/systemd/system/multi-user.target.wants/uefi-report.service"
  ln -sfn ../uefi-watch.service "$t/etc/systemd/system/basic.target.wants/uefi-watch.service"
  for u in $MASKED; do ln -sfn /dev/null "$t/etc/systemd/system/$u"; done
  # Emergency mode (a failed mount, say) reports and powers off instead of
  # waiting for a login until the boot's timeout.
  mkdir -p "$t/etc/systemd/system/emergency.service.d"
  printf '%s\n' '[Service]' 'Type=oneshot' 'ExecStart=' 'ExecStart=-/usr/local/sbin/uefi-report emergency' \
    'ExecStart=-/bin/systemctl --force poweroff' >"$t/etc/systemd/system/emergency.service.d/uefi.conf"
  mkdir -p "$t/efi" "$t/etc/systemd/journald.conf.d"
  printf '[Journal]\nStorage=volatile\n' >"$t/etc/systemd/journald.conf.d/volatile.conf"
  printf 'PARTUUID=%s / ext4 rw,noatime 0 0\nPARTUUID=%s /efi vfat rw,noatime,umask=0077 0 0\n' \
    "$ROOT_PARTUUID" "$ESP_PARTUUID" >"$t/etc/fstab"
  echo "$MACHINE_ID" >"$t/etc/machine-id"
  echo uefi-guest >"$t/etc/hostname"
}

# Keeps the modules of INITRD_MODULES and ROOT_MODULES, with what they depend
# on, and removes every other module from the root.
prune_modules() { # TREE KVER
  local t=$1 kver=$2 dir=$1/usr/lib/modules/$2
  # shellcheck disable=SC2086 # lists of module names
  for m in $INITRD_MODULES $ROOT_MODULES; do
    chroot "$t" modprobe -S "$kver" --show-depends "$m"
  done | awk -v k="/$kver/" '$1 == "insmod" { print substr($2, index($2, k) + length(k)) }' | sort -u >"$t.keep"
  [ -s "$t.keep" ] || return 1
  (cd "$dir" && find kernel -name '*.ko*' | { grep -vxF -f "$t.keep" || true; } | xargs -r rm -f) || return 1
  rm -f "$t.keep"
  find "$dir/kernel" -type d -empty -delete
  chroot "$t" depmod "$kver"
}

# The prepared tree, in the cache: the base extracted, install_guest, the
# initrd rebuilt with the module list, the other modules removed. Key: the
# base's key, these functions, the guest files and the constants they use.
ensure_tree() {
  local key t0=$SECONDS
  key=$({
    echo "$base_key $INITRD_MODULES $ROOT_MODULES $MASKED $ROOT_PARTUUID $ESP_PARTUUID $MACHINE_ID"
    declare -f ensure_tree install_guest prune_modules
    cat "$here"/guest/*
  } | sha256sum | cut -c1-16)
  tree=$cache/uefi-tree-$key
  [ -f "$tree/.complete" ] && return 0
  say "preparing the tree once into $tree"
  rm -rf "$tree.part"
  mkdir -p "$tree.part"
  tar -C "$tree.part" --numeric-owner --xattrs --xattrs-include='*' -xpf "$base"
  install_guest "$tree.part"
  kver=$(basename "$(find "$tree.part/usr/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -1)")
  rm -f "$tree.part/boot/initrd.img-$kver"
  chroot "$tree.part" mkinitramfs -o "/boot/initrd.img-$kver" "$kver" >"$cache/uefi-tree.log" 2>&1 ||
    die "mkinitramfs failed, see $cache/uefi-tree.log"
  prune_modules "$tree.part" "$kver" >>"$cache/uefi-tree.log" 2>&1 ||
    die "pruning the modules failed, see $cache/uefi-tree.log"
  echo "$kver" >"$tree.part/.kver"
  touch "$tree.part/.complete"
  mv "$tree.part" "$tree"
  find "$cache" -maxdepth 1 -name 'uefi-tree-*' ! -name "${tree##*/}" -exec rm -rf {} +
  timing+=("tree (extract, initrd, prune): $((SECONDS - t0)) s")
}

# The root filesystem image of this run: the cached tree, plus the binary
# under test at /usr/bin/bootassess and the documented configuration in
# /etc/bootassess/ (what doc/kairos.md tells users to put in their image).
build_root_image() {
  local t0=$SECONDS stage=$work/rootfs mib
  rm -rf "$stage"
  cp -al "$tree" "$stage" 2>/dev/null || { rm -rf "$stage" && cp -a "$tree" "$stage"; }
  rm -f "$stage/.complete" "$stage/.kver"
  install -m 755 "$bootassess" "$stage/usr/bin/bootassess"
  mkdir -p "$stage/etc/bootassess"
  install -m 644 "$src/examples/boot-assessment.yaml" "$stage/etc/bootassess/boot-assessment.yaml"
  mib=$(($(du -sm "$stage" | cut -f1) * 3 / 2 + 128))
  rm -f "$work/root.img"
  truncate -s "${mib}M" "$work/root.img"
  mkfs.ext4 -q -F -L root -d "$stage" "$work/root.img" >"$work/mkfs.log" 2>&1 ||
    die "mkfs.ext4 failed, see $work/mkfs.log"
  rm -rf "$stage"
  root_mib=$mib
  timing+=("root image (mkfs.ext4 -d, ${mib} MiB): $((SECONDS - t0)) s")
}

# The ESP's fixed part: systemd-boot as the removable-media loader, the kernel
# and initrd at its root, loader.conf with timeout 0 and no default (Kairos
# removes default so that an exhausted entry is never picked).
build_esp_base() {
  local e=$work/esp-base.img kver
  kver=$(cat "$tree/.kver")
  rm -f "$e"
  truncate -s "${ESP_MIB}M" "$e"
  mkfs.vfat -F 32 -n ESP "$e" >/dev/null
  mmd -i "$e" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries
  mcopy -i "$e" "$tree/usr/lib/systemd/boot/efi/systemd-bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI
  mcopy -i "$e" "$tree/boot/vmlinuz-$kver" ::/vmlinuz
  mcopy -i "$e" "$tree/boot/initrd.img-$kver" ::/initrd.img
  printf 'timeout 0\n' >"$work/loader.conf"
  mcopy -i "$e" "$work/loader.conf" ::/loader/loader.conf
  kernel_bytes=$(stat -c %s "$tree/boot/vmlinuz-$kver")
  initrd_bytes=$(stat -c %s "$tree/boot/initrd.img-$kver")
}

# A scenario's disk: GPT with p1 the ESP (its entries as given) and p2 the
# root, written with sfdisk and dd, no loop device, no mount.
build_disk() { # DISK FAIL ENTRY...
  local disk=$1 fail=$2 esp=$1.esp entry mode sort_key
  shift 2
  cp "$work/esp-base.img" "$esp"
  for entry in "$@"; do
    mode=${entry%%[+.]*}
    case $mode in active) sort_key=0001 ;; passive) sort_key=0002 ;; *) sort_key=0003 ;; esac
    printf '%s\n' "title $mode" "sort-key $sort_key" "linux /vmlinuz" "initrd /initrd.img" \
      "options root=PARTUUID=$ROOT_PARTUUID rw console=ttyS0,115200 quiet panic=5 cos-img/filename=/cOS/$mode.img uefi.myapp=$fail" \
      >"$esp.entry"
    mcopy -i "$esp" "$esp.entry" "::/loader/entries/$entry"
  done
  rm -f "$esp.entry"
  local esp_sectors=$((ESP_MIB * 2048)) root_sectors=$((root_mib * 2048))
  rm -f "$disk"
  truncate -s $(((2048 + esp_sectors + root_sectors + 2048) * 512)) "$disk"
  printf '%s\n' "label: gpt" "unit: sectors" \
    "start=2048, size=$esp_sectors, type=$ESP_TYPE, uuid=$ESP_PARTUUID, name=esp" \
    "start=$((2048 + esp_sectors)), size=$root_sectors, type=$ROOT_TYPE, uuid=$ROOT_PARTUUID, name=root" |
    sfdisk --quiet --no-reread --no-tell-kernel "$disk" >/dev/null
  dd if="$esp" of="$disk" bs=1M seek=1 conv=notrunc status=none
  dd if="$work/root.img" of="$disk" bs=1M seek=$((1 + ESP_MIB)) conv=notrunc,sparse status=none
  rm -f "$esp"
}

esp_entries() { # DISK
  mdir -b -i "$1@@$ESP_OFFSET" ::/loader/entries 2>/dev/null | sed 's|.*/||' | sort | tr '\n' ' ' | sed 's/ $//'
}

# ------------------------------------------------------------------- boots --

# One power-on: qemu with OVMF (its variable store writable, kept across the
# scenario's boots) on the scenario's disk, until the guest powers off or
# resets (-no-reboot). Writes DIR/console.log, DIR/facts (key=value) and
# appends a row to $out/rows.
boot_once() { # DIR DISK VARS
  local bo=$1 disk=$2 vars=$3 rc=0 t0 secs end
  mkdir -p "$bo"
  t0=$(date +%s%N)
  timeout -k 10 "$BOOT_TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg,thread=multi -cpu max -smp 2 \
    -m 1024 -nodefaults -display none -no-reboot -nic none -serial stdio \
    -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE" \
    -drive "if=pflash,format=raw,unit=1,file=$vars" \
    -drive "if=none,id=disk,format=raw,file=$disk,cache=unsafe" -device virtio-blk-pci,drive=disk \
    </dev/null >"$bo/console.raw" 2>"$bo/qemu.err" || rc=$?
  tr -d '\r' <"$bo/console.raw" >"$bo/console.log"
  rm -f "$bo/console.raw"
  secs=$((($(date +%s%N) - t0) / 1000000))
  secs=$((secs / 1000)).$((secs % 1000 / 100))
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    end="timeout(${BOOT_TIMEOUT}s)"
  elif grep -q 'Kernel panic' "$bo/console.log"; then
    end=panic
  elif grep -q 'reboot: Restarting system' "$bo/console.log"; then
    end=reboot
  elif grep -q 'reboot: Power down' "$bo/console.log"; then
    end=poweroff
  else
    end="qemu-exit-$rc"
  fi
  # The facts block (the last one, should a boot print two), as key=value.
  awk '/^@@uefi begin/ { n = 0; delete f } /^@@uefi / { f[++n] = $0 } END { for (i = 1; i <= n; i++) print f[i] }' \
    "$bo/console.log" | sed -n 's/^@@uefi \([a-z_]*=\)/\1/p' >"$bo/facts"
  for prefix in status-json status-prom; do
    sed -n "s/^@@uefi:$prefix //p" "$bo/console.log" >"$bo/$prefix"
  done
  printf '%s\n' "end=$end" "seconds=$secs" "esp_after=$(esp_entries "$disk")" >>"$bo/facts"
  last_end=$end
}

fact() { # DIR KEY
  sed -n "s/^$2=//p" "$1/facts" | tail -1
}

# Boots a scenario's disk until the guest powers off for good: after a reboot
# the host starts qemu again (same disk, same variables), as the firmware would
# after a reset; after a power-off it does so only POWER_CYCLES times.
run_scenario() { # NAME FAIL POWER_CYCLES ENTRY...
  local name=$1 fail=$2 cycles=$3 t0=$SECONDS n=0
  shift 3
  out=$results/$name
  rm -rf "$out"
  mkdir -p "$out"
  local disk=$out/disk.img vars=$out/OVMF_VARS_4M.fd
  build_disk "$disk" "$fail" "$@"
  cp "$OVMF_VARS" "$vars"
  esp_entries "$disk" >"$out/esp-before"
  while [ "$n" -lt "$MAX_BOOTS" ]; do
    n=$((n + 1))
    say "scenario $name, boot $n (ESP: $(esp_entries "$disk"))"
    boot_once "$out/boot$n" "$disk" "$vars"
    say "  $(summary_row "$name" "$out/boot$n")"
    case $last_end in
      reboot) continue ;;
      poweroff) [ "$cycles" -gt 0 ] || break ;;
      *) break ;;
    esac
    cycles=$((cycles - 1))
  done
  echo "$n" >"$out/boots"
  echo "$((SECONDS - t0))" >"$out/seconds"
  [ -n "${UEFI_KEEP:-}" ] || rm -f "$disk"
}

# One line per boot: scenario, entry (LoaderEntrySelected), counter, the
# LoaderBootCountPath variable, the gated unit's FailureAction and result,
# boot-complete.target, systemd-bless-boot, how the boot ended, its seconds
# from power-on to qemu's exit and the guest's uptime at its report (the rest
# is firmware, loader and kernel load), and the ESP's entries after it.
readonly ROW='%-2s %-17s %-7s %-34s %-13s %-20s %-8s %-17s %-8s %6s %7s  %s'
summary_row() { # NAME DIR
  local d=$2 path counter
  path=$(fact "$d" boot_count_path)
  counter=-
  if [[ $path == *+*.conf ]]; then
    counter=+${path##*+}
    counter=${counter%.conf}
  fi
  # shellcheck disable=SC2059 # the format is the table's
  printf "$ROW" "$1" \
    "$(fact "$d" entry_selected)" "$counter" "$path" "$(fact "$d" failure_action)" "$(fact "$d" unit)" \
    "$(fact "$d" target)" "$(fact "$d" bless)" "$(fact "$d" end)" "$(fact "$d" seconds)" \
    "$(fact "$d" uptime | cut -d. -f1)" "$(fact "$d" esp_after)"
}

# -------------------------------------------------------------- expected --

# Per scenario: the entries it starts with, whether the unit fails, how many
# times the host power-cycles a guest that powered off, then one line per
# expected boot: entry (LoaderEntrySelected), the entry in LoaderBootCountPath
# (under \loader\entries\; "-" when the variable is absent), FailureAction,
# unit, target, bless, end (a value, or @(A|B) for either), and last the ESP it
# ends with.
scenario() { # NAME
  local f='failed(exit-code,1)' nobless='@(dependency-failed|not-run)'
  case $1 in
    A)
      echo "start ok 0 active+3.conf passive+3.conf recovery+3.conf"
      echo "boot active+3.conf active+2-1.conf reboot ok reached blessed poweroff"
      echo "esp active.conf passive+3.conf recovery+3.conf"
      ;;
    B)
      echo "start fail 0 active+3.conf passive+3.conf recovery+3.conf"
      echo "boot active+3.conf active+2-1.conf reboot $f failed $nobless reboot"
      echo "boot active+2-1.conf active+1-2.conf reboot $f failed $nobless reboot"
      echo "boot active+1-2.conf active+0-3.conf reboot $f failed $nobless reboot"
      echo "boot passive+3.conf passive+2-1.conf none $f failed $nobless poweroff"
      echo "esp active+0-3.conf passive+2-1.conf recovery+3.conf"
      ;;
    C)
      echo "start fail 0 active.conf passive+3.conf recovery+3.conf"
      echo "boot active.conf - none $f failed not-in-boot poweroff"
      echo "esp active.conf passive+3.conf recovery+3.conf"
      ;;
    D)
      echo "start fail 2 active+0-3.conf passive+2-1.conf recovery+3.conf"
      echo "boot passive+2-1.conf passive+1-2.conf none $f failed $nobless poweroff"
      echo "boot passive+1-2.conf passive+0-3.conf none $f failed $nobless poweroff"
      echo "boot recovery+3.conf recovery+2-1.conf none not-run reached blessed poweroff"
      echo "esp active+0-3.conf passive+0-3.conf recovery.conf"
      ;;
  esac
}

# WANT is a literal value, or @(A|B|...): one of them.
matches() { # WANT GOT
  if [[ $1 == "@("*")" ]]; then
    local alt a
    IFS='|' read -r -a alt <<<"${1:2:-1}"
    for a in "${alt[@]}"; do [ "$a" != "$2" ] || return 0; done
    return 1
  fi
  [ "$1" = "$2" ]
}

# Checks a scenario's boots against scenario(); prints a line per difference.
check_scenario() { # NAME
  local name=$1 out=$results/$1 n=0 line problems=0 want got i words boots
  local keys=(entry_selected boot_count_path failure_action unit target bless end)
  boots=$(cat "$out/boots")
  while read -r line; do
    read -r -a words <<<"$line"
    case ${words[0]} in
      boot)
        n=$((n + 1))
        if [ "$n" -gt "$boots" ]; then
          echo "! $name boot $n: expected (entry ${words[1]}), not booted"
          problems=$((problems + 1))
          continue
        fi
        for i in "${!keys[@]}"; do
          want=${words[$((i + 1))]}
          got=$(fact "$out/boot$n" "${keys[$i]}")
          [ "${keys[$i]}" != boot_count_path ] || [ "$want" = - ] || want="\\loader\\entries\\$want"
          if ! matches "$want" "$got"; then
            echo "! $name boot $n: ${keys[$i]}=$got, expected $want"
            problems=$((problems + 1))
          fi
        done
        # The boot reported once it settled or when it was stopped, not from
        # emergency mode or not at all.
        got=$(fact "$out/boot$n" phase)
        if [ "$got" != end ] && [ "$got" != shutdown ]; then
          echo "! $name boot $n: the report came from phase ${got:-(none: no report on the console)}"
          problems=$((problems + 1))
        fi
        # bootassess ran in the initramfs, and succeeded.
        got=$(fact "$out/boot$n" apply)
        if [[ $got != "exit=0 "* ]]; then
          echo "! $name boot $n: bootassess apply in the initramfs: ${got:-no record}"
          problems=$((problems + 1))
        fi
        check_status "$name" "$n" || problems=$((problems + 1))
        ;;
      esp)
        got=$(fact "$out/boot$boots" esp_after)
        if [ "$got" != "${words[*]:1}" ]; then
          echo "! $name: the ESP ends with $got, expected ${words[*]:1}"
          problems=$((problems + 1))
        fi
        ;;
    esac
  done < <(scenario "$name")
  if [ "$boots" -gt "$n" ]; then
    echo "! $name: $boots boots, expected $n"
    problems=$((problems + 1))
  fi
  [ "$problems" = 0 ]
}

# `bootassess status` in the guest, from the console: the JSON's mode and
# counting must match the boot; the verdict is checked where the boot's
# outcome is clear; on a fallback boot (passive after active ran out of tries)
# the JSON and the .prom file must say "fallback" (UEFI_STATUS_CHECKS=0 leaves
# those two out).
check_status() { # NAME N
  local d=$results/$1/boot$2 problem
  if ! problem=$(python3 - "$d" "$1" "${UEFI_STATUS_CHECKS:-1}" <<'EOF'
import json, sys
d, scenario, fallback_checks = sys.argv[1], sys.argv[2], sys.argv[3] != "0"
facts = {}
for line in open(f"{d}/facts"):
    k, _, v = line.rstrip("\n").partition("=")
    facts[k] = v
problems = []
text = open(f"{d}/status-json").read()
try:
    s = json.loads(text)
except ValueError as e:
    print(f"status --format json: not JSON ({e}; exit {facts.get('status_json_exit')})")
    sys.exit(1)
mode = facts.get("mode", "").split(" ")[0].removesuffix("_mode")
counted = facts.get("boot_count_path", "-") != "-"
def want(what, got, expected):
    if got != expected:
        problems.append(f"status JSON {what}={got!r}, expected {expected!r}")
want("mode", s.get("mode"), mode)
want("counting.counted", (s.get("counting") or {}).get("counted"), counted)
fallback = mode in ("passive", "recovery") and "active+0-" in facts.get("esp_entries", "")
if mode == "active":
    want("verdict", s.get("verdict"), "good" if facts.get("unit") == "ok" else "failed")
elif mode == "passive" and fallback and fallback_checks:
    want("verdict", s.get("verdict"), "fallback")
    prom = open(f"{d}/status-prom").read().splitlines()
    line = 'bootassess_verdict{verdict="fallback"} 1'
    if line not in prom:
        problems.append(f"status --format prometheus: no line {line!r} "
                        f"(exit {facts.get('status_prom_exit')})")
print("; ".join(problems))
sys.exit(1 if problems else 0)
EOF
  ); then
    echo "! $1 boot $2: $problem"
    return 1
  fi
}

# ------------------------------------------------------------------- main --

main() {
  [ $# = 1 ] || die "usage: uefi.sh BOOTASSESS"
  if [ "$(id -u)" != 0 ]; then
    echo "uefi: skipped (needs root to build the disk image)"
    exit 0
  fi
  local tool pkg
  for tool in qemu-system-x86_64:qemu-system-x86 mkfs.vfat:dosfstools mcopy:mtools mkfs.ext4:e2fsprogs \
    sfdisk:fdisk; do
    if ! command -v "${tool%%:*}" >/dev/null; then
      echo "uefi: skipped (${tool%%:*} is missing: package ${tool#*:})"
      exit 0
    fi
  done
  for pkg in "$OVMF_CODE" "$OVMF_VARS"; do
    if [ ! -f "$pkg" ]; then
      echo "uefi: skipped ($pkg is missing: package ovmf)"
      exit 0
    fi
  done
  bootassess=$(readlink -f "$1")
  [ -x "$bootassess" ] || die "$1: not an executable"
  cache=${UEFI_CACHE:-/var/cache/bootassess-tests}
  results=$src/build/uefi
  work=$results/work
  rm -rf "$results"
  mkdir -p "$cache" "$work"
  timing=()
  local t_all=$SECONDS
  # One run at a time builds what is cached.
  exec 9>"$cache/uefi.lock"
  flock 9
  base_key=$(printf '%s\n' "$SUITE" "$BASE_PACKAGES" "$(declare -f ensure_base)" | sha256sum | cut -c1-16)
  if [ ! -f "$cache/uefi-base-$base_key.tar" ] && ! command -v mmdebstrap >/dev/null; then
    echo "uefi: skipped (mmdebstrap is missing: package mmdebstrap)"
    exit 0
  fi
  ensure_base
  ensure_tree
  flock -u 9
  build_root_image
  build_esp_base

  local scenarios=${UEFI_SCENARIOS:-A B C}
  [ -n "${UEFI_SCENARIOS:-}" ] || [ "${FULL:-0}" = 0 ] || scenarios="A B C D"
  local name spec
  for name in $scenarios; do
    spec=$(scenario "$name" | sed -n 's/^start //p')
    [ -n "$spec" ] || die "no scenario $name (A, B, C, D)"
    # shellcheck disable=SC2086 # FAIL POWER_CYCLES ENTRY...
    run_scenario "$name" $spec
  done

  local failures=0 table=$results/results.txt
  {
    # shellcheck disable=SC2059 # the format is the table's
    printf "$ROW\n" sc entry counter LoaderBootCountPath FailureAction unit target bless end wall-s \
      guest-s "ESP after the boot"
    for name in $scenarios; do
      local n
      for ((n = 1; n <= $(cat "$results/$name/boots"); n++)); do
        summary_row "$name" "$results/$name/boot$n"
        echo
      done
    done
    echo
    for name in $scenarios; do
      if check_scenario "$name" >"$results/$name/check"; then
        echo "scenario $name: ok ($(cat "$results/$name/boots") boots, $(cat "$results/$name/seconds") s)"
      else
        echo "scenario $name: FAILED ($(cat "$results/$name/boots") boots, $(cat "$results/$name/seconds") s)"
        cat "$results/$name/check"
        failures=$((failures + 1))
      fi
    done
    echo
    printf 'kernel %s bytes, initrd %s bytes\n' "$kernel_bytes" "$initrd_bytes"
    printf '%s\n' "${timing[@]}"
    [ "${UEFI_STATUS_CHECKS:-1}" != 0 ] ||
      echo "UEFI_STATUS_CHECKS=0: the fallback verdict of bootassess status (JSON and .prom) was not checked"
    echo "whole tier: $((SECONDS - t_all)) s"
  } >"$table"
  cat "$table"
  [ -n "${UEFI_KEEP:-}" ] || rm -rf "$work"
  [ "$failures" = 0 ] || die "some scenarios differ from the expected chain (see above and $results/<scenario>/)"
}

[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
