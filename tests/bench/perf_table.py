#!/usr/bin/env python3
"""Measures the performance table of doc/performance.md in one run, side by side.

  tests/bench/perf_table.py [--before OLD_BINARY] [--runs N] [BINARY]

BINARY defaults to build/bootassess. With --before, every row is measured for
both binaries in the same run, interleaved, so that load on the machine hits
both alike. Rows (the workload is tests/bench/gen_services.py: per service an
active-mode drop-in with FailureAction=reboot, a passive-mode one without,
then `enable`):

  1. 50 services on ext4, against the real yip (../shared/tools/yip/yip, run
     chrooted into a copy of the same root, the same configuration);
  2. 1,000 services on tmpfs (a mount made here; /run is tmpfs at boot),
     against spawning /bin/true;
  3. 1,000 services on ext4, with bootassess's full durability;
  4. peak RSS at 1,000 services (/usr/bin/time -f %M);
  5. the documentation's example (examples/active-passive-overrides.yaml) on
     a root where it has nothing left to change, against /bin/true;
a line with the file system's own floor under row 3 (durability_floor.py: the
same number of directories, files and links made from Python, then one
syncfs, on the same ext4); and two checks: the tree yip leaves equals
bootassess's (50 services), and
the enablement links of 1,000 services equal `systemctl --root enable`'s
(timed too).

Each timing is the median of N runs (best in brackets), every run on a fresh
copy of the root, after `sync`. Run as root: it makes a private mount
namespace (unshare), bind mounts for yip's chroot and a tmpfs. ext4 rows run
in a directory under $TMPDIR or /tmp (its file system type is printed). Never used
by a test: timings are not assertions.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
YIP = os.path.join(os.path.dirname(REPO), "shared", "tools", "yip", "yip")
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}
sys.path.insert(0, HERE)
import durability_floor  # noqa: E402
import gen_services  # noqa: E402


def spawn(argv, out=subprocess.DEVNULL):
    """Runs argv without a shell; returns (seconds, exit status)."""
    t0 = time.perf_counter()
    r = subprocess.run(argv, env=ENV, stdout=out, stderr=out, check=False)
    return time.perf_counter() - t0, r.returncode


def spawn_fast(argv):
    """posix_spawn + wait4: the least overhead around a short process."""
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        t0 = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, ENV,
                             file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                           (os.POSIX_SPAWN_DUP2, devnull, 2)])
        _, status, _ = os.wait4(pid, 0)
        dt = time.perf_counter() - t0
    finally:
        os.close(devnull)
    return dt, os.waitstatus_to_exitcode(status)


def sh(*argv):
    subprocess.run(argv, check=True)


def remove(path):
    if os.path.lexists(path):
        sh("rm", "-rf", "--one-file-system", path)


def fresh(base, run):
    Yip.umount()  # never remove a tree with the host's directories mounted in it
    remove(run)
    sh("cp", "-a", base, run)
    os.sync()


def tree(top):
    r = subprocess.run(["find", ".", "-printf", "%y %P -> %l %m\n"], cwd=top, check=True,
                       capture_output=True, text=True)
    return sorted(r.stdout.splitlines())


def ms(seconds):
    return seconds * 1000.0


class Yip:
    """A root prepared for the real yip: the host's binaries bind-mounted read-only."""
    BINDS = [("/usr/bin", "usr/bin"), ("/usr/sbin", "usr/sbin"),
             ("/usr/lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu"),
             ("/usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu"), ("/usr/lib64", "lib64"),
             ("/dev", "dev"), ("/proc", "proc"), ("/sys", "sys"),
             (os.path.dirname(YIP), "opt/yip")]

    mounted = []

    @staticmethod
    def mount(root):
        for src, dst in Yip.BINDS:
            if not os.path.exists(src):
                continue
            path = os.path.join(root, dst)
            os.makedirs(path, exist_ok=True)
            sh("mount", "--rbind", "-o", "ro", src, path)
            Yip.mounted.append(path)

    @staticmethod
    def umount():
        while Yip.mounted:
            path = Yip.mounted.pop()
            sh("umount", "-R", path)
            os.rmdir(path)


def timed_rows(variants, runs):
    """variants: list of (label, prepare, argv, fast). Interleaved runs; returns
    {label: [seconds]}."""
    times = {label: [] for label, _, _, _ in variants}
    for _ in range(runs):
        for label, prepare, argv, fast in variants:
            if prepare:
                prepare()
            dt, status = (spawn_fast if fast else spawn)(argv)
            if status not in (0,):
                sys.exit(f"{label}: {' '.join(argv)} exited with {status}")
            times[label].append(dt)
    return times


def stat(samples):
    return statistics.median(samples), min(samples)


def cell(samples):
    med, best = stat(samples)
    return f"{ms(med):8.1f} ms [{ms(best):.1f}]"


def peak_rss_kib(argv, prepare, runs):
    values = []
    for _ in range(runs):
        prepare()
        r = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, env=ENV, check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        values.append(int(r.stderr.strip().splitlines()[-1]))
    return statistics.median(values)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary", nargs="?", default=os.path.join(REPO, "build", "bootassess"))
    ap.add_argument("--before", help="an older bootassess binary, measured alongside")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--yip-runs", type=int, default=5)
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("perf_table.py: run as root (mount namespace, chroot, tmpfs)")
    if "BOOTASSESS_PERF_NS" not in os.environ:
        os.environ["BOOTASSESS_PERF_NS"] = "1"
        os.execvp("unshare", ["unshare", "-m", "--propagation", "private", sys.executable]
                  + sys.argv)

    bins = [("after", os.path.abspath(args.binary))]
    if args.before:
        bins.insert(0, ("before", os.path.abspath(args.before)))
    for _, b in bins:
        if not os.access(b, os.X_OK):
            sys.exit(f"perf_table.py: no binary {b}")
    have_yip = os.access(YIP, os.X_OK)

    ext4 = tempfile.mkdtemp(prefix="bootassess-perf-")
    tmpfs = tempfile.mkdtemp(prefix="bootassess-perf-tmpfs-")
    sh("mount", "-t", "tmpfs", "-o", "size=512m", "bootassess-perf", tmpfs)
    try:
        run(args, bins, have_yip, ext4, tmpfs)
    finally:
        Yip.umount()
        sh("umount", tmpfs)
        os.rmdir(tmpfs)
        remove(ext4)


def fstype(path):
    return subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True,
                          check=True).stdout.strip()


def run(args, bins, have_yip, ext4, tmpfs):
    runs = args.runs
    print(f"machine: {os.uname().sysname} {os.uname().release}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.2f}; ext4 rows in {ext4} ({fstype(ext4)}), "
          f"tmpfs rows in a tmpfs ({fstype(tmpfs)})")
    print(f"each time: median of {runs} interleaved runs [best], milliseconds")
    print()
    rows = []

    def setup(top, n):
        base = os.path.join(top, f"base-{n}")
        if not os.path.exists(base):
            cfg = os.path.join(top, f"svc-{n}.yaml")
            gen_services.root(n, base)
            gen_services.write(cfg, gen_services.config(n))
            shutil.copy(cfg, os.path.join(base, "config.yaml"))
        return base, os.path.join(top, f"svc-{n}.yaml")

    def apply_variants(top, n, extra=()):
        base, cfg = setup(top, n)
        run_root = os.path.join(top, "run")
        out = []
        for label, b in bins:
            out.append((f"bootassess {label}", lambda: fresh(base, run_root),
                        [b, "apply", "-q", "--root", run_root, cfg], False))
        return out + list(extra), run_root

    # 1. 50 services, ext4, against yip.
    n = 50
    base, cfg = setup(ext4, n)
    run_root = os.path.join(ext4, "run")
    variants, _ = apply_variants(ext4, n)
    trees = {}
    for label, prepare, argv, _ in variants:
        prepare()
        spawn(argv)
        trees[label] = tree(os.path.join(run_root, "etc"))
    if have_yip:
        def prep_yip():
            fresh(base, run_root)
            Yip.mount(run_root)
        yip_argv = ["chroot", run_root, "/opt/yip/yip", "-s", "initramfs", "/config.yaml"]
        prep_yip()
        spawn(yip_argv)
        trees["yip"] = tree(os.path.join(run_root, "etc"))
        Yip.umount()
        variants.append(("yip", prep_yip, yip_argv, False))
    times = timed_rows(variants, args.yip_runs if have_yip else runs)
    if have_yip:
        Yip.umount()
    rows.append(("50 services, ext4, vs the real yip", times, "yip", "ratio", ">= 30x"))
    same_yip = (all(t == trees["yip"] for t in trees.values()) if have_yip else None)

    # 2. 1,000 services, tmpfs, against /bin/true.
    n = 1000
    variants, _ = apply_variants(tmpfs, n, [("/bin/true", None, ["/bin/true"], True)])
    times = timed_rows(variants, runs)
    rows.append(("1,000 services, tmpfs", times, "/bin/true", "multiple", "<= 50 ms, ~50x a spawn"))

    # 3. 1,000 services, ext4, full durability.
    variants, _ = apply_variants(ext4, n)
    times = timed_rows(variants, runs)
    rows.append(("1,000 services, ext4, full durability", times, None, None, "<= 150 ms"))
    floor = durability_floor.measure(ext4, n, runs, ("none", "syncfs"))

    # 4. Peak RSS.
    base, cfg = setup(tmpfs, n)
    run_root = os.path.join(tmpfs, "run")
    rss = {}
    for label, b in bins:
        rss[label] = peak_rss_kib([b, "apply", "-q", "--root", run_root, cfg],
                                  lambda: fresh(base, run_root), 5)

    # Enablement links against systemctl --root, 1,000 services.
    fresh(base, run_root)
    spawn([bins[-1][1], "apply", "-q", "--root", run_root, cfg])
    want = tree(os.path.join(run_root, "etc"))
    unlinked = os.path.join(tmpfs, "unlinked")
    remove(unlinked)
    sh("cp", "-a", run_root, unlinked)
    sh("find", os.path.join(unlinked, "etc"), "-type", "l", "-delete")
    sh("find", os.path.join(unlinked, "etc"), "-depth", "-type", "d", "-name", "*.[rw]*s",
       "-empty", "-delete")
    units = [gen_services.service(i) for i in range(n)]
    sysctl_argv = ["systemctl", f"--root={run_root}", "enable"] + units
    sysctl = timed_rows([("systemctl", lambda: fresh(unlinked, run_root), sysctl_argv, False)],
                        3)["systemctl"]
    same_systemctl = tree(os.path.join(run_root, "etc")) == want

    # 5. The documentation's example, nothing to change.
    doc = os.path.join(ext4, "doc")
    remove(doc)
    gen_services.write(os.path.join(doc, "usr/lib/systemd/system/myapp.service"),
                       "[Unit]\nDescription=myapp\n[Service]\nExecStart=/bin/true\n")
    gen_services.write(os.path.join(doc, "run/cos/active_mode"), "1")
    example = os.path.join(REPO, "examples", "active-passive-overrides.yaml")
    variants = []
    for label, b in bins:
        argv = [b, "apply", "-q", "--root", doc, "--counting", "uncounted", example]
        spawn(argv)
        variants.append((f"bootassess {label}", None, argv, True))
    before_tree = tree(doc)
    variants.append(("/bin/true", None, ["/bin/true"], True))
    times = timed_rows(variants, max(runs, 21))
    rows.append(("the documentation's example, nothing to change", times, "/bin/true",
                 "multiple", "<= 1.5x /bin/true"))
    unchanged = tree(doc) == before_tree

    # The table.
    labels = [f"bootassess {label}" for label, _ in bins]
    print(f"| work | {' | '.join(labels)} | reference | {' | '.join('ratio ' + lb.split()[1] for lb in labels)} | goal |")
    print("|---|" + "---|" * (2 * len(labels) + 2))
    for title, times, ref, kind, goal in rows:
        cells = [cell(times[lb]) for lb in labels]
        refcell = f"{ref}: {cell(times[ref])}" if ref else "-"
        ratios = []
        for lb in labels:
            if not ref:
                ratios.append("-")
                continue
            a, r = stat(times[lb])[0], stat(times[ref])[0]
            ratios.append(f"{r / a:.1f}x faster" if kind == "ratio" else f"{a / r:.1f}x")
        print(f"| {title} | {' | '.join(cells)} | {refcell} | {' | '.join(ratios)} | {goal} |")
    rss_cells = " | ".join(f"{rss[label] / 1024:8.1f} MiB" for label, _ in bins)
    print(f"| peak RSS, 1,000 services | {rss_cells} | - | {' | '.join('-' for _ in bins)} | <= 8 MiB |")
    print()
    print(f"systemctl --root enable of the 1,000 services, one call: {cell(sysctl)}")
    print(f"the ext4 floor of row 3 (1,000 dirs, 1,000 files, 2,000 links made from Python): "
          f"no durability {cell(floor['none'][0])}; with one syncfs: create "
          f"{cell(floor['syncfs'][0])} + syncfs {cell(floor['syncfs'][1])}")
    print(f"checks: tree equal to yip's (50 services): "
          f"{'skipped, no ' + YIP if same_yip is None else ('yes' if same_yip else 'NO')}; "
          f"links equal to systemctl --root's (1,000): {'yes' if same_systemctl else 'NO'}; "
          f"example run changed nothing: {'yes' if unchanged else 'NO'}")
    if same_yip is False or not same_systemctl or not unchanged:
        sys.exit(1)


if __name__ == "__main__":
    main()
