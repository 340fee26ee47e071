#!/usr/bin/env python3
"""Fails, naming FILE:LINE, on an #include under plugin/ against the layer
order written in plugin/LAYERS.

Product code includes only its own module and the layers before it. A test
(*_test.cc) links the whole library and may exercise several layers
together: it may include any module. "support/..." (tests/support) is for
tests only. A directory under plugin/ missing from LAYERS is an error, so a
new module has to be placed in the order."""
import os
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def main():
    top = pathlib.Path(__file__).resolve().parent.parent
    plugin = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else top / "plugin"
    rank = {}
    for number, line in enumerate((plugin / "LAYERS").read_text().splitlines()):
        line = line.split("#", 1)[0]
        for module in line.split():
            rank[module] = number
    problems = []
    for path in sorted(plugin.rglob("*")):
        if path.suffix not in (".h", ".cc", ".in") or not path.is_file():
            continue
        module = path.relative_to(plugin).parts[0]
        shown = os.path.relpath(path)
        if module not in rank:
            problems.append(f"{shown}:1: module {module}/ is not in {os.path.relpath(plugin / 'LAYERS')}")
            continue
        is_test = path.name.endswith("_test.cc")
        for number, text in enumerate(path.read_text().splitlines(), 1):
            match = INCLUDE.match(text)
            if not match:
                continue
            target = match.group(1).split("/", 1)[0] if "/" in match.group(1) else None
            if target is None or target == module:
                continue
            if target == "support":
                if not is_test:
                    problems.append(f"{shown}:{number}: {module}/ includes test support "
                                    f'"{match.group(1)}"')
                continue
            if target not in rank:
                problems.append(f'{shown}:{number}: "{match.group(1)}": {target}/ is not '
                                f"a module in LAYERS")
            elif not is_test and rank[target] >= rank[module]:
                where = "a sibling" if rank[target] == rank[module] else "a later layer"
                problems.append(f'{shown}:{number}: {module}/ includes "{match.group(1)}", '
                                f"{where} ({target}/) in LAYERS")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
