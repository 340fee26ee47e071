#!/bin/bash
# Real-boot tier: boots a minimal Debian 12 rootfs under systemd-nspawn with
# systemd as PID 1, after `bootassess apply --root` wrote the boot's /run, and
# checks what real systemd does with it: whether the unit under test ran,
# whether boot-complete.target was reached, whether the container rebooted
# (systemd-nspawn exits 133), whether the boot was blessed, and that systemd
# found no ordering cycle (it breaks one by silently dropping a job).
#
# A counted boot is emulated as a systemd-boot machine has it (the real
# generator skips containers): systemd-bless-boot.service is linked into
# basic.target.wants, as systemd-bless-boot-generator does when the loader set
# LoaderBootCountPath, with its ExecStart= replaced by a marker write; and the
# EFI variable file is put in the root before apply reads it.
#
# The verdict scenarios boot with `bootassess` bound in and the shipped
# bootassess-report.service enabled, in boots that end in each verdict of
# `bootassess status` (good, failed, pending, fallback on UKI and on GRUB,
# no-gate, unknown, and counting inactive), and check its JSON and exit
# status, the login notice, what the report unit left, and the metrics file,
# checked by promtool and scraped through a real prometheus-node-exporter
# started on a free loopback port (and stopped) for each. The good boot also
# stops boot-complete.target and runs `status` from an ExecStop= during an
# orderly shutdown: both must still say good.
#
# Usage: realboot.sh BOOTASSESS BUILD_DIR
#   Writes BUILD_DIR/realboot/results.txt (the observed table) and prints it.
#   The rootfs is cached in BUILD_DIR/realboot-rootfs-<hash>; only the first
#   run builds it. REALBOOT_JOBS (default 2) boots run in parallel;
#   REALBOOT_FILTER (a grep -E regex) runs only the matching scenarios.
# Skips (exit 0, one line) when not root or when nspawn cannot boot here.
set -euo pipefail

export EFI_GUID=4a67b082-0a4c-41cf-b6c7-440b29bb8c4f
readonly SUITE=bookworm
readonly PACKAGES="systemd,systemd-sysv,systemd-boot,dbus"
readonly BOOT_TIMEOUT=${REALBOOT_BOOT_TIMEOUT:-90}
readonly MODES="active passive recovery autoreset live"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/apt-sources.sh
. "$src/tests/lib/apt-sources.sh"

die() {
  echo "realboot: $*" >&2
  exit 1
}

# ---------------------------------------------------------------- rootfs --

# Builds the cached rootfs once. The cache key covers what goes into it (suite,
# package list, this function), not the mirror: every mirror serves the same.
ensure_rootfs() {
  local key
  key=$(printf '%s\n%s\n%s\n' "$SUITE" "$PACKAGES" "$(declare -f ensure_rootfs)" |
    sha256sum | cut -c1-16)
  rootfs="$build/realboot-rootfs-$key"
  [ -f "$rootfs/.complete" ] && return 0
  command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (tests/setup-debian.sh installs it)"
  local sources
  sources=$(host_sources "$SUITE")
  [ -n "$sources" ] || die "no apt source for $SUITE in /etc/apt/sources.list{,.d}"
  rm -rf "$rootfs" "$rootfs.tmp"
  local mirrors=()
  while IFS= read -r line; do mirrors+=("$line"); done <<<"$sources"
  echo "realboot: building the rootfs once ($SUITE, $PACKAGES) into $rootfs" >&2
  local t0=$SECONDS
  # shellcheck disable=SC2016 # $1 is the hook's argument, expanded by mmdebstrap
  mmdebstrap --quiet --variant=minbase --include="$PACKAGES" \
    --customize-hook='rm -f "$1/etc/machine-id"; touch "$1/etc/machine-id"' \
    "$SUITE" "$rootfs.tmp" "${mirrors[@]}" >"$build/realboot-rootfs.log" 2>&1 ||
    die "mmdebstrap failed, see $build/realboot-rootfs.log"
  touch "$rootfs.tmp/.complete"
  mv "$rootfs.tmp" "$rootfs"
  echo "realboot: rootfs built in $((SECONDS - t0)) s" >&2
}

# ------------------------------------------------------------- scenarios --

# The unit under test: a oneshot that logs a line and exits 0 (ok) or 1
# (failing). gate-only has no [Install] (only the gate can start it);
# also-enabled is WantedBy=multi-user.target and enabled in /etc, as k3s is.
write_unit() { # ROOT ok|failing|slow gate-only|also-enabled
  local root=$1 code=0 wait=""
  [ "$2" = failing ] && code=1
  # slow: still starting when the boot is recorded (a pending gate).
  [ "$2" = slow ] && wait="sleep 600; "
  mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
  {
    printf '[Unit]\nDescription=Unit under test\n[Service]\nType=oneshot\nRemainAfterExit=yes\n'
    printf 'TimeoutStartSec=infinity\n'
    printf "ExecStart=/bin/sh -c 'echo \"realboot-unit: ran, exit %s\"; %sexit %s'\n" "$code" "$wait" "$code"
    [ "$3" = also-enabled ] && printf '[Install]\nWantedBy=multi-user.target\n'
  } >"$root/etc/systemd/system/myapp.service"
  if [ "$3" = also-enabled ]; then
    ln -sfn ../myapp.service "$root/etc/systemd/system/multi-user.target.wants/myapp.service"
  else
    rm -f "$root/etc/systemd/system/multi-user.target.wants/myapp.service"
  fi
}

# The observers, in the container. realboot-end runs once the boot settled
# (after multi-user.target, boot-complete.target and the bless service),
# records, runs `bootassess status` when it is bound in, and powers off.
# realboot-watch records again when it is stopped, whatever stops the boot
# (a reboot cancels realboot-end's start job).
write_observer() { # ROOT
  local root=$1
  mkdir -p "$root/usr/local/sbin" "$root/etc/systemd/system/multi-user.target.wants"
  cat >"$root/usr/local/sbin/realboot-observe" <<'EOF'
#!/bin/sh
# Records the state of the boot into /realboot-out/$1.txt (key=value).
o=/realboot-out/$1
ran=$(systemctl show -P ExecMainStartTimestampMonotonic myapp.service)
lines=0
# The unit's stdout reaches the journal asynchronously: wait for its line.
for _ in 1 2 3 4 5 6 7 8 9 10; do
  lines=$(journalctl -b -q -u myapp.service -o cat | grep -c '^realboot-unit: ran' || true)
  { [ "$lines" != 0 ] || [ "${ran:-0}" = 0 ]; } && break
  sleep 0.3
done
{
  echo "pid1=$(cat /proc/1/comm)"
  echo "boot_id=$(cat /proc/sys/kernel/random/boot_id)"
  echo "unit_state=$(systemctl show -P ActiveState myapp.service)"
  echo "unit_result=$(systemctl show -P Result myapp.service)"
  echo "unit_started=$([ "${ran:-0}" != 0 ] && echo yes || echo no)"
  echo "unit_journal_lines=$lines"
  echo "bc_state=$(systemctl show -P ActiveState boot-complete.target)"
  echo "bc_dependency_failed=$(journalctl -b -q -u boot-complete.target -o cat | grep -c '^Dependency failed' || true)"
  echo "bless_state=$(systemctl show -P ActiveState systemd-bless-boot.service)"
} >"$o.tmp"
journalctl -b -q -u myapp.service -u boot-complete.target -u systemd-bless-boot.service \
  -o short-monotonic >"$o.journal" 2>&1
journalctl -b -q -o short-monotonic >"$o.full-journal" 2>&1
mv "$o.tmp" "$o.txt"
EOF
  cat >"$root/usr/local/sbin/realboot-end" <<'EOF'
#!/bin/sh
/usr/local/sbin/realboot-observe end
if [ -x /usr/bin/bootassess ]; then
  status=/usr/bin/bootassess
  # /etc/realboot/no-systemd: systemd cannot be reached (its sockets hidden
  # in a private mount namespace), the gate's drop-ins still seen.
  if [ -f /etc/realboot/no-systemd ]; then
    cat >/run/realboot-no-systemd <<'EOS'
#!/bin/sh
mkdir -p /run/realboot-keep && mount --bind /run/systemd/system /run/realboot-keep &&
  mount -t tmpfs none /run/systemd && mount -t tmpfs none /run/dbus && mkdir /run/systemd/system &&
  mount --bind /run/realboot-keep /run/systemd/system && exec /usr/bin/bootassess "$@"
EOS
    chmod 755 /run/realboot-no-systemd
    status="unshare -m /run/realboot-no-systemd"
  fi
  $status status --format json >/realboot-out/status.json 2>/realboot-out/status.err
  echo $? >/realboot-out/status.rc
  $status status >/realboot-out/status.txt 2>&1
  # What the shipped bootassess-report.service left, when it ran.
  [ ! -f /run/bootassess/bootassess.prom ] || cp /run/bootassess/bootassess.prom /realboot-out/report.prom
  [ ! -f /run/motd.d/bootassess ] || cp /run/motd.d/bootassess /realboot-out/report-notice
  systemctl show -p ActiveState,Result bootassess-report.service >/realboot-out/report-unit.txt
  # The notice and the metrics file, as status writes them now.
  $status status --notice --format prometheus --output /realboot-out/status.prom \
    2>/realboot-out/prom.err
  echo $? >/realboot-out/prom.rc
  [ ! -f /run/motd.d/bootassess ] || cp /run/motd.d/bootassess /realboot-out/notice
  if [ -f /etc/realboot/stop-target ]; then
    # A target reached in this boot stays reached once stopped.
    systemctl stop boot-complete.target
    systemctl show -P ActiveState boot-complete.target >/realboot-out/stopped-bc.txt
    /usr/bin/bootassess status --format json >/realboot-out/stopped.json 2>&1
    echo $? >/realboot-out/stopped.rc
  fi
fi
if [ -f /etc/realboot/orderly ]; then
  # Units' ExecStop= run: the shutdown is part of what is checked.
  systemctl --no-block poweroff
else
  # Recorded: no need for an orderly shutdown.
  systemctl --force poweroff
fi
EOF
  chmod 755 "$root/usr/local/sbin/realboot-observe" "$root/usr/local/sbin/realboot-end"
  cat >"$root/etc/systemd/system/realboot-end.service" <<'EOF'
[Unit]
Description=Record the settled boot, then power off
After=multi-user.target boot-complete.target systemd-bless-boot.service myapp.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/realboot-end
[Install]
WantedBy=multi-user.target
EOF
  cat >"$root/etc/systemd/system/realboot-watch.service" <<'EOF'
[Unit]
Description=Record the boot when it stops
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
ExecStop=/usr/local/sbin/realboot-observe stop
[Install]
WantedBy=basic.target
EOF
  mkdir -p "$root/etc/systemd/system/basic.target.wants"
  ln -sfn ../realboot-end.service "$root/etc/systemd/system/multi-user.target.wants/realboot-end.service"
  ln -sfn ../realboot-watch.service "$root/etc/systemd/system/basic.target.wants/realboot-watch.service"
}

# The EFI variable systemd-boot sets for a counted entry: 4 attribute bytes,
# then the entry's path in UTF-16LE, NUL-terminated.
write_efivar() { # ROOT PATH
  local dir=$1/sys/firmware/efi/efivars
  mkdir -p "$dir"
  {
    printf '\007\000\000\000'
    printf '%s\0' "$2" | iconv -f UTF-8 -t UTF-16LE
  } >"$dir/LoaderBootCountPath-$EFI_GUID"
}

# Another loader variable: NAME VALUE... (several values make a list, each
# NUL-terminated, as LoaderEntries is).
write_efivar_strings() { # ROOT NAME VALUE...
  local dir=$1/sys/firmware/efi/efivars name=$2
  shift 2
  mkdir -p "$dir"
  {
    printf '\007\000\000\000'
    printf '%s\0' "$@" | iconv -f UTF-8 -t UTF-16LE
  } >"$dir/$name-$EFI_GUID"
}

# The ESP at /efi as Kairos' UKI install leaves it: one entry file per name
# given, with Kairos' sort-keys.
write_esp() { # ROOT FILE...
  local root=$1 f stem key
  shift
  rm -rf "$root/efi"
  mkdir -p "$root/efi/loader/entries"
  for f in "$@"; do
    stem=${f%%[+.]*}
    case $stem in active) key=0001 ;; passive) key=0002 ;; *) key=0003 ;; esac
    printf 'title %s\nsort-key %s\nlinux /vmlinuz\n' "$stem" "$key" >"$root/efi/loader/entries/$f"
  done
}

# What a verdict scenario adds to a boot (run after prepare_boot, before
# apply): the shipped bootassess-report.service, enabled; the loader's
# variables and the ESP; and what the observer is to do (/etc/realboot/).
verdict_setup() { # ROOT SETUP
  local root=$1 setup=$2 sys=$1/etc/systemd/system
  rm -rf "$root/etc/realboot" "$root/efi"
  mkdir -p "$root/etc/realboot" "$sys/multi-user.target.wants" "$sys/realboot-end.service.d"
  cp "$src/dist/systemd/bootassess-report.service" "$sys/"
  ln -sfn ../bootassess-report.service "$sys/multi-user.target.wants/bootassess-report.service"
  printf '[Unit]\nAfter=bootassess-report.service\n' >"$sys/realboot-end.service.d/after-report.conf"
  case $setup in
    good)
      # Stop the target, then shut down in order: status from an ExecStop=,
      # once the gated unit and boot-complete.target are stopped.
      touch "$root/etc/realboot/stop-target" "$root/etc/realboot/orderly"
      {
        printf '[Unit]\nDescription=Run bootassess status while the boot shuts down\n'
        printf 'Before=myapp.service boot-complete.target systemd-bless-boot.service\n'
        printf '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n'
        printf 'ExecStop=/usr/local/sbin/realboot-stop-status\n'
        printf '[Install]\nWantedBy=multi-user.target\n'
      } >"$sys/realboot-stop-status.service"
      {
        printf '#!/bin/sh\n'
        printf 'systemctl show -P ActiveState boot-complete.target >/realboot-out/stop-bc.txt\n'
        printf 'systemctl show -P ActiveState myapp.service >/realboot-out/stop-unit.txt\n'
        printf '/usr/bin/bootassess status --format json >/realboot-out/stop-status.json 2>&1\n'
        printf 'echo $? >/realboot-out/stop-status.rc\n'
      } >"$root/usr/local/sbin/realboot-stop-status"
      chmod 755 "$root/usr/local/sbin/realboot-stop-status"
      ln -sfn ../realboot-stop-status.service "$sys/multi-user.target.wants/realboot-stop-status.service"
      ;;
    fallback-uki)
      # The active entry used its three tries; the loader booted passive,
      # naming it as it was before this boot's rename.
      write_esp "$root" active+0-3.conf passive+2-1.conf recovery+3.conf
      write_efivar_strings "$root" LoaderEntries active+0-3.conf passive+3.conf recovery+3.conf
      write_efivar_strings "$root" LoaderEntrySelected passive+3.conf
      ;;
    fallback-grub) touch "$root/run/cos/upgrade_failure" ;;
    inactive)
      # Counters on the entries, but no LoaderBootCountPath.
      write_esp "$root" active+3.conf passive+3.conf
      write_efivar_strings "$root" LoaderEntrySelected active+3.conf
      ;;
    unknown) touch "$root/etc/realboot/no-systemd" ;;
    pending)
      # Recorded while the gated unit still starts: nothing waits for it.
      rm -rf "$sys/realboot-end.service.d"
      sed -i 's/^After=.*/After=multi-user.target/' "$sys/realboot-end.service"
      ;;
  esac
}

# What the check scenarios add to a boot: an HTTP server on 127.0.0.1:8080
# made of a socket unit with Accept=yes and a shell script (no package added
# to the rootfs), the bootassess binary, and the file the quoting check
# compares its argument with.
check_setup() { # ROOT
  local root=$1 sys=$1/etc/systemd/system
  mkdir -p "$sys/sockets.target.wants" "$root/usr/local/sbin"
  printf '[Socket]\nListenStream=127.0.0.1:8080\nAccept=yes\n[Install]\nWantedBy=sockets.target\n' \
    >"$sys/realboot-http.socket"
  printf '[Service]\nExecStart=/usr/local/sbin/realboot-http\nStandardInput=socket\nStandardOutput=socket\n' \
    >"$sys/realboot-http@.service"
  cat >"$root/usr/local/sbin/realboot-http" <<'EOF'
#!/bin/sh
# Reads the request up to its blank line, then answers 404 for /gone and 200
# for anything else.
cr=$(printf '\r')
path=
while IFS= read -r line; do
  [ -n "$path" ] || path=$(echo "$line" | cut -d' ' -f2)
  if [ "$line" = "$cr" ] || [ -z "$line" ]; then break; fi
done
if [ "$path" = /gone ]; then
  printf 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
else
  printf 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n'
fi
EOF
  chmod 755 "$root/usr/local/sbin/realboot-http"
  ln -sfn ../realboot-http.socket "$sys/sockets.target.wants/realboot-http.socket"
  # The image carries the binary the check units run (apply checks that it does).
  install -m 0755 "$bootassess" "$root/usr/bin/bootassess"
  # What the quoting check's argument must arrive as, byte for byte.
  # shellcheck disable=SC2016 # the argument is meant literally
  printf '%s' 'a b%c $HOME "q" \back ;' >"$root/etc/realboot-expected"
}

# One boot's /run, as the loader and the initramfs leave it: the mode
# sentinel, and on a counted boot the EFI variable plus what
# systemd-bless-boot-generator adds (the bless service in basic.target.wants;
# its ExecStart= replaced by a marker write, one line per blessed boot).
prepare_boot() { # ROOT MODE counted|uncounted
  local root=$1 mode=$2 counted=$3
  rm -rf "$root/run" "$root/sys/firmware"
  mkdir -p "$root/run/cos" "$root/run/systemd/system"
  echo 1 >"$root/run/cos/${mode}_mode"
  if [ "$counted" = counted ]; then
    write_efivar "$root" "\\loader\\entries\\$mode+2-1.conf"
    local sys=$root/run/systemd/system
    mkdir -p "$sys/basic.target.wants" "$sys/systemd-bless-boot.service.d"
    ln -sfn /lib/systemd/system/systemd-bless-boot.service \
      "$sys/basic.target.wants/systemd-bless-boot.service"
    printf '%s\n' '[Service]' 'ExecStart=' \
      "ExecStart=/bin/sh -c 'mkdir -p /var/lib/realboot && cat /proc/sys/kernel/random/boot_id >>/var/lib/realboot/blessed'" \
      >"$sys/systemd-bless-boot.service.d/realboot.conf"
  fi
}

# The cgroup directories a boot gets of its own, below the caller's, in each
# hierarchy systemd uses (cgroup2, and v1 name=systemd on a hybrid host).
# Without them, parallel containers started with --keep-unit share one cgroup
# and their systemd instances remove each other's units' cgroups.
boot_cgroups() { # ID
  awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { print $4, $5, $(i + 1), $(i + 3); break } }' \
    /proc/self/mountinfo | while read -r mroot mnt fs opts; do
    local path
    case $fs in
      cgroup2) path=$(sed -n 's/^0:://p' /proc/self/cgroup) ;;
      cgroup)
        case ,$opts, in
          *,name=systemd,*) path=$(sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup) ;;
          *) continue ;;
        esac
        ;;
      *) continue ;;
    esac
    [ "$mroot" = / ] || path=${path#"$mroot"}
    echo "$mnt${path%/}/realboot-$1"
  done
}

blessed_count() { # ROOT
  if [ -f "$1/var/lib/realboot/blessed" ]; then wc -l <"$1/var/lib/realboot/blessed"; else echo 0; fi
}

# Applies CONFIG in MODE, boots once and appends the observed row to
# $out/row; the boot's records go to $out/bootN. Needs $root (the merged
# overlay), $out, $name.
boot_once() { # MODE COUNTED CONFIG [STATUS]
  local mode=$1 counted=$2 config=$3 status=${4:-}
  prepare_boot "$root" "$mode" "$counted"
  [ -z "${verdict_setup_kind:-}" ] || verdict_setup "$root" "$verdict_setup_kind"
  local bo
  bo=$out/boot1
  [ ! -f "$out/row" ] || bo=$out/boot$(($(wc -l <"$out/row") + 1))
  mkdir -p "$bo"
  "$bootassess" apply --root "$root" --mode "$mode" "$config" >"$bo/apply.log" 2>&1 ||
    { echo "apply failed:" >&2; cat "$bo/apply.log" >&2; return 1; }
  local before binds=() rc t0
  before=$(blessed_count "$root")
  # nspawn mounts a fresh /run (and /sys) over the root before it binds, so
  # what apply wrote there is carried in from a copy outside the root.
  local carry=$root.carry
  rm -rf "$carry"
  mkdir -p "$carry"
  cp -a "$root/run/systemd/system" "$carry/system"
  cp -a "$root/run/cos" "$carry/cos"
  binds=(--bind="$bo:/realboot-out" --bind="$carry/system:/run/systemd/system"
    --bind="$carry/cos:/run/cos")
  if [ -n "$status" ]; then
    binds+=(--bind-ro="$bootassess:/usr/bin/bootassess")
    if [ -d "$root/sys/firmware/efi/efivars" ]; then
      cp -a "$root/sys/firmware/efi/efivars" "$carry/efivars"
      # The host may have no /sys/firmware/efi to mount over.
      binds+=(--tmpfs=/sys/firmware:mode=0755 --bind-ro="$carry/efivars:/sys/firmware/efi/efivars")
    fi
  fi
  t0=$(date +%s%N)
  rc=0
  # The container gets the unified cgroup hierarchy (systemd 252's default on
  # Debian 12 and Kairos) even on a host still in hybrid mode, and cgroups of
  # its own.
  local id cgroups
  id=$(echo "$name" | md5sum | cut -c1-12)
  cgroups=$(boot_cgroups "$id")
  (
    for cg in $cgroups; do
      mkdir -p "$cg" && echo "$BASHPID" >"$cg/cgroup.procs" ||
        echo "realboot: could not move the boot into $cg" >&2
    done
    SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 exec timeout -k 10 "$BOOT_TIMEOUT" systemd-nspawn --quiet \
      --register=no --keep-unit --machine="rb-$id" -D "$root" --boot --console=read-only \
      --setenv=SYSTEMD_COLORS=0 "${binds[@]}"
  ) </dev/null >"$bo/console.log" 2>&1 || rc=$?
  # A container that outlived a killed nspawn (after a timeout) goes with its
  # cgroup.
  for cg in $cgroups; do
    [ ! -f "$cg/cgroup.kill" ] || echo 1 >"$cg/cgroup.kill" 2>/dev/null || true
  done
  for cg in $cgroups; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      [ -d "$cg" ] || break
      find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || sleep 0.2
    done
  done
  local ms=$((($(date +%s%N) - t0) / 1000000))
  local rebooted
  case $rc in
    0) rebooted=no ;;
    133) rebooted=yes ;;
    124 | 137) rebooted="hang(>${BOOT_TIMEOUT}s)" ;;
    *) rebooted="nspawn-exit-$rc" ;;
  esac
  local obs=$bo/end.txt
  [ -f "$obs" ] || obs=$bo/stop.txt
  local unit=no-record bc=no-record
  if [ -f "$obs" ]; then
    local unit_state unit_result unit_started unit_journal_lines bc_state bc_dependency_failed
    unit_state=$(sed -n 's/^unit_state=//p' "$obs")
    unit_result=$(sed -n 's/^unit_result=//p' "$obs")
    unit_started=$(sed -n 's/^unit_started=//p' "$obs")
    unit_journal_lines=$(sed -n 's/^unit_journal_lines=//p' "$obs")
    bc_state=$(sed -n 's/^bc_state=//p' "$obs")
    bc_dependency_failed=$(sed -n 's/^bc_dependency_failed=//p' "$obs")
    if [ "$unit_started" = no ] && [ "$unit_journal_lines" = 0 ]; then
      unit=not-run
    elif [ "$unit_started" != yes ] || [ "$unit_journal_lines" = 0 ]; then
      unit="inconsistent($unit_started,$unit_journal_lines)"
    elif [ "$unit_state" = active ] && [ "$unit_result" = success ]; then
      unit=ok
    elif [ "$unit_state" = failed ]; then
      unit=failed
    else
      unit="$unit_state/$unit_result"
    fi
    if [ "$bc_state" = active ]; then
      bc=reached
    elif [ "$bc_dependency_failed" != 0 ]; then
      bc=failed
    elif grep -q 'Job boot-complete.target/start deleted' "$bo/console.log"; then
      bc="cycle-dropped"
    else
      bc=not-pulled-in
    fi
  fi
  local blessed=no
  [ "$(blessed_count "$root")" -gt "$before" ] && blessed=yes
  # systemd breaks an ordering cycle by deleting a job, and says so only on
  # the console (the journal is not up yet when the first transaction runs).
  local cycle=no
  grep -q 'ordering cycle' "$bo/console.log" && cycle=yes
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$mode" "$counted" "$variant" "$unit" "$bc" \
    "$rebooted" "$blessed" "$cycle" "$((ms / 1000)).$((ms % 1000 / 100))" >>"$out/row"
}

# Runs one scenario in a fresh overlay over the cached rootfs. KIND:
#   single MODE COUNTED UNIT VARIANT CONFIG [status]
#   sequence VARIANT CONFIG   (counted active ok, then the same entry blessed:
#                              uncounted active failing, on the same /etc)
run_scenario() { # NAME KIND ARGS...
  run_scenario_once "$@"
  # The container's systemd sometimes fails to create a service's cgroup
  # (status=219/CGROUP, seen with the hybrid hierarchy under load): that is the
  # machine, not the behaviour under test, so the scenario is run once more
  # from scratch, and the table says so.
  if grep -qs 'Failed at step CGROUP' "$results/$1"/boot*/*.full-journal; then
    mv "$results/$1" "$results/$1.cgroup-failure"
    run_scenario_once "$@"
    echo "retried once: a unit failed at step CGROUP, see $results/$1.cgroup-failure" >"$results/$1/retried"
  fi
}

run_scenario_once() { # NAME KIND ARGS...
  name=$1
  local kind=$2
  shift 2
  out=$results/$name
  rm -rf "$out"
  mkdir -p "$out"
  local layer=$scratch/$name
  mkdir -p "$layer/upper" "$layer/work" "$layer/root"
  root=$layer/root
  mount -t overlay overlay -o "lowerdir=$rootfs,upperdir=$layer/upper,workdir=$layer/work" "$root"
  local rc=0
  (
    write_observer "$root"
    case $kind in
      single)
        variant=$4
        write_unit "$root" "$3" "$4"
        boot_once "$1" "$2" "$5" "${6:-}"
        ;;
      verdict)
        # verdict VERDICT MODE COUNTED UNIT SETUP CONFIG
        variant=gate-only
        write_unit "$root" "$4" gate-only
        verdict_setup_kind=$5
        boot_once "$2" "$3" "$6" status
        ;;
      check)
        # check MODE COUNTED CONFIG UNIT BOOT_COMPLETE REBOOTED BLESSED CHECKS
        variant=gate-only
        write_unit "$root" ok gate-only
        check_setup "$root"
        boot_once "$1" "$2" "$3" status
        ;;
      sequence)
        variant=$1
        write_unit "$root" ok "$1"
        boot_once active counted "$2"
        write_unit "$root" failing "$1"
        boot_once active uncounted "$2"
        ;;
    esac
  ) || rc=$?
  umount "$root"
  rm -rf "$layer"
  [ "$rc" = 0 ] || echo "scenario error (exit $rc), see $out" >"$out/error"
}

# --------------------------------------------------------------- expected --

# The behaviour the tier asserts, per (mode, counted, unit, variant), with the
# default boot_assessment (modes: [active, passive], reboot_on_failure:
# [active]). Prints "UNIT BOOT_COMPLETE REBOOTED BLESSED".
expected() { # MODE COUNTED ok|failing VARIANT
  local mode=$1 counted=$2 result=$3 variant=$4 c=no
  [ "$counted" = counted ] && c=yes
  case $mode in
    active | passive)
      if [ "$result" = ok ]; then
        echo "ok reached no $c"
      else
        local reboot=no
        [ "$mode" = active ] && [ "$c" = yes ] && reboot=yes
        echo "failed failed $reboot no"
      fi
      ;;
    *)
      local unit=not-run bc=not-pulled-in
      if [ "$variant" = also-enabled ]; then
        unit=ok
        [ "$result" = failing ] && unit=failed
      fi
      [ "$c" = yes ] && bc=reached
      echo "$unit $bc no $c"
      ;;
  esac
}

# ------------------------------------------------------------------- main --

main() {
  [ $# = 2 ] || die "usage: realboot.sh BOOTASSESS BUILD_DIR"
  if [ "$(id -u)" != 0 ]; then
    echo "realboot: skipped (needs root to boot containers)"
    exit 0
  fi
  if ! command -v systemd-nspawn >/dev/null; then
    echo "realboot: skipped (systemd-nspawn is missing: package systemd-container)"
    exit 0
  fi
  bootassess=$(readlink -f "$1")
  build=$(readlink -f "$2")
  [ -x "$bootassess" ] || die "$1: not an executable"
  local t_all=$SECONDS
  ensure_rootfs
  local probe
  if ! probe=$(systemd-nspawn --quiet --register=no --keep-unit -D "$rootfs" /bin/true 2>&1); then
    echo "realboot: skipped (systemd-nspawn cannot run here: $(echo "$probe" | head -1))"
    exit 0
  fi

  results=$build/realboot
  rm -rf "$results"
  mkdir -p "$results"
  # Overlay upper layers on a tmpfs: works whatever filesystem the build tree
  # is on (an overlayfs upper cannot itself be on overlayfs), and is cheap.
  scratch=$(mktemp -d /tmp/realboot.XXXXXX)
  mount -t tmpfs -o size=4g,mode=0700 realboot "$scratch"
  trap cleanup EXIT

  local matrix_config=$results/default-gate.yaml
  cat >"$matrix_config" <<'EOF'
stages:
  initramfs:
    - name: Gate boot success on myapp, default modes
      boot_assessment:
        units: [myapp.service]
EOF
  # One line per scenario: NAME KIND ARGS...
  local list=$results/scenarios
  : >"$list"
  local mode counted result variant ex exname
  for mode in $MODES; do
    for counted in counted uncounted; do
      for result in ok failing; do
        for variant in gate-only also-enabled; do
          echo "$mode-$counted-$result-$variant single $mode $counted $result $variant $matrix_config" >>"$list"
        done
      done
    done
  done
  # Every example with a failing unit (where recipes differ) in the gated
  # modes, and the recommended one with a unit that succeeds too.
  for ex in "$src"/examples/*.yaml; do
    exname=$(basename "$ex" .yaml)
    for mode in active passive; do
      for counted in counted uncounted; do
        echo "example-$exname-$mode-$counted-failing single $mode $counted failing gate-only $ex" >>"$list"
      done
    done
  done
  for counted in counted uncounted; do
    echo "example-boot-assessment-active-$counted-ok single active $counted ok gate-only $src/examples/boot-assessment.yaml" >>"$list"
  done
  for variant in gate-only also-enabled; do
    echo "sequence-blessed-$variant sequence $variant $matrix_config" >>"$list"
  done
  echo "status-active-counted single active counted ok gate-only $matrix_config status" >>"$list"
  echo "status-active-uncounted single active uncounted failing gate-only $matrix_config status" >>"$list"
  # Boots that end in each verdict of `bootassess status`, with the shipped
  # bootassess-report.service, the login notice and the metrics file
  # (scraped through a real node_exporter): NAME verdict VERDICT MODE
  # COUNTED UNIT SETUP CONFIG.
  {
    echo "verdict-good verdict good active counted ok good $matrix_config"
    echo "verdict-failed verdict failed passive counted failing none $matrix_config"
    echo "verdict-pending verdict pending active counted slow pending $matrix_config"
    echo "verdict-fallback-uki verdict fallback passive counted ok fallback-uki $matrix_config"
    echo "verdict-fallback-grub verdict fallback passive uncounted ok fallback-grub $matrix_config"
    echo "verdict-no-gate verdict no-gate recovery uncounted ok none $matrix_config"
    echo "verdict-unknown verdict unknown active uncounted ok unknown $matrix_config"
    echo "verdict-counting-inactive verdict good active uncounted ok inactive $matrix_config"
  } >>"$list"
  # Health checks (boot_assessment: checks:), run by the real `bootassess
  # check` verb in the container: NAME check MODE COUNTED CONFIG, the
  # expected row (UNIT BOOT_COMPLETE REBOOTED BLESSED), and each check's
  # expected outcome in `status` (NAME=OUTCOME,...; - when the boot reboots).
  local checks_pass=$results/checks-pass.yaml checks_fail=$results/checks-fail.yaml
  local checks_wanted=$results/checks-wanted.yaml
  cat >"$checks_pass" <<'EOF'
stages:
  initramfs:
    - name: Gate the boot on checks that pass
      boot_assessment:
        units: [myapp.service]
        checks:
          - name: os-release
            path: /etc/os-release
            type: file
          - name: root-mounted
            mount: /
          - name: web
            http: http://127.0.0.1:8080/healthz
            timeout: 20
          - name: web-port
            tcp: 127.0.0.1:8080
          - name: quoting
            command: [/bin/sh, -c, 'test "$1" = "$(cat /etc/realboot-expected)"', sh, 'a b%c $HOME "q" \back ;']
          - name: dbus-up
            unit: dbus.service
EOF
  cat >"$checks_fail" <<'EOF'
stages:
  initramfs:
    - name: Gate the boot on a check that fails
      boot_assessment:
        units: [myapp.service]
        checks:
          - name: os-release
            path: /etc/os-release
          - name: k3s-config
            path: /etc/rancher/k3s/k3s.yaml
            timeout: 3
EOF
  cat >"$checks_wanted" <<'EOF'
stages:
  initramfs:
    - name: Gate the boot, with a wanted check that fails
      boot_assessment:
        units: [myapp.service]
        checks:
          - name: os-release
            path: /etc/os-release
          - name: web-gone
            http: http://127.0.0.1:8080/gone
            timeout: 3
            required: false
EOF
  local all_pass=os-release=ok,root-mounted=ok,web=ok,web-port=ok,quoting=ok,dbus-up=ok
  {
    echo "check-required-pass-active-counted check active counted $checks_pass ok reached no yes $all_pass"
    echo "check-required-pass-passive-uncounted check passive uncounted $checks_pass ok reached no no $all_pass"
    echo "check-required-fail-active-counted check active counted $checks_fail any failed yes no -"
    echo "check-required-fail-active-uncounted check active uncounted $checks_fail ok failed no no os-release=ok,k3s-config=failed"
    echo "check-wanted-fail-active-counted check active counted $checks_wanted ok reached no yes os-release=ok,web-gone=failed"
  } >>"$list"
  if [ -n "${REALBOOT_FILTER:-}" ]; then
    grep -E -- "$REALBOOT_FILTER" "$list" >"$list.f" || true
    mv "$list.f" "$list"
  fi

  export bootassess build rootfs results scratch src BOOT_TIMEOUT EFI_GUID
  export -f run_scenario run_scenario_once boot_once boot_cgroups prepare_boot write_unit write_observer write_efivar blessed_count
  export -f write_efivar_strings write_esp verdict_setup check_setup
  local t_boots=$SECONDS
  # shellcheck disable=SC2016
  xargs -P "${REALBOOT_JOBS:-2}" -L 1 bash -c 'set -euo pipefail; run_scenario "$@"' _ <"$list"
  t_boots=$((SECONDS - t_boots))

  local failures=0
  check_results || failures=$?
  echo "realboot: $(wc -l <"$list") scenarios, boots took ${t_boots} s, whole tier $((SECONDS - t_all)) s; table in $results/results.txt"
  [ "$failures" = 0 ] || die "some scenarios differ from the expected behaviour (marked !)"
}

matches() { # WANT GOT...
  local ws w
  read -r -a ws <<<"$1"
  shift
  for w in "${ws[@]}"; do
    [ "$w" = "*" ] || [ "$w" = "$1" ] || return 1
    shift
  done
}

cleanup() {
  local m
  for m in "$scratch"/*/root; do
    ! mountpoint -q "$m" || umount -l "$m" || true
  done
  umount -l "$scratch" || true
  rmdir "$scratch" || true
}

# Compares every row with the expectation, writes and prints the table.
# Fails when a row differs.
check_results() {
  local table=$results/results.txt failures=0 line name kind
  {
    printf '%-58s %-9s %-9s %-12s %-9s %-13s %-8s %-7s %-6s %s\n' scenario mode counting unit-install unit boot-complete rebooted blessed cycle seconds
    while read -r line; do
      # shellcheck disable=SC2086 # a scenario line is blank-separated words
      set -- $line
      name=$1 kind=$2
      local rowfile=$results/$name/row want
      touch "$rowfile"
      local n=0
      while IFS=$'\t' read -r rname rmode rcounted rvariant runit rbc rreboot rbless rcycle rsecs; do
        n=$((n + 1))
        want=$(expect_row "$kind" "$n" "${@:3}")
        local mark=" "
        if ! matches "$want" "$runit" "$rbc" "$rreboot" "$rbless" || [ "$rcycle" != no ]; then
          mark="!"
          failures=$((failures + 1))
        fi
        printf '%s %-56s %-9s %-9s %-12s %-9s %-13s %-8s %-7s %-6s %s\n' "$mark" "$rname" "$rmode" "$rcounted" \
          "$rvariant" "$runit" "$rbc" "$rreboot" "$rbless" "$rcycle" "$rsecs"
        local ws
        read -r -a ws <<<"$want"
        [ "$mark" = " " ] || printf '    expected: unit=%s boot-complete=%s rebooted=%s blessed=%s cycle=no\n' "${ws[@]}"
      done <"$rowfile"
      if [ -f "$results/$name/retried" ]; then
        printf '  %-56s %s\n' "$name" "$(cat "$results/$name/retried")"
      fi
      if [ -f "$results/$name/error" ]; then
        printf '! %-56s %s\n' "$name" "$(cat "$results/$name/error")"
        failures=$((failures + 1))
      fi
      if [ "$kind" = verdict ]; then
        check_verdict "$name" "$3" "$7" || failures=$((failures + 1))
      fi
      if [ "$kind" = check ]; then
        check_checks "$name" "${10}" || failures=$((failures + 1))
      fi
      local expect_rows=1
      [ "$kind" = sequence ] && expect_rows=2
      if [ "$n" != "$expect_rows" ]; then
        printf '! %-56s %s boot(s) recorded, %s expected\n' "$name" "$n" "$expect_rows"
        failures=$((failures + 1))
      fi
      if [ "${*: -1}" = status ]; then
        check_status "$name" "$3" "$4" || failures=$((failures + 1))
      fi
    done <"$results/scenarios"
  } >"$table"
  cat "$table"
  [ "$failures" = 0 ]
}

# The expectation for boot N of a scenario: "" for none, "*" for a column
# that may hold anything. Examples other than boot-assessment.yaml are checked
# against the rules that hold for any recipe: an uncounted boot never
# reboots, and a unit a recipe gates runs on every boot.
expect_row() { # KIND N ARGS...
  local kind=$1 n=$2
  shift 2
  case $kind in
    single)
      case $5 in
        */boot-assessment.yaml | */default-gate.yaml) expected "$1" "$2" "$3" "$4" ;;
        *)
          # Hand-written recipes need not pull boot-complete.target in.
          if [ "$2" = uncounted ]; then
            [ "$3" = ok ] && echo "ok * no no" || echo "failed * no no"
          fi
          ;;
      esac
      ;;
    verdict)
      if [ "$4" = slow ]; then echo "* * no *"; else expected "$2" "$3" "$4" gate-only; fi
      ;;
    sequence)
      if [ "$n" = 1 ]; then expected active counted ok "$1"; else expected active uncounted failing "$1"; fi
      ;;
    check)
      # `any`: the unit's column may hold anything (a rebooted boot records
      # the unit as the shutdown left it).
      local unit=$4
      [ "$unit" != any ] || unit="*"
      echo "$unit $5 $6 $7"
      ;;
  esac
}

# A check boot: each check's line from the verb in the journal, and its
# outcome in `bootassess status --format json`; the verdict is failed
# exactly when a required check failed.
check_checks() { # NAME CHECKS
  [ "$2" != - ] || return 0
  local dir=$results/$1/boot1
  local problem
  if ! problem=$(python3 - "$dir" "$2" <<'EOF'
import json, re, sys
d, want = sys.argv[1], dict(kv.split("=") for kv in sys.argv[2].split(","))
problems = []
try:
    s = json.load(open(d + "/status.json"))
except (OSError, ValueError) as e:
    print(f"status JSON: {e}"); sys.exit(1)
journal = open(d + "/end.full-journal", errors="replace").read()
got = {c["name"]: c for c in s.get("checks") or []}
if sorted(got) != sorted(want):
    problems.append(f"checks {sorted(got)}, want {sorted(want)}")
required_failed = False
for name, outcome in want.items():
    c = got.get(name) or {}
    if c.get("outcome") != outcome:
        problems.append(f"{name}: outcome {c.get('outcome')!r}, want {outcome!r} ({c.get('detail')})")
    word = "ok" if outcome == "ok" else "failed"
    if not re.search(rf"{re.escape(name)}: {word}: ", journal):
        problems.append(f"{name}: no '{name}: {word}:' line from bootassess check in the journal")
    required_failed |= c.get("required", True) and outcome != "ok"
want_verdict = "failed" if required_failed else "good"
if s.get("verdict") != want_verdict:
    problems.append(f"verdict {s.get('verdict')!r}, want {want_verdict!r}")
print("; ".join(problems))
sys.exit(1 if problems else 0)
EOF
  ); then
    printf '! %-56s checks: %s\n' "$1" "$problem"
    return 1
  fi
  printf '  %-56s checks in the journal and in status JSON: ok\n' "$1"
}

# `bootassess status --format json` inside the container: mode, counting,
# boot-complete.target and the gated unit with its result.
check_status() { # NAME MODE COUNTED
  local f=$results/$1/boot1/status.json
  if [ ! -f "$f" ]; then
    printf '! %-56s bootassess status: no output (%s)\n' "$1" "$(head -c 200 "$results/$1/boot1/status.err" 2>/dev/null | tr '\n' ' ')"
    return 1
  fi
  local problem
  if ! problem=$(python3 - "$f" "$2" "$3" <<'EOF'
import json, sys
path, mode, counted = sys.argv[1], sys.argv[2], sys.argv[3] == "counted"
rc_path = path[: -len("status.json")] + "status.rc"
try:
    s = json.load(open(path))
except ValueError as e:
    print(f"not JSON: {e}"); sys.exit(1)
problems = []
def want(what, got, expected):
    if got != expected:
        problems.append(f"{what}={got!r}, want {expected!r}")
want("mode", s.get("mode"), mode)
c = s.get("counting") or {}
want("counting.counted", c.get("counted"), counted)
want("counting.left", c.get("left"), 2 if counted else None)
want("counting.done", c.get("done"), 1 if counted else None)
want("boot_complete", s.get("boot_complete"), "reached" if counted else "failed")
want("verdict", s.get("verdict"), "good" if counted else "failed")
want("exit_status", s.get("exit_status"), 0 if counted else 1)
want("exit status of the command", int(open(rc_path).read()), 0 if counted else 1)
want("blessed", s.get("blessed"), True if counted else None)
units = s.get("units") or []
want("gated units", [u.get("name") for u in units], ["myapp.service"])
if units:
    u = units[0]
    want("myapp.service result", u.get("result"), "success" if counted else "exit-code")
    want("myapp.service reboots", u.get("reboots"), counted)
print("; ".join(problems))
sys.exit(1 if problems else 0)
EOF
  ); then
    printf '! %-56s bootassess status: %s\n' "$1" "$problem"
    return 1
  fi
  printf '  %-56s bootassess status JSON: ok\n' "$1"
}

# A verdict boot: `status --format json` and its exit status, the notice,
# what bootassess-report.service left, the metrics file (promtool, and a
# scrape through a real node_exporter), and for the good boot, status after
# boot-complete.target was stopped and from an ExecStop= at shutdown.
check_verdict() { # NAME VERDICT SETUP
  local d=$results/$1/boot1 problem
  if [ ! -f "$d/status.json" ]; then
    printf '! %-56s bootassess status: no output (%s)\n' "$1" "$(head -c 200 "$d/status.err" 2>/dev/null | tr '\n' ' ')"
    return 1
  fi
  if ! problem=$(python3 - "$d" "$2" "$3" <<'EOF'
import json, os, sys
d, verdict, setup = sys.argv[1:4]
code = {"good": 0, "no-gate": 0, "failed": 1, "fallback": 1, "pending": 3, "unknown": 3}[verdict]
problems = []
def want(what, got, expected):
    if got != expected:
        problems.append(f"{what}={got!r}, want {expected!r}")
def text(name):
    p = os.path.join(d, name)
    return open(p).read() if os.path.exists(p) else None
def status(name):
    try:
        return json.loads(text(name) or "")
    except ValueError as e:
        problems.append(f"{name}: not JSON: {e}")
        return {}
s = status("status.json")
want("verdict", s.get("verdict"), verdict)
want("exit_status", s.get("exit_status"), code)
want("exit status of status", int(text("status.rc") or -1), code)
want("exit status of status --notice --format prometheus", int(text("prom.rc") or -1), code)
prom = text("status.prom") or ""
line = f'bootassess_verdict{{verdict="{verdict}"}} 1'
want("status.prom has " + line, line in prom.splitlines(), True)
notice = text("notice")
want_notice = verdict in ("fallback", "failed", "pending") or setup == "inactive"
want("notice written", notice is not None, want_notice)
if notice is not None:
    for part, when in (("This boot is a fallback", verdict == "fallback"),
                       ("tries left", verdict in ("failed", "pending")),
                       ("Warning: the booted entry active+3.conf", setup == "inactive")):
        if when:
            want(f"notice says {part!r}", part in notice, True)
if setup == "fallback-uki":
    f = (s.get("fallback") or {}).get("failed_entry") or {}
    want("fallback.failed_entry", (f.get("file"), f.get("done")), ("active+0-3.conf", 3))
if setup == "fallback-grub":
    want("fallback.grub", (s.get("fallback") or {}).get("grub"), True)
if setup == "inactive":
    c = s.get("counting") or {}
    want("counting.active/broken", (c.get("active"), c.get("broken")), (False, True))
if setup == "unknown":
    want("states unknown because", "systemctl failed" in (s.get("states_unknown_because") or ""), True)
if verdict != "pending":
    unit = text("report-unit.txt") or ""
    want("bootassess-report.service", sorted(unit.split()), ["ActiveState=active", "Result=success"])
    report = text("report.prom") or ""
    if setup != "unknown":
        want("report.prom has " + line, line in report.splitlines(), True)
        want("notice left by bootassess-report.service", text("report-notice") is not None, want_notice)
if setup == "good":
    want("boot-complete.target once stopped", (text("stopped-bc.txt") or "").strip(), "inactive")
    want("status once the target is stopped", status("stopped.json").get("verdict"), "good")
    want("exit status once the target is stopped", int(text("stopped.rc") or -1), 0)
    want("boot-complete.target at ExecStop=", (text("stop-bc.txt") or "").strip(), "inactive")
    want("status from ExecStop=", status("stop-status.json").get("verdict"), "good")
    want("exit status from ExecStop=", int(text("stop-status.rc") or -1), 0)
print("; ".join(problems))
sys.exit(1 if problems else 0)
EOF
  ); then
    printf '! %-56s verdict %s: %s\n' "$1" "$2" "$problem"
    return 1
  fi
  if ! problem=$(scrape_metrics "$d" "$2"); then
    printf '! %-56s verdict %s: %s\n' "$1" "$2" "$problem"
    return 1
  fi
  printf '  %-56s verdict %s: status, exit status, notice, report unit, metrics ok%s\n' "$1" "$2" "$problem"
}

# promtool check metrics on the .prom file, then a real node_exporter on a
# free loopback port with only the textfile collector, reading a directory
# that holds it; its scrape must carry the verdict. The exporter is stopped
# before returning. Prints why on failure.
scrape_metrics() { # BOOT_DIR VERDICT
  local d=$1 out
  if ! command -v promtool >/dev/null || ! command -v prometheus-node-exporter >/dev/null; then
    echo " (not scraped: prometheus and prometheus-node-exporter are not installed)"
    return 0
  fi
  if ! out=$(promtool check metrics <"$d/status.prom" 2>&1) || [ -n "$out" ]; then
    echo "promtool check metrics: $out"
    return 1
  fi
  mkdir -p "$d/textfile"
  cp "$d/status.prom" "$d/textfile/bootassess.prom"
  local port pid
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  prometheus-node-exporter --web.listen-address="127.0.0.1:$port" \
    --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$d/textfile" >"$d/exporter.log" 2>&1 &
  pid=$!
  python3 - "$port" "$d/scrape.txt" <<'EOF'
import sys, time, urllib.request
port, out = sys.argv[1], sys.argv[2]
for _ in range(100):
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read()
        open(out, "wb").write(body)
        break
    except OSError:
        time.sleep(0.1)
EOF
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ ! -s "$d/scrape.txt" ]; then
    echo "node_exporter on 127.0.0.1:$port gave no metrics: $(tail -3 "$d/exporter.log" | tr '\n' ' ')"
    return 1
  fi
  grep -qxF "bootassess_verdict{verdict=\"$2\"} 1" "$d/scrape.txt" ||
    { echo "the scrape lacks bootassess_verdict{verdict=\"$2\"} 1"; return 1; }
  grep -qx 'node_textfile_scrape_error 0' "$d/scrape.txt" ||
    { echo "node_exporter could not read the file: $(grep node_textfile_scrape_error "$d/scrape.txt")"; return 1; }
  # The exporter's own metrics aside: bootassess's, as node_exporter serves them.
  if ! out=$(grep -E '^(# (HELP|TYPE) )?bootassess_' "$d/scrape.txt" | promtool check metrics 2>&1); then
    echo "promtool check metrics on the scrape: $out"
    return 1
  fi
}

[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
