#!/usr/bin/env python3
"""The documentation's links and the README's length.

Usage: check-docs.py [SOURCE_DIR]

Reads README.md and doc/*.md. Fails (exit 1), naming FILE:LINE, on a relative
link whose file or directory does not exist, on a `#anchor` that names no
heading of its file (GitHub's heading ids), on a README over 200 lines (it
is the front page, and the rest belongs in doc/), and on a package of the
README's `apt-get install` line that tests/setup-debian.sh (what CI installs)
does not name. Links to other sites are not followed; links inside code are
not links.
"""
import collections
import functools
import os
import re
import sys

README_MAX_LINES = 200
# Written on other branches of this round and linked from here before they are
# merged: a missing one is a note, not a failure. Remove an entry once it is
# in the tree (the check then says so).
PENDING = set()

LINK = re.compile(r"!?\[[^\]]*\]\(([^()\s]+)\)")
CODE_SPAN = re.compile(r"(`+).*?\1")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def slug(title):
    """GitHub's id for a heading: lower case, punctuation dropped, blanks as -."""
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)
    title = re.sub(r"[^\w\- ]", "", title.lower())
    return title.replace(" ", "-")


def prose_lines(path):
    """(line number, line, line without its code spans) of each line outside
    fenced code."""
    fence = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            stripped = line.lstrip()
            if fence:
                if stripped.startswith(fence):
                    fence = None
                continue
            if stripped.startswith(("```", "~~~")):
                fence = stripped[:3]
                continue
            line = line.rstrip("\n")
            yield n, line, CODE_SPAN.sub("", line)


@functools.lru_cache(maxsize=None)
def anchors(path):
    seen = collections.Counter()
    ids = set()
    for _, line, _ in prose_lines(path):
        m = HEADING.match(line)
        if not m:
            continue
        base = slug(m.group(2))
        ids.add(base if seen[base] == 0 else f"{base}-{seen[base]}")
        seen[base] += 1
    return ids


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), ".."))
    files = ["README.md"] + sorted(
        os.path.join("doc", f) for f in os.listdir(os.path.join(root, "doc")) if f.endswith(".md"))
    problems, notes, links = [], [], 0
    for rel in files:
        path = os.path.join(root, rel)
        for n, _, line in prose_lines(path):
            for target in LINK.findall(line):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
                    continue
                links += 1
                where = f"{rel}:{n}"
                file_part, _, anchor = target.partition("#")
                dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) \
                    if file_part else path
                dest_rel = os.path.relpath(dest, root)
                if not os.path.exists(dest):
                    if dest_rel in PENDING:
                        notes.append(f"{where}: {target}: not in this tree yet (another branch)")
                    else:
                        problems.append(f"{where}: {target}: no such file or directory")
                    continue
                if anchor:
                    if not dest.endswith(".md"):
                        problems.append(f"{where}: {target}: an anchor into a file that is not Markdown")
                    elif anchor not in anchors(dest):
                        problems.append(f"{where}: {target}: {dest_rel} has no heading #{anchor}")
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        readme = f.read().splitlines()
    lines = len(readme)
    with open(os.path.join(root, "tests", "setup-debian.sh"), encoding="utf-8") as f:
        installed = set(re.search(r'packages="([^"]*)"', f.read()).group(1).split())
    installs = [l.split()[2:] for l in readme if l.startswith("apt-get install ")]
    if len(installs) != 1:
        problems.append(f"README.md: {len(installs)} `apt-get install` lines, not one")
    for package in sum(installs, []):
        if package not in installed:
            problems.append(f"README.md: apt-get installs {package}, which tests/setup-debian.sh does not")
    if lines > README_MAX_LINES:
        problems.append(f"README.md: {lines} lines, more than {README_MAX_LINES}: move detail to doc/")
    for entry in sorted(PENDING):
        if os.path.exists(os.path.join(root, entry)):
            notes.append(f"{entry} is in the tree now: remove it from PENDING in {sys.argv[0]}")
    for note in notes:
        print(f"note: {note}")
    for problem in problems:
        print(f"FAIL {problem}")
    print(f"check-docs: {len(files)} files, {links} relative links, README {lines} lines, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
