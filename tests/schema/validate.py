#!/usr/bin/python3
"""Validates yip stage files against schema/bootassess.schema.json.

    validate.py [--schema FILE] [--yaml 1.1|1.2] [--json OUT] FILE...
    validate.py [--schema FILE] --check-schema

Each file's first YAML document (the only one yip reads) is turned into JSON
and checked with jsonschema's draft-07 validator. Prints one line per problem
(or per valid file) and exits 1 when a file is invalid, 2 on usage errors or
a broken schema. With --json, also writes every result to OUT (- for
standard output, which then carries nothing else) for tests/schema_test.cc,
which compares them with the loader's verdict.

--yaml picks how plain scalars become JSON values: 1.1 is PyYAML's own
resolution (0644 is octal 420, yes is true, 0o644 is a string); 1.2 is the
YAML 1.2 core schema that editors use (0644 is decimal 644, 0o644 is 420,
yes is a string). The schema has to be right under both.

Duplicate keys are errors (yaml.v3, and so yip, rejects them; PyYAML would
silently keep the last one), and a key is its text as written, as in yip.
"""

import argparse
import json
import re
import sys

import jsonschema
import yaml

INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MERGE = "tag:yaml.org,2002:merge"


class Core12Loader(yaml.SafeLoader):
    """PyYAML with the YAML 1.2 core schema's implicit scalar types."""


Core12Loader.yaml_implicit_resolvers = {}
for _tag, _regex, _first in [
    (BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    # Before float: both match "10", and the first resolver added wins.
    (INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (FLOAT, r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    (NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (MERGE, r"^(?:<<)$", "<"),
]:
    Core12Loader.add_implicit_resolver(_tag, re.compile(_regex), list(_first))


def core12_scalar(node):
    text = node.value
    if node.tag == NULL:
        return None
    if node.tag == BOOL:
        return text.lower() == "true"
    if node.tag == INT:
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)
    if node.tag == FLOAT:
        lowered = text.lower().lstrip("+")
        if lowered in (".inf", "-.inf", ".nan"):
            return text  # JSON has no infinity; no key here wants a float anyway
        return float(text)
    return None


class YamlProblem(Exception):
    def __init__(self, path, message):
        super().__init__(message)
        self.path = path
        self.message = message


class Converter:
    """YAML node graph -> JSON values, with yip's view of keys."""

    def __init__(self, loader, version):
        self.loader = loader
        self.version = version

    def convert(self, node, path):
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + [str(i)]) for i, item in enumerate(node.value)]
        return self.mapping(node, path)

    def scalar(self, node):
        if self.version == "1.2" and node.tag in (INT, FLOAT, BOOL, NULL):
            return core12_scalar(node)
        value = self.loader.construct_object(node)
        if isinstance(value, bytes):  # !!binary
            return value.decode("utf-8", "replace")
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        return node.value  # dates and the like: yip keeps the text

    def mapping(self, node, path):
        out = {}
        lines = {}
        merges = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                merges.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(path, "a key must be a plain name, not a list or a mapping")
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in lines:
                raise YamlProblem(path, "key %r on line %d is already defined on line %d"
                                  % (key, line, lines[key]))
            lines[key] = line
            out[key] = self.convert(value_node, path + [key])
        # `<<` merges: keys already present win, earlier merges before later ones.
        for merge in merges:
            sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise YamlProblem(path, "a `<<` merge needs a mapping or a list of mappings")
                for key, value in self.mapping(source, path).items():
                    out.setdefault(key, value)
        return out


def load_first_document(text, version):
    loader = (Core12Loader if version == "1.2" else yaml.SafeLoader)(text)
    try:
        node = loader.get_node() if loader.check_node() else None
        return None if node is None else Converter(loader, version).convert(node, [])
    finally:
        loader.dispose()


def scalar_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def leaf_errors(error):
    # Errors under anyOf/oneOf carry the real causes in their context.
    if not error.context:
        yield error
        return
    for sub in error.context:
        yield from leaf_errors(sub)


def check_file(validator, file, version):
    try:
        with open(file, encoding="utf-8") as f:
            text = f.read()
        document = load_first_document(text, version)
    except YamlProblem as e:
        return [{"path": e.path, "keyword": "yaml", "message": e.message,
                 "instance_type": "object", "instance": None}]
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as e:
        return [{"path": [], "keyword": "yaml", "message": " ".join(str(e).split()),
                 "instance_type": "null", "instance": None}]
    problems = []
    for error in validator.iter_errors(document):
        for leaf in leaf_errors(error):
            kind = scalar_type(leaf.instance)
            # The schema's own wording where it has one (the same text editors show).
            message = leaf.schema.get("errorMessage") if isinstance(leaf.schema, dict) else None
            if leaf.validator == "pattern":
                message = leaf.schema.get("patternErrorMessage", message)
            problems.append({
                "path": [str(p) for p in leaf.absolute_path],
                "keyword": leaf.validator,
                "message": message or leaf.message,
                "instance_type": kind,
                "instance": leaf.instance if kind not in ("array", "object") else None,
            })
    problems.sort(key=lambda p: (p["path"], p["keyword"]))
    return problems


ANNOTATIONS = {"description", "title", "$comment", "default", "examples",
               "markdownDescription", "deprecationMessage", "errorMessage"}


def lint_schema(schema):
    """What draft-07 allows but this schema must not do, as messages."""
    problems = []

    def resolve(node):
        while "$ref" in node:
            node = schema["definitions"][node["$ref"].rsplit("/", 1)[1]]
        return node

    def walk(node, where):
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, "%s/%d" % (where, i))
            return
        if not isinstance(node, dict):
            return
        if "$ref" in node and set(node) - ANNOTATIONS - {"$ref"}:
            # draft-07 ignores everything beside $ref; some editors do not.
            problems.append("%s: validation keywords beside $ref are ignored: %s"
                            % (where, sorted(set(node) - ANNOTATIONS - {"$ref"})))
        for name, sub in node.get("properties", {}).items():
            if where.endswith("/if") or where.endswith("/then"):
                continue
            if "description" not in sub and "description" not in resolve(sub):
                problems.append("%s/properties/%s: no description for editors" % (where, name))
        for key, value in node.items():
            if key not in ANNOTATIONS and key != "enum" and key != "const":
                walk(value, "%s/%s" % (where, key))

    walk(schema, "#")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schema", default=None)
    parser.add_argument("--yaml", choices=["1.1", "1.2"], default="1.1")
    parser.add_argument("--json", metavar="OUT")
    parser.add_argument("--check-schema", action="store_true")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()

    schema_file = args.schema
    if schema_file is None:
        import os
        here = os.path.dirname(os.path.abspath(__file__))
        schema_file = os.path.join(here, "..", "..", "schema", "bootassess.schema.json")
    with open(schema_file, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        jsonschema.Draft7Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        print("%s: not a draft-07 schema: %s" % (schema_file, e.message), file=sys.stderr)
        return 2
    lint = lint_schema(schema)
    for problem in lint:
        print("%s: %s" % (schema_file, problem), file=sys.stderr)
    if lint:
        return 2
    if args.check_schema:
        return 0

    validator = jsonschema.Draft7Validator(schema)
    results = []
    report = args.json != "-"
    for file in args.files:
        problems = check_file(validator, file, args.yaml)
        results.append({"file": file, "valid": not problems, "errors": problems})
        for p in problems if report else []:
            print("%s: /%s: %s" % (file, "/".join(p["path"]), p["message"]))
        if report and not problems:
            print("%s: valid" % file)
    if args.json:
        output = {"yaml": args.yaml, "results": results}
        if args.json == "-":
            json.dump(output, sys.stdout, indent=1)
            sys.stdout.write("\n")
        else:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(output, f, indent=1)
                f.write("\n")
    return 0 if all(r["valid"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
