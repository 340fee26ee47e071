#!/usr/bin/env python3
"""Differential suite: the real yip against bootassess, on twin roots.

For each case in cases/, each boot mode and each umask, two roots get the same
seed tree; yip runs chrooted in one (`chroot ROOT /yip -s STAGE SOURCE...`),
`bootassess apply --root` on the other, and the two trees are compared whole:
type, path, mode, owner, content, link target, plus both exit statuses. The
result must match the case's `expect` file: `equal`, or exactly the listed
differences (a documented divergence, with the documentation row it comes from:
`doc: FILE, where, "quoted text"`; the quoted text, in pieces separated by `...`,
must be in FILE, so a row that moves or changes fails the case).

Usage: yipdiff.py BOOTASSESS [--yip PATH] [--jobs N] [--case NAME]... [--show]
Exit status: 0 all cases as expected, 1 some case not, 77 skipped (no yip, not root).
"""
import argparse
import fnmatch
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SKIP = 77
MODES = ["active", "passive", "recovery", "autoreset", "live"]
UMASKS = [0o022, 0o027]
# Read-only bind mounts that give the root a /bin/sh and a systemctl.
BINDS = [
    ("/usr/bin", "usr/bin"),
    ("/usr/sbin", "usr/sbin"),
    ("/usr/lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu"),
    ("/usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu"),
    ("/usr/lib64", "usr/lib64"),
    ("/usr/lib64", "lib64"),
    ("/dev", "dev"),
    ("/proc", "proc"),
    ("/sys", "sys"),
]
MOUNTS = {m for _, m in BINDS}
# Never compared: the mount points, the yip binary and the sources.
EXCLUDED = MOUNTS | {"yip", "src"}
# Directories that hold mount points: kept (not removed) between runs.
KEPT = {"usr", "usr/lib", "lib"}
CLEAN_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}


def skip(message):
    print(f"yipdiff: skipped: {message}")
    sys.exit(SKIP)


# ---------------------------------------------------------------- cases


class Expectation:
    """One line of an `expect` file: [mode=M,..] [umask=U,..] PATH ATTR [yip=V bootassess=V].

    PATH is a glob; the values, when given, must be exactly those seen."""

    def __init__(self, line, where):
        self.where = where
        self.mode = self.umask = None
        self.values = None
        tokens = line.split()
        while tokens and "=" in tokens[0] and tokens[0].split("=")[0] in ("mode", "umask"):
            key, value = tokens.pop(0).split("=", 1)
            setattr(self, key, value)
        if len(tokens) not in (2, 4):
            raise ValueError(f"{where}: expected `PATH ATTR [yip=V bootassess=V]`")
        self.path, self.attr = tokens[0], tokens[1]
        if len(tokens) == 4:
            if not tokens[2].startswith("yip=") or not tokens[3].startswith("bootassess="):
                raise ValueError(f"{where}: values are `yip=V bootassess=V`")
            self.values = (tokens[2][4:], tokens[3][11:])

    def applies(self, mode, umask):
        return (self.mode is None or mode in self.mode.split(",")) and (
            self.umask is None or f"{umask:03o}" in self.umask.split(","))

    def matches(self, diff):
        path, attr, a, b = diff
        if not fnmatch.fnmatchcase(path, self.path) or attr != self.attr:
            return False
        return self.values is None or self.values == (a, b)


def doc_reference(text, where):
    """`FILE, where in it, "quoted text" (comment)`: FILE (relative to the
    repository) must hold each `...`-separated piece of the quoted text, line
    breaks and runs of blanks counting as one blank."""
    name = text.split(",", 1)[0]
    quoted = re.search(r'"(.*?)"(?= \(|$)', text)
    if not quoted:
        raise ValueError(f'{where}: `doc: FILE, where, "quoted text"` has no quoted text')
    try:
        with open(os.path.join(REPO, name)) as f:
            body = " ".join(f.read().split())
    except OSError as e:
        raise ValueError(f"{where}: {name}: {e.strerror}")
    for piece in quoted.group(1).split("..."):
        piece = " ".join(piece.split())
        if piece and piece not in body:
            raise ValueError(f"{where}: {name} does not say: {piece}")
    return text


class Case:
    def __init__(self, name, directory):
        self.name = name
        self.dir = directory
        self.stage = "initramfs"
        self.equal = False
        self.expected = []
        self.docs = []
        self.labels = []
        self.sources = []  # (name inside the root, file to copy)
        path = os.path.join(directory, "expect")
        with open(path) as f:
            lines = f.read().splitlines()
        for n, raw in enumerate(lines, 1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#"):
                continue
            if line == "equal":
                self.equal = True
            elif line.startswith("doc:"):
                self.docs.append(doc_reference(line[4:].strip(), f"{path}:{n}"))
            elif line.startswith("label:"):
                self.labels.append(line[6:].strip())
            else:
                self.expected.append(Expectation(line, f"{path}:{n}"))
        if self.equal == bool(self.expected):
            raise ValueError(f"{path}: either `equal` or a list of differences")
        if self.expected and not self.docs and not self.labels:
            raise ValueError(f"{path}: a difference needs a `doc:` row or a `label:`")
        # How many times both tools run, one after the other, before the trees
        # are compared (a second run over what the first wrote).
        self.runs = 1
        runs_file = os.path.join(directory, "runs")
        if os.path.exists(runs_file):
            with open(runs_file) as f:
                self.runs = int(f.read().strip())
        stage_file = os.path.join(directory, "stage")
        if os.path.exists(stage_file):
            with open(stage_file) as f:
                self.stage = f.read().strip()
        from_file = os.path.join(directory, "from")
        if os.path.exists(from_file):
            with open(from_file) as f:
                for rel in f.read().split():
                    self.sources.append((os.path.basename(rel), os.path.join(REPO, rel)))
        for entry in sorted(os.listdir(directory)):
            full = os.path.join(directory, entry)
            if entry.endswith((".yaml", ".yml")) or (os.path.isdir(full) and entry.endswith(".d")):
                self.sources.append((entry, full))
        if not self.sources:
            raise ValueError(f"{directory}: no source (*.yaml, *.d/ or `from`)")
        self.setup = os.path.join(directory, "setup.sh")
        if not os.path.exists(self.setup):
            self.setup = None


def load_cases(names):
    root = os.path.join(HERE, "cases")
    cases = []
    for name in sorted(os.listdir(root)):
        if names and name not in names:
            continue
        cases.append(Case(name, os.path.join(root, name)))
    return cases


# ---------------------------------------------------------------- roots


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def make_skeleton(path):
    """The seed tree every run starts from (without the mount points)."""
    os.umask(0o022)
    for d in ("lib", "usr/lib", "etc/systemd/system", "usr/lib/systemd/system", "run/cos", "tmp", "root", "srv",
              "var/lib", "opt"):
        os.makedirs(os.path.join(path, d), exist_ok=True)
    os.chmod(os.path.join(path, "tmp"), 0o1777)
    os.chmod(os.path.join(path, "root"), 0o700)
    os.symlink("usr/bin", os.path.join(path, "bin"))
    os.symlink("usr/sbin", os.path.join(path, "sbin"))
    files = {
        "etc/passwd": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n"
                      "www:x:33:33::/var/www:/bin/sh\n",
        "etc/group": "root:x:0:\napp:x:1001:\nstaff:x:50:\nwww:x:33:\n",
        "etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n'
                          'VERSION_ID="12"\n',
    }
    units = {
        "myapp.service": "[Unit]\nDescription=myapp\n[Service]\nExecStart=/bin/true\n"
                         "[Install]\nWantedBy=multi-user.target\n",
        "other.service": "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n",
        "k3s.service": "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n",
        "health-check.service": "[Service]\nExecStart=/bin/true\n[Install]\n"
                                "WantedBy=multi-user.target\n",
        "plain.service": "[Service]\nExecStart=/bin/true\n",
        "tpl@.service": "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n"
                        "DefaultInstance=def\n",
        "foo.socket": "[Socket]\nListenStream=/run/foo.sock\n[Install]\nWantedBy=sockets.target\n",
        "foo.service": "[Service]\nExecStart=/bin/true\n",
        "aliased.service": "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n"
                           "Alias=alias-name.service\n",
        "multi-user.target": "[Unit]\nDescription=Multi-User System\n",
        "sockets.target": "[Unit]\nDescription=Sockets\n",
        "boot-complete.target": "[Unit]\nDescription=Boot Completion Check\n",
    }
    for unit, text in units.items():
        files[f"usr/lib/systemd/system/{unit}"] = text
    for rel, text in files.items():
        with open(os.path.join(path, rel), "w") as f:
            f.write(text)


def snapshot(path):
    """The skeleton as a list of entries, parents first, to recreate it without forking."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for name in sorted(dirnames) + sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, path)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                entries.append((rel, "link", 0, os.readlink(full)))
            elif stat.S_ISDIR(st.st_mode):
                entries.append((rel, "dir", stat.S_IMODE(st.st_mode), None))
            else:
                with open(full, "rb") as f:
                    entries.append((rel, "file", stat.S_IMODE(st.st_mode), f.read()))
    return entries


def materialize(entries, root):
    for rel, kind, mode, data in entries:
        full = os.path.join(root, rel)
        if kind == "link":
            os.symlink(data, full)
            continue
        if kind == "dir":
            if not os.path.isdir(full):
                os.mkdir(full)
        else:
            with open(full, "wb") as f:
                f.write(data)
        os.chown(full, 0, 0)
        os.chmod(full, mode)


def mount_binds(root):
    for src, rel in BINDS:
        target = os.path.join(root, rel)
        run(["mount", "--bind", src, target])
        run(["mount", "-o", "remount,bind,ro", target])


def clean_root(root, rel=""):
    """Removes everything but the mount points and the directories holding them."""
    here = os.path.join(root, rel)
    for entry in os.listdir(here):
        sub = os.path.join(rel, entry) if rel else entry
        full = os.path.join(root, sub)
        if sub in MOUNTS or sub == "yip":
            continue
        if sub in KEPT and not os.path.islink(full) and os.path.isdir(full):
            clean_root(root, sub)
            continue
        if os.path.isdir(full) and not os.path.islink(full):
            # A case may leave directories without write or search permission.
            for dirpath, dirnames, _ in os.walk(full):
                for d in dirnames:
                    p = os.path.join(dirpath, d)
                    if not os.path.islink(p):
                        os.chmod(p, 0o700)
            os.chmod(full, 0o700)
            shutil.rmtree(full)
        else:
            os.unlink(full)


# ---------------------------------------------------------------- trees


def describe(path):
    st = os.lstat(path)
    kind = stat.S_IFMT(st.st_mode)
    info = {"mode": f"{stat.S_IMODE(st.st_mode):04o}", "owner": f"{st.st_uid}:{st.st_gid}"}
    if stat.S_ISDIR(st.st_mode):
        info["type"] = "dir"
    elif stat.S_ISLNK(st.st_mode):
        info["type"] = "link"
        info["target"] = os.readlink(path)
        del info["mode"]
    elif stat.S_ISREG(st.st_mode):
        info["type"] = "file"
        with open(path, "rb") as f:
            data = f.read()
        info["content"] = show_content(data)
    else:
        info["type"] = f"other:{kind:o}"
    return info


def show_content(data):
    if len(data) <= 48:
        return repr(data)[1:].replace(" ", "\\x20")
    return f"sha256:{hashlib.sha256(data).hexdigest()[:16]}({len(data)}B)"


def tree(root):
    out = {}

    def walk(rel):
        full = os.path.join(root, rel) if rel else root
        for entry in sorted(os.listdir(full)):
            sub = os.path.join(rel, entry) if rel else entry
            if sub in EXCLUDED:
                continue
            p = os.path.join(root, sub)
            out["/" + sub] = describe(p)
            if out["/" + sub]["type"] == "dir":
                walk(sub)

    out["/"] = describe(root)
    walk("")
    return out


def compare(a, b, status_a, status_b):
    diffs = []
    if status_a != status_b:
        diffs.append((":exit", "status", str(status_a), str(status_b)))
    for path in sorted(set(a) | set(b)):
        if path not in b:
            diffs.append((path, "exists", "yes", "no"))
        elif path not in a:
            diffs.append((path, "exists", "no", "yes"))
        else:
            for attr in ("type", "mode", "owner", "target", "content"):
                va, vb = a[path].get(attr, "-"), b[path].get(attr, "-")
                if va != vb:
                    diffs.append((path, attr, va, vb))
                    if attr == "type":
                        break
    return diffs


# ---------------------------------------------------------------- runs


class Worker:
    def __init__(self, base, index, skeleton, args):
        self.yroot = os.path.join(base, f"yip{index}")
        self.broot = os.path.join(base, f"ba{index}")
        self.skeleton = skeleton
        self.args = args
        for root in (self.yroot, self.broot):
            os.makedirs(root)
            materialize(skeleton, root)
            for m in sorted(MOUNTS):
                os.makedirs(os.path.join(root, m), exist_ok=True)
            mount_binds(root)
        shutil.copyfile(args.yip, os.path.join(self.yroot, "yip"))
        os.chmod(os.path.join(self.yroot, "yip"), 0o755)

    def prepare(self, root, case, mode):
        clean_root(root)
        os.chmod(root, 0o755)
        os.chown(root, 0, 0)
        materialize(self.skeleton, root)
        with open(os.path.join(root, "run/cos", f"{mode}_mode"), "w") as f:
            f.write("1")
        if case.setup:
            run(["sh", "-e", case.setup], cwd=root, env=dict(CLEAN_ENV, ROOT=root, MODE=mode))
        os.makedirs(os.path.join(root, "src"))
        for name, source in case.sources:
            dest = os.path.join(root, "src", name)
            if os.path.isdir(source):
                shutil.copytree(source, dest)
            else:
                shutil.copyfile(source, dest)

    def run_case(self, case, mode, umask):
        self.prepare(self.yroot, case, mode)
        self.prepare(self.broot, case, mode)
        sources = [f"src/{name}" for name, _ in case.sources]
        for _ in range(case.runs):
            y = subprocess.run(["chroot", self.yroot, "/yip", "-s", case.stage] + sources,
                               env=CLEAN_ENV, umask=umask, capture_output=True, text=True,
                               errors="replace")
            b = subprocess.run([self.args.bootassess, "apply", "-s", case.stage, "--root",
                                self.broot, "--counting", "uncounted"] + sources, cwd=self.broot,
                               env=CLEAN_ENV, umask=umask, capture_output=True, text=True,
                               errors="replace")
        diffs = compare(tree(self.yroot), tree(self.broot), y.returncode, b.returncode)
        return diffs, y, b


def check(case, mode, umask, diffs):
    """The problems of one run against the case's expectation ([] when as expected)."""
    expected = [e for e in case.expected if e.applies(mode, umask)]
    problems = []
    for d in diffs:
        if not any(e.matches(d) for e in expected):
            problems.append("unexpected difference: " + " ".join(d_fmt(d)))
    for e in expected:
        if not any(e.matches(d) for d in diffs):
            problems.append(f"documented difference vanished: {e.where}: {e.path} {e.attr}"
                            + (f" yip={e.values[0]} bootassess={e.values[1]}" if e.values else ""))
    return problems


def d_fmt(d):
    path, attr, a, b = d
    return [path, attr, f"yip={a}", f"bootassess={b}"]


def record(case, results):
    """The differences of a case as `expect` lines, qualified where they depend on mode or umask."""
    seen = {}
    for mode in MODES:
        for umask in UMASKS:
            for d in results[(case.name, mode, umask)][0]:
                seen.setdefault(d, set()).add((mode, umask))
    lines = []
    for d, where in seen.items():
        modes = [m for m in MODES if any((m, u) in where for u in UMASKS)]
        umasks = [u for u in UMASKS if any((m, u) in where for m in MODES)]
        if len(where) != len(modes) * len(umasks):
            for m, u in sorted(where):
                lines.append(f"mode={m} umask={u:03o} " + " ".join(d_fmt(d)))
            continue
        q = "" if len(modes) == len(MODES) else "mode=" + ",".join(modes) + " "
        q += "" if len(umasks) == len(UMASKS) else "umask=" + ",".join(f"{u:03o}" for u in umasks) + " "
        lines.append(q + " ".join(d_fmt(d)))
    return sorted(lines, key=lambda l: l.split(" yip=")[0].split()[-2])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootassess")
    parser.add_argument("--yip", default=os.path.join(REPO, "..", "shared", "tools", "yip", "yip"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--case", action="append", default=[])
    parser.add_argument("--show", action="store_true", help="print every difference seen")
    parser.add_argument("--record", action="store_true",
                        help="print the differences seen as `expect` lines, per case")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.yip = os.path.abspath(args.yip)
    args.bootassess = os.path.abspath(args.bootassess)

    if not os.path.exists(args.yip):
        skip(f"no yip oracle at {os.path.normpath(args.yip)}")
    if os.geteuid() != 0:
        skip("needs root (chroot and bind mounts)")
    if not args.inner:
        # A private mount namespace: the bind mounts vanish with it.
        for tool in ("unshare", "chroot", "mount"):
            if shutil.which(tool) is None:
                skip(f"no {tool}")
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                               capture_output=True)
        if probe.returncode != 0:
            skip("cannot make a private mount namespace")
        os.execvp("unshare", ["unshare", "-m", "--propagation", "private", sys.executable,
                              os.path.abspath(__file__), "--inner"] + sys.argv[1:])

    started = time.monotonic()
    cases = load_cases(set(args.case))
    # tmpfs when there is one: bootassess fsyncs what it writes.
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    base = tempfile.mkdtemp(prefix="yipdiff.", dir=shm)
    try:
        os.chmod(base, 0o755)
        skeleton = os.path.join(base, "skeleton")
        make_skeleton(skeleton)
        skeleton = snapshot(skeleton)
        jobs = [(c, m, u) for c in cases for m in MODES for u in UMASKS]
        results = {}
        lock = threading.Lock()
        errors = []

        def work(index):
            try:
                worker = Worker(base, index, skeleton, args)
                while True:
                    with lock:
                        if not jobs:
                            return
                        job = jobs.pop(0)
                    diffs, y, b = worker.run_case(*job)
                    with lock:
                        results[(job[0].name, job[1], job[2])] = (diffs, y, b)
            except Exception as e:  # noqa: BLE001 - reported below, fails the suite
                with lock:
                    errors.append(f"worker {index}: {e!r}")
                    jobs.clear()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(max(1, args.jobs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        # Unmounted one by one; the scratch tree is removed only when no mount
        # is left under it.
        for name in os.listdir(base):
            if name == "skeleton":
                continue
            for _, rel in reversed(BINDS):
                subprocess.run(["umount", os.path.join(base, name, rel)], capture_output=True)
        with open("/proc/self/mountinfo") as f:
            left = [line for line in f if f" {base}/" in line]
        if left:
            print(f"yipdiff: {len(left)} mounts left under {base}; not removed")
        else:
            shutil.rmtree(base, ignore_errors=True)

    if errors:
        for e in errors:
            print("yipdiff: error:", e)
        return 1

    failed = []
    equal = 0
    for case in cases:
        for mode in MODES:
            for umask in UMASKS:
                diffs, y, b = results[(case.name, mode, umask)]
                if not diffs:
                    equal += 1
                label = f"{case.name} [{mode}, umask {umask:03o}]"
                if args.show and diffs:
                    for d in diffs:
                        print(f"{label}: {' '.join(d_fmt(d))}")
                problems = check(case, mode, umask, diffs)
                if problems:
                    failed.append(label)
                    print(f"FAIL {label}")
                    for p in problems:
                        print("  " + p)
                    print("  yip stderr (last lines):")
                    for line in y.stderr.strip().splitlines()[-6:]:
                        print("    " + line[:300])
                    print("  bootassess stderr:")
                    for line in b.stderr.strip().splitlines()[-6:]:
                        print("    " + line[:300])

    if args.record:
        for case in cases:
            print(f"== {case.name}")
            for line in record(case, results):
                print(line)

    runs = len(cases) * len(MODES) * len(UMASKS)
    print(f"yipdiff: {len(cases)} cases x {len(MODES)} modes x {len(UMASKS)} umasks = {runs} "
          f"runs compared; {equal} left identical trees; {runs - len(failed)} as expected; "
          f"{len(failed)} not ({time.monotonic() - started:.1f} s)")
    documented = [c for c in cases if not c.equal]
    print(f"yipdiff: {len(documented)} cases assert a documented difference:")
    for c in documented:
        tags = "; ".join(c.labels + c.docs)
        print(f"  {c.name}: {tags}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
