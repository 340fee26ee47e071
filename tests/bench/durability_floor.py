#!/usr/bin/env python3
"""What making N services' files durable costs on a file system, whatever writes them.

  tests/bench/durability_floor.py [--services N] [--runs R] [--bootassess BINARY] [DIR]

Makes, in a fresh directory under DIR (default $TMPDIR or /tmp), what
bootassess makes for N services (tests/bench/gen_services.py): per service one
directory holding one small file (a drop-in) and two symlinks (the enablement
links, in two shared .wants/.requires directories), N directories, N files and
2N links in all. Then:

  none     nothing more: the kernel writes it back later;
  syncfs   one syncfs(2) on the file system (bootassess's full durability:
           one syncfs after the temporaries, one after the renames);
  fsync    fsync(2) of every file and every directory, the per-file way.

With --bootassess, also runs `BINARY apply -q` on the workload of
gen_services.py (N services, a fresh copy of the root each run, in DIR): its
wall time, and under strace -T the time its syncfs(2) calls take.

Prints, per variant, the median [best] of R runs of the time to create the
tree and of the time the durability step takes on its own. A `sync` before
each run starts every run with nothing else dirty. Timings are not assertions:
never used by a test. The mkdir/open/write/symlink calls are made from
Python; the durability step is one call per file (fsync) or one in all
(syncfs), so its time is the file system's and the disk's.
"""
import argparse
import ctypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_services  # noqa: E402

LIBC = ctypes.CDLL(None, use_errno=True)
DROP_IN = ("[Unit]\nBefore=boot-complete.target\nFailureAction=reboot\n"
           "[Install]\nRequiredBy=boot-complete.target\nWantedBy=multi-user.target\n")


def syncfs(fd):
    if LIBC.syncfs(fd) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def make_tree(top, n, fsync_each):
    """Creates the tree; with fsync_each, fsyncs every file and directory made."""
    system = os.path.join(top, "etc", "systemd", "system")
    os.makedirs(system)
    wants = os.path.join(system, "multi-user.target.wants")
    requires = os.path.join(system, "boot-complete.target.requires")
    os.mkdir(wants)
    os.mkdir(requires)
    for i in range(n):
        unit = f"bench-{i:04d}.service"
        d = os.path.join(system, unit + ".d")
        os.mkdir(d)
        f = os.path.join(d, "override.conf")
        fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        os.write(fd, DROP_IN.encode())
        if fsync_each:
            os.fsync(fd)
        os.close(fd)
        target = "/usr/lib/systemd/system/" + unit
        os.symlink(target, os.path.join(wants, unit))
        os.symlink(target, os.path.join(requires, unit))
        if fsync_each:
            fsync_dir(d)
    if fsync_each:
        for d in (wants, requires, system):
            fsync_dir(d)


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def one_run(base, n, variant):
    """Returns (create seconds, durability seconds)."""
    top = tempfile.mkdtemp(prefix="floor-", dir=base)
    try:
        os.sync()
        t0 = time.perf_counter()
        make_tree(top, n, variant == "fsync")
        t1 = time.perf_counter()
        if variant == "syncfs":
            fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            try:
                syncfs(fd)
            finally:
                os.close(fd)
        t2 = time.perf_counter()
    finally:
        shutil.rmtree(top)
    return t1 - t0, t2 - t1  # with fsync, the first includes the fsyncs


def measure(base, n, runs, variants=("none", "syncfs", "fsync")):
    """{variant: (create samples, durability samples)}, runs interleaved."""
    out = {v: ([], []) for v in variants}
    for _ in range(runs):
        for variant in out:
            create, durable = one_run(base, n, variant)
            out[variant][0].append(create)
            out[variant][1].append(durable)
    return out


def measure_bootassess(binary, base, n, runs):
    """(wall seconds, syncfs seconds under strace, syncfs calls) per run."""
    work = tempfile.mkdtemp(prefix="floor-bootassess-", dir=base)
    try:
        root0 = os.path.join(work, "root0")
        cfg = os.path.join(work, "cfg.yaml")
        gen_services.root(n, root0)
        gen_services.write(cfg, gen_services.config(n))
        run = os.path.join(work, "run")
        log = os.path.join(work, "strace.log")
        argv = [binary, "apply", "-q", "--root", run, cfg]
        wall, synced, calls = [], [], 0
        for _ in range(runs):
            for traced in (False, True):
                if os.path.lexists(run):
                    shutil.rmtree(run)
                subprocess.run(["cp", "-a", root0, run], check=True)
                os.sync()
                prefix = (["strace", "-f", "-T", "-e", "trace=syncfs,fsync,fdatasync", "-o", log]
                          if traced else [])
                t0 = time.perf_counter()
                subprocess.run(prefix + argv, check=True)
                dt = time.perf_counter() - t0
                if not traced:
                    wall.append(dt)
                    continue
                total, calls = 0.0, 0
                with open(log, encoding="utf-8") as f:
                    for line in f:
                        if "sync" in line and line.rstrip().endswith(">"):
                            total += float(line.rstrip()[line.rindex("<") + 1:-1])
                            calls += 1
                synced.append(total)
        return wall, synced, calls
    finally:
        shutil.rmtree(work)


def cell(samples):
    return f"{statistics.median(samples) * 1000:8.1f} ms [{min(samples) * 1000:.1f}]"


def fstype(path):
    return subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True,
                          check=True).stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", nargs="?", default=os.environ.get("TMPDIR", "/tmp"))
    ap.add_argument("--services", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bootassess", help="a bootassess binary to split the same way")
    args = ap.parse_args()
    n = args.services
    print(f"{n} services: {n} directories, {n} files, {2 * n} symlinks in {args.dir} "
          f"({fstype(args.dir)}); median of {args.runs} runs [best]")
    results = measure(args.dir, n, args.runs)
    print(f"  no durability step:            create {cell(results['none'][0])}")
    print(f"  one syncfs after creating:     create {cell(results['syncfs'][0])}, "
          f"syncfs {cell(results['syncfs'][1])}")
    print(f"  fsync of every file and dir:   create+fsync {cell(results['fsync'][0])}")
    if args.bootassess:
        wall, synced, calls = measure_bootassess(os.path.abspath(args.bootassess), args.dir, n,
                                                 args.runs)
        print(f"  bootassess apply -q:           wall {cell(wall)}, its {calls} sync calls "
              f"(under strace -T) {cell(synced)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
