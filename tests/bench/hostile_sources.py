#!/usr/bin/env python3
"""Writes large configurations for measuring bootassess's memory.

    hostile_sources.py false-steps SIZE_MIB > big.yaml
        steps whose condition is false in every mode, each writing one file,
        until the text is SIZE_MIB MiB
    hostile_sources.py start-list VALUES > list.yaml
        one `systemctl.start` list of VALUES names, then a recovery-only step

Measure peak RSS with, for example:
    /usr/bin/time -f %M bootassess apply --dry-run --mode active --root "$(mktemp -d)" big.yaml
    /usr/bin/time -f %M bootassess validate big.yaml
"""
import sys


def false_steps(size_mib):
    out = sys.stdout
    out.write("stages:\n  initramfs:\n")
    limit = size_mib << 20
    written = len("stages:\n  initramfs:\n")
    i = 0
    while True:
        step = (
            "    - if: '[ -f /run/cos/live ]'\n"
            f"      files: [{{path: /etc/r{i}, content: x}}]\n"
        )
        if written + len(step) > limit:
            break
        out.write(step)
        written += len(step)
        i += 1
    sys.stderr.write(f"{i} steps, {written} bytes\n")


def start_list(values):
    sys.stdout.write("stages:\n  initramfs:\n    - systemctl:\n        start: [")
    sys.stdout.write(",".join("a" for _ in range(values)))
    sys.stdout.write(
        "]\n    - if: '[ -f /run/cos/recovery_mode ]'\n"
        "      files: [{path: /etc/x, permissions: 0644, content: keep}]\n"
    )


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("false-steps", "start-list"):
        sys.exit(__doc__)
    if sys.argv[1] == "false-steps":
        false_steps(int(sys.argv[2]))
    else:
        start_list(int(sys.argv[2]))
