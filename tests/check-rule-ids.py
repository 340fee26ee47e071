#!/usr/bin/env python3
"""The rule ids of the code, of plugin/diag/rule_ids.h and of the rule table
of the documentation agree. Fails, naming FILE:LINE, on:
- an id the product code under plugin/ emits that kRuleIds does not hold;
- an id kRuleIds holds that the code no longer emits;
- an id kRuleIds holds that has no row in a rule table of RULE_TABLE.

An id is taken as emitted where it is a literal among the first five
arguments of a call that reports (error, warning, note, report, add, refuse,
skip_for_condition, emplace_back), is assigned to or compared with a `rule`,
or is a constant of a `namespace rules`."""
import fnmatch
import os
import pathlib
import re
import sys

# The documentation page holding the tables of rules (`| rule | severity |`).
RULE_TABLE = "doc/rules.md"

RULE = r'"([a-z0-9]+(?:-[a-z0-9]+)+)"'
EMITTER = re.compile(
    r"\b(?:error|warning|note|report|add|refuse|skip_for_condition|emplace_back)\s*\(")


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def arguments(text, start):
    """The (begin, end) of each top-level argument of the call whose
    argument list starts at `start` (just past its opening parenthesis)."""
    depth, i, begin, spans = 1, start, start, []
    while i < len(text) and depth:
        c = text[i]
        if c == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 1:
            spans.append((begin, i))
            begin = i + 1
        i += 1
    spans.append((begin, i - 1))
    return spans


def emitted(plugin):
    found = {}
    for path in sorted(plugin.rglob("*")):
        if path.suffix not in (".h", ".cc") or path.name.endswith("_test.cc"):
            continue
        if path.name == "rule_ids.h":
            continue
        # Comments blanked out, lengths kept so that offsets give lines.
        text = re.sub(r"//[^\n]*", lambda m: " " * len(m.group(0)), path.read_text())
        shown = os.path.relpath(path)

        def note(rule, offset):
            found.setdefault(rule, f"{shown}:{line_of(text, offset)}")

        for call in EMITTER.finditer(text):
            for begin, end in arguments(text, call.end())[:5]:
                for m in re.finditer(RULE, text[begin:end]):
                    note(m.group(1), begin + m.start())
        for m in re.finditer(r"\brule\s*(?:=|==|!=)\s*" + RULE, text):
            note(m.group(1), m.start())
        for block in re.finditer(r"namespace rules \{(.*?)\n\}", text, re.S):
            for m in re.finditer(r"=\s*" + RULE, block.group(1)):
                note(m.group(1), block.start(1) + m.start())
    return found


def listed(header):
    text = header.read_text()
    body = re.search(r"kRuleIds\[\] = \{(.*?)\};", text, re.S)
    return {m.group(1): line_of(text, body.start(1) + m.start())
            for m in re.finditer(RULE, body.group(1))}


def documented(page):
    """The ids of the rows of every rule table (one whose header starts
    `| rule |`): `a-b`, `-c` is a-b and a-c; `a-*` stands for every id
    starting a-."""
    ids, in_table = [], False
    for line in page.read_text().splitlines():
        if re.match(r"^\|\s*rule\s*\|", line):
            in_table = True
            continue
        if not in_table:
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        full = None
        for token in re.findall(r"`([^`]+)`", line.split("|")[1]):
            if token.startswith("-") and full:
                token = full.rsplit("-", 1)[0] + token
            else:
                full = token
            ids.append(token)
    return ids


def main():
    top = pathlib.Path(__file__).resolve().parent.parent
    os.chdir(top)
    header = pathlib.Path("plugin/diag/rule_ids.h")
    code, ids, table = emitted(pathlib.Path("plugin")), listed(header), documented(
        pathlib.Path(RULE_TABLE))
    if not table:
        print(f"{RULE_TABLE}: no rule table (a row starting `| rule |`)", file=sys.stderr)
        return 1
    problems = []
    for rule, where in sorted(code.items()):
        if rule not in ids:
            problems.append(f"{where}: rule id {rule} is not in {header}")
    for rule, line in sorted(ids.items()):
        if rule not in code:
            problems.append(f"{header}:{line}: rule id {rule} is emitted nowhere under plugin/")
        if not any(fnmatch.fnmatchcase(rule, row) for row in table):
            problems.append(f"{header}:{line}: rule id {rule} has no row in a rule table "
                            f"of {RULE_TABLE}")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(ids)} rule ids listed, {len(code)} emitted, {len(table)} rows' ids in "
          f"{RULE_TABLE}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
