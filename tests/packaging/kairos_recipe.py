#!/usr/bin/env python3
"""The Kairos recipe (examples/kairos/Dockerfile) works from a clone.

There is no container engine here, so the Dockerfile is read by a small
parser and its stages are emulated on this Debian 12 host:

- Parsing: comments and blank lines are dropped; a line ending in a
  backslash continues on the next one. Each instruction is a keyword and its
  arguments; `FROM IMAGE [AS NAME]` starts a stage. Only the shell form of
  RUN is understood (`RUN ["..."]` is rejected), and `ARG`/`ENV` are not
  substituted into RUN lines.
- The build stage (the one named `build`): `WORKDIR DIR` and `COPY SRC...
  DEST` are emulated in a temporary directory that stands for the stage's
  root: each SRC is taken from the clone's tracked files (`git ls-files`, as
  they are in the work tree), so a file the recipe needs but git does not
  track fails the test as it fails `docker build` from a fresh clone. Each
  RUN line runs with `/bin/sh -c` in WORKDIR. `apt-get` is checked, not run:
  a stand-in on PATH accepts `update` and, for `install`, requires each named
  package to be installed on this host (tests/setup-debian.sh installs them),
  so the test needs no network and changes no package.
- The result (the file the other stage copies with `COPY --from=build`) must
  be a static ELF (no PT_INTERP), stripped (no .symtab), at most 4 MiB, and
  `validate` the recipe's configuration with exit status 0.
- The other stage: a temporary root is built from the files its COPY lines
  put in the image, plus, from this host, the systemd targets that any Kairos
  base image has (multi-user.target, boot-complete.target). The stage's
  `RUN bootassess validate ...` line runs chrooted into it (the binary is
  static): it must pass, and fail, naming the unit's file:line:col, once the
  gated unit is taken out of the root.

A full Release build takes minutes: its result is kept in
/var/cache/bootassess-tests/kairos-recipe/KEY/, KEY being a hash of the build
stage's instructions, the content of every file it copies and the versions of
the packages it installs; a later run with the same inputs only checks.
KAIROS_RECIPE_NO_CACHE=1 builds anyway.

Usage: kairos_recipe.py SOURCE_DIR     (exit 77: skipped, with one line why)
"""
import hashlib
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time

BUDGET = 4 * 1024 * 1024
CACHE = "/var/cache/bootassess-tests/kairos-recipe"
RECIPE = "examples/kairos/Dockerfile"
BUILD_STAGE = "build"
BASE_UNITS = ("multi-user.target", "boot-complete.target")

APT_STAND_IN = """#!/bin/sh
# apt-get, checked rather than run (see kairos_recipe.py).
case $1 in
  update) exit 0 ;;
  install) shift ;;
  *) echo "apt-get $1: not emulated" >&2; exit 1 ;;
esac
status=0
for p in "$@"; do
  case $p in -*) continue ;; esac
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    echo "apt-get install: $p is not installed on this host (tests/setup-debian.sh)" >&2
    status=1
  fi
done
exit $status
"""


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def skip(message):
    print(f"skipped: {message}")
    sys.exit(77)


def parse(text):
    """The Dockerfile's stages: [{name, base, instructions: [(keyword, args, line)]}]."""
    stages = []
    logical, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not logical and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if logical and line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if not logical:
            start = number
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        logical += line
        keyword, _, args = logical.strip().partition(" ")
        keyword, args = keyword.upper(), args.strip()
        logical = ""
        if keyword == "FROM":
            words = args.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append({"name": name, "base": words[0], "instructions": []})
        elif stages:
            stages[-1]["instructions"].append((keyword, args, start))
    if logical:
        fail(f"{RECIPE}: a continued line at the end of the file")
    return stages


def stage_named(stages, name):
    for stage in stages:
        if stage["name"] == name:
            return stage
    fail(f"{RECIPE}: no stage named {name}")
    return None


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


def tracked_files(source_dir):
    out = run(["git", "-C", source_dir, "ls-files", "-z"])
    if out.returncode != 0:
        skip("not a git checkout")
    return sorted(f for f in out.stdout.split("\0") if f)


def copy_sources(args):
    """A COPY's sources and destination (options such as --chmod are not
    used by the recipe and are refused)."""
    words = shlex.split(args)
    if not words or words[0].startswith("--") and not words[0].startswith("--from="):
        fail(f"{RECIPE}: COPY {args}: not emulated")
    return words[:-1], words[-1]


def tracked_under(files, source):
    """The tracked files a COPY source names, as (path in the clone, path below it)."""
    source = source.rstrip("/")
    if source in (".", ""):
        return [(f, f) for f in files]
    if source in files:
        return [(source, os.path.basename(source))]
    prefix = source + "/"
    matches = [(f, f[len(prefix):]) for f in files if f.startswith(prefix)]
    if not matches:
        fail(f"{RECIPE}: COPY {source}: no tracked file there (docker build from a clone fails)")
    return matches


def place(source_dir, pairs, destination, into_directory):
    """Copies `pairs` as COPY does: into `destination` when it is a
    directory (or ends in /), else as it."""
    for path, below in pairs:
        target = os.path.join(destination, below) if into_directory else destination
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(source_dir, path), target)


def in_root(root, workdir, path):
    """`path` of a stage (relative to WORKDIR or absolute) below `root`."""
    return os.path.join(root, os.path.normpath(os.path.join(workdir, path)).lstrip("/"))


def build_inputs(source_dir, stage, files):
    """Each COPY's (pairs, destination, into_directory) and the cache key."""
    digest = hashlib.sha256()
    workdir, copies = "/", []
    for keyword, args, _ in stage["instructions"]:
        digest.update(f"{keyword} {args}\n".encode())
        if keyword == "WORKDIR":
            workdir = os.path.join(workdir, args)
        elif keyword == "COPY":
            sources, destination = copy_sources(args)
            pairs = [p for s in sources for p in tracked_under(files, s)]
            for path, _ in sorted(pairs):
                with open(os.path.join(source_dir, path), "rb") as f:
                    digest.update(path.encode() + b"\0" + hashlib.sha256(f.read()).digest())
            copies.append((workdir, pairs, destination,
                           destination.endswith("/") or len(sources) > 1 or
                           any(os.path.isdir(os.path.join(source_dir, s)) for s in sources)))
        elif keyword == "RUN" and "apt-get" in args:
            packages = [w for w in shlex.split(args.replace("&&", " ")) if
                        w not in ("apt-get", "install", "update") and not w.startswith("-") and
                        "=" not in w]
            versions = run(["dpkg-query", "-W", "-f=${Package} ${Version}\n"] + packages)
            digest.update(versions.stdout.encode())
    return copies, digest.hexdigest()[:24]


def build(source_dir, stage, copies, work):
    """Runs the build stage in `work` (its root); returns its root."""
    root = os.path.join(work, "stage")
    os.makedirs(root)
    shims = os.path.join(work, "shims")
    os.makedirs(shims)
    with open(os.path.join(shims, "apt-get"), "w") as f:
        f.write(APT_STAND_IN)
    os.chmod(os.path.join(shims, "apt-get"), 0o755)
    env = dict(os.environ, PATH=shims + ":" + os.environ.get("PATH", "/usr/bin:/bin"))
    workdir, copy_index = "/", 0
    for keyword, args, line in stage["instructions"]:
        if keyword == "WORKDIR":
            workdir = os.path.join(workdir, args)
            os.makedirs(in_root(root, workdir, "."), exist_ok=True)
        elif keyword == "COPY":
            _, pairs, destination, into = copies[copy_index]
            copy_index += 1
            place(source_dir, pairs, in_root(root, workdir, destination), into)
        elif keyword == "RUN":
            if args.startswith("["):
                fail(f"{RECIPE}:{line}: the exec form of RUN is not emulated")
            print(f"{RECIPE}:{line}: RUN {args}", flush=True)
            done = subprocess.run(["/bin/sh", "-c", args], cwd=in_root(root, workdir, "."),
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True)
            if done.returncode != 0:
                print(done.stdout[-6000:], file=sys.stderr)
                fail(f"{RECIPE}:{line}: RUN exited {done.returncode}")
        elif keyword not in ("ENV", "ARG", "LABEL"):
            fail(f"{RECIPE}:{line}: {keyword} in the build stage is not emulated")
    return root


def check_binary(binary, source_dir):
    size = os.stat(binary).st_size
    program_headers = run(["readelf", "-lW", binary]).stdout
    if "INTERP" in program_headers:
        fail(f"{binary} has a program interpreter")
    sections = run(["readelf", "-SW", binary]).stdout
    if ".symtab" in sections:
        fail(f"{binary} is not stripped: it has a .symtab")
    if size > BUDGET:
        fail(f"{binary} is {size} bytes, over 4 MiB")
    examples = os.path.join(source_dir, "examples/kairos")
    done = run([binary, "validate", os.path.join(examples, "bootassess.d"),
                os.path.join(examples, "90_bootassess.yaml")])
    if done.returncode != 0:
        fail(f"validate of examples/kairos exited {done.returncode}:\n{done.stdout}{done.stderr}")
    print(f"static (no PT_INTERP), stripped (no .symtab), {size} bytes (budget {BUDGET});"
          " validates examples/kairos")


def image_root(source_dir, stage, files, binary, work):
    """A root holding what the image stage copies; returns it and the
    validate command line (its RUN)."""
    root = os.path.join(work, "image")
    for unit in BASE_UNITS:
        target = os.path.join(root, "usr/lib/systemd/system", unit)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy(os.path.join("/usr/lib/systemd/system", unit), target)
    workdir, validate = "/", None
    for keyword, args, line in stage["instructions"]:
        if keyword == "WORKDIR":
            workdir = os.path.join(workdir, args)
        elif keyword == "COPY":
            sources, destination = copy_sources(args)
            if sources[0].startswith("--from="):
                target = in_root(root, workdir, destination)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy2(binary, target)
                continue
            pairs = [p for s in sources for p in tracked_under(files, s)]
            into = destination.endswith("/") or any(
                os.path.isdir(os.path.join(source_dir, s)) for s in sources)
            place(source_dir, pairs, in_root(root, workdir, destination), into)
        elif keyword == "RUN" and "bootassess validate" in args:
            validate = (shlex.split(args), line)
    if validate is None:
        fail(f"{RECIPE}: the image stage has no RUN of bootassess validate")
    return root, validate


def chrooted(root, argv):
    return run(["chroot", root] + argv)


def check_image_stage(source_dir, stage, files, binary, work):
    root, (argv, line) = image_root(source_dir, stage, files, binary, work)
    if any(w in ("&&", "||", ";", "|") for w in argv):
        fail(f"{RECIPE}:{line}: the validate RUN must be one command")
    done = chrooted(root, argv)
    if done.returncode != 0:
        fail(f"{RECIPE}:{line}: {' '.join(argv)} exited {done.returncode} in the image root:\n"
             f"{done.stdout}{done.stderr}")
    print(f"{RECIPE}:{line}: {' '.join(argv)}: exit 0 in the image root")
    # The gated unit taken out of the image: the same command must fail and
    # name the unit where the configuration names it.
    removed = 0
    for directory in ("usr/lib/systemd/system", "etc/systemd/system"):
        d = os.path.join(root, directory)
        for name in os.listdir(d) if os.path.isdir(d) else []:
            if name.endswith(".service") and name != "bootassess-report.service":
                os.remove(os.path.join(d, name))
                removed += 1
    if removed == 0:
        fail("the image stage copies no service to gate")
    done = chrooted(root, argv)
    out = done.stdout + done.stderr
    if done.returncode != 1 or "[boot-assessment-unit-missing]" not in out:
        fail(f"without the gated unit, {' '.join(argv)} exited {done.returncode}:\n{out}")
    wanted = [l for l in out.splitlines() if l.endswith("[boot-assessment-unit-missing]")]
    position = wanted[0].split(": error:")[0]
    file_name, line_number, column = position.rsplit(":", 2)
    with open(os.path.join(root, file_name.lstrip("/"))) as f:
        named = f.read().splitlines()[int(line_number) - 1][int(column) - 1:]
    if not named.startswith(wanted[0].split(": error: ")[1].split()[0]):
        fail(f"{position} does not point at the unit: {named!r}")
    print(f"without the gated unit: exit 1, {wanted[0]}")


def main():
    if len(sys.argv) != 2:
        fail("usage: kairos_recipe.py SOURCE_DIR")
    source_dir = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        skip("chroot into the image root needs root")
    if shutil.which("git") is None:
        skip("no git")
    files = tracked_files(source_dir)
    if RECIPE not in files:
        fail(f"{RECIPE} is not tracked")
    with open(os.path.join(source_dir, RECIPE)) as f:
        stages = parse(f.read())
    build_stage = stage_named(stages, BUILD_STAGE)
    if not build_stage["base"].startswith("debian:12"):
        fail(f"the build stage is FROM {build_stage['base']}, not debian:12")
    image_stage = stages[-1]
    copies, key = build_inputs(source_dir, build_stage, files)

    froms = [args for keyword, args, _ in image_stage["instructions"]
             if keyword == "COPY" and args.startswith(f"--from={BUILD_STAGE} ")]
    if len(froms) != 1:
        fail(f"the image stage must COPY --from={BUILD_STAGE} the binary once")
    built_path = shlex.split(froms[0])[1]

    cache_dir = os.path.join(CACHE, key)
    cached = os.path.join(cache_dir, "bootassess")
    with tempfile.TemporaryDirectory() as work:
        started = time.monotonic()
        binary = os.path.join(work, "bootassess")
        hit = False
        if not os.environ.get("KAIROS_RECIPE_NO_CACHE"):
            try:
                # A copy: another checkout's run may replace the cache meanwhile.
                shutil.copy2(cached, binary)
                hit = True
                print(f"build stage: inputs unchanged, {cached}")
            except FileNotFoundError:
                pass
        if not hit:
            stage_root = build(source_dir, build_stage, copies, work)
            built = in_root(stage_root, "/", built_path)
            if not os.path.isfile(built):
                fail(f"the build stage left no {built_path}")
            shutil.copy2(built, binary)
            try:
                if os.path.isdir(CACHE):
                    for old in os.listdir(CACHE):  # one entry: the latest inputs
                        shutil.rmtree(os.path.join(CACHE, old), ignore_errors=True)
                os.makedirs(cache_dir, exist_ok=True)
                shutil.copy2(binary, cached + ".new")
                os.replace(cached + ".new", cached)
            except OSError as e:
                print(f"note: not cached: {e}")
            print(f"build stage: {time.monotonic() - started:.0f} s")
        check_binary(binary, source_dir)
        check_image_stage(source_dir, image_stage, files, binary, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
