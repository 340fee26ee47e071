#!/usr/bin/env python3
"""Writes large configurations for measuring bootassess's memory.

    hostile_sources.py false-steps SIZE_MIB [--permissions] > big.yaml
        steps whose condition is false in every mode, each writing one file,
        until the text is SIZE_MIB MiB; without --permissions each file
        entry also draws a permissions-omitted warning
    hostile_sources.py start-list VALUES > list.yaml
        one `systemctl.start` list of VALUES names, then a recovery-only step
    hostile_sources.py unknown-keys COUNT > keys.yaml
        one step holding COUNT short unknown keys (k0, k1, ...), each drawing
        an unknown-key warning, then a recovery-only step
    hostile_sources.py long-key BYTES > key.yaml
        one step whose one unknown key is BYTES long (10485760: 10 MiB)
    hostile_sources.py long-stage BYTES > stage.yaml
        one stage whose name is BYTES long

Measure peak RSS with, for example:
    /usr/bin/time -f %M bootassess apply --dry-run --mode active --root "$(mktemp -d)" big.yaml
    /usr/bin/time -f %M bootassess validate big.yaml
"""
import sys


def false_steps(size_mib, permissions):
    mode = "permissions: 0644, " if permissions else ""
    out = sys.stdout
    out.write("stages:\n  initramfs:\n")
    limit = size_mib << 20
    written = len("stages:\n  initramfs:\n")
    i = 0
    while True:
        step = (
            "    - if: '[ -f /run/cos/live ]'\n"
            f"      files: [{{path: /etc/r{i}, {mode}content: x}}]\n"
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


RECOVERY_STEP = (
    "    - if: '[ -f /run/cos/recovery_mode ]'\n"
    "      files: [{path: /etc/x, permissions: 0644, content: keep}]\n"
)


def unknown_keys(count):
    out = sys.stdout
    out.write("stages:\n  initramfs:\n    - {")
    out.write(", ".join(f"k{i}: 0" for i in range(count)))
    out.write("}\n" + RECOVERY_STEP)


# An explicit key (`? KEY`): YAML allows an implicit one 1024 characters
# at most.
def long_key(size):
    sys.stdout.write("stages:\n  initramfs:\n    - name: x\n      ? ")
    sys.stdout.write("k" * size)
    sys.stdout.write("\n      : 0\n" + RECOVERY_STEP)


def long_stage(size):
    sys.stdout.write("stages:\n  ? ")
    sys.stdout.write("s" * size)
    sys.stdout.write("\n  :\n    - name: x\n")


GENERATORS = {
    "false-steps": lambda n: false_steps(n, "--permissions" in sys.argv),
    "start-list": start_list,
    "unknown-keys": unknown_keys,
    "long-key": long_key,
    "long-stage": long_stage,
}

if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--permissions"]
    if len(args) != 2 or args[0] not in GENERATORS:
        sys.exit(__doc__)
    GENERATORS[args[0]](int(args[1]))
