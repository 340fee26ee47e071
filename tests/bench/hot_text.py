#!/usr/bin/env python3
"""Writes the linker script that puts the code one run of bootassess executes
side by side at the start of the static binary's text (cmake/hot-text.ld).

Each page fault on the text maps the 64 KiB around it (the kernel's
fault-around); the code a small run executes is spread over the whole text
(glibc's startup, malloc, libstdc++'s locale setup, CLI11, libyaml and the
planner), so such a run touched nearly every 64 KiB of it. Gathered in one
place it needs a fraction of those faults.

The script names input sections, not addresses: a function section of our
code or of libstdc++ (.text.<mangled name>) by its name, a section of an
archive member compiled without function sections (glibc, libyaml) by
archive and member. A name that no longer matches anything is ignored by the
linker, so a stale script costs faults, never correctness.

Usage (from the repository, with valgrind installed):
  tests/bench/hot_text.py BUILD_DIR
BUILD_DIR is a static Release build (it is relinked there with a map file
and without the script); the run profiled is the documentation's example
applied to a root where it has nothing left to do, as tests/bench/perf_table.py
measures it.
"""

import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(REPO, "cmake", "hot-text.ld")


def relink_with_map(build, binary, map_file):
    link = os.path.join(build, "CMakeFiles", "bootassess.dir", "link.txt")
    with open(link) as f:
        command = f.read().strip()
    # Without the script itself (the layout it would give is not the point),
    # with a map.
    command = re.sub(r"\s-Wl,-T,\S+", "", command)
    command = re.sub(r"\s-o\s+\S+", f" -o {binary}", command, count=1)
    subprocess.run(f"{command} -Wl,-Map={map_file}", shell=True, cwd=build, check=True)


def executed_functions(binary, work):
    """The mangled names of the functions one run executes, by callgrind."""
    root = os.path.join(work, "doc")
    os.makedirs(os.path.join(root, "usr/lib/systemd/system"))
    os.makedirs(os.path.join(root, "run/cos"))
    with open(os.path.join(root, "usr/lib/systemd/system/myapp.service"), "w") as f:
        f.write("[Unit]\nDescription=myapp\n[Service]\nExecStart=/bin/true\n")
    with open(os.path.join(root, "run/cos/active_mode"), "w") as f:
        f.write("1\n")
    example = os.path.join(REPO, "examples", "active-passive-overrides.yaml")
    # A root named relative to the current directory, as a user may name it.
    args = [binary, "apply", "-q", "--root", "doc", "--counting", "uncounted", example]
    subprocess.run(args, check=True, cwd=work)  # once, to apply
    out = os.path.join(work, "callgrind.out")
    subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no",
                    f"--callgrind-out-file={out}"] + args,
                   check=True, stderr=subprocess.DEVNULL, cwd=work)
    # What runs natively and not under valgrind: the vDSO glibc's static
    # startup sets up (valgrind offers none), the lock the process takes on
    # the way (seen in page-fault profiles), crtbegin.o's init code.
    names = {"_dl_new_object", "_dl_add_to_namespace_list", "_dl_setup_hash",
             "_dl_lookup_symbol_x", "__pthread_mutex_lock", "__pthread_mutex_unlock",
             "frame_dummy", "register_tm_clones", "deregister_tm_clones"}
    with open(out) as f:
        for line in f:
            m = re.match(r"c?fn=\(\d+\) (\S+)", line)
            if m:
                names.add(m.group(1).split("'")[0])
    return names


def symbol_addresses(binary, names):
    out = subprocess.run(["nm", "--defined-only", binary], check=True, capture_output=True,
                         text=True).stdout
    addresses = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwWiI" and parts[2] in names:
            addresses.append(int(parts[0], 16))
    return sorted(addresses)


def text_input_sections(map_file):
    """(address, size, section name, file) of each input section of .text."""
    sections = []
    in_text = False
    pending = None
    with open(map_file) as f:
        lines = f.read().split("\n")
    start = lines.index("Linker script and memory map")
    for line in lines[start:]:
        if re.match(r"^\.text\s", line):
            in_text = True
            continue
        if in_text and re.match(r"^\.\S", line):
            break
        if not in_text:
            continue
        m = re.match(r"^ (\.\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m:
            sections.append((int(m.group(2), 16), int(m.group(3), 16), m.group(1), m.group(4)))
            pending = None
            continue
        m = re.match(r"^ (\.\S+)$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m and pending:
            sections.append((int(m.group(1), 16), int(m.group(2), 16), pending, m.group(3)))
        pending = None
    return sections


def pattern(name, file):
    """The linker script pattern for input section `name` of `file`."""
    if name.startswith(".text._Z") or (name.startswith(".text.") and file.endswith(".cc.o)")):
        return f"*({name})"  # a function section: its name is the function's
    m = re.match(r"^(?:.*/)?([^/(]+\.a)\(([^)]+)\)$", file)
    if m:
        return f"*{m.group(1)}:{m.group(2)}({name})"
    return f"*{os.path.basename(file)}({name})"  # crt1.o and the like


def multiarch_siblings(hot, sections):
    """glibc picks a string function's variant by the CPU: valgrind's
    emulated one is offered AVX2 at most. With each variant run, the
    EVEX and AVX-512 ones of the same function, which newer CPUs get."""
    out = []
    families = set()
    for _, _, _, file in hot:
        m = re.search(r"libc\.a\(([a-z0-9_]+)-(?:sse|avx|evex)[^)]*\)$", file)
        if m:
            families.add(m.group(1))
    for section in sections:
        m = re.search(r"libc\.a\(([a-z0-9_]+)-((?:evex|avx512)[^)]*)\)$", section[3])
        if m and m.group(1) in families:
            out.append(section)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as work:
        binary = os.path.join(work, "bootassess")
        map_file = os.path.join(work, "bootassess.map")
        relink_with_map(build, binary, map_file)
        addresses = symbol_addresses(binary, executed_functions(binary, work))
        sections = text_input_sections(map_file)
    executed = []
    i = 0
    for section in sections:
        address, size = section[0], section[1]
        while i < len(addresses) and addresses[i] < address:
            i += 1
        if i < len(addresses) and addresses[i] < address + size:
            executed.append(section)
    hot = []
    for _, _, name, file in executed + multiarch_siblings(executed, sections):
        p = pattern(name, file)
        if p not in hot:
            hot.append(p)
    with open(OUT, "w") as f:
        f.write("/* Generated by tests/bench/hot_text.py: the code a small run of bootassess\n"
                "   executes, gathered at the start of the text (see that script). */\n"
                "SECTIONS\n{\n  .text.hot_path :\n  {\n")
        for p in hot:
            f.write(f"    {p}\n")
        f.write("  }\n}\nINSERT BEFORE .text;\n")
    print(f"{OUT}: {len(hot)} input sections")


if __name__ == "__main__":
    main()
