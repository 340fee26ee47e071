#!/usr/bin/env python3
"""Writes the per-mode workload of the documentation, for N services.

For each service svc-NNNN.service, three steps, as the documentation's
two-override example does it (with its conditions corrected):
  - on active boots, a drop-in with FailureAction=reboot and
    RequiredBy=boot-complete.target;
  - on passive boots, the same drop-in without FailureAction=;
  - then `systemctl: enable:` of the service.
At 1,000 services the configuration is about 1 MB of YAML.

  gen_services.py N CONFIG.yaml [ROOT]

With ROOT, also writes the units under ROOT/usr/lib/systemd/system (each
with an [Install] section, as a service a boot check gates has), the two
targets, 400 other units, and the active-mode sentinel ROOT/run/cos/active_mode.
"""
import os
import sys

DROP_IN = """\
            [Unit]
            # Ensure this unit starts after default system targets
            After=default.target graphical.target multi-user.target
            # Ensure this unit completes before boot-complete.target
            Before=boot-complete.target
{failure}            [Install]
            # Make this service a hard dependency of boot-complete.target
            RequiredBy=boot-complete.target
"""

STEP = """\
    - name: Configure {svc} to trigger boot-complete.target on {mode}
      if: '[ -f "/run/cos/{mode}_mode" ]'
      files:
        - path: /etc/systemd/system/{svc}.d/override.conf
          permissions: 0644
          owner: 0
          group: 0
          content: |
{drop_in}"""

ENABLE = """\
    - name: Enable {svc}
      systemctl:
        enable:
          - {svc}
"""

UNIT = """\
[Unit]
Description=Health check {i}
[Service]
Type=oneshot
ExecStart=/usr/bin/true
[Install]
WantedBy=multi-user.target
"""


def service(i):
    return f"svc-{i:04}.service"


def config(n):
    out = ["#cloud-config\nname: Boot assessment for %d services\nstages:\n  initramfs:\n" % n]
    for i in range(n):
        svc = service(i)
        failure = ("            # If auto reboot on service failure is wanted\n"
                   "            FailureAction=reboot\n")
        out.append(STEP.format(svc=svc, mode="active", drop_in=DROP_IN.format(failure=failure)))
        out.append(STEP.format(svc=svc, mode="passive", drop_in=DROP_IN.format(failure="")))
        out.append(ENABLE.format(svc=svc))
    return "".join(out)


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def root(n, top):
    lib = os.path.join(top, "usr/lib/systemd/system")
    write(os.path.join(lib, "multi-user.target"), "[Unit]\nDescription=Multi-User System\n")
    write(os.path.join(lib, "boot-complete.target"), "[Unit]\nDescription=Boot Completion Check\n")
    for i in range(400):
        write(os.path.join(lib, f"other-{i}.service"),
              "[Unit]\nDescription=Other\n[Service]\nExecStart=/bin/true\n")
    for i in range(n):
        write(os.path.join(lib, service(i)), UNIT.format(i=i))
    os.makedirs(os.path.join(top, "etc/systemd/system"), exist_ok=True)
    write(os.path.join(top, "run/cos/active_mode"), "1")


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    n = int(sys.argv[1])
    write(sys.argv[2], config(n))
    if len(sys.argv) == 4:
        root(n, sys.argv[3])


if __name__ == "__main__":
    main()
